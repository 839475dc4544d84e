"""State changes of runs and proposals, in one place so every entry point (page, API) agrees."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select, update

from web.cover.notify import notify
from web.cover.service import cover_new_assignment, end_hold
from web.extensions import db
from web.locking import sqlite_write_lock
from web.models import (
    Exclusion,
    Mentor,
    Participant,
    Placement,
    Proposal,
    ProposalStatus,
    RunStatus,
    SolveRun,
    User,
    utcnow,
)
from web.models.cases import log_event
from web.models.cover import HoldStatus
from web.models.runs import OPEN_PROPOSAL
from web.participants.fit import broken


class TransitionError(Exception):
    """The action is not possible in the proposal's current state; the message says why."""


def create_run(user: User, participant_ids: list[int], *, time_limit: float,
               weights: dict | None = None) -> SolveRun:
    """Create and commit a queued run; supersede older queued runs for the same scope."""
    scope = sorted(set(participant_ids))
    older = db.session.scalars(
        select(SolveRun).where(SolveRun.status == RunStatus.QUEUED,
                               SolveRun.requested_by_id == user.id)
    ).all()
    for run in older:
        if sorted(run.scope) == scope:
            run.status, run.phase, run.finished_at = RunStatus.SUPERSEDED, "superseded", utcnow()
    run = SolveRun(requested_by_id=user.id, scope=scope, weights=weights or {},
                   time_limit=time_limit)
    db.session.add(run)
    db.session.flush()
    for participant_id in scope:
        log_event(participant_id, user, "match_requested", run=run.id)
    db.session.commit()
    return run


def _decide(proposal: Proposal, user: User, status: ProposalStatus,
            reason: str | None = None) -> None:
    proposal.status = status
    proposal.decided_by_id, proposal.decided_at = user.id, utcnow()
    proposal.decision_reason = reason


def approve(proposal: Proposal, user: User) -> None:
    """Consultant approves: the proposal goes to the mentor, if the placement and the mentor
    still have room beside what is already sent to mentors or running. Two runs made before
    either was approved can propose the same last slot; only the first approval gets it."""
    if proposal.status != ProposalStatus.PROPOSED:
        raise TransitionError(_("Only a new proposal can be approved."))
    if rules := broken(proposal):  # edited since the run: the mentor would be asked in vain
        raise TransitionError(_(
            "%(code)s: the proposal no longer fits the participant's details: %(rules)s. "
            "Reject it and run again.", code=proposal.participant.code, rules="; ".join(rules)))
    full = _full(proposal, (ProposalStatus.ACTIVE, ProposalStatus.APPROVED))
    if full == "closed":
        raise TransitionError(_(
            "%(code)s: the employer has closed %(placement)s, and it takes nobody new. Reject "
            "the proposal and run again.",
            code=proposal.participant.code, placement=proposal.placement.title))
    if full == "placement":
        raise TransitionError(_(
            "%(code)s: %(placement)s has no free slot; it is already sent to a mentor or taken. "
            "Reject the proposal and run again.",
            code=proposal.participant.code, placement=proposal.placement.title))
    if full == "mentor":
        raise TransitionError(_(
            "%(code)s: %(mentor)s has no room for %(hours)s more hours a week beside what is "
            "already sent or running. Reject the proposal and run again.",
            code=proposal.participant.code, mentor=proposal.mentor.name, hours=proposal.hours))
    _decide(proposal, user, ProposalStatus.APPROVED)
    log_event(proposal.participant_id, user, "approved", proposal=proposal.id, run=proposal.run_id)


# Rejections that say the placement, or the mentor, is wrong for the participant: it is not
# proposed to them again (until the consultant lifts the exclusion on the participant's
# page). A wrong time to start, or another reason, leaves both open for a later run.
EXCLUDING_REJECTIONS = {
    "poor_fit": "placement",
    "participant_said_no": "placement",
    "participant_declined_mentor": "mentor",
}


