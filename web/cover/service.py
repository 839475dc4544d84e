"""State changes of absences, cover needs, cover requests and holds, in one place.

Every function leaves committing to its caller, so a page or a job writes in one transaction.
"""

from __future__ import annotations

from datetime import date, timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from web.cover.notices import mentor_users
from web.cover.notify import notify, send_mail
from web.extensions import db
from web.i18n import format_date
from web.locking import sqlite_write_lock
from web.models import Mentor, Participant, Proposal, ProposalStatus, User, utcnow
from web.models.base import WEEKDAYS
from web.models.cases import log_event
from web.models.cover import (
    Absence,
    CoverNeed,
    CoverRequest,
    HoldStatus,
    NeedStatus,
    ParticipantHold,
    RequestStatus,
    confirmed_cover,
)


class TransitionError(Exception):
    """The action is not possible in the record's current state; the message says why."""


def overlapping_absence(mentor_id: int, starts_on: date, ends_on: date) -> Absence | None:
    return db.session.scalar(
        select(Absence).where(
            Absence.mentor_id == mentor_id,
            Absence.withdrawn_at.is_(None),
            Absence.starts_on <= ends_on,
            Absence.ends_on >= starts_on,
        )
    )


def overlap_message(other: Absence) -> str:
    # The absence as the list shows it, extensions included: a walk was told of one "to
    # Dec 10, 2026" by a mentor away until Dec 15.
    first = other.first
    return _("This overlaps the absence already reported for this mentor from %(start)s to "
             "%(end)s.", start=format_date(first.starts_on), end=format_date(first.last_day))


def lock_absence(absence_id: int) -> Absence | None:
    """The absence read again under a lock (FOR UPDATE; on SQLite the write lock), taken
    before its needs are read: a withdrawal and a cover job storing its answer then never
    cross, and whichever comes second sees what the first wrote."""
    sqlite_write_lock()
    return db.session.scalar(
        select(Absence).where(Absence.id == absence_id).with_for_update()
        .execution_options(populate_existing=True))


def already_over(ends_on: date) -> str | None:
    """Why a reported absence is refused on the page and in the API, or None: cover is
    arranged ahead, and one that has ended would only ask substitutes for days gone by.
    (The service itself takes any dates, for imports and tests.)"""
    if ends_on < date.today():
        return _("The absence is already over: cover cannot be arranged for days that have "
                 "passed.")
    return None


# An absence, or an extension of one, is reported for at most a year of days, and starts
# at most a year ahead: a year typed wrong (2062 for 2026) is refused, not turned into
# decades of cover requests.
def _a_year_on(day: date) -> date:
    """The same date a year later (29 February: 1 March); the calendar's last day at its end."""
    if day.year == date.max.year:
        return date.max
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return date(day.year + 1, 3, 1)


def too_long(starts_on: date, ends_on: date) -> str | None:
    """Why a report from ``starts_on`` to ``ends_on`` is too long, or None."""
    a_year_on = _a_year_on(starts_on)
    last = a_year_on if a_year_on == date.max else a_year_on - timedelta(days=1)
    if ends_on > last:
        return _("An absence is reported for at most a year at a time: the last day can be "
                 "%(date)s at the latest. If it lasts longer, extend it when its end comes "
                 "near.", date=format_date(last))
    return None


def too_far_ahead(starts_on: date, today: date) -> str | None:
    """Why an absence starting on ``starts_on`` is refused on the page and in the API, or
    None (the service itself takes any first day, for imports and tests)."""
    latest = _a_year_on(today)
    if starts_on > latest:
        return _("The first day can be at most a year ahead, %(date)s at the latest.",
                 date=format_date(latest))
    return None


def report_absence(
    mentor: Mentor, starts_on: date, ends_on: date, reason: str, by: User
) -> Absence:
    """Record a mentor's absence and one cover need per active assignment of that mentor
    whose participant works on a day of it (``works_on``); those participants' consultants
    are told (not the one who reported it)."""
    if ends_on < starts_on:
        raise TransitionError(_("The last day cannot be before the first day."))
    if long := too_long(starts_on, ends_on):
        raise TransitionError(long)
    return _new_absence(mentor, starts_on, ends_on, reason, by, "absence_reported")


