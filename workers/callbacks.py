"""RQ callbacks: a run whose job failed or was stopped never stays 'running'."""

from __future__ import annotations

import logging

from web.extensions import db
from web.models import RunStatus, SolveRun, utcnow
from workers.app import get_app

log = logging.getLogger(__name__)


def _fail(job, message: str) -> None:
    run_id = job.args[0] if job.args else None
    if run_id is None:
        return
    with get_app().app_context():
        run = db.session.get(SolveRun, run_id)
        if run is not None and not run.finished:
            run.status, run.phase, run.error, run.finished_at = RunStatus.FAILED, "failed", message, utcnow()
            db.session.commit()
        log.warning("run %s marked failed: %s", run_id, message)


def solve_failed(job, connection, type, value, traceback):  # noqa: A002 (RQ's signature)
    """Called once retries are used up; the consultant sees the reason and can retry."""
    _fail(job, f"{type.__name__}: {value}"[:500] if type else "failed")


def solve_stopped(job, connection):
    """Called when the job was stopped (rq stop / a killed horse)."""
    _fail(job, "stopped")
