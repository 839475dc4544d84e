"""Two mentors confirming at the same moment cannot together overbook: real processes, real locks.

Runs on SQLite (BEGIN IMMEDIATE) and, with TEST_DATABASE_URL, on PostgreSQL (FOR UPDATE).
Each process pauses between its capacity check and its write, so without the lock both
would read "free" and both would write.
"""

from __future__ import annotations

import multiprocessing as mp

import pytest

from tests.workers.procs import confirm_in_process
from web.models import Proposal, ProposalStatus

PAUSE = 0.5


def _approved(db, participant, placement, mentor, hours=4):
    p = Proposal(participant_id=participant.id, placement_id=placement.id, mentor_id=mentor.id,
                 hours=hours, status=ProposalStatus.APPROVED)
    db.session.add(p)
    db.session.commit()
    return p


def _race(app_config, proposals, user):
    ctx = mp.get_context("fork")
    barrier, out = ctx.Barrier(len(proposals)), ctx.Queue()
    procs = [ctx.Process(target=confirm_in_process,
                         args=(app_config, p.id, user.id, barrier, out, PAUSE))
             for p in proposals]
    for p in procs:
        p.start()
    results = [out.get(timeout=60) for _ in procs]
    for p in procs:
        p.join(timeout=30)
    return results


def _active(db):
    db.session.expire_all()
    return db.session.scalars(
        db.select(Proposal).where(Proposal.status == ProposalStatus.ACTIVE)).all()


@pytest.fixture
def people(make):
    consultant = make.user("consultant")
    return consultant, [make.participant(consultant, status="proposed") for _ in range(2)]


def test_two_confirmations_for_the_last_slot_one_wins(app, db, make, people, app_config):
    consultant, (a, b) = people
    employer = make.employer()
    placement = make.placement(employer, slots=1)
    mentors = [make.mentor(employer), make.mentor(employer)]
    props = [_approved(db, a, placement, mentors[0]), _approved(db, b, placement, mentors[1])]
    results = _race(app_config, props, consultant)
    assert sorted(r[0] for r in results) == ["ok", "refused"], results
    assert [r[1] for r in results if r[0] == "refused"] == [
        "Der er ikke længere en ledig plads på praktikpladsen."]
    assert len(_active(db)) == 1


def test_two_confirmations_beyond_a_mentors_hours_one_wins(app, db, make, people, app_config):
    consultant, (a, b) = people
    employer = make.employer()
    mentor = make.mentor(employer, capacity_hours=10)
    placements = [make.placement(employer, slots=1), make.placement(employer, slots=1)]
    props = [_approved(db, a, placements[0], mentor, hours=6),
             _approved(db, b, placements[1], mentor, hours=6)]
    results = _race(app_config, props, consultant)
    assert sorted(r[0] for r in results) == ["ok", "refused"], results
    assert sum(p.hours for p in _active(db)) == 6
