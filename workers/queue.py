"""Enqueueing, the only part of workers/ the web imports. Commit first, then enqueue."""

from __future__ import annotations

from flask import current_app
from rq import Queue, Retry
from rq.callbacks import Callback

from web.config import QUEUE_NAMES
from web.extensions import db
from web.redis_conn import get_redis


def queue_name(purpose: str) -> str:
    assert purpose in QUEUE_NAMES, purpose
    return current_app.config["RQ_QUEUE_PREFIX"] + purpose


def get_queue(purpose: str) -> Queue:
    return Queue(queue_name(purpose), connection=get_redis())


def enqueue_solve(run) -> str:
    """Enqueue the solve of a committed SolveRun; store and return the job id."""
    job = get_queue("match").enqueue(
        "workers.jobs.run_solve",
        run.id,
        job_id=f"solve-{run.id}-{run.attempts}",
        job_timeout=int(run.time_limit) + 120,  # the solver stops at its limit; the rest is I/O
        result_ttl=24 * 3600,  # the row is the truth; the result is a convenience
        failure_ttl=7 * 24 * 3600,
        retry=Retry(max=2, interval=[5, 30]),
        on_failure=Callback("workers.callbacks.solve_failed"),
        on_stopped=Callback("workers.callbacks.solve_stopped"),
        description=f"solve run {run.id}",
    )
    run.job_id = job.id
    db.session.commit()
    return job.id