def _new_absence(mentor: Mentor, starts_on: date, ends_on: date, reason: str, by: User,
                 notice: str, extends: Absence | None = None) -> Absence:
    if other := overlapping_absence(mentor.id, starts_on, ends_on):
        raise TransitionError(overlap_message(other))
    absence = Absence(
        mentor_id=mentor.id,
        starts_on=starts_on,
        ends_on=ends_on,
        reason=reason,
        reported_by_id=by.id,
        extends=extends,
    )
    db.session.add(absence)
    assignments = [a for a in active_assignments(mentor.id)
                   if works_on(a, starts_on, ends_on, mentor)]
    assignments += covered_by(mentor.id, starts_on, ends_on)
    absence.reopened = _withdraw_open_requests(mentor.id, starts_on, ends_on)
    for a in assignments:
        absence.needs.append(CoverNeed(assignment_id=a.id, status=NeedStatus.SEARCHING))
    db.session.flush()  # the notice names the absence by id
    consultants = [a.participant.consultant for a in assignments]
    notify([u for u in consultants if u.id != by.id], notice, absence_id=absence.id)
    # The mentor, when someone else reported it: they should know what others were told.
    notify([u for u in mentor_users([mentor.id]) if u.id != by.id], "absence_reported_you",
           absence_id=absence.id)
    return absence


def covered_by(mentor_id: int, starts_on: date, ends_on: date) -> list[Proposal]:
    """The active assignments ``mentor_id`` covers as a confirmed substitute on a working day
    of the period: when the substitute is away too, those participants need cover again
    (else they are left with nobody while the cover shows as arranged)."""
    out = {}
    for req in db.session.scalars(
        confirmed_cover(mentor_id, starts_on, ends_on)
        .join(Proposal, Proposal.id == CoverRequest.assignment_id)
        .where(Proposal.status == ProposalStatus.ACTIVE).order_by(CoverRequest.id)
    ):
        a = req.assignment
        if works_on(a, max(starts_on, req.starts_on), min(ends_on, req.ends_on), req.substitute):
            out[a.id] = a
    return list(out.values())


def _withdraw_open_requests(mentor_id: int, starts_on: date, ends_on: date) -> list[Absence]:
    """A mentor reported away is no longer asked to cover on those days: their cover
    requests still waiting for an answer that overlap the days are cancelled and the need
    searches again. Returns the absences whose cover jobs must run again (the caller
    commits, then starts them: `workers.cover_queue.start_cover` reads ``reopened``). A
    walk had an absent mentor confirm such a request afterwards."""
    again = {}
    for req in db.session.scalars(select(CoverRequest).where(
            CoverRequest.substitute_id == mentor_id,
            CoverRequest.status == RequestStatus.REQUESTED,
            CoverRequest.starts_on <= ends_on, CoverRequest.ends_on >= starts_on)):
        req.status = RequestStatus.CANCELLED
        req.need.status = NeedStatus.SEARCHING
        again[req.need.absence_id] = req.need.absence
    return list(again.values())


def away_during(req: CoverRequest) -> Absence | None:
    """The substitute's own absence on a day of the request, if any."""
    return overlapping_absence(req.substitute_id, req.starts_on, req.ends_on)


def works_on(assignment: Proposal, starts_on: date, ends_on: date,
             mentor: Mentor | None = None) -> bool:
    """Whether the participant works at the placement with ``mentor`` (by default the
    assignment's) on a day of the period: only then is cover needed. An absence from
    Saturday to Monday leaves a Wednesday-Thursday participant supported as usual, and a
    Friday away leaves alone a mentor who never works Fridays (a walk found a need, then
    "no substitute", for such a Friday)."""
    mentor = mentor or assignment.mentor
    days = set(assignment.participant.days) & set(assignment.placement.days) & set(mentor.days)
    return bool(days & weekdays_in(starts_on, ends_on))


