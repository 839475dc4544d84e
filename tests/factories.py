"""Small record factories; sensible defaults, every field overridable."""

from __future__ import annotations

import itertools

from web.models import Employer, Mentor, Participant, Placement, User

AARHUS = {"town": "Aarhus (Aarhus Kommune)", "lat": 56.15674, "lon": 10.21076}
_seq = itertools.count(1)


class Factory:
    def __init__(self, db):
        self.db = db

    def _add(self, obj):
        self.db.session.add(obj)
        self.db.session.commit()
        return obj

    def user(self, role="consultant", email=None, password="pw", **kw):
        n = next(_seq)
        u = User(email=email or f"{role}{n}@example.dk", name=kw.pop("name", f"{role.title()} {n}"),
                 role=role, **kw)
        u.set_password(password)
        return self._add(u)

    def employer(self, **kw):
        n = next(_seq)
        return self._add(Employer(name=kw.pop("name", f"Employer {n}"), **kw))

    def placement(self, employer=None, **kw):
        employer = employer or self.employer()
        defaults = dict(title="Kitchen help", area="kitchen", slots=2,
                        days=["mon", "tue", "wed", "thu", "fri"], requirements=[], **AARHUS)
        defaults.update(kw)
        return self._add(Placement(employer_id=employer.id, **defaults))

    def mentor(self, employer=None, user=None, **kw):
        defaults = dict(name=f"Mentor {next(_seq)}", skills=["addiction", "psychiatry"],
                        days=["mon", "tue", "wed", "thu", "fri"], capacity_hours=20,
                        max_participants=3, max_travel_km=30.0, **AARHUS)
        defaults.update(kw)
        return self._add(Mentor(employer_id=employer.id if employer else None,
                                user_id=user.id if user else None, **defaults))

    def participant(self, consultant=None, **kw):
        consultant = consultant or self.user("consultant")
        defaults = dict(code=f"T-{next(_seq)}", hours_min=4, hours_max=8, priority=1,
                        days=["mon", "wed"], areas=["kitchen"], needs=[], attributes=[],
                        max_travel_km=20.0, **AARHUS)
        defaults.update(kw)
        return self._add(Participant(consultant_id=consultant.id, **defaults))
