"""Fixtures for the hours area: an active assignment with its people."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from web.models import Proposal, ProposalStatus

MONDAY = date(2026, 1, 5)  # a Monday


def make_assignment(
    make,
    db,
    *,
    consultant=None,
    mentor=None,
    employer=None,
    hours=8,
    started: date = MONDAY,
    status=ProposalStatus.ACTIVE,
    participant=None,
):
    employer = employer or (mentor.employer if mentor else None) or make.employer()
    placement = make.placement(employer)
    consultant = consultant or make.user("consultant")
    participant = participant or make.participant(consultant, status="active", needs=["addiction"])
    if mentor is None:
        mentor = make.mentor(employer, user=make.user("mentor"))
    p = Proposal(
        participant_id=participant.id,
        placement_id=placement.id,
        mentor_id=mentor.id,
        hours=hours,
        status=status,
        decided_at=datetime.combine(started, datetime.min.time()),
    )
    db.session.add(p)
    db.session.commit()
    return p


@pytest.fixture
def assign(make, db):
    def _assign(**kw):
        return make_assignment(make, db, **kw)

    return _assign


def week(n: int) -> date:
    return MONDAY + timedelta(weeks=n)


def sheet(db, a, wk, hours, status="approved"):
    """A week of ``hours`` of on-the-job training for assignment ``a``, as it stands."""
    from web.models import Timesheet, TimesheetLine

    s = Timesheet(proposal_id=a.id, mentor_id=a.mentor_id, participant_id=a.participant_id,
                  week_start=wk, status=status,
                  lines=[TimesheetLine(task="instruction", hours=hours)])
    db.session.add(s)
    db.session.commit()
    return s


def employer_login(make, employer):
    return make.user("employer", employer_id=employer.id)


@pytest.fixture(autouse=True)
def _cheap_password_hashes(monkeypatch):
    """scrypt costs ~0.3 s a user; these tests make many users and test no passwords."""
    import functools

    from werkzeug.security import generate_password_hash

    import web.models.user

    monkeypatch.setattr(web.models.user, "generate_password_hash",
                        functools.partial(generate_password_hash, method="pbkdf2:sha256:1000"))
