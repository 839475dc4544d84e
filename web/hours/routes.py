"""Support-hour plans (consultant), weekly timesheets (mentor) and their approval."""

from __future__ import annotations

from datetime import date, timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from web.access import current_mentor, my_mentor, role_required
from web.confirm import asked_first
from web.extensions import db
from web.forms_common import FIRST_YEAR, EmptyForm, last_year
from web.hours import service
from web.hours.forms import (
    MAX_STEPS,
    EndAssignmentForm,
    FollowUpForm,
    PlanForm,
    ReturnForm,
    timesheet_form,
)
from web.hours.plans import (
    PlanError,
    assignment_start,
    away_in,
    covers_in,
    hours_in_week,
    monday,
    plan_of,
    plan_while_here,
    planned_for_sheets,
    set_plan,
    share_of_week,
    steps_from_durations,
)
from web.models import (
    Mentor,
    Outcome,
    Participant,
    Proposal,
    ProposalStatus,
    Timesheet,
    utcnow,
)
from web.models.hours import TASKS

bp = Blueprint("hours", __name__, url_prefix="/hours")


def own_assignment_or_404(proposal_id: int) -> Proposal:
    """An active or ended assignment of one of the consultant's own participants."""
    p = db.session.get(Proposal, proposal_id)
    if p is None or p.status not in (ProposalStatus.ACTIVE, ProposalStatus.ENDED):
        abort(404)
    if current_user.role != "admin" and p.participant.consultant_id != current_user.id:
        abort(404)
    return p


def _week_arg() -> tuple[date | None, str | None]:
    """The week asked for (``?week=``, any day of it) as its Monday, this week when none is
    asked for, or None with the reason the one asked for cannot be shown: not a date, or a
    week outside FIRST_YEAR to last_year() (year 1 and 9999 overflowed the week's
    arithmetic into a 500)."""
    value = request.args.get("week", "")
    if not value:
        return monday(date.today()), None
    try:
        week = monday(date.fromisoformat(value))
    except ValueError:
        return None, _("The week in the address is not a date, such as %(example)s; the "
                       "current week is shown.", example=monday(date.today()).isoformat())
    if service.week_out_of_range(week):
        return None, _("Choose a week between %(first)s and %(last)s; the current week is "
                       "shown.", first=FIRST_YEAR, last=last_year())
    return week, None


def _shown(week: date) -> date | None:
    """``week`` if the timesheet can show it, else None (no link to it)."""
    return None if service.week_out_of_range(week) else week


@bp.route("/assignments/<int:proposal_id>", methods=["GET", "POST"])
@role_required("consultant", "admin")
def plan(proposal_id: int):
    """See and change the weekly support hours planned for an assignment."""
    p = own_assignment_or_404(proposal_id)
    form = PlanForm()
    if p.status == ProposalStatus.ACTIVE and form.validate_on_submit():
        try:
            set_plan(p, steps_from_durations(form.start_week.data, form.rows()), current_user)
            db.session.commit()
            flash(_("The plan is saved."), "success")
            return redirect(url_for("hours.plan", proposal_id=p.id))
        except PlanError as exc:
            db.session.rollback()
            for i, msg in exc.errors.items():
                name = "start_week" if i == 0 else f"{'weeks' if i in exc.weeks else 'hours'}_{i}"
                form[name].errors.append(msg)
    return _plan_page(p, form, EndAssignmentForm(formdata=None), fill=not form.is_submitted())


def _plan_page(p: Proposal, form: PlanForm, end_form: EndAssignmentForm, fill: bool):
    """The plan page: the plan (filled into the form when ``fill``), the hours delivered
    (sent, approved or returned; never the mentor's drafts), and ending the assignment, or
    its outcome."""
    steps = plan_of(p)
    if fill:
        form.start_week.data = steps[0].start_week if steps else assignment_start(p)
        for i, s in enumerate(steps[:MAX_STEPS], start=1):
            form[f"hours_{i}"].data, form[f"weeks_{i}"].data = s.hours, s.weeks
        if not steps:
            form.hours_1.data = p.hours
    sheets = db.session.scalars(  # a draft is the mentor's until sent: not shown here
        select(Timesheet).where(Timesheet.proposal_id == p.id, Timesheet.status != "draft")
        .order_by(Timesheet.week_start.desc(), Timesheet.id)
        .options(selectinload(Timesheet.lines), selectinload(Timesheet.mentor))
    ).all()
    outcome = db.session.scalar(select(Outcome).where(Outcome.proposal_id == p.id))
    return render_template("hours/plan.html", p=p, steps=steps, form=form, sheets=sheets,
                           end_form=end_form, end_question=end_question, outcome=outcome)


