"""Retention: erase closed cases once RETENTION_DAYS (default 5 years) have passed, and drop
the hours kept of erased participants once bookkeeping no longer needs them.

A case's closing time is its participant's last change (updated_at) while closed: any
later change moves the date on, so a case is never erased earlier than the period after
its last touch. The integrator schedules ``run_retention`` (e.g. daily on the "default"
queue, or cron calling ``flask`` with an app context); ``erase_closed_cases`` is the
directly testable part.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import delete, select

from web.extensions import db
from web.gdpr.service import erase_participant
from web.models import ErasedHours, Participant, utcnow
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


def drop_expired_erased_hours(today: date | None = None, years: int | None = None) -> int:
    """Drop the approved hours kept of erased participants (``erased_hours``, for the
    employers' reimbursement claims) once BOOKKEEPING_YEARS (default 5) have passed since
    the end of the year of their week, as the Danish bookkeeping act keeps accounts
    (bogføringsloven § 10); return how many rows went. They hold nothing of the person, but
    nothing needs them after that."""
    years = current_app.config.get("BOOKKEEPING_YEARS", 5) if years is None else years
    first_kept = date((today or date.today()).year - years, 1, 1)
    dropped = db.session.execute(
        delete(ErasedHours).where(ErasedHours.week_start < first_kept)).rowcount
    db.session.commit()
    log.info("retention: %s erased participants' weeks of hours dropped", dropped)
    return dropped


def run_retention() -> dict:
    """RQ job / scheduler entry point: ids and counts only in the result."""
    app = get_app()
    with app.app_context():
        return {"erased": len(erase_closed_cases()), "hours_dropped": drop_expired_erased_hours()}
