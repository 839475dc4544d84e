"""RQ callbacks: a run whose job failed or was stopped never stays 'running'.

RQ 3.0 semantics (read in rq/worker/base.py and rq/registry.py):
- on_failure runs after EVERY failed attempt, before RQ decides on a retry
  (Worker._finalize_failure → execute_failure_callback → handle_job_failure, which
  retries when job.retries_left > 0). So this callback decides: a transient error with
  retries left leaves the run alone for RQ's retry; anything else sets
  job.retries_left = 0 (RQ reads that same job object right after us) and fails the
  run at once with a reason the consultant sees.
- A job whose worker died is found by StartedJobRegistry.cleanup once its heartbeat
  expires; it calls on_failure with AbandonedJobError, then retries if retries are left.
- A horse killed while its worker lives (OOM, SIGKILL) goes through handle_job_failure
  WITHOUT on_failure; the run's stale heartbeat lets the sweeper recover it.
"""

from __future__ import annotations

import logging

import redis
from flask_babel import gettext as _
from rq.exceptions import AbandonedJobError
from rq.timeouts import JobTimeoutException
from sqlalchemy import exc as sa_exc
from sqlalchemy import or_, update

from web.extensions import db
from web.models import RunStatus, SolveRun, utcnow
from workers.app import get_app

log = logging.getLogger(__name__)

# Errors that say "try again later", not "this run is broken".
TRANSIENT = (
    sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.DisconnectionError,
    redis.exceptions.ConnectionError, redis.exceptions.TimeoutError,
    AbandonedJobError,
)


def is_transient(exc_type) -> bool:
    return isinstance(exc_type, type) and issubclass(exc_type, TRANSIENT)


def _run_id(job) -> int | None:
    return job.args[0] if job.args else None


def fail_run(run_id: int, job_id: str | None, reason: str) -> bool:
    """Mark the run failed with a reason, unless it finished or belongs to a newer job meanwhile."""
    done = db.session.execute(
        update(SolveRun)
        .where(SolveRun.id == run_id,
               SolveRun.status.in_((RunStatus.QUEUED, RunStatus.RUNNING)),
               or_(SolveRun.job_id.is_(None), SolveRun.job_id == job_id) if job_id else True)
        .values(status=RunStatus.FAILED, phase="failed", error=reason[:500], finished_at=utcnow(),
                claim=None)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return done.rowcount == 1


def _reason(exc_type, job) -> str:
    """What the consultant reads on the run page (in the default language, Danish)."""
    if exc_type is not None and issubclass(exc_type, JobTimeoutException):
        return _("The matching took longer than allowed (%(s)d seconds) and was stopped.",
                 s=job.timeout or 0)
    if is_transient(exc_type):
        return _("The database or the job queue was unavailable, also after several tries.")
    return _("The matching stopped because of an internal error (%(kind)s). Try again; "
             "if it fails again, tell the administrator.",
             kind=exc_type.__name__ if exc_type else "?")


def solve_failed(job, connection, type, value, traceback):  # noqa: A002 (RQ's signature)
    """Called after each failed attempt: leave transient errors to RQ's retry, fail the rest now."""
    run_id = _run_id(job)
    if is_transient(type) and job.retries_left:
        log.warning("run %s: transient %s; RQ retries (%s left)", run_id, type.__name__,
                    job.retries_left)
        return
    job.retries_left = 0  # a solver bug or invalid problem must not be retried
    if run_id is None:
        return
    with get_app().app_context():
        if fail_run(run_id, job.id, _reason(type, job)):
            log.warning("run %s marked failed: %s", run_id, type.__name__ if type else "?")


def solve_stopped(job, connection):
    """Called when the job was stopped on purpose (rq's stop command)."""
    run_id = _run_id(job)
    if run_id is None:
        return
    with get_app().app_context():
        fail_run(run_id, job.id, _("The matching was stopped by an administrator."))
        log.warning("run %s marked failed: stopped", run_id)
