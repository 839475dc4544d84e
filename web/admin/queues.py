"""What the queue page shows, read through rq's own API (no dashboard dependency).

Only ids, function names and exception types leave Redis here: never arguments other
than a run id, never exception messages (they may quote data).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from rq import Queue, Worker
from rq.job import Job
from rq.registry import FailedJobRegistry

from web.config import QUEUE_NAMES
from web.redis_conn import get_redis
from workers.queue import get_queue

FAILED_SHOWN = 50  # the newest failures per queue; more are counted but not listed

# rq's WorkerStatus values, in words; an unknown state is shown as rq names it.
WORKER_STATES = {
    "started": _l("Starting"), "idle": _l("Idle"), "busy": _l("Busy"),
    "suspended": _l("Suspended"),
}


def state_label(state):
    """A worker's state (a WorkerStatus or its string value) in the page's language."""
    value = str(getattr(state, "value", state) or "")
    return WORKER_STATES.get(value, value)


@dataclass
class FailedJob:
    id: str
    queue: str
    function: str
    run_id: int | None
    exception: str
    ended_at: object


@dataclass
class QueueInfo:
    purpose: str
    name: str
    queued: int
    started: int
    failed: int
    failures: list[FailedJob]


def exception_type(job: Job) -> str:
    """The exception's class name only: the last traceback line up to the colon."""
    result = job.latest_result()
    text = (getattr(result, "exc_string", None) or "").strip()
    if not text:
        return "?"
    last = text.splitlines()[-1]
    return last.split(":", 1)[0].strip()[:80] or "?"


def run_id_of(job: Job) -> int | None:
    if job.func_name == "workers.jobs.run_solve" and job.args and isinstance(job.args[0], int):
        return job.args[0]
    return None


def _failures(q: Queue, registry: FailedJobRegistry) -> list[FailedJob]:
    ids = registry.get_job_ids(0, FAILED_SHOWN - 1)
    out = []
    for job in Job.fetch_many(ids, connection=q.connection):
        if job is None:  # expired between the two calls
            continue
        out.append(FailedJob(id=job.id, queue=q.name, function=job.func_name or "?",
                             run_id=run_id_of(job), exception=exception_type(job),
                             ended_at=job.ended_at))
    return out


def overview() -> tuple[list[QueueInfo], list[dict]]:
    """Every app queue with its counts and failures, and the workers that serve them."""
    queues = []
    for purpose in QUEUE_NAMES:
        q = get_queue(purpose)
        registry = FailedJobRegistry(queue=q)
        queues.append(QueueInfo(
            purpose=purpose, name=q.name, queued=q.count,
            started=q.started_job_registry.count, failed=registry.count,
            failures=_failures(q, registry),
        ))
    names = {q.name for q in queues}
    workers = [
        {"name": w.name, "state": state_label(w.get_state()),
         "queues": [n for n in w.queue_names()],
         "job": w.get_current_job_id()}
        for w in Worker.all(connection=get_redis()) if names & set(w.queue_names())
    ]
    return queues, workers


def find_failed(job_id: str) -> tuple[Queue, Job] | None:
    """A failed job of one of our queues, or None."""
    for purpose in QUEUE_NAMES:
        q = get_queue(purpose)
        registry = FailedJobRegistry(queue=q)
        if job_id in registry.get_job_ids():
            return q, Job.fetch(job_id, connection=q.connection)
    return None
