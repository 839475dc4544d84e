"""Cover figures for managers, computed from the rows (no stored counters to drift)."""

from __future__ import annotations

import statistics
from collections import Counter
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from web.extensions import db
from web.i18n import utc_day_bounds
from web.models import Participant, Proposal
from web.models.cover import Absence, CoverNeed, CoverRequest, NeedStatus


def _hours_to_fill(needs: list[CoverNeed]) -> list[float]:
    return [
        (n.filled_at - n.created_at).total_seconds() / 3600
        for n in needs
        if n.status == NeedStatus.FILLED and n.filled_at
    ]


def _uncovered_now(today: date, consultant_id: int | None = None):
    q = (
        select(CoverNeed)
        .join(Absence)
        .where(
            Absence.starts_on <= today,
            Absence.ends_on >= today,
            CoverNeed.status.not_in((NeedStatus.FILLED, NeedStatus.CANCELLED)),
        )
        .order_by(Absence.starts_on, CoverNeed.id)
        .options(
            selectinload(CoverNeed.assignment).options(
                selectinload(Proposal.participant), selectinload(Proposal.placement)),
            selectinload(CoverNeed.absence).selectinload(Absence.mentor),
        )
    )
    return db.session.scalars(_team(q, CoverNeed.assignment_id, consultant_id)).all()


def _team(q, assignment_col, consultant_id: int | None):
    """Narrow ``q`` to the assignments of one consultant's participants."""
    if not consultant_id:
        return q
    return (
        q.join(Proposal, Proposal.id == assignment_col)
        .join(Participant, Participant.id == Proposal.participant_id)
        .where(Participant.consultant_id == consultant_id)
    )


def cover_figures(today: date) -> dict:
    """The needs without cover today, to act on. The figures over a period (requests, fill
    rate, time to fill) are on the manager's dashboard, where small numbers are suppressed;
    shown here for all time without that, they could be subtracted from the dashboard's."""
    return {"uncovered_now": _uncovered_now(today)}


def _people_by_state(needs: list[CoverNeed]) -> dict[str, set[int]]:
    """Each participant once, in the state of their latest need (an absence and its
    extension are two needs; counted in both states, the states added up to more people
    than needed cover)."""
    latest: dict[int, CoverNeed] = {}
    for n in sorted(needs, key=lambda n: (n.absence.starts_on, n.id)):
        latest[n.assignment.participant_id] = n
    out: dict[str, set[int]] = {}
    for pid, n in latest.items():
        out.setdefault(n.status, set()).add(pid)
    return out


def cover_period(start: date, end: date, today: date, consultant_id: int | None = None) -> dict:
    """The same figures over a period and one consultant's caseload, each with the set of
    participants it is about (for small-number suppression).

    Requests count when sent in the period; needs (fill rate, time to fill) when their
    absence overlaps the period; "without cover now" is about ``today``.
    """
    first, after = utc_day_bounds(start, end)  # Danish days, as the pages show times
    req_q = select(CoverRequest).where(
        CoverRequest.created_at >= first, CoverRequest.created_at < after
    ).options(selectinload(CoverRequest.assignment))
    requests = db.session.scalars(_team(req_q, CoverRequest.assignment_id, consultant_id)).all()
    need_q = (
        select(CoverNeed)
        .join(Absence)
        .where(
            CoverNeed.status != NeedStatus.CANCELLED,
            Absence.starts_on <= end,
            Absence.ends_on >= start,
        )
        .options(selectinload(CoverNeed.assignment), selectinload(CoverNeed.absence))
    )
    needs = db.session.scalars(_team(need_q, CoverNeed.assignment_id, consultant_id)).all()
    filled = [n for n in needs if n.status == NeedStatus.FILLED]
    hours = _hours_to_fill(needs)
    uncovered = _uncovered_now(today, consultant_id)

    def people(rows) -> set[int]:
        return {r.assignment.participant_id for r in rows}

    return {
        "requests": len(requests),
        "request_people": people(requests),
        "needs_by_status": Counter(n.status for n in needs),
        "status_people": _people_by_state(needs),
        "needs": len(needs),
        "need_people": people(needs),
        "filled": len(filled),
        "filled_people": people(filled),
        "fill_rate": len(filled) / len(needs) if needs else None,
        "median_hours_to_fill": statistics.median(hours) if hours else None,
        "uncovered_people": people(uncovered),
    }
