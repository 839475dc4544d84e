"""Build the substitute-cover problem (matching-model.md section 5) from the database.

Only ids leave the database, as in workers/problem.py. The file holds:
- the assignments to cover (the needs still searching), their participants and placements;
- every active mentor who is not absent on any day of the absence, with capacity_hours and
  max_participants already reduced by their own active assignments and by covers they hold
  (asked or confirmed) that overlap the absence, so the file stays small;
- ``known``: mentors who had an assignment or a confirmed cover with the participant before;
- ``excluded_mentors``: the participant's exclusions plus everyone who declined this need.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date

from sqlalchemy import select

from web.cover.service import weekdays_in
from web.extensions import db
from web.models import Exclusion, Mentor, Proposal, ProposalStatus
from web.models.cover import Absence, CoverNeed, CoverRequest, NeedStatus, RequestStatus
from workers.problem import lid, mid, pid


def _loc(row) -> dict:
    return {"lat": row.lat, "lon": row.lon}


def searching_needs(absence: Absence) -> list[CoverNeed]:
    return [n for n in absence.needs if n.status == NeedStatus.SEARCHING]


def _absent_ids(absence: Absence) -> set[int]:
    """Mentors away on at least one day of this absence (they cannot cover any of it)."""
    return set(
        db.session.scalars(
            select(Absence.mentor_id).where(
                Absence.withdrawn_at.is_(None),
                Absence.starts_on <= absence.ends_on,
                Absence.ends_on >= absence.starts_on,
            )
        )
    )


def _load(absence: Absence, absent: set[int]) -> tuple[Counter, Counter]:
    """Hours and participants each mentor already carries over the absence."""
    hours: Counter = Counter()
    people: Counter = Counter()
    for mentor_id, h in db.session.execute(
        select(Proposal.mentor_id, Proposal.hours).where(Proposal.status == ProposalStatus.ACTIVE)
    ):
        hours[mentor_id] += h
        people[mentor_id] += 1
    for mentor_id, h in db.session.execute(
        select(CoverRequest.substitute_id, CoverRequest.hours).where(
            CoverRequest.status.in_((RequestStatus.REQUESTED, RequestStatus.CONFIRMED)),
            CoverRequest.starts_on <= absence.ends_on,
            CoverRequest.ends_on >= absence.starts_on,
        )
    ):
        hours[mentor_id] += h
        people[mentor_id] += 1
    return hours, people


def _known(participant_ids: list[int], mentor_ids: set[int]) -> dict[str, list[str]]:
    """Mentors each participant already knows: earlier assignments and confirmed covers."""
    known: dict[int, set[int]] = defaultdict(set)
    for p_id, m_id in db.session.execute(
        select(Proposal.participant_id, Proposal.mentor_id).where(
            Proposal.participant_id.in_(participant_ids),
            Proposal.status.in_((ProposalStatus.ACTIVE, ProposalStatus.ENDED)),
        )
    ):
        known[p_id].add(m_id)
    for p_id, m_id in db.session.execute(
        select(Proposal.participant_id, CoverRequest.substitute_id)
        .join(Proposal, Proposal.id == CoverRequest.assignment_id)
        .where(
            Proposal.participant_id.in_(participant_ids),
            CoverRequest.status == RequestStatus.CONFIRMED,
        )
    ):
        known[p_id].add(m_id)
    return {
        pid(p): sorted(mid(m) for m in ms & mentor_ids)
        for p, ms in known.items()
        if ms & mentor_ids
    }


def _excluded(needs: list[CoverNeed], mentor_ids: set[int]) -> dict[int, set[str]]:
    """Per participant: their mentor exclusions and everyone who declined this cover."""
    out: dict[int, set[str]] = defaultdict(set)
    by_participant = {n.assignment.participant_id: n for n in needs}
    for ex in db.session.scalars(
        select(Exclusion).where(
            Exclusion.participant_id.in_(by_participant), Exclusion.mentor_id.is_not(None)
        )
    ):
        if ex.mentor_id in mentor_ids:
            out[ex.participant_id].add(mid(ex.mentor_id))
    for p_id, need in by_participant.items():
        out[p_id] |= {
            mid(r.substitute_id)
            for r in need.requests
            if r.status == RequestStatus.DECLINED and r.substitute_id in mentor_ids
        }
    return out


def continuing(absence: Absence, needs: list[CoverNeed]) -> dict[int, int]:
    """For an absence that extends another: need id -> the substitute whose cover of the
    same assignment runs to the last day of the absence extended, unless they have declined
    to go on. They are asked first; the participant keeps one person for both parts. The
    cover is confirmed, or asked for and not yet answered: asking someone else for the added
    days while the first one's answer is awaited would split the absence between two."""
    before = absence.extends
    if before is None:
        return {}
    covering = {n.assignment_id: n.confirmed or _awaited(n) for n in before.needs}
    out = {}
    for need in needs:
        req = covering.get(need.assignment_id)
        if req is None or req.ends_on != before.ends_on:
            continue
        if any(r.substitute_id == req.substitute_id for r in need.requests):
            continue  # asked to go on already, and said no
        out[need.id] = req.substitute_id
    return out


