"""Real worker processes under faults.

A SIGKILLed worker, and a cover job next to a long match run.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from bench.proc import kill_tree
from tests.e2e.conftest import ROOT, wait_for
from web.models import Proposal, RunStatus, SolveRun
from web.runs import service
from workers.queue import enqueue_solve, get_queue

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


@pytest.fixture
def spawn(app, tmp_path):
    """Start `python -m <module> args` like production, each in its own process group."""
    procs = []

    def start(name: str, module: str, *args: str, **env_extra: str) -> subprocess.Popen:
        env = {**os.environ,
               "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
               "REDIS_URL": app.config["REDIS_URL"],
               "RQ_QUEUE_PREFIX": app.config["RQ_QUEUE_PREFIX"],
               "SECRET_KEY": "test-secret", "SOLVER_WORKERS": "1",
               "MM_HEARTBEAT_SECONDS": "0.5", "MM_STALE_SECONDS": "3", **env_extra}
        log = open(tmp_path / f"{name}.log", "w")
        proc = subprocess.Popen([sys.executable, "-m", module, *args], cwd=ROOT, env=env,
                                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        procs.append((proc, log))
        return proc

    yield start
    for proc, log in procs:
        if proc.poll() is None:
            kill_tree(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                kill_tree(proc.pid)
                proc.wait()
        log.close()


def _world(make, n=2):
    consultant = make.user("consultant")
    employer = make.employer()
    make.placement(employer, slots=n)
    make.mentor(employer)
    return consultant, [make.participant(consultant) for _ in range(n)]


def _run(db, run_id) -> SolveRun:
    db.session.expire_all()
    return db.session.get(SolveRun, run_id)


def test_a_worker_killed_mid_solve_is_replaced_and_the_run_finishes_once(app, db, make, spawn):
    consultant, people = _world(make)
    run = service.create_run(consultant, [p.id for p in people], time_limit=2)
    enqueue_solve(run)
    doomed = spawn("doomed", "workers.worker", MM_FAULT_SOLVE_DELAY="600")  # hangs in "solving"
    wait_for(lambda: _run(db, run.id).phase == "solving", timeout=60)
    # SIGKILL the worker, its scheduler and its forked horse (own group): no goodbye
    kill_tree(doomed.pid)
    doomed.wait()
    assert _run(db, run.id).status == RunStatus.RUNNING  # nobody told the database

    spawn("worker", "workers.worker")
    spawn("cron", "workers.cron", MM_SWEEP_INTERVAL="1")
    wait_for(lambda: _run(db, run.id).finished, timeout=90)
    run = _run(db, run.id)
    assert run.status == RunStatus.DONE, run.error
    assert run.attempts == 2
    stored = db.session.scalar(
        db.select(db.func.count()).select_from(Proposal).where(Proposal.run_id == run.id))
    assert stored == run.matched_count == 2


def test_a_cover_job_does_not_wait_behind_a_long_match_run(app, db, make, spawn):
    consultant, people = _world(make)
    run = service.create_run(consultant, [p.id for p in people], time_limit=2)
    enqueue_solve(run)
    spawn("worker", "workers.worker", "cover", "match", "default", MM_FAULT_SOLVE_DELAY="600")
    wait_for(lambda: _run(db, run.id).phase == "solving", timeout=60)
    spawn("cover_worker", "workers.worker", "cover", "default", MM_FAULT_SOLVE_DELAY="600")
    job = get_queue("cover").enqueue("workers.jobs.ping", result_ttl=60)
    wait_for(lambda: job.get_status(refresh=True) == "finished", timeout=60)
    assert job.return_value() == "pong"
    assert _run(db, run.id).status == RunStatus.RUNNING  # the match run still holds the main worker
