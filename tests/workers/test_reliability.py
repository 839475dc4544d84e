"""The queue under faults.

One store per run, transient-only retries, sweeping, expiry, supersede.
"""

from __future__ import annotations

import multiprocessing as mp
from datetime import timedelta
from types import SimpleNamespace

import pytest
from rq import SimpleWorker
from rq.callbacks import Callback
from rq.exceptions import AbandonedJobError
from rq.job import Job, JobStatus
from sqlalchemy.exc import OperationalError

from tests.workers.procs import solve_in_process
from web.models import Proposal, ProposalStatus, RunStatus, SolveRun, utcnow
from web.redis_conn import get_redis
from web.runs import service
from workers import callbacks
from workers.jobs import claim_run, run_solve, store_result
from workers.queue import SOLVE_RETRY, enqueue_solve, get_queue
from workers.sweeper import MAX_ATTEMPTS, expire_proposals, sweep


@pytest.fixture
def world(make):
    consultant = make.user("consultant")
    employer = make.employer()
    placement = make.placement(employer, slots=2)
    mentor = make.mentor(employer)
    people = [make.participant(consultant) for _ in range(2)]
    return SimpleNamespace(consultant=consultant, placement=placement, mentor=mentor, people=people)


def _run(world, **kw):
    return service.create_run(world.consultant, [p.id for p in world.people], time_limit=2, **kw)


def _proposals(db, run_id=None):
    q = db.select(db.func.count()).select_from(Proposal)
    if run_id is not None:
        q = q.where(Proposal.run_id == run_id)
    return db.session.scalar(q)


def _fresh(db, run_id):
    db.session.expire_all()
    return db.session.get(SolveRun, run_id)


# -- one execution stores -------------------------------------------------------------------

def test_a_claimed_run_cannot_be_claimed_again_while_its_worker_lives(app, db, world):
    run = _run(world)
    assert claim_run(run.id) is not None
    assert claim_run(run.id) is None  # fresh heartbeat: someone is working on it


def test_an_execution_that_lost_its_claim_stores_nothing(app, db, world, monkeypatch):
    run = _run(world)
    first = claim_run(run.id)
    monkeypatch.setenv("MM_STALE_SECONDS", "0")  # as if the first worker's heartbeat went silent
    second = claim_run(run.id)
    assert second and second != first
    result = {"status": "OPTIMAL", "objective": 1.0, "bound": 1.0, "seconds": 0.1, "unmatched": [],
              "matches": [{"participant": f"p{world.people[0].id}",
                           "placement": f"l{world.placement.id}",
                           "mentor": f"m{world.mentor.id}", "hours": 4, "score": 1.0}]}
    run = _fresh(db, run.id)
    assert store_result(run, result, first) is False
    assert _proposals(db) == 0 and _fresh(db, run.id).status == RunStatus.RUNNING
    assert store_result(run, result, second) is True
    assert _proposals(db, run.id) == 1 and _fresh(db, run.id).status == RunStatus.DONE