def _days_within(days: list[str], period: tuple[date, date]) -> list[str]:
    """The participant's days that fall in the cover's period from today on: rule 4 (a day
    shared by participant, placement and substitute) then asks for a substitute who works
    on a day the cover is for. A walk had a Monday-Tuesday-Thursday substitute cover a
    Wednesday. A period of a week or more keeps every day."""
    present = weekdays_in(max(period[0], date.today()), period[1])
    return [d for d in days if d in present] or days


def _awaited(need: CoverNeed):
    """The need's request that waits for the substitute's answer, if any."""
    return next((r for r in need.requests if r.status == RequestStatus.REQUESTED), None)


def build_cover_problem(
    absence: Absence, needs: list[CoverNeed] | None = None, only: dict[int, int] | None = None
) -> dict:
    """The section-5 cover problem for the searching needs of one absence. With ``only``
    (need id -> mentor id, see ``continuing``) each of those needs may be covered by its
    own mentor alone."""
    needs = searching_needs(absence) if needs is None else needs
    absent = _absent_ids(absence) - {absence.mentor_id}
    hours, people = _load(absence, absent)
    q = select(Mentor).where(Mentor.active.is_(True), Mentor.id.not_in(absent))
    if only is not None:
        q = q.where(Mentor.id.in_(set(only.values())))
    mentor_rows = db.session.scalars(q.order_by(Mentor.id)).all()
    mentor_ids = {m.id for m in mentor_rows} | {absence.mentor_id}
    if absence.mentor_id not in {m.id for m in mentor_rows}:
        mentor_rows = [*mentor_rows, absence.mentor]  # an inactive mentor's people still need cover
    assignments = [n.assignment for n in needs]
    excluded = _excluded(needs, mentor_ids)
    for need in needs if only is not None else ():
        excluded[need.assignment.participant_id] |= {
            mid(m) for m in mentor_ids - {only.get(need.id)}}
    placements = {a.placement.id: a.placement for a in assignments}
    return {
        "format": "mentor-cover/1",
        "participants": [
            {
                "id": pid(p.id),
                "hours_min": p.hours_min,
                "hours_max": p.hours_max,
                "priority": p.priority,
                "days": _days_within(p.days, n.period),
                "areas": p.areas,
                "needs": p.needs,
                "attributes": p.attributes,
                "location": _loc(p),
                "max_travel_km": p.max_travel_km,
                "excluded_mentors": sorted(excluded[p.id]),
            }
            for n, p in ((n, n.assignment.participant) for n in needs)
        ],
        "placements": [
            {
                "id": lid(pl.id),
                "employer": f"e{pl.employer_id}",
                "area": pl.area,
                "slots": pl.slots,
                "days": pl.days,
                "requirements": pl.requirements,
                "location": _loc(pl),
            }
            for pl in placements.values()
        ],
        "mentors": [
            {
                "id": mid(m.id),
                "employer": f"e{m.employer_id}" if m.employer_id else None,
                "skills": m.skills,
                "capacity_hours": max(0, min(60, m.capacity_hours - hours[m.id])),
                "max_participants": max(0, m.max_participants - people[m.id]),
                "days": m.days,
                "location": _loc(m),
                "max_travel_km": m.max_travel_km,
            }
            for m in mentor_rows
        ],
        "assignments": [
            {
                "participant": pid(a.participant_id),
                "placement": lid(a.placement_id),
                "mentor": mid(absence.mentor_id),
                "hours": a.hours,
            }
            for a in assignments
        ],
        "absent": [mid(absence.mentor_id)],
        "known": _known([a.participant_id for a in assignments], mentor_ids),
    }
