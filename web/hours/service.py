"""State changes of timesheets and assignments, shared by the pages and the tests."""

from __future__ import annotations

from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import selectinload

from web.cover.notices import mentor_users
from web.cover.notify import notify
from web.cover.service import employer_users, end_hold, held, stop_cover_of_ended
from web.extensions import db
from web.forms_common import FIRST_YEAR, in_years, last_year
from web.hours.plans import assignment_start, begun_by, monday, plan_of, steps_by_proposal
from web.i18n import format_date
from web.models import (
    Notification,
    Outcome,
    Proposal,
    ProposalStatus,
    Timesheet,
    TimesheetLine,
    User,
    utcnow,
)
from web.models.cases import log_event
from web.models.cover import CoverRequest, HoldStatus, ParticipantHold, confirmed_cover
from web.models.hours import TASKS


class HoursError(Exception):
    """The action is not possible now; the message says why."""


class FutureWeekError(HoursError):
    """Hours for a week that has not started."""


class BeforeStartError(HoursError):
    """Hours for a week before the assignment began (and with none planned)."""


class AfterEndError(HoursError):
    """Hours for a week after the assignment ended."""


class NotCoveringError(HoursError):
    """Hours for someone else's assignment in a week the mentor does not cover."""


class WeekLockedError(HoursError):
    """An approved week whose hours would change."""


def add_months(d: date, months: int) -> date:
    """The same day ``months`` later, clipped to the month's last day."""
    import calendar

    y, m = divmod(d.month - 1 + months, 12)
    y, m = d.year + y, m + 1
    return date(y, m, min(d.day, calendar.monthrange(y, m)[1]))


def week_out_of_range(week: date) -> str | None:
    """Why hours cannot be shown or logged for the week of ``week`` (its Monday), or None: a
    week outside FIRST_YEAR to last_year() (the weeks of year 1 and 9999 overflowed the date
    arithmetic into a 500)."""
    if in_years(week):
        return None
    return _("Choose a week between %(first)s and %(last)s.", first=FIRST_YEAR, last=last_year())


def timesheets_for(mentor_id: int, week: date) -> dict[int, Timesheet]:
    """The mentor's timesheets of one week by assignment (proposal) id."""
    rows = db.session.scalars(
        select(Timesheet).where(Timesheet.mentor_id == mentor_id, Timesheet.week_start == week)
        .options(selectinload(Timesheet.lines))
    )
    return {t.proposal_id: t for t in rows}


def ended_on(proposal: Proposal) -> date | None:
    """The day an ended assignment ended (None while it is active)."""
    return db.session.scalar(select(Outcome.ended_on).where(Outcome.proposal_id == proposal.id))


def covering(mentor_id: int, week: date):
    """The ids of the assignments ``mentor_id`` covers as a confirmed substitute on some day
    of the week (a select)."""
    return confirmed_cover(mentor_id, week, week + timedelta(days=6)).with_only_columns(
        CoverRequest.assignment_id)


def assignments_in_week(mentor_id: int, week: date, sheets: dict[int, Timesheet]):
    """The assignments the mentor logs hours for in the week, each with the day it ended
    (None while active), and their plan steps: their own active ones begun by the week, their
    own ended ones up to the week they ended (hours are often logged days later), those they
    cover as a substitute in the week, and any with a sheet of theirs in the week
    (``sheets``, by assignment id), so that a returned week can still be corrected."""
    own = and_(Proposal.mentor_id == mentor_id,
               or_(Proposal.status == ProposalStatus.ACTIVE, Outcome.ended_on >= week))
    rows = db.session.execute(
        select(Proposal, Outcome.ended_on)
        .outerjoin(Outcome, Outcome.proposal_id == Proposal.id)
        .where(Proposal.status.in_((ProposalStatus.ACTIVE, ProposalStatus.ENDED)),
               or_(own, Proposal.id.in_(covering(mentor_id, week)),
                   Proposal.id.in_(list(sheets))))
        .order_by(Proposal.id)
        .options(selectinload(Proposal.participant), selectinload(Proposal.mentor),
                 selectinload(Proposal.placement))
    ).all()
    steps = steps_by_proposal([p.id for p, _ in rows])
    return [(p, end) for p, end in rows
            if p.id in sheets or begun_by(p, week, steps[p.id])], steps


def away_in_week(assignment_ids: list[int], week: date) -> dict[int, ParticipantHold]:
    """The assignments whose participant is paused as away by the end of the week, with the
    hold: the timesheet says so (a walk saw the week still plan the hours, with no word)."""
    return {a: h for a, h in held(assignment_ids).items()
            if h.starts_on <= week + timedelta(days=6)}