def weekdays_in(starts_on: date, ends_on: date) -> set[str]:
    """The weekdays ("mon", ...) that occur from ``starts_on`` to ``ends_on``: all seven for
    a week or more, none for a period that ends before it starts."""
    span = min((ends_on - starts_on).days + 1, 7)
    return {WEEKDAYS[(starts_on + timedelta(days=d)).weekday()] for d in range(max(span, 0))}


def extension_refused(absence: Absence, today: date) -> str | None:
    """Why the absence cannot be extended now, or None. It can while it lasts, and on the day
    after its last day (the mentor is still away this morning): the days added then start
    today, so no day goes by without cover being sought."""
    if absence.withdrawn_at is not None:
        return _("This absence has been withdrawn.")
    if absence.planned_ends_on is not None:
        return _("The mentor came back early from this absence. If they are away again, "
                 "report a new absence.")
    if ext := absence.extension:
        return _("This absence has already been extended until %(date)s: extend that one.",
                 date=format_date(ext.ends_on))
    if absence.ends_on < today - timedelta(days=1):
        return _("This absence is over. If the mentor is away again, report a new absence.")
    return None


def extend_absence(absence: Absence, ends_on: date, by: User, today: date) -> Absence:
    """The mentor is away longer: the added days become an absence of their own that names
    this one, with a need per active assignment that works on one of them (as
    ``report_absence``). Its cover job asks the substitutes who
    cover on the last day to go on first (``workers.cover_problem.continuing``). The
    participants' consultants are told (not whoever did it). Returns the new absence."""
    if why := extension_refused(absence, today):
        raise TransitionError(why)
    if ends_on <= absence.ends_on:
        raise TransitionError(_("The new last day must be after %(date)s.",
                                date=format_date(absence.ends_on)))
    if long := too_long(absence.ends_on + timedelta(days=1), ends_on):
        raise TransitionError(long)
    # Nor further than a year from today: extending each new piece at once chained years
    # ahead (a walk reached 2033).
    if ends_on > (latest := _a_year_on(today)):
        raise TransitionError(_("An absence is extended at most a year ahead: the new last "
                                "day can be %(date)s at the latest.",
                                date=format_date(latest)))
    return _new_absence(absence.mentor, absence.ends_on + timedelta(days=1), ends_on,
                        absence.reason, by, "absence_extended", extends=absence)


def cover_new_assignment(assignment: Proposal) -> list[Absence]:
    """An assignment that starts while its mentor is away (or will be) needs cover too: one
    searching need on each such absence. Returns those absences; the caller commits, then
    starts their cover jobs."""
    absences = db.session.scalars(
        select(Absence).where(
            Absence.mentor_id == assignment.mentor_id,
            Absence.withdrawn_at.is_(None),
            Absence.ends_on >= date.today(),
        )
    ).all()
    absences = [a for a in absences if works_on(assignment, a.starts_on, a.ends_on)]
    for absence in absences:
        absence.needs.append(CoverNeed(assignment_id=assignment.id, status=NeedStatus.SEARCHING))
    return absences


def withdraw_absence(absence: Absence, by: User, today: date) -> None:
    """The mentor is not away after all, or is back early.

    Before the first day the absence is withdrawn; from then on it ends the day before
    ``today``. Its extensions, all still ahead, are withdrawn with it. Nothing is sought any
    more: needs not filled are cancelled, open requests too; a confirmed cover is cancelled
    with the absence, or ends with it. Each substitute concerned is told, and so are the
    mentor, the participants' consultants and the employers who were told that cover was
    arranged (not whoever did it)."""
    if absence.withdrawn_at is not None:
        raise TransitionError(_("This absence has already been withdrawn."))
    if absence.ends_on < today:
        raise TransitionError(_("This absence is already over."))
    told = [*mentor_users([absence.mentor_id])]  # the mentor: if someone else did this
    planned = absence.last_day
    for part in absence.chain:  # only the first part can have begun
        if part.starts_on >= today:
            part.withdrawn_at, part.withdrawn_by_id = utcnow(), by.id
        else:
            part.planned_ends_on = planned
            part.ends_on = today - timedelta(days=1)
        told += _stop_cover(part)
    notify([u for u in dict.fromkeys(told) if u.id != by.id], "absence_withdrawn",
           absence_id=absence.id)


