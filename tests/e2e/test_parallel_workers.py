"""Two worker processes on one Redis and one database solve two consultants' runs at once.

Production runs several `python -m workers.worker` processes (on one or several machines)
against the same Redis and database; each run must store its own proposals only.
"""

from __future__ import annotations

import pytest
from rq import Worker
from rq.job import Job

from tests.e2e.conftest import running_worker, wait_for
from web.models import Proposal, ProposalStatus, RunStatus, SolveRun
from web.redis_conn import get_redis
from workers.queue import get_queue

pytestmark = pytest.mark.e2e


@pytest.fixture
def second_worker(app, tmp_path):
    """The `worker` fixture's process, once more: a second machine's worker."""
    with running_worker(app, tmp_path / "worker2.log") as proc:
        yield proc


def caseload(make, consultant, employer, n):
    """A consultant's waiting participants; the employer offers room for all of them."""
    make.placement(employer, slots=n)
    make.mentor(employer, capacity_hours=40, max_participants=n)
    return [make.participant(consultant) for _ in range(n)]


def test_two_workers_solve_two_consultants_runs_apart(app, db, make, client, auth, worker,
                                                      second_worker):
    anna, bo = make.user("consultant"), make.user("consultant")
    employer = make.employer()
    people = {anna.id: caseload(make, anna, employer, 4), bo.id: caseload(make, bo, employer, 3)}

    match_queue = get_queue("match")
    wait_for(lambda: len(Worker.all(queue=match_queue)) == 2, timeout=60)  # both listening

    runs = {}
    for consultant in (anna, bo):  # submitted back to back, as two consultants would
        auth.login(consultant)
        r = client.post("/runs/", data={"participants": [p.id for p in people[consultant.id]],
                                        "time_limit": 3})
        assert r.status_code == 302
        runs[consultant.id] = db.session.scalar(
            db.select(SolveRun).where(SolveRun.requested_by_id == consultant.id)).id
        auth.logout()

    def all_finished():
        db.session.expire_all()
        return all(db.session.get(SolveRun, i).finished for i in runs.values())

    wait_for(all_finished, timeout=120)

    ran_on = set()
    for consultant_id, run_id in runs.items():
        run = db.session.get(SolveRun, run_id)
        assert run.status == RunStatus.DONE, run.error
        mine = {p.id for p in people[consultant_id]}
        proposals = db.session.scalars(db.select(Proposal).where(Proposal.run_id == run_id)).all()
        assert {p.participant_id for p in proposals} == mine  # all of mine, none of theirs
        assert run.matched_count == len(mine) and run.unmatched == []
        assert all(p.status == ProposalStatus.PROPOSED for p in proposals)  # nothing superseded
        ran_on.add(Job.fetch(run.job_id, connection=get_redis()).worker_name)
    assert len(ran_on) == 2, ran_on  # each worker process took one of the runs
    assert db.session.scalar(db.select(db.func.count()).select_from(Proposal)) == 7
