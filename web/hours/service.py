"""State changes of timesheets and assignments, shared by the pages and the tests."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from web.extensions import db
from web.hours.plans import assignment_start, begun_by, monday, plan_of
from web.i18n import format_date
from web.models import Outcome, Proposal, ProposalStatus, Timesheet, TimesheetLine, utcnow
from web.models.cases import log_event
from web.models.hours import TASKS


class HoursError(Exception):
    """The action is not possible now; the message says why."""


class FutureWeekError(HoursError):
    """Hours for a week that has not started."""


class BeforeStartError(HoursError):
    """Hours for a week before the assignment began (and with none planned)."""


class WeekLockedError(HoursError):
    """An approved week whose hours would change."""


def add_months(d: date, months: int) -> date:
    """The same day ``months`` later, clipped to the month's last day."""
    import calendar

    y, m = divmod(d.month - 1 + months, 12)
    y, m = d.year + y, m + 1
    return date(y, m, min(d.day, calendar.monthrange(y, m)[1]))


def timesheets_for(mentor_id: int, week: date) -> dict[int, Timesheet]:
    """The mentor's timesheets of one week by assignment (proposal) id."""
    rows = db.session.scalars(
        select(Timesheet).where(Timesheet.mentor_id == mentor_id, Timesheet.week_start == week)
        .options(selectinload(Timesheet.lines))
    )
    return {t.proposal_id: t for t in rows}


def save_week(
    proposal: Proposal, week: date, hours: dict[str, float], send: bool = True
) -> Timesheet | None:
    """Store one participant's hours for a week: sent for approval, or (``send=False``) kept
    as the mentor's draft, which also takes back a week sent but not yet approved. An
    approved week is locked.

    Returns None when nothing was logged; a sheet not yet approved whose hours are all
    cleared is deleted (an empty week is nothing to approve).
    """
    if week > monday(date.today()):
        raise FutureWeekError(_("Hours can only be logged for this week or earlier weeks."))
    if any(hours.values()) and not begun_by(proposal, week, plan_of(proposal)):
        raise BeforeStartError(_(
            "The assignment of %(code)s began the week of %(date)s: hours can be logged from "
            "then.", code=proposal.participant.code,
            date=format_date(assignment_start(proposal))))
    sheet = db.session.scalar(
        select(Timesheet).where(Timesheet.proposal_id == proposal.id, Timesheet.week_start == week)
    )
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
            db.session.delete(sheet)
        return None
    if sheet is None:
        sheet = Timesheet(
            proposal_id=proposal.id,
            mentor_id=proposal.mentor_id,
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
    sheet.status, sheet.submitted_at = ("submitted" if send else "draft"), utcnow()
    sheet.decided_by_id = sheet.decided_at = None  # a returned week keeps its comment
    return sheet


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


def end_assignment(proposal: Proposal, user, outcome: str, ended_on: date) -> Outcome:
    """End an active assignment with its outcome; a follow-up is due six months later."""
    if proposal.status != ProposalStatus.ACTIVE:
        raise HoursError(_("Only an active assignment can be ended."))
    proposal.status = ProposalStatus.ENDED
    log_event(proposal.participant_id, user, "ended", proposal=proposal.id, outcome=outcome)
    log_event(proposal.participant_id, user, "closed", status=proposal.participant.status)
    proposal.participant.status = "closed"
    row = Outcome(
        proposal_id=proposal.id,
        participant_id=proposal.participant_id,
        outcome=outcome,
        ended_on=ended_on,
        follow_up_due=add_months(ended_on, 6),
        recorded_by_id=user.id,
    )
    db.session.add(row)
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