def _stop_cover(absence: Absence) -> list[User]:
    """Cancel what cover is sought or arranged beyond a withdrawn or shortened absence, tell
    each substitute concerned, and return who else is to be told."""
    last = None if absence.withdrawn_at else absence.ends_on  # the last day away, if any
    told = []
    for need in absence.needs:
        told.append(need.assignment.participant.consultant)
        if need.confirmed:  # the employer was told it was arranged
            told += employer_users(need.assignment.placement.employer_id)
        _cut_cover(need, last, "cover_withdrawn")
    return told


def _cut_cover(need: CoverNeed, last: date | None, notice: str) -> None:
    """No cover after ``last`` (None: none at all): open requests and cover not begun by then
    are cancelled, cover under way ends that day, each substitute concerned gets ``notice``;
    a need left with no cover is cancelled."""
    for req in need.requests:
        if req.status == RequestStatus.REQUESTED or (
            req.status == RequestStatus.CONFIRMED and (last is None or req.starts_on > last)
        ):
            req.status = RequestStatus.CANCELLED
        elif req.status == RequestStatus.CONFIRMED and req.ends_on > last:
            req.ends_on = last
        else:
            continue
        notify(mentor_users([req.substitute_id]), notice, request_id=req.id)
    if last is None or need.confirmed is None:  # no cover left that spans a day away
        need.status = NeedStatus.CANCELLED


def stop_cover_of_ended(assignment: Proposal, ended_on: date) -> None:
    """An assignment ended on ``ended_on``: no cover is sought or arranged after that day.
    Open requests are cancelled, a confirmed cover ends that day (or is cancelled if it had
    not begun), needs still open are cancelled, and each substitute concerned is told."""
    needs = db.session.scalars(
        select(CoverNeed).join(Absence, Absence.id == CoverNeed.absence_id).where(
            CoverNeed.assignment_id == assignment.id, Absence.withdrawn_at.is_(None),
            Absence.ends_on > ended_on)).all()
    for need in needs:
        _cut_cover(need, ended_on, "cover_assignment_ended")


def active_assignments(mentor_id: int) -> list[Proposal]:
    return db.session.scalars(
        select(Proposal)
        .where(Proposal.mentor_id == mentor_id, Proposal.status == ProposalStatus.ACTIVE)
        .order_by(Proposal.id)
    ).all()


def confirm_cover(req: CoverRequest, user: User, recorded: bool = False) -> None:
    """The substitute says yes (or, ``recorded``, the consultant or employer records the yes
    of a substitute without a login; the messages then speak of the substitute): the need is
    filled; consultant and employer are told (not whoever recorded it)."""
    _still_asked(req, recorded)
    if away := away_during(req):
        raise TransitionError(_(
            "%(name)s is reported away from %(start)s to %(end)s, during this cover: it cannot "
            "be confirmed.", name=req.substitute.name, start=format_date(away.starts_on),
            end=format_date(away.ends_on)) if recorded else _(
            "You are reported away from %(start)s to %(end)s, during this cover: it cannot "
            "be confirmed.", start=format_date(away.starts_on), end=format_date(away.ends_on)))
    req.status, req.decided_by_id, req.decided_at = RequestStatus.CONFIRMED, user.id, utcnow()
    req.need.status, req.need.filled_at = NeedStatus.FILLED, utcnow()
    a = req.assignment
    notify(
        [u for u in (a.participant.consultant, *employer_users(a.placement.employer_id))
         if u.id != user.id],
        "cover_arranged",
        request_id=req.id,
    )


