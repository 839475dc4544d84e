"""Enqueueing, the only part of workers/ the web imports. Commit first, then enqueue.

The SolveRun row is the truth; a job is only a reminder to work on it. Losing a job
(Redis flushed or down) loses nothing: the sweeper (workers/sweeper.py) re-enqueues
every unfinished run that has no live job.
"""

from __future__ import annotations

import logging
import re
import uuid

import redis
from flask import current_app
from rq import Queue, Retry
from rq.callbacks import Callback
from sqlalchemy import update

from web.config import QUEUE_NAMES
from web.extensions import db
from web.models import RunStatus, SolveRun
from web.redis_conn import get_redis

log = logging.getLogger(__name__)

SOLVE_MARGIN = 120  # seconds past the solver's own limit: building the problem and storing it
# Transient errors (database or Redis unreachable) are retried with growing pauses; the
# failure callback turns retries off for everything else (workers/callbacks.py).
SOLVE_RETRY = Retry(max=3, interval=[5, 30, 120])
REDIS_DOWN = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)


def queue_name(purpose: str) -> str:
    assert purpose in QUEUE_NAMES, purpose
    return current_app.config["RQ_QUEUE_PREFIX"] + purpose


def job_id(kind: str, *parts) -> str:
    """A job id inside this app's namespace (its queue prefix), so that apps or test runs
    sharing one Redis never meet, e.g. "mm_solve-5-3f2a9c1b" (RQ allows [A-Za-z0-9_-])."""
    namespace = re.sub(r"[^A-Za-z0-9_-]", "_", current_app.config["RQ_QUEUE_PREFIX"])
    return namespace + "-".join([kind, *map(str, parts)])


def job_namespace() -> str:
    return job_id("")


def get_queue(purpose: str) -> Queue:
    return Queue(queue_name(purpose), connection=get_redis())


def enqueue_solve(run) -> str | None:
    """Enqueue the solve of a committed SolveRun; store and return the job id.

    If Redis is unreachable the run stays queued without a job and None is returned:
    the request is not lost, the sweeper enqueues it once Redis answers again.
    """
    # Unique per enqueue: never meets an old job.
    new_id = job_id("solve", run.id, uuid.uuid4().hex[:8])
    try:
        job = get_queue("match").enqueue(
            "workers.jobs.run_solve",
            run.id,
            job_id=new_id,
            job_timeout=int(run.time_limit) + SOLVE_MARGIN,
            # The row holds the outcome; the job's return value is only for debugging, an hour
            # is plenty.
            result_ttl=3600,
            # Failed jobs keep their traceback a week, so an operator can read why after a weekend.
            failure_ttl=7 * 24 * 3600,
            retry=SOLVE_RETRY,
            on_failure=Callback("workers.callbacks.solve_failed", timeout=30),
            on_stopped=Callback("workers.callbacks.solve_stopped", timeout=30),
            description=f"solve run {run.id}",
        )
    except REDIS_DOWN:
        log.warning("run %s: Redis unreachable; the sweeper will enqueue it", run.id)
        return None
    run.job_id = job.id
    db.session.commit()
    return job.id


def requeue_run(run: SolveRun, *, expect_status: str | None = None,
                expect_claim: str | None = None) -> bool:
    """Put an unfinished or failed run back on the queue (a conditional UPDATE, then enqueue).

    With expect_* the row must still be as the caller saw it, so a run that a live
    execution claimed meanwhile is left alone. Returns whether the run was re-enqueued.
    """
    cond = [SolveRun.id == run.id]
    if expect_status is not None:
        cond.append(SolveRun.status == expect_status)
        cond.append(SolveRun.claim.is_(None) if expect_claim is None
                    else SolveRun.claim == expect_claim)
    done = db.session.execute(
        update(SolveRun).where(*cond)
        .values(status=RunStatus.QUEUED, phase="queued", progress=0, claim=None, error=None,
                finished_at=None, heartbeat_at=None)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    if done.rowcount != 1:
        return False
    db.session.refresh(run)
    enqueue_solve(run)
    return True