def end_question(p: Proposal) -> str:
    return _("End the assignment of %(code)s at %(placement)s? It ends for good and the case is "
             "closed. The mentor can still log hours up to the week it ends, and you approve "
             "them as before.", code=p.participant.code, placement=p.placement.title)


@bp.post("/assignments/<int:proposal_id>/end")
@role_required("consultant", "admin")
def end(proposal_id: int):
    """End an assignment and record its outcome; a follow-up falls due after six months."""
    p = own_assignment_or_404(proposal_id)
    form = EndAssignmentForm()
    if form.validate_on_submit() and p.status == ProposalStatus.ACTIVE and (
            error := service.end_date_error(p, form.ended_on.data)):
        form.ended_on.errors.append(error)  # before asking: the answer would be no anyway
    elif form.validate_on_submit():
        if page := asked_first(
                end_question(p), url_for("hours.plan", proposal_id=p.id),
                carry={"outcome": form.outcome.data, "ended_on": form.ended_on.data.isoformat()}):
            return page
        try:
            service.end_assignment(p, current_user, form.outcome.data, form.ended_on.data)
            db.session.commit()
            flash(_("The assignment is ended and the outcome recorded."), "success")
            return redirect(url_for("hours.plan", proposal_id=p.id))
        except service.HoursError as exc:
            db.session.rollback()
            flash(str(exc), "error")
            return redirect(url_for("hours.plan", proposal_id=p.id))
    return _plan_page(p, PlanForm(formdata=None), form, fill=True), 400


@bp.post("/outcomes/<int:outcome_id>/follow-up")
@role_required("consultant", "admin")
def follow_up(outcome_id: int):
    """Record the six-month follow-up of an ended assignment."""
    row = db.session.get(Outcome, outcome_id)
    if row is None or (
        current_user.role != "admin" and row.participant.consultant_id != current_user.id
    ):
        abort(404)
    form = FollowUpForm()
    if form.validate_on_submit() and row.followed_up_at is None:
        row.follow_up_outcome, row.followed_up_at = form.outcome.data, utcnow()
        db.session.commit()
        flash(_("Follow-up recorded."), "success")
    else:
        flash(_("Choose the situation."), "error")
    return redirect(url_for("dashboard.consultant"))


def _locked(ids: list[int], sheets: dict[int, Timesheet], future: bool) -> set[int]:
    """The assignments whose fields are read-only: an approved week's, or all in a week not
    begun."""
    return set(ids) if future else {i for i, s in sheets.items() if s.status == "approved"}


def _show_saved(form, sheets: dict[int, Timesheet], ids: set[int]) -> None:
    """Fill the fields of the assignments ``ids`` with their saved hours: on a first view,
    and, after an error, in the read-only fields, where a value typed past ``readonly`` was
    refused and must not look kept."""
    for i in ids:
        for t in TASKS:
            field = form[f"a{i}"][t]
            field.data = sheets[i].hours_for(t) if i in sheets else None
            field.raw = ""  # else an empty field shows what was typed


@bp.route("/timesheet", methods=["GET", "POST"])
@role_required("mentor")
def timesheet():
    """The mentor's week: hours per own participant and task, sent to the consultants."""
    return _week_page(current_mentor())


@bp.route("/mentors/<int:mentor_id>/week", methods=["GET", "POST"])
@role_required("employer", "consultant", "admin")
def record_week(mentor_id: int):
    """The week of a mentor without a login, entered by who has their hours: the employer
    for its colleague-mentor, a consultant for their own participants, or an admin. Sent to
    the participant's consultant as the mentor's own would be. Without it the hours of most
    colleague-mentors could not be logged, and their employers could not claim them."""
    mentor, shown = _recordable_or_404(mentor_id)
    return _week_page(mentor, recorder=current_user, shown=shown)