def decline_cover(req: CoverRequest, user: User, recorded: bool = False) -> None:
    """The substitute says no (or, ``recorded``, the consultant or employer records it): the
    need searches again, without this substitute."""
    _still_asked(req, recorded)
    req.status, req.decided_by_id, req.decided_at = RequestStatus.DECLINED, user.id, utcnow()
    req.need.status = NeedStatus.SEARCHING


def _still_asked(req: CoverRequest, recorded: bool) -> None:
    if req.status != RequestStatus.REQUESTED:
        raise TransitionError(
            _("The substitute's answer is already recorded, or the request is no longer open.")
            if recorded else _("This cover request is not waiting for your answer."))


def recordable_requests(user: User) -> list[CoverRequest]:
    """The open cover requests to substitutes without a login whose answer ``user`` may
    record: a consultant's participants', or every one for an admin."""
    q = (select(CoverRequest)
         .join(Mentor, Mentor.id == CoverRequest.substitute_id)
         .join(Proposal, Proposal.id == CoverRequest.assignment_id)
         .join(Participant, Participant.id == Proposal.participant_id)
         .where(CoverRequest.status == RequestStatus.REQUESTED, ~Mentor.has_login))
    if user.role != "admin":
        q = q.where(Participant.consultant_id == user.id)
    return db.session.scalars(q.order_by(CoverRequest.starts_on, CoverRequest.id).options(
        selectinload(CoverRequest.substitute),
        selectinload(CoverRequest.assignment).selectinload(Proposal.participant),
        selectinload(CoverRequest.assignment).selectinload(Proposal.placement))).all()


def may_record(req: CoverRequest, user: User) -> bool:
    """Whether ``user`` may record the answer to ``req``: the substitute has no login to
    answer with, and the user is the participant's consultant, a user of the placement's
    employer, or an admin (a walk saw such requests wait unanswered until their deadline)."""
    if req.substitute.has_login:
        return False
    a = req.assignment
    return (user.role == "admin"
            or (user.role == "consultant" and a.participant.consultant_id == user.id)
            or (user.role == "employer" and user.employer_id is not None
                and a.placement.employer_id == user.employer_id))


def employer_users(employer_id: int) -> list[User]:
    return db.session.scalars(
        select(User).where(
            User.employer_id == employer_id, User.role == "employer", User.active.is_(True)
        )
    ).all()


def escalate(need: CoverNeed) -> bool:
    """Tell that no cover was found, once: the consultant always (in-app); with the cover
    guarantee also the employer, and both by e-mail too. Not once the absence is over."""
    if need.escalated_at is not None or need.status in (NeedStatus.FILLED, NeedStatus.CANCELLED):
        return False
    if need.absence.ends_on < date.today():  # over: nothing left to arrange
        return False
    need.escalated_at = utcnow()
    a = need.assignment
    people = [a.participant.consultant]
    if a.placement.cover_guarantee:
        people += employer_users(a.placement.employer_id)
    notify(people, "cover_missing", need_id=need.id)
    if a.placement.cover_guarantee:
        send_mail(people, "cover_missing", need_id=need.id)
    return True


def pause_over(starts_on: date, today: date) -> str | None:
    """Why a pause from ``starts_on`` is refused on the page, or None: one whose hold has
    already run out would release the participant's slot at once, for a date typed wrong."""
    days = current_app.config["HOLD_DAYS"]
    earliest = today - timedelta(days=days)
    if starts_on < earliest:
        return ngettext("The slot is held %(num)d day from the first day, so a pause from then "
                        "would already be over. The first day can be %(date)s at the earliest.",
                        "The slot is held %(num)d days from the first day, so a pause from "
                        "then would already be over. The first day can be %(date)s at the "
                        "earliest.", days, date=format_date(earliest))
    return None


