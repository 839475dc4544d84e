"""Retention: erase closed cases once RETENTION_DAYS (default 5 years) have passed.

A case's closing time is its participant's last change (updated_at) while closed: any
later change moves the date on, so a case is never erased earlier than the period after
its last touch. The integrator schedules ``run_retention`` (e.g. daily on the "default"
queue, or cron calling ``flask`` with an app context); ``erase_closed_cases`` is the
directly testable part.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from web.extensions import db
from web.gdpr.service import erase_participant
from web.models import Participant, utcnow
from workers.app import get_app

log = logging.getLogger(__name__)


def expired_case_ids(now: datetime | None = None, days: int | None = None) -> list[int]:
    """Ids of closed cases whose last change is older than the retention period."""
    days = current_app.config.get("RETENTION_DAYS", 1826) if days is None else days
    cutoff = (now or utcnow()) - timedelta(days=days)
    return list(db.session.scalars(
        select(Participant.id)
        .where(Participant.status == "closed", Participant.updated_at < cutoff)
        .order_by(Participant.id)
    ))


def erase_closed_cases(now: datetime | None = None, days: int | None = None) -> list[int]:
    """Erase every expired closed case (rows, run JSON, queue jobs); return their ids."""
    erased = []
    for participant_id in expired_case_ids(now, days):
        if erase_participant(participant_id):
            erased.append(participant_id)
    log.info("retention: %s closed cases erased", len(erased))
    return erased


def run_retention() -> dict:
    """RQ job / scheduler entry point: ids and counts only in the result."""
    app = get_app()
    with app.app_context():
        return {"erased": len(erase_closed_cases())}