def weeks_to_finish(mentor_id: int) -> list[Timesheet]:
    """The mentor's weeks that wait for the mentor: returned by the consultant (taken back as
    a draft too: it keeps the comment until sent), or drafts of weeks gone by that were never
    sent; oldest first."""
    return list(db.session.scalars(
        select(Timesheet)
        .where(Timesheet.mentor_id == mentor_id,
               or_(Timesheet.status == "returned",
                   and_(Timesheet.status == "draft",
                        or_(Timesheet.week_start < monday(date.today()),
                            Timesheet.comment.is_not(None)))))
        .order_by(Timesheet.week_start, Timesheet.id)
        .options(selectinload(Timesheet.participant))
    ))


def _refuse_week(proposal: Proposal, week: date, logged: bool, mentor_id: int) -> None:
    """Raise unless ``mentor_id`` may log hours (``logged``: any at all) for the week: an
    assignment begun and not ended before the week, a week begun, and the assignment's own
    mentor or a substitute covering it that week. Clearing a week is always allowed."""
    if proposal.status not in (ProposalStatus.ACTIVE, ProposalStatus.ENDED):
        raise HoursError(_("Hours can only be logged for an assignment that has begun."))
    if week > monday(date.today()):
        raise FutureWeekError(_("Hours can only be logged for this week or earlier weeks."))
    if not logged:
        return
    end = ended_on(proposal) if proposal.status == ProposalStatus.ENDED else None
    if end is not None and week > monday(end):
        raise AfterEndError(_(
            "The assignment of %(code)s ended on %(date)s: hours can be logged up to that "
            "week.", code=proposal.participant.code, date=format_date(end)))
    if not begun_by(proposal, week, plan_of(proposal)):
        raise BeforeStartError(_(
            "The assignment of %(code)s began the week of %(date)s: hours can be logged from "
            "then.", code=proposal.participant.code,
            date=format_date(assignment_start(proposal))))
    if (mentor_id != proposal.mentor_id
            and proposal.id not in db.session.scalars(covering(mentor_id, week)).all()):
        raise NotCoveringError(_(
            "You do not cover %(code)s in the week of %(date)s: a substitute logs hours for "
            "the weeks of a confirmed cover.", code=proposal.participant.code,
            date=format_date(week)))


def save_week(
    proposal: Proposal, week: date, hours: dict[str, float], send: bool = True,
    mentor_id: int | None = None, recorded_by: User | None = None,
) -> Timesheet | None:
    """Store one participant's hours for a week, logged by ``mentor_id`` (default: the
    assignment's mentor; else a substitute covering it that week, on a sheet of their own):
    sent for approval, or (``send=False``) kept as the mentor's draft, which also takes back
    a week sent but not yet approved. An approved week is locked. ``recorded_by``: who
    entered it for a mentor without a login (None: the mentor).

    Returns None when nothing was logged; a sheet not yet approved whose hours are all
    cleared is deleted (an empty week is nothing to approve).
    """
    mentor_id = mentor_id or proposal.mentor_id
    _refuse_week(proposal, week, any(hours.values()), mentor_id)
    sheet = db.session.scalar(select(Timesheet).where(
        Timesheet.proposal_id == proposal.id, Timesheet.week_start == week,
        Timesheet.mentor_id == mentor_id))
    if sheet is not None and sheet.status == "approved":
        if any(abs(sheet.hours_for(t) - hours.get(t, 0)) > 1e-9 for t in TASKS):
            raise WeekLockedError(
                _(
                    "The week of %(code)s is approved and cannot be changed.",
                    code=proposal.participant.code,
                )
            )
        return sheet
    if not any(hours.values()):  # nothing logged: no sheet to send or keep
        if sheet is not None:
            read_returned_notices(sheet)  # its week is answered: no hours
            db.session.delete(sheet)
        return None
    if sheet is None:
        sheet = Timesheet(
            proposal_id=proposal.id,
            mentor_id=mentor_id,
            participant_id=proposal.participant_id,
            week_start=week,
        )
        db.session.add(sheet)
    # Update lines in place: replacing the list would insert before the old rows are deleted.
    have = {line.task: line for line in sheet.lines}
    for t in TASKS:
        h = hours.get(t) or 0
        if t in have and h:
            have[t].hours = h
        elif t in have:
            sheet.lines.remove(have[t])
        elif h:
            sheet.lines.append(TimesheetLine(task=t, hours=h))
    if send and sheet.comment and sheet.status in ("returned", "draft"):  # corrected, sent
        read_returned_notices(sheet)
    sheet.status, sheet.submitted_at = ("submitted" if send else "draft"), utcnow()
    sheet.recorded_by_id = recorded_by.id if recorded_by is not None else None
    sheet.decided_by_id = sheet.decided_at = None  # a returned week keeps its comment
    return sheet


