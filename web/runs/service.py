"""State changes of runs and proposals, in one place so every entry point (page, API) agrees."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select, update

from web.extensions import db
from web.models import (
    Exclusion, Mentor, Participant, Placement, Proposal, ProposalStatus, RunStatus, SolveRun, User,
    utcnow,
)
from web.models.runs import OPEN_PROPOSAL


class TransitionError(Exception):
    """The action is not possible in the proposal's current state; the message says why."""


def create_run(user: User, participant_ids: list[int], *, time_limit: float, weights: dict | None = None) -> SolveRun:
    """Create and commit a queued run; supersede older queued runs for the same scope."""
    scope = sorted(set(participant_ids))
    older = db.session.scalars(
        select(SolveRun).where(SolveRun.status == RunStatus.QUEUED, SolveRun.requested_by_id == user.id)
    ).all()
    for run in older:
        if sorted(run.scope) == scope:
            run.status, run.phase, run.finished_at = RunStatus.SUPERSEDED, "superseded", utcnow()
    run = SolveRun(requested_by_id=user.id, scope=scope, weights=weights or {}, time_limit=time_limit)
    db.session.add(run)
    db.session.commit()
    return run


def _decide(proposal: Proposal, user: User, status: ProposalStatus, reason: str | None = None) -> None:
    proposal.status = status
    proposal.decided_by_id, proposal.decided_at = user.id, utcnow()
    proposal.decision_reason = reason


def approve(proposal: Proposal, user: User) -> None:
    """Consultant approves: the proposal goes to the mentor."""
    if proposal.status != ProposalStatus.PROPOSED:
        raise TransitionError(_("Only a new proposal can be approved."))
    _decide(proposal, user, ProposalStatus.APPROVED)


def reject(proposal: Proposal, user: User, reason: str) -> None:
    """Consultant rejects: the participant waits again."""
    if proposal.status not in OPEN_PROPOSAL:
        raise TransitionError(_("This proposal is no longer open."))
    _decide(proposal, user, ProposalStatus.REJECTED, reason)
    proposal.participant.status = "waiting"


def decline(proposal: Proposal, user: User, reason: str) -> None:
    """Mentor declines: the participant waits again and this mentor is excluded next time."""
    if proposal.status != ProposalStatus.APPROVED:
        raise TransitionError(_("This proposal is not waiting for your answer."))
    _decide(proposal, user, ProposalStatus.DECLINED, reason)
    proposal.participant.status = "waiting"
    db.session.add(Exclusion(participant_id=proposal.participant_id, mentor_id=proposal.mentor_id,
                             reason="declined"))


def _lock_for_confirm() -> None:
    """On SQLite, take the database write lock before reading capacity (BEGIN IMMEDIATE).

    pysqlite only begins a transaction at the first write, so two confirmations could
    both read "one slot free" and both write. BEGIN IMMEDIATE makes the second wait for
    the first to commit, then read the new count. PostgreSQL locks rows (FOR UPDATE) instead.
    """
    conn = db.session.connection()
    if conn.dialect.name != "sqlite":
        return
    if not conn.connection.dbapi_connection.in_transaction:
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    # else: this transaction has written already and so holds the write lock.


def confirm(proposal: Proposal, user: User) -> None:
    """Mentor confirms: the proposal becomes the active assignment, if capacity still allows.

    The placement and mentor rows are locked (FOR UPDATE on PostgreSQL; SQLite takes the
    database write lock up front) and everything is read again under the lock, so two
    confirmations cannot together overbook: the second one sees the first and is refused.
    """
    _lock_for_confirm()
    db.session.refresh(proposal)  # under the lock: another request may have answered it meanwhile
    if proposal.status != ProposalStatus.APPROVED:
        raise TransitionError(_("This proposal is not waiting for your answer."))
    placement = db.session.scalar(select(Placement).where(Placement.id == proposal.placement_id)
                                  .with_for_update().execution_options(populate_existing=True))
    mentor = db.session.scalar(select(Mentor).where(Mentor.id == proposal.mentor_id)
                               .with_for_update().execution_options(populate_existing=True))
    active = Proposal.status == ProposalStatus.ACTIVE
    used_slots = db.session.scalar(select(func.count()).where(active, Proposal.placement_id == placement.id))
    used_hours, used_people = db.session.execute(
        select(func.coalesce(func.sum(Proposal.hours), 0), func.count()).where(
            active, Proposal.mentor_id == mentor.id)
    ).one()
    if placement.status != "open" or used_slots >= placement.slots:
        raise TransitionError(_("The placement has no free slot any more."))
    if used_hours + proposal.hours > mentor.capacity_hours or used_people >= mentor.max_participants:
        raise TransitionError(_("This would take you over your weekly capacity."))
    _decide(proposal, user, ProposalStatus.ACTIVE)
    proposal.participant.status = "active"
    # Any other open proposal for this participant is now moot.
    db.session.execute(
        update(Proposal)
        .where(Proposal.participant_id == proposal.participant_id, Proposal.id != proposal.id,
               Proposal.status.in_(OPEN_PROPOSAL))
        .values(status=ProposalStatus.SUPERSEDED)
    )


def participant_ids_in(run: SolveRun) -> list[int]:
    return list(run.scope)


def waiting_participants(user: User) -> list[Participant]:
    q = select(Participant).where(Participant.status == "waiting")
    if user.role != "admin":
        q = q.where(Participant.consultant_id == user.id)
    return list(db.session.scalars(q))
