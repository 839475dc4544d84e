"""Committed mentor hours for the solver path, read from the support-hour plans.

workers/problem.py subtracts committed hours from each mentor's capacity. Active
assignments count with their plan for the given week (a step down frees hours); approved
proposals still waiting for the mentor's answer count with their proposed hours, since
they have no plan yet.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import select

from web.extensions import db
from web.hours.plans import hours_in_week, monday, steps_by_proposal
from web.models import Proposal, ProposalStatus


def committed_hours_by_mentor(week_start: date, mentor_id: int | None = None) -> dict[int, int]:
    """Hours each mentor (or the one asked for) is committed to in the week starting
    ``week_start`` (Monday): active assignments by their plans, and proposals sent to them."""
    week = monday(week_start)
    q = select(Proposal).where(
        Proposal.status.in_((ProposalStatus.ACTIVE, ProposalStatus.APPROVED))
    )
    if mentor_id is not None:
        q = q.where(Proposal.mentor_id == mentor_id)
    held = list(db.session.scalars(q))
    steps = steps_by_proposal([p.id for p in held if p.status == ProposalStatus.ACTIVE])
    out: dict[int, int] = defaultdict(int)
    for p in held:
        if p.status == ProposalStatus.APPROVED:
            out[p.mentor_id] += p.hours
        else:
            out[p.mentor_id] += hours_in_week(p, steps[p.id], week)
    return dict(out)
