"""Enqueueing of cover work (the part of the cover jobs the web imports). Commit first."""

from __future__ import annotations

import uuid
from datetime import datetime, time, timedelta

from flask import current_app
from rq import Retry
from rq.callbacks import Callback

from web.extensions import db
from workers.queue import get_queue, job_id

DAY = 24 * 3600


def enqueue_cover(absence) -> str:
    """Find substitutes for a committed absence's searching needs, on the high-priority queue."""
    job = get_queue("cover").enqueue(
        "workers.cover_jobs.run_cover",
        absence.id,
        job_id=job_id("cover", absence.id, uuid.uuid4().hex[:8]),
        job_timeout=int(current_app.config["COVER_TIME_LIMIT"]) + 120,
        result_ttl=DAY,
        failure_ttl=7 * DAY,
        retry=Retry(max=2, interval=[5, 30]),
        on_failure=Callback("workers.cover_jobs.cover_failed"),
        on_stopped=Callback("workers.cover_jobs.cover_stopped"),
        description=f"cover absence {absence.id}",
    )
    absence.job_id = job.id
    db.session.commit()
    return job.id


def start_cover(absences) -> None:
    """Start the search for substitutes, and its deadline, for committed absences (reported,
    extended, or given a need by an assignment confirmed while its mentor is away); one
    without needs has nothing to search for."""
    for absence in absences:
        if absence.needs:
            enqueue_cover(absence)
            schedule_deadline(absence)
        # Requests to the absent mentor that were still open went back to searching.
        for other in getattr(absence, "reopened", ()):
            enqueue_cover(other)


def schedule_deadline(absence) -> str:
    """Check COVER_DEADLINE_HOURS from now whether every need of the absence is filled."""
    job = get_queue("cover").enqueue_in(
        timedelta(hours=current_app.config["COVER_DEADLINE_HOURS"]),
        "workers.cover_jobs.cover_deadline",
        absence.id,
        job_id=job_id("cover-deadline", absence.id),
        job_timeout=120,
        result_ttl=DAY,
        failure_ttl=7 * DAY,
        retry=Retry(max=2, interval=[30, 300]),
        description=f"cover deadline of absence {absence.id}",
    )
    return job.id


def schedule_release(hold) -> str:
    """Release the held slot the day after the hold ends (unless the participant resumed)."""
    when = datetime.combine(hold.hold_until + timedelta(days=1), time(6, 0))
    job = get_queue("default").enqueue_at(
        when,
        "workers.cover_jobs.release_hold",
        hold.id,
        job_id=job_id("release-hold", hold.id),
        job_timeout=120,
        result_ttl=DAY,
        failure_ttl=7 * DAY,
        retry=Retry(max=2, interval=[30, 300]),
        description=f"release hold {hold.id}",
    )
    hold.job_id = job.id
    db.session.commit()
    return job.id
