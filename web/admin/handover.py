"""Handing a consultant's cases over to another consultant.

A consultant who leaves, or is away for long, left every case of theirs without anyone to
follow it: the other consultants cannot see them, and their matching requests, with the
mentors' answers still to record, were theirs alone.
"""

from __future__ import annotations

from sqlalchemy import func, select, update

from web.extensions import db
from web.models import Participant, SolveRun, User
from web.models.cases import log_event


def caseloads() -> dict[int, int]:
    """``{user id: number of cases}`` for every user who holds cases."""
    return dict(db.session.execute(
        select(Participant.consultant_id, func.count(Participant.id))
        .group_by(Participant.consultant_id)).all())


def caseload(user: User) -> dict[str, int]:
    """``{status: number of cases}`` of ``user``'s caseload."""
    return dict(db.session.execute(
        select(Participant.status, func.count(Participant.id))
        .where(Participant.consultant_id == user.id)
        .group_by(Participant.status)).all())


def hand_over(old: User, new: User, by: User) -> int:
    """Give ``new`` every case of ``old``, closed ones too (they answer for an export or an
    erasure), with ``old``'s matching requests, whose proposals may still wait for an
    answer to record; each case's history says so. Return the number of cases. The caller
    commits."""
    ids = list(db.session.scalars(
        select(Participant.id).where(Participant.consultant_id == old.id)))
    if not ids:
        return 0
    # Kept as it was: a closed case's last change starts its retention period.
    db.session.execute(update(Participant).where(Participant.id.in_(ids))
                       .values(consultant_id=new.id, updated_at=Participant.updated_at))
    db.session.execute(update(SolveRun).where(SolveRun.requested_by_id == old.id)
                       .values(requested_by_id=new.id))
    for pid in ids:
        log_event(pid, by, "handed_over", **{"from": old.id, "to": new.id})
    return len(ids)
