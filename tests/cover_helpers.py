"""Records for cover tests: an employer with a placement, an absent-to-be mentor with
active assignments, and possible substitutes."""

from __future__ import annotations

from dataclasses import dataclass, field

from werkzeug.security import generate_password_hash

from web.models import Notification, Proposal, ProposalStatus, User
from web.models.base import WEEKDAYS

# One hash for every cover-test user: scrypt per user would dominate these tests' time.
_CHEAP_PW = generate_password_hash("pw", method="pbkdf2:sha256:1")

COPENHAGEN = {"town": "København", "lat": 55.6761, "lon": 12.5683}


def assign(db, participant, placement, mentor, hours=6, status=ProposalStatus.ACTIVE):
    p = Proposal(
        participant_id=participant.id,
        placement_id=placement.id,
        mentor_id=mentor.id,
        hours=hours,
        status=status,
    )
    if status == ProposalStatus.ACTIVE:
        participant.status = "active"
    db.session.add(p)
    db.session.commit()
    return p


@dataclass
class Scene:
    consultant: object
    employer: object
    employer_user: object
    placement: object
    mentor: object
    mentor_user: object
    colleague: object
    colleague_user: object
    external: object
    external_user: object
    participants: list = field(default_factory=list)
    assignments: list = field(default_factory=list)


def user(db, role, **kw) -> User:
    """A user whose password is "pw", without the cost of a real hash."""
    n = db.session.scalar(db.select(db.func.count()).select_from(User)) + 1
    u = User(
        email=f"cover-{role}{n}@example.dk",
        name=f"{role.title()} {n}",
        role=role,
        password_hash=_CHEAP_PW,
        **kw,
    )
    db.session.add(u)
    db.session.commit()
    return u


def scene(db, make, n=2) -> Scene:
    """One workplace: absent-to-be mentor with ``n`` participants, a colleague with room,
    an external support person nearby."""
    consultant = user(db, "consultant")
    emp = make.employer()
    employer_user = user(db, "employer", employer_id=emp.id)
    # Open and attended every day, so a test's absence needs cover whatever weekday it runs.
    placement = make.placement(emp, slots=10, days=list(WEEKDAYS))
    mentor_user, colleague_user, external_user = (user(db, "mentor") for _ in range(3))
    mentor = make.mentor(emp, mentor_user, capacity_hours=40, max_participants=10,
                         days=list(WEEKDAYS))  # supports every day the participants come
    colleague = make.mentor(emp, colleague_user, capacity_hours=20, max_participants=3)
    external = make.mentor(
        None, external_user, capacity_hours=20, max_participants=3, max_travel_km=30.0
    )
    s = Scene(
        consultant,
        emp,
        employer_user,
        placement,
        mentor,
        mentor_user,
        colleague,
        colleague_user,
        external,
        external_user,
    )
    for _ in range(n):
        p = make.participant(consultant, hours_min=4, hours_max=8, days=list(WEEKDAYS))
        s.participants.append(p)
        s.assignments.append(assign(db, p, placement, mentor, hours=6))
    return s


def notice_kinds(db, u) -> list[str]:
    """The kinds of the notices ``u`` has been sent, oldest first."""
    return list(db.session.scalars(
        db.select(Notification.kind).where(Notification.user_id == u.id)
        .order_by(Notification.id)))