def test_two_concurrent_executions_of_one_run_store_one_set(app, db, world, app_config):
    run = _run(world)
    ctx = mp.get_context("fork")
    barrier, out = ctx.Barrier(2), ctx.Queue()
    procs = [ctx.Process(target=solve_in_process, args=(app_config, run.id, barrier, out))
             for _ in range(2)]
    for p in procs:
        p.start()
    results = [out.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(timeout=60)
    assert sorted(bool(r.get("skipped")) for r in results) == [False, True]
    run = _fresh(db, run.id)
    assert run.status == RunStatus.DONE and run.attempts == 1
    assert _proposals(db, run.id) == run.matched_count == 2


def test_a_superseded_run_is_skipped_by_the_worker(app, db, world):
    old = _run(world)
    enqueue_solve(old)
    new = _run(world)
    assert _fresh(db, old.id).status == RunStatus.SUPERSEDED
    enqueue_solve(new)
    SimpleWorker([get_queue("match")], connection=get_redis()).work(burst=True)
    assert _fresh(db, old.id).status == RunStatus.SUPERSEDED and _proposals(db, old.id) == 0
    assert _fresh(db, new.id).status == RunStatus.DONE and _proposals(db, new.id) == 2
    assert Job.fetch(old.job_id, connection=get_redis()).return_value() == {
        "run": old.id, "skipped": True}


# -- retries: transient errors only --------------------------------------------------------

def explode(run_id: int, kind: str):
    """A job that fails the way a real solve can."""
    if kind == "db":
        raise OperationalError("SELECT 1", {}, Exception("could not connect to server"))
    raise ValueError("solver bug")


def _enqueue_exploding(run, kind):
    job = get_queue("match").enqueue(
        explode, run.id, kind, job_id=f"solve-{run.id}-x", retry=SOLVE_RETRY,
        on_failure=Callback(callbacks.solve_failed))
    run.job_id = job.id
    return job


def test_a_bug_fails_at_once_with_a_reason_and_is_not_retried(app, db, world):
    run = _run(world)
    job = _enqueue_exploding(run, "bug")
    db.session.commit()
    SimpleWorker([get_queue("match")], connection=get_redis()).work(burst=True)
    assert job.get_status(refresh=True) == JobStatus.FAILED
    run = _fresh(db, run.id)
    assert run.status == RunStatus.FAILED and "ValueError" in run.error and run.finished_at


def test_a_database_outage_is_retried_with_backoff_not_failed(app, db, world):
    run = _run(world)
    job = _enqueue_exploding(run, "db")
    db.session.commit()
    SimpleWorker([get_queue("match")], connection=get_redis()).work(burst=True)
    job.refresh()
    assert job.get_status() == JobStatus.SCHEDULED  # back-off: 5 s, then 30 s, then 120 s
    assert job.retries_left == SOLVE_RETRY.max - 1
    assert _fresh(db, run.id).status == RunStatus.QUEUED and _fresh(db, run.id).error is None


def test_transient_errors_fail_the_run_once_retries_are_used_up(app, db, world):
    run = _run(world)
    job = SimpleNamespace(args=[run.id], id=None, retries_left=0, timeout=60)
    callbacks.solve_failed(job, None, OperationalError, OperationalError("x", {}, Exception()),
                           None)
    run = _fresh(db, run.id)
    # Danish by default
    assert run.status == RunStatus.FAILED and "Databasen eller jobkøen" in run.error


def test_an_abandoned_job_counts_as_transient(app, db, world):
    run = _run(world)
    job = SimpleNamespace(args=[run.id], id=None, retries_left=2, timeout=60)
    callbacks.solve_failed(job, None, AbandonedJobError, AbandonedJobError(), None)
    assert job.retries_left == 2 and _fresh(db, run.id).status == RunStatus.QUEUED


def test_failure_of_an_old_job_does_not_fail_a_run_that_was_re_enqueued(app, db, world):
    run = _run(world)
    enqueue_solve(run)
    stale_job = SimpleNamespace(args=[run.id], id="solve-old", retries_left=0, timeout=60)
    callbacks.solve_failed(stale_job, None, ValueError, ValueError(), None)
    assert _fresh(db, run.id).status == RunStatus.QUEUED


# -- the sweeper ---------------------------------------------------------------------------

def test_sweeper_re_enqueues_a_queued_run_whose_job_vanished(app, db, world):
    run = _run(world)
    enqueue_solve(run)
    old_job = run.job_id
    later = utcnow() + timedelta(minutes=5)
    assert sweep(now=later) == {"waiting": 1}  # its job is in the queue: nothing to do
    # Redis lost everything (only this test's keys: the Redis may be shared with other test runs)
    get_redis().delete(Job.key_for(run.job_id), get_queue("match").key)
    assert sweep(now=later) == {"requeued": 1}
    run = _fresh(db, run.id)
    assert run.status == RunStatus.QUEUED and run.job_id != old_job
    assert get_queue("match").job_ids == [run.job_id]


def test_sweeper_leaves_a_just_created_run_to_the_web(app, db, world):
    run = _run(world)  # committed, job not enqueued yet
    assert sweep() == {"waiting": 1}
    assert _fresh(db, run.id).job_id is None


def test_sweeper_re_enqueues_a_running_run_whose_heartbeat_stopped(app, db, world):
    run = _run(world)
    claim_run(run.id)
    assert sweep() == {"alive": 1}
    assert sweep(now=utcnow() + timedelta(minutes=10)) == {"requeued": 1}
    run = _fresh(db, run.id)
    assert run.status == RunStatus.QUEUED and run.claim is None and run.job_id
    SimpleWorker([get_queue("match")], connection=get_redis()).work(burst=True)
    run = _fresh(db, run.id)
    assert run.status == RunStatus.DONE and run.attempts == 2 and _proposals(db, run.id) == 2


def test_sweeper_gives_up_after_too_many_attempts(app, db, world):
    run = _run(world)
    claim_run(run.id)
    db.session.execute(
        db.update(SolveRun).where(SolveRun.id == run.id).values(attempts=MAX_ATTEMPTS))
    db.session.commit()
    assert sweep(now=utcnow() + timedelta(minutes=10)) == {"failed": 1}
    run = _fresh(db, run.id)
    assert run.status == RunStatus.FAILED and str(MAX_ATTEMPTS) in run.error


# -- retry button --------------------------------------------------------------------------

def test_a_failed_run_can_be_retried_by_its_consultant_only(app, db, world, make, client, auth):
    run = _run(world)
    callbacks.fail_run(run.id, None, "boom")
    other = make.user("consultant")
    auth.login(other)
    assert client.post(f"/runs/{run.id}/retry").status_code == 404
    auth.logout()
    auth.login(world.consultant)
    page = client.get(f"/runs/{run.id}").get_data(as_text=True)
    assert f'action="/runs/{run.id}/retry"' in page and "boom" in page
    assert client.get(f"/runs/{run.id}/retry").status_code == 405
    r = client.post(f"/runs/{run.id}/retry")
    assert r.status_code == 302
    run = _fresh(db, run.id)
    assert run.status == RunStatus.QUEUED and run.error is None
    assert get_queue("match").job_ids == [run.job_id]
    client.post(f"/runs/{run.id}/retry")  # not failed: refused, nothing enqueued
    assert get_queue("match").job_ids == [run.job_id]


# -- expiry --------------------------------------------------------------------------------

def test_unanswered_proposals_expire_and_the_participant_waits_again(app, db, world):
    run = _run(world)
    run_solve(run.id)
    old, fresh = _fresh(db, run.id).proposals
    days = app.config["PROPOSAL_EXPIRY_DAYS"]
    old.created_at = utcnow() - timedelta(days=days + 1)
    service.approve(fresh, world.consultant)  # approved today: the mentor still has time
    fresh.created_at = utcnow() - timedelta(days=days + 1)
    db.session.commit()
    assert expire_proposals() == 1
    db.session.expire_all()
    assert old.status == ProposalStatus.EXPIRED and old.participant.status == "waiting"
    assert fresh.status == ProposalStatus.APPROVED and fresh.participant.status == "proposed"
    assert expire_proposals() == 0