def _recordable_or_404(mentor_id: int):
    """A mentor without a working login whose week the user may enter, and which of their
    assignments the user may see (None: all): an employer its own colleague-mentor's at its
    placements, a consultant their own participants'."""
    mentor = db.session.get(Mentor, mentor_id)
    if mentor is None or mentor.has_login:
        abort(404)  # a mentor with a login logs their own hours
    if current_user.role == "employer":
        if mentor.employer_id is None or mentor.employer_id != current_user.employer_id:
            abort(404)
        company = current_user.employer_id
        return mentor, lambda a: a.placement.employer_id == company
    if current_user.role == "consultant":
        theirs = select(Proposal.id).join(Participant).where(
            Proposal.mentor_id == mentor.id, Participant.consultant_id == current_user.id,
            Proposal.status.in_((ProposalStatus.ACTIVE, ProposalStatus.ENDED)))
        if db.session.scalar(theirs.limit(1)) is None:
            abort(404)
        me = current_user.id
        return mentor, lambda a: a.participant.consultant_id == me
    return mentor, None


def _flash_saved(saved: list, send: bool, removed: list[str]) -> None:
    """What saving a week did: one sheet per participant whose hours were sent or kept
    (approved ones stay), and the participants whose week's hours were removed. The
    consultant is not told of a removed week, as of no other change to hours not sent: it
    only leaves their approvals list."""
    n = len([s for s in saved if s and s.status != "approved"])
    if removed:
        flash(ngettext("The hours of this week were removed for participant %(codes)s.",
                       "The hours of this week were removed for participants %(codes)s.",
                       len(removed), codes=", ".join(removed)), "success")
    if not n and not removed:
        flash(_("No hours were entered, so nothing was saved."), "info")
    elif not n:
        return
    elif send:
        flash(ngettext("Hours for %(num)d participant sent for approval.",
                       "Hours for %(num)d participants sent for approval.", n),
              "success")
    else:
        flash(ngettext("Hours for %(num)d participant saved as a draft. The consultant "
                       "will see them once you send them.",
                       "Hours for %(num)d participants saved as a draft. The consultant "
                       "will see them once you send them.", n), "success")


def _week_page(mentor: Mentor, recorder=None, shown=None):
    """A mentor's week of hours, entered by the mentor or (``recorder``) for them; ``shown``
    keeps the assignments the recorder may see."""
    here = {"mentor_id": mentor.id} if recorder is not None else {}
    endpoint = "hours.record_week" if recorder is not None else "hours.timesheet"

    def week_url(w: date) -> str:
        return url_for(endpoint, week=w.isoformat(), **here)

    week, error = _week_arg()
    if week is None:  # nothing is stored for a week that cannot be shown
        flash(error, "error")
        return redirect(url_for(endpoint, **here))
    sheets = service.timesheets_for(mentor.id, week)
    rows, steps = service.assignments_in_week(mentor.id, week, sheets)
    if shown is not None:
        rows = [(a, end) for a, end in rows if shown(a)]
        sheets = {i: s for i, s in sheets.items() if shown(s.proposal)}
    assignments = [a for a, _end in rows]
    ended = {a.id: end for a, end in rows if end is not None}
    ids, sunday = [a.id for a in assignments], week + timedelta(days=6)
    covers, gone = covers_in(ids, week, sunday), away_in(ids, week, sunday)
    whole = {a.id: hours_in_week(a, steps[a.id], week) for a in assignments}
    # A substitute plans the days they cover; nobody the days the participant is away.
    planned = {a.id: share_of_week(a, steps[a.id], week, mentor.id, covers[a.id], gone[a.id])
               for a in assignments}
    form = timesheet_form([a.id for a in assignments])
    future = week > monday(date.today())
    if form.validate_on_submit():
        send = "draft" not in request.form  # the "Save as draft" button
        try:
            saved = [
                service.save_week(a, week, {t: form[f"a{a.id}"][t].data for t in TASKS}, send,
                                  mentor_id=mentor.id, recorded_by=recorder)
                for a in assignments
            ]
            # A week saved before (sent, returned or a draft) whose hours are all cleared is
            # deleted: its hours are removed, which is not "nothing was saved".
            removed = [a.participant.code for a, s in zip(assignments, saved, strict=True)
                       if s is None and a.id in sheets]
            db.session.commit()
            _flash_saved(saved, send, removed)
            return redirect(week_url(week))
        except service.HoursError as exc:
            db.session.rollback()
            flash(str(exc), "error")
            _show_saved(form, sheets, _locked([a.id for a in assignments], sheets, future))
    elif form.is_submitted():
        flash(_("Nothing was saved: correct the marked fields."), "error")
        _show_saved(form, sheets, _locked([a.id for a in assignments], sheets, future))
    else:
        _show_saved(form, sheets, set(sheets))
    return render_template(
        "hours/timesheet.html",
        week=week,
        form=form,
        sheets=sheets,
        assignments=assignments,
        ended=ended,
        away=service.away_in_week([a.id for a in assignments], week),
        mentor=mentor,
        to_finish=[s for s in service.weeks_to_finish(mentor.id)
                   if shown is None or shown(s.proposal)],
        recorder=recorder,
        week_url=week_url,
        planned=planned,
        whole=whole,
        # the weeks the participant is away some days, or a substitute has some
        less={a.id for a in assignments
              if plan_while_here(a, steps[a.id], week, gone[a.id]) < whole[a.id]},
        covered={a.id for a in assignments
                 if share_of_week(a, steps[a.id], week, a.mentor_id, covers[a.id]) < whole[a.id]},
        # Hours as now in the form: saved, or as typed after an error (a bad value counts 0).
        entered={a.id: form[f"a{a.id}"].total() for a in assignments},
        future=future,
        # Every participant's week approved: nothing to send or keep.
        locked=bool(assignments) and all(
            a.id in sheets and sheets[a.id].status == "approved" for a in assignments),
        prev=_shown(week - timedelta(weeks=1)),
        next=_shown(week + timedelta(weeks=1)),
        tasks=TASKS,
    )


