"""Periodic repair jobs, run by the cron process (workers/cron.py) on the `default` queue.

`sweep()` makes the database the truth about work: every unfinished run either has a
live execution (a fresh heartbeat) or a job waiting in Redis; otherwise (Redis was
flushed or restarted, a worker was SIGKILLed, a retry was lost) it goes back on the
queue, and after MAX_ATTEMPTS executions it fails with a reason instead of looping.

`expire_proposals()` lets proposals nobody answered within PROPOSAL_EXPIRY_DAYS lapse,
and the participant waits again.
"""

from __future__ import annotations

import logging
from collections import Counter
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus
from sqlalchemy import and_, exists, func, select, update

from web.extensions import db
from web.models import Participant, Proposal, ProposalStatus, RunStatus, SolveRun, utcnow
from web.models.runs import OPEN_PROPOSAL
from web.redis_conn import get_redis
from workers.app import get_app
from workers.jobs import stale_seconds
from workers.queue import requeue_run

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5  # executions of one run before the sweeper gives up on it
# Seconds: a run just committed may not have its job yet (the web enqueues after commit).
QUEUED_GRACE = 30
WAITING = (JobStatus.QUEUED, JobStatus.SCHEDULED, JobStatus.DEFERRED, JobStatus.STARTED)


def _job_waiting(job_id: str | None) -> bool:
    """Whether Redis holds a job for this run that will still execute
    (queued, scheduled for retry, running)."""
    if not job_id:
        return False
    try:
        return Job.fetch(job_id, connection=get_redis()).get_status() in WAITING
    except NoSuchJobError:
        return False


def sweep(now: datetime | None = None) -> dict:
    """Re-enqueue unfinished runs that lost their job or worker; returns counts per action."""
    with get_app().app_context():
        now = now or utcnow()
        stale = now - timedelta(seconds=stale_seconds())
        grace = now - timedelta(seconds=QUEUED_GRACE)
        counts: Counter = Counter()
        runs = db.session.scalars(
            select(SolveRun).where(SolveRun.status.in_((RunStatus.QUEUED, RunStatus.RUNNING)))
            .order_by(SolveRun.id)
        ).all()
        for run in runs:
            if run.status == RunStatus.RUNNING:
                if run.heartbeat_at is not None and run.heartbeat_at >= stale:
                    counts["alive"] += 1
                    continue
            elif run.created_at >= grace or _job_waiting(run.job_id):
                counts["waiting"] += 1
                continue
            if run.attempts >= MAX_ATTEMPTS:
                _give_up(run)
                counts["failed"] += 1
            elif requeue_run(run, expect_status=run.status, expect_claim=run.claim):
                log.warning("run %s re-enqueued (was %s without a live job)", run.id, run.status)
                counts["requeued"] += 1
        db.session.remove()
        return dict(counts)


def _give_up(run: SolveRun) -> None:
    db.session.execute(
        update(SolveRun).where(SolveRun.id == run.id, SolveRun.status == run.status)
        .values(status=RunStatus.FAILED, phase="failed", finished_at=utcnow(), claim=None,
                error=_("The matching was interrupted %(n)d times (the worker stopped). "
                        "Try again; if it fails again, tell the administrator.", n=run.attempts))
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    log.warning("run %s failed after %s attempts", run.id, run.attempts)


def expire_proposals(now: datetime | None = None) -> int:
    """Expire proposals unanswered for PROPOSAL_EXPIRY_DAYS; their participants wait again."""
    with get_app().app_context():
        now = now or utcnow()
        cutoff = now - timedelta(days=current_app.config["PROPOSAL_EXPIRY_DAYS"])
        # Approved proposals wait for the mentor since the approval; new ones since they were made.
        last_action = func.coalesce(Proposal.decided_at, Proposal.created_at)
        lapsed = db.session.execute(
            select(Proposal.id, Proposal.participant_id)
            .where(Proposal.status.in_(OPEN_PROPOSAL), last_action < cutoff)
        ).all()
        if not lapsed:
            return 0
        db.session.execute(
            update(Proposal).where(Proposal.id.in_([r.id for r in lapsed]),
                                   Proposal.status.in_(OPEN_PROPOSAL))
            .values(status=ProposalStatus.EXPIRED, decided_at=now, decision_reason="expired")
            .execution_options(synchronize_session=False)
        )
        still_open = exists().where(and_(Proposal.participant_id == Participant.id,
                                         Proposal.status.in_(OPEN_PROPOSAL)))
        db.session.execute(
            update(Participant)
            .where(Participant.id.in_({r.participant_id for r in lapsed}),
                   Participant.status == "proposed", ~still_open)
            .values(status="waiting")
            .execution_options(synchronize_session=False)
        )
        db.session.commit()
        log.info("%d proposals expired", len(lapsed))
        db.session.remove()
        return len(lapsed)