def read_returned_notices(sheet: Timesheet) -> None:
    """Mark read the notices that told the mentor (or who entered it) this week came back."""
    for user in [*mentor_users([sheet.mentor_id]),
                 *([sheet.recorded_by] if sheet.recorded_by_id is not None else [])]:
        for n in db.session.scalars(select(Notification).where(
                Notification.user_id == user.id, Notification.kind == "hours_returned",
                Notification.read_at.is_(None))):
            if n.params.get("timesheet_id") == sheet.id:
                n.read_at = utcnow()


def approve(sheet: Timesheet, user) -> None:
    if sheet.status != "submitted":
        raise HoursError(_("Only a timesheet waiting for approval can be approved."))
    sheet.status, sheet.comment = "approved", None
    sheet.decided_by_id, sheet.decided_at = user.id, utcnow()


def send_back(sheet: Timesheet, user, comment: str) -> None:
    if sheet.status != "submitted":
        raise HoursError(_("Only a timesheet waiting for approval can be returned."))
    sheet.status, sheet.comment = "returned", comment
    sheet.decided_by_id, sheet.decided_at = user.id, utcnow()
    # The mentor; for a mentor without a login, whoever entered the week for them.
    notify([*mentor_users([sheet.mentor_id]),
            *([sheet.recorded_by] if sheet.recorded_by_id not in (None, user.id) else [])],
           "hours_returned", timesheet_id=sheet.id)


class EndDateError(HoursError):
    """An end date before the assignment began, or before hours sent or approved."""


def end_date_error(proposal: Proposal, ended_on: date) -> str | None:
    """Why the assignment cannot end on ``ended_on``, or None: not before the week it began,
    nor before a week whose hours are sent or approved (they would lie after its end)."""
    start = assignment_start(proposal)
    if ended_on < start:
        return _("The assignment began the week of %(date)s: it cannot end before that.",
                 date=format_date(start))
    last = db.session.scalar(select(db.func.max(Timesheet.week_start)).where(
        Timesheet.proposal_id == proposal.id, Timesheet.status.in_(("submitted", "approved"))))
    if last is not None and ended_on < last:
        return _("Hours are sent or approved for the week of %(date)s: the assignment cannot "
                 "end before that week. If those hours are wrong, return the week first.",
                 date=format_date(last))
    return None


def end_assignment(proposal: Proposal, user, outcome: str, ended_on: date) -> Outcome:
    """End an active assignment with its outcome; a follow-up is due six months later. Its
    mentor, and the employer of its placement, are told."""
    if proposal.status != ProposalStatus.ACTIVE:
        raise HoursError(_("Only an active assignment can be ended."))
    if error := end_date_error(proposal, ended_on):
        raise EndDateError(error)
    proposal.status = ProposalStatus.ENDED
    log_event(proposal.participant_id, user, "ended", proposal=proposal.id, outcome=outcome)
    log_event(proposal.participant_id, user, "closed", status=proposal.participant.status)
    proposal.participant.status = "closed"
    end_hold(proposal.participant_id, HoldStatus.RELEASED)
    row = Outcome(
        proposal_id=proposal.id,
        participant_id=proposal.participant_id,
        outcome=outcome,
        ended_on=ended_on,
        follow_up_due=add_months(ended_on, 6),
        recorded_by_id=user.id,
    )
    db.session.add(row)
    db.session.flush()
    notify([*mentor_users([proposal.mentor_id]),
            *employer_users(proposal.placement.employer_id)], "assignment_ended",
           proposal_id=proposal.id)
    stop_cover_of_ended(proposal, ended_on)
    return row


def follow_ups_due(user, today: date | None = None) -> list[Outcome]:
    """Outcomes of the consultant's participants whose six-month follow-up is due."""
    from web.models import Participant

    q = (
        select(Outcome)
        .join(Participant, Participant.id == Outcome.participant_id)
        .where(Outcome.followed_up_at.is_(None), Outcome.follow_up_due <= (today or date.today()))
        .order_by(Outcome.follow_up_due)
        .options(selectinload(Outcome.participant))
    )
    if user.role != "admin":
        q = q.where(Participant.consultant_id == user.id)
    return list(db.session.scalars(q))