def reject(proposal: Proposal, user: User, reason: str) -> str | None:
    """Consultant rejects: the participant waits again, and for a reason in
    EXCLUDING_REJECTIONS the placement or the mentor is excluded for them. Returns which
    ("placement", "mentor") or None."""
    if proposal.status not in OPEN_PROPOSAL:
        raise TransitionError(_("This proposal is no longer open."))
    _decide(proposal, user, ProposalStatus.REJECTED, reason)
    proposal.participant.status = "waiting"
    log_event(proposal.participant_id, user, "rejected", proposal=proposal.id,
              run=proposal.run_id, reason=reason)
    excluded = EXCLUDING_REJECTIONS.get(reason)
    if excluded == "placement":
        _exclude(proposal.participant_id, placement_id=proposal.placement_id, reason="rejected")
    elif excluded == "mentor":
        _exclude(proposal.participant_id, mentor_id=proposal.mentor_id, reason="rejected")
    return excluded


def _exclude(participant_id: int, *, mentor_id: int | None = None,
             placement_id: int | None = None, reason: str) -> None:
    """Exclude a mentor or placement for a participant, once."""
    held = db.session.scalar(select(Exclusion.id).where(
        Exclusion.participant_id == participant_id,
        Exclusion.mentor_id.is_not_distinct_from(mentor_id),
        Exclusion.placement_id.is_not_distinct_from(placement_id)))
    if held is None:
        db.session.add(Exclusion(participant_id=participant_id, mentor_id=mentor_id,
                                 placement_id=placement_id, reason=reason))


def decline(proposal: Proposal, user: User, reason: str, recorded: bool = False) -> int | None:
    """Mentor declines (or, ``recorded``, the consultant records the no of a mentor without
    a login): the participant waits again and this mentor is excluded for them next time.

    A mentor who answers "I do not have the capacity" themselves is not excluded: the
    participant did nothing to be kept from them. Their maximum number of participants
    drops to the number they have, so that no run proposes them to anyone until they raise
    it on their profile (else the next run asks them again for someone else, and this
    participant stays kept from them for good). Returns that new maximum, or None. A recorded
    no excludes as before: the consultant cannot change a mentor's profile, but can lift an
    exclusion."""
    if proposal.status != ProposalStatus.APPROVED:
        raise TransitionError(_not_waiting(recorded))
    _decide(proposal, user, ProposalStatus.DECLINED, reason)
    proposal.participant.status = "waiting"
    lowered = None
    if reason == "no_capacity" and not recorded:
        lowered = _take_no_new(proposal.mentor)
    else:
        _exclude(proposal.participant_id, mentor_id=proposal.mentor_id, reason="declined")
    log_event(proposal.participant_id, user, "declined", proposal=proposal.id,
              mentor=proposal.mentor_id, reason=reason, **_recorded(recorded))
    # The consultant hears of it at once: the participant is waiting again (unless they
    # recorded it themselves).
    notify([u for u in [proposal.participant.consultant] if u.id != user.id],
           "proposal_declined", proposal_id=proposal.id)
    return lowered


def _take_no_new(mentor: Mentor) -> int:
    """Set ``mentor``'s maximum number of participants to the number they have (active
    assignments and proposals awaiting their answer), at most the maximum they had."""
    held = db.session.scalar(select(func.count()).select_from(Proposal).where(
        Proposal.mentor_id == mentor.id,
        Proposal.status.in_((ProposalStatus.ACTIVE, ProposalStatus.APPROVED))))
    mentor.max_participants = min(mentor.max_participants, held)
    return mentor.max_participants


def lift_exclusion(exclusion: Exclusion, user: User) -> None:
    """The consultant lifts an exclusion: its mentor or placement can be proposed again."""
    log_event(exclusion.participant_id, user, "exclusion_lifted", mentor=exclusion.mentor_id,
              placement=exclusion.placement_id)
    db.session.delete(exclusion)


