"""Cover figures for managers, computed from the rows (no stored counters to drift)."""

from __future__ import annotations

import statistics
from collections import Counter
from datetime import date

from sqlalchemy import select

from web.extensions import db
from web.models.cover import Absence, CoverNeed, CoverRequest, NeedStatus


def cover_figures(today: date) -> dict:
    """Requests by status, fill rate, median hours to fill, needs without cover today."""
    requests = Counter(db.session.scalars(select(CoverRequest.status)))
    needs = db.session.scalars(
        select(CoverNeed).where(CoverNeed.status != NeedStatus.CANCELLED)
    ).all()
    filled = [n for n in needs if n.status == NeedStatus.FILLED]
    hours = [(n.filled_at - n.created_at).total_seconds() / 3600 for n in filled if n.filled_at]
    uncovered = db.session.scalars(
        select(CoverNeed)
        .join(Absence)
        .where(
            Absence.starts_on <= today,
            Absence.ends_on >= today,
            CoverNeed.status.not_in((NeedStatus.FILLED, NeedStatus.CANCELLED)),
        )
        .order_by(Absence.starts_on, CoverNeed.id)
    ).all()
    return {
        "requests": sum(requests.values()),
        "requests_by_status": dict(requests),
        "needs": len(needs),
        "filled": len(filled),
        "fill_rate": len(filled) / len(needs) if needs else None,
        "median_hours_to_fill": statistics.median(hours) if hours else None,
        "uncovered_now": uncovered,
    }