@bp.route("/timesheets/<int:sheet_id>")
@login_required
def own_sheet(sheet_id: int):
    """The week of one of the mentor's own timesheets (a notice links here). Anyone else, of
    any role, is told it is not found, as for a sheet that does not exist (a non-mentor got
    403 even for an id that does not exist): no answer tells which sheet ids exist."""
    sheet, mine = db.session.get(Timesheet, sheet_id), my_mentor()
    if sheet is None:
        abort(404)
    week = sheet.week_start.isoformat()
    if mine is not None and sheet.mentor_id == mine.id:
        back = url_for("hours.timesheet", week=week)
    elif sheet.recorded_by_id == current_user.id:
        # who entered the week for a mentor without a login: back to where they entered it
        back = url_for("hours.record_week", mentor_id=sheet.mentor_id, week=week)
    else:
        abort(404)
    service.read_returned_notices(sheet)  # opened from its notice: the notice is read
    db.session.commit()
    return redirect(back)


def consultant_sheet(sheet_id: int) -> Timesheet | None:
    """A sent timesheet of one of the user's participants (an admin: anyone's), else None:
    a draft is the mentor's until sent."""
    sheet = db.session.get(Timesheet, sheet_id)
    if sheet is None or sheet.status == "draft" or (
        current_user.role != "admin" and sheet.participant.consultant_id != current_user.id
    ):
        return None
    return sheet


def _consultant_sheet_or_404(sheet_id: int) -> Timesheet:
    return consultant_sheet(sheet_id) or abort(404)


@bp.route("/approvals")
@role_required("consultant", "admin")
def approvals():
    """Timesheets of my participants waiting for approval."""
    return _approvals_page()