def _recorded(recorded: bool) -> dict:
    """The case history's mark of an answer the consultant recorded for the mentor: its
    actor recorded it, and did not answer themselves."""
    return {"recorded": True} if recorded else {}


def _not_waiting(recorded: bool) -> str:
    return (_("The mentor's answer is already recorded, or the proposal was withdrawn.")
            if recorded else _("This proposal is not waiting for your answer."))


def confirm(proposal: Proposal, user: User, recorded: bool = False) -> list:
    """Mentor confirms (or, ``recorded``, the consultant records the yes of a mentor without
    a login; the messages then speak of the mentor): the proposal becomes the active
    assignment, if it still fits the participant and capacity still allows.
    Returns the mentor's current or coming absences that now need cover for it too (the
    caller commits, then starts their cover jobs: ``workers.cover_queue.start_cover``).

    The placement and mentor rows are locked (FOR UPDATE on PostgreSQL; SQLite takes the
    database write lock up front) and everything is read again under the lock, so two
    confirmations cannot together overbook: the second one sees the first and is refused.
    """
    sqlite_write_lock()
    db.session.refresh(proposal)  # under the lock: another request may have answered it meanwhile
    if proposal.status != ProposalStatus.APPROVED:
        raise TransitionError(_not_waiting(recorded))
    if rules := broken(proposal):  # the participant's details changed since (a walk)
        raise TransitionError(
            _("The proposal no longer fits the participant's details: %(rules)s. Reject it "
              "and run again.", rules="; ".join(rules)) if recorded else
            _("The participant's details have changed, and the proposal no longer fits: "
              "%(rules)s. Ask the consultant.", rules="; ".join(rules)))
    placement = db.session.scalar(select(Placement).where(Placement.id == proposal.placement_id)
                                  .with_for_update().execution_options(populate_existing=True))
    mentor = db.session.scalar(select(Mentor).where(Mentor.id == proposal.mentor_id)
                               .with_for_update().execution_options(populate_existing=True))
    full = _full(proposal, (ProposalStatus.ACTIVE,), placement, mentor)
    if full == "closed":
        raise TransitionError(
            _("The employer has closed the placement, and it takes nobody new. Reject the "
              "proposal and run again.") if recorded else
            _("The employer has closed the placement, and it takes nobody new. Ask the "
              "consultant."))
    if full == "placement":
        raise TransitionError(_("The placement has no free slot any more."))
    if full == "mentor":
        raise TransitionError(
            _("This would take %(mentor)s over their weekly capacity.", mentor=mentor.name)
            if recorded else _("This would take you over your weekly capacity."))
    _decide(proposal, user, ProposalStatus.ACTIVE)
    proposal.participant.status = "active"
    log_event(proposal.participant_id, user, "confirmed", proposal=proposal.id,
              mentor=proposal.mentor_id, placement=proposal.placement_id, **_recorded(recorded))
    # Any other open proposal for this participant is now moot.
    db.session.execute(
        update(Proposal)
        .where(Proposal.participant_id == proposal.participant_id, Proposal.id != proposal.id,
               Proposal.status.in_(OPEN_PROPOSAL))
        .values(status=ProposalStatus.SUPERSEDED)
    )
    db.session.flush()
    return cover_new_assignment(proposal)


def _full(proposal: Proposal, holding: tuple[ProposalStatus, ...],
          placement: Placement | None = None, mentor: Mentor | None = None) -> str | None:
    """"closed" when the placement is closed, "placement" or "mentor" when the proposal
    does not fit beside the proposals in the ``holding`` states, else None."""
    placement = placement or proposal.placement
    mentor = mentor or proposal.mentor
    held = (Proposal.status.in_(holding), Proposal.id != proposal.id)
    used_slots = db.session.scalar(
        select(func.count()).where(*held, Proposal.placement_id == placement.id))
    if placement.status != "open":  # the employer closed it: "no free slot" misled
        return "closed"
    if used_slots >= placement.slots:
        return "placement"
    used_hours, used_people = db.session.execute(
        select(func.coalesce(func.sum(Proposal.hours), 0), func.count()).where(
            *held, Proposal.mentor_id == mentor.id)
    ).one()
    if (used_hours + proposal.hours > mentor.capacity_hours
            or used_people >= mentor.max_participants):
        return "mentor"
    return None