def hold(participant: Participant, starts_on: date, reason: str, by: User) -> ParticipantHold:
    """Pause a participant's active assignment; the slot is held for HOLD_DAYS."""
    if participant.status == "paused":
        raise TransitionError(_("The participant is already paused."))
    assignment = db.session.scalar(
        select(Proposal).where(
            Proposal.participant_id == participant.id, Proposal.status == ProposalStatus.ACTIVE
        )
    )
    if assignment is None:
        raise TransitionError(_("The participant has no active assignment to pause."))
    until = starts_on + timedelta(days=current_app.config["HOLD_DAYS"])
    h = ParticipantHold(
        participant_id=participant.id,
        assignment_id=assignment.id,
        reason=reason,
        starts_on=starts_on,
        hold_until=until,
        reported_by_id=by.id,
    )
    log_event(participant.id, by, "paused", status=participant.status)
    participant.status = "paused"
    db.session.add(h)
    db.session.flush()  # the notice names the hold
    _tell_workplace(h, by, "participant_away")
    return h


def _tell_workplace(h: ParticipantHold, by: User, kind: str) -> None:
    """The mentor and the placement's employer hear that the participant is away, or back
    (a walk: they heard nothing until the hold ran out, and the mentor's week still planned
    the hours). Never why: the reason stays with the consultant."""
    a = h.assignment
    notify([u for u in (*mentor_users([a.mentor_id]), *employer_users(a.placement.employer_id))
            if u.id != by.id], kind, hold_id=h.id)


def held(assignment_ids: list[int]) -> dict[int, ParticipantHold]:
    """The holds in force of these assignments (their participant is away), by assignment."""
    if not assignment_ids:
        return {}
    return {h.assignment_id: h for h in db.session.scalars(select(ParticipantHold).where(
        ParticipantHold.assignment_id.in_(assignment_ids),
        ParticipantHold.status == HoldStatus.HELD))}


def end_hold(participant_id: int, status: HoldStatus, by: User | None = None) -> None:
    """End the participant's held slot, if any, as ``status``: reopened on the case page is
    back (resumed; the mentor and employer are told, as by "Back again", when ``by`` is
    given); a case closed or an assignment ended frees it (released). Left held, the end of
    the hold made a closed case waiting again, or "Back again" an ended one active."""
    for h in db.session.scalars(select(ParticipantHold).where(
            ParticipantHold.participant_id == participant_id,
            ParticipantHold.status == HoldStatus.HELD)):
        h.status, h.ended_at = status, utcnow()
        if status == HoldStatus.RESUMED and by is not None:
            _tell_workplace(h, by, "participant_back")


def resume(h: ParticipantHold, by: User) -> None:
    """The participant is back within the hold: the assignment runs on."""
    if h.status != HoldStatus.HELD:
        raise TransitionError(_("The hold has already ended."))
    h.status, h.ended_at = HoldStatus.RESUMED, utcnow()
    log_event(h.participant_id, by, "reopened", status=h.participant.status)
    h.participant.status = "active"
    _tell_workplace(h, by, "participant_back")


def release_if_due(h: ParticipantHold, today: date) -> bool:
    """After the hold, free the slot and the mentor's hours; the participant waits again."""
    if h.status != HoldStatus.HELD or today <= h.hold_until:
        return False
    h.status, h.ended_at = HoldStatus.RELEASED, utcnow()
    h.assignment.status = ProposalStatus.ENDED
    log_event(h.participant_id, None, "ended", proposal=h.assignment_id, reason="hold_released")
    h.participant.status = "waiting"
    for need in db.session.scalars(
        select(CoverNeed).where(CoverNeed.assignment_id == h.assignment_id)
    ):
        if need.status != NeedStatus.FILLED:
            need.status = NeedStatus.CANCELLED
            for req in need.requests:
                if req.status == RequestStatus.REQUESTED:
                    req.status = RequestStatus.CANCELLED
    a = h.assignment
    notify(
        [
            h.participant.consultant,
            *mentor_users([a.mentor_id]),
            *employer_users(a.placement.employer_id),
        ],
        "hold_released",
        hold_id=h.id,
    )
    return True