def _approvals_page(refused: ReturnForm | None = None, refused_id: int | None = None) -> str:
    """The approvals page; ``refused`` is the return form of sheet ``refused_id`` shown again
    with what was typed and its error."""
    q = (
        select(Timesheet)
        .join(Participant, Participant.id == Timesheet.participant_id)
        .where(Timesheet.status == "submitted")
        .order_by(Timesheet.week_start, Timesheet.id)
        .options(selectinload(Timesheet.participant), selectinload(Timesheet.mentor),
                 selectinload(Timesheet.lines), selectinload(Timesheet.recorded_by),
                 # the plan's share is by the participant's and the placement's days
                 selectinload(Timesheet.proposal).selectinload(Proposal.placement),
                 selectinload(Timesheet.proposal).selectinload(Proposal.participant))
    )
    if current_user.role != "admin":
        q = q.where(Participant.consultant_id == current_user.id)
    sheets = db.session.scalars(q).all()
    planned, whole, less = planned_for_sheets(sheets)
    return render_template(
        "hours/approvals.html",
        sheets=sheets,
        planned=planned,
        whole=whole,
        less=less,
        shared=_shared_weeks(sheets),
        tasks=TASKS,
        approve_form=EmptyForm(),
        return_form=ReturnForm(formdata=None),
        refused=refused,
        refused_id=refused_id,
    )


def _shared_weeks(sheets: list[Timesheet]) -> dict[int, float]:
    """For each sheet whose week a substitute and the mentor both logged: the hours of all
    that week's sheets not in draft, since the plan's hours are for the week, not each
    (one query)."""
    if not sheets:
        return {}
    keys = {(s.proposal_id, s.week_start) for s in sheets}
    total: dict[tuple, float] = {}
    count: dict[tuple, int] = {}
    for other in db.session.scalars(
        select(Timesheet).where(Timesheet.proposal_id.in_({k[0] for k in keys}),
                                Timesheet.week_start.in_({k[1] for k in keys}),
                                Timesheet.status != "draft")
        .options(selectinload(Timesheet.lines))
    ):
        key = (other.proposal_id, other.week_start)
        if key in keys:
            total[key] = total.get(key, 0) + other.total
            count[key] = count.get(key, 0) + 1
    return {s.id: total[k] for s in sheets if count.get(k := (s.proposal_id, s.week_start), 0) > 1}


def _sheet_facts(sheet: Timesheet) -> dict:
    return {"code": sheet.participant.code, "week": sheet.week_start.isocalendar()[1]}


@bp.post("/timesheets/<int:sheet_id>/approve")
@role_required("consultant", "admin")
def approve(sheet_id: int):
    """Approve a week's hours; approved hours go into the reimbursement claim."""
    sheet = _consultant_sheet_or_404(sheet_id)
    if EmptyForm().validate_on_submit():
        try:
            service.approve(sheet, current_user)
            db.session.commit()
            flash(_("Approved: %(code)s, week %(week)s.", **_sheet_facts(sheet)), "success")
        except service.HoursError as exc:
            db.session.rollback()
            flash(str(exc), "error")
    return redirect(url_for("hours.approvals"))


@bp.post("/timesheets/<int:sheet_id>/return")
@role_required("consultant", "admin")
def send_back(sheet_id: int):
    """Return a week's hours to the mentor with a comment."""
    sheet = _consultant_sheet_or_404(sheet_id)
    form = ReturnForm()
    if form.validate_on_submit():
        try:
            service.send_back(sheet, current_user, form.comment.data)
            db.session.commit()
            flash(_("Returned to the mentor: %(code)s, week %(week)s.", **_sheet_facts(sheet)),
                  "success")
        except service.HoursError as exc:
            db.session.rollback()
            flash(str(exc), "error")
    elif form.comment.errors and sheet.status == "submitted":  # shown again with the
        return _approvals_page(form, sheet.id), 400  # comment as typed and its own message
    elif form.comment.errors:  # no longer on the page: why it cannot be returned at all
        flash(_("Only a timesheet waiting for approval can be returned."), "error")
    else:
        abort(400)
    return redirect(url_for("hours.approvals"))


@bp.app_context_processor
def _labels() -> dict:
    from web.hours.vocab import OUTCOME_LABELS, TASK_LABELS, TIMESHEET_STATUS_LABELS

    return {
        "task_label": lambda c: str(TASK_LABELS.get(c, c)),
        "outcome_label": lambda c: str(OUTCOME_LABELS.get(c, c)),
        "sheet_status": lambda c: str(TIMESHEET_STATUS_LABELS.get(c, c)),
    }


@bp.after_request
def _no_store(response):
    """Pages about people are never cached by browsers or proxies."""
    response.headers["Cache-Control"] = "no-store"
    return response