def participant_ids_in(run: SolveRun) -> list[int]:
    return list(run.scope)


def waiting_participants(user: User) -> list[Participant]:
    q = select(Participant).where(Participant.status == "waiting")
    if user.role != "admin":
        q = q.where(Participant.consultant_id == user.id)
    return list(db.session.scalars(q))


# --- The participant's own life cycle: pause, close, reopen -------------------------------

PAUSABLE = ("waiting", "proposed", "active")


def _withdraw_open(participant: Participant, user: User, reason: str) -> None:
    """Open proposals of a participant who is no longer available are rejected with a reason."""
    for proposal in db.session.scalars(select(Proposal).where(
            Proposal.participant_id == participant.id, Proposal.status.in_(OPEN_PROPOSAL))):
        _decide(proposal, user, ProposalStatus.REJECTED, reason)


def pause(participant: Participant, user: User) -> None:
    """Take a participant out of matching for a while; an active assignment is kept."""
    if participant.status not in PAUSABLE:
        raise TransitionError(_("Only a waiting, proposed or active participant can be paused."))
    _withdraw_open(participant, user, "participant_paused")
    log_event(participant.id, user, "paused", status=participant.status)
    participant.status = "paused"


def close(participant: Participant, user: User) -> None:
    """Close the case: open proposals are withdrawn and an active assignment ends."""
    if participant.status == "closed":
        raise TransitionError(_("The case is already closed."))
    _withdraw_open(participant, user, "participant_closed")
    for proposal in db.session.scalars(select(Proposal).where(
            Proposal.participant_id == participant.id, Proposal.status == ProposalStatus.ACTIVE)):
        _decide(proposal, user, ProposalStatus.ENDED, "participant_closed")
        log_event(participant.id, user, "ended", proposal=proposal.id)
    end_hold(participant.id, HoldStatus.RELEASED)
    log_event(participant.id, user, "closed", status=participant.status)
    participant.status = "closed"


def reopen(participant: Participant, user: User) -> None:
    """A paused or closed case is open again: active if its assignment still runs, else waiting."""
    if participant.status not in ("paused", "closed"):
        raise TransitionError(_("Only a paused or closed case can be reopened."))
    running = db.session.scalar(select(Proposal.id).where(
        Proposal.participant_id == participant.id, Proposal.status == ProposalStatus.ACTIVE))
    # Paused as away ("Participant away"), reopened here: back, as with "Back again".
    end_hold(participant.id, HoldStatus.RESUMED, by=user)
    log_event(participant.id, user, "reopened", status=participant.status)
    participant.status = "active" if running else "waiting"


# Proposals whose participant a "run again" tries once more (a walk found the declined left
# out: the mentor said no, the participant waited, and the button did not offer them).
AGAIN = (ProposalStatus.REJECTED, ProposalStatus.DECLINED, ProposalStatus.EXPIRED)


def again_scope(run: SolveRun) -> list[int]:
    """Who a 'run again' covers: the run's unmatched, and those whose proposal the
    consultant rejected, the mentor declined or nobody answered in time, who wait now."""
    ids = {u["participant_id"] for u in run.unmatched or []}
    ids |= {p.participant_id for p in run.proposals if p.status in AGAIN}
    if not ids:
        return []
    return list(db.session.scalars(select(Participant.id).where(
        Participant.id.in_(ids), Participant.status == "waiting").order_by(Participant.id)))
