"""Cover: substitutes answer requests, employers see who covers and opt in to the guarantee,
managers see the figures, everyone reads their notices."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from web.access import current_mentor, role_required
from web.cover import service
from web.cover.figures import cover_figures
from web.cover.forms import GuaranteeForm
from web.cover.notices import notice_texts
from web.extensions import db
from web.forms_common import EmptyForm
from web.i18n import format_date
from web.models import (
    Mentor,
    Notification,
    Participant,
    Placement,
    Proposal,
    Timesheet,
    utcnow,
)
from web.models.cover import Absence, CoverNeed, CoverRequest, RequestStatus
from web.models.runs import proposal_details
from workers.cover_queue import enqueue_cover

bp = Blueprint("cover", __name__, url_prefix="/cover")
ALL_ROLES = ("consultant", "employer", "mentor", "admin")


def my_request_or_404(request_id: int) -> CoverRequest:
    """A substitute reaches only the cover requests addressed to them."""
    mentor = current_mentor()
    req = db.session.get(CoverRequest, request_id)
    if req is None or req.substitute_id != mentor.id:
        abort(404)
    return req


@bp.route("/requests")
@role_required("mentor")
def requests():
    """Cover requests waiting for my answer, and the covers I have taken on."""
    mentor = current_mentor()
    # Seen here: the notices that asked are read (the list of notices links to this page).
    db.session.execute(
        db.update(Notification)
        .where(Notification.user_id == current_user.id, Notification.read_at.is_(None),
               Notification.kind.in_(ASKING))
        .values(read_at=utcnow())
    )
    db.session.commit()  # before the lists are loaded: a commit would expire them
    mine = (select(CoverRequest).where(CoverRequest.substitute_id == mentor.id)
            .options(selectinload(CoverRequest.assignment).options(
                         *proposal_details(),
                         selectinload(Proposal.participant).selectinload(Participant.consultant)),
                     selectinload(CoverRequest.need).selectinload(CoverNeed.absence)
                     .selectinload(Absence.mentor)))
    waiting = db.session.scalars(
        mine.where(CoverRequest.status == RequestStatus.REQUESTED).order_by(CoverRequest.starts_on)
    ).all()
    taken = db.session.scalars(
        mine.where(
            CoverRequest.status == RequestStatus.CONFIRMED, CoverRequest.ends_on >= date.today()
        ).order_by(CoverRequest.starts_on)
    ).all()
    return render_template(
        "cover/requests.html", mentor=mentor, waiting=waiting, taken=taken, form=EmptyForm(),
        away=_away_while_covering(mentor.id, taken),
    )


def _away_while_covering(mentor_id: int, taken: list[CoverRequest]) -> dict[int, list]:
    """``{cover request id: own absences overlapping it}``: a substitute who reports
    themselves away gets a new cover need for those days, but their cover still read as
    theirs whole (a walk)."""
    if not taken:
        return {}
    own = db.session.scalars(select(Absence).where(
        Absence.mentor_id == mentor_id, Absence.withdrawn_at.is_(None),
        Absence.ends_on >= min(r.starts_on for r in taken)).order_by(Absence.starts_on)).all()
    return {r.id: [a for a in own if a.starts_on <= r.ends_on and a.ends_on >= r.starts_on]
            for r in taken}


ASKING = ("cover_requested", "cover_continue")  # notices that wait for the mentor's answer


@bp.post("/requests/<int:request_id>/<any(confirm, decline):answer>")
@role_required("mentor")
def answer(request_id: int, answer: str):
    """Confirm or decline a cover request; a decline asks the next-best substitute."""
    req = my_request_or_404(request_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        if answer == "confirm":
            service.confirm_cover(req, current_user)
        else:
            service.decline_cover(req, current_user)
        db.session.commit()
    except service.TransitionError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for("cover.requests"))
    if answer == "confirm":
        flash(
            _(
                "Thank you. You cover from %(start)s to %(end)s.",
                start=format_date(req.starts_on),
                end=format_date(req.ends_on),
            ),
            "success",
        )
    else:
        enqueue_cover(req.need.absence)
        flash(_("Declined. Someone else will be asked."), "success")
    return redirect(url_for("cover.requests"))


@bp.post("/requests/<int:request_id>/<any(confirm, decline):answer>/recorded")
@role_required("consultant", "employer", "admin")
def record_answer(request_id: int, answer: str):
    """Record the answer a substitute without a login gave (by phone, in person): as their
    own would, a yes fills the need and a no asks the next-best substitute. Only the
    participant's consultant, the placement's employer and an admin may; no one for a
    substitute with a login, who answers themselves (404)."""
    req = db.session.get(CoverRequest, request_id)
    if req is None or not service.may_record(req, current_user):
        abort(404)
    back = url_for("cover.employer" if current_user.role == "employer" else "absences.index")
    if not EmptyForm().validate_on_submit():
        abort(400)
    name = req.substitute.name
    try:
        if answer == "confirm":
            service.confirm_cover(req, current_user, recorded=True)
        else:
            service.decline_cover(req, current_user, recorded=True)
        db.session.commit()
    except service.TransitionError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(back)
    if answer == "confirm":
        flash(_("Recorded: %(name)s covers %(code)s from %(start)s to %(end)s.", name=name,
                code=req.assignment.participant.code, start=format_date(req.starts_on),
                end=format_date(req.ends_on)), "success")
    else:
        enqueue_cover(req.need.absence)
        flash(_("Recorded: %(name)s said no. Someone else will be asked.", name=name), "success")
    return redirect(back)


@bp.route("/")
@role_required("employer")
def employer():
    """Cover at my placements now and ahead: who covers, from when to when."""
    needs = (
        db.session.scalars(
            select(CoverNeed)
            .join(Absence)
            .join(Proposal, Proposal.id == CoverNeed.assignment_id)
            .join(Placement, Placement.id == Proposal.placement_id)
            .where(
                Placement.employer_id == current_user.employer_id, Absence.ends_on >= date.today()
            )
            .order_by(Absence.starts_on, CoverNeed.id)
            .options(
                selectinload(CoverNeed.absence),
                selectinload(CoverNeed.assignment).options(
                    selectinload(Proposal.participant), selectinload(Proposal.placement)),
                selectinload(CoverNeed.requests).selectinload(CoverRequest.substitute)
                .selectinload(Mentor.user),  # who answers: the substitute or the employer
            )
        ).all()
        if current_user.employer_id
        else []
    )
    return render_template("cover/employer.html", needs=needs, form=EmptyForm())


@bp.route("/guarantee")
@role_required("employer")
def guarantee():
    """My placements and whether each has the cover guarantee."""
    placements = (
        db.session.scalars(
            select(Placement)
            .where(Placement.employer_id == current_user.employer_id)
            .order_by(Placement.status.desc(), Placement.title)  # open first
        ).all()
        if current_user.employer_id
        else []
    )
    return render_template("cover/guarantee.html", placements=placements, form=GuaranteeForm())


@bp.post("/guarantee/<int:placement_id>")
@role_required("employer")
def toggle_guarantee(placement_id: int):
    """Switch the cover guarantee of one of my placements on or off."""
    pl = db.session.get(Placement, placement_id)
    if pl is None or pl.employer_id != current_user.employer_id:
        abort(404)
    if GuaranteeForm().validate_on_submit():
        pl.cover_guarantee = not pl.cover_guarantee
        db.session.commit()
        flash(
            _("Cover guarantee is on for %(title)s.", title=pl.title)
            if pl.cover_guarantee
            else _("Cover guarantee is off for %(title)s.", title=pl.title),
            "success",
        )
    return redirect(url_for("cover.guarantee"))


@bp.route("/figures")
@role_required("admin")
def figures():
    """Cover figures for managers: requests, fill rate, time to fill, who lacks cover now."""
    return render_template("cover/figures.html", f=cover_figures(date.today()))


@bp.route("/notices")
@role_required(*ALL_ROLES)
def notices():
    """My notices, newest first."""
    rows = db.session.scalars(
        select(Notification)
        .where(Notification.user_id == current_user.id)
        .order_by(Notification.id.desc())
        .limit(100)
    ).all()
    items = [(n, *text) for n, text in zip(rows, notice_texts(rows, current_user), strict=True)]
    # A returned week whose hours the mentor then cleared is gone: no link to a missing page.
    sheet_ids = {n.params.get("timesheet_id") for n in rows if n.kind == "hours_returned"}
    sheets = set(db.session.scalars(select(Timesheet.id).where(Timesheet.id.in_(sheet_ids)))
                 ) if sheet_ids else set()
    # A request already answered or withdrawn waits for nothing: no "answer" link.
    asked = {n.params.get("request_id") for n in rows if n.kind in ASKING}
    open_requests = set(db.session.scalars(
        select(CoverRequest.id).where(CoverRequest.id.in_(asked),
                                      CoverRequest.status == RequestStatus.REQUESTED))
                        ) if asked else set()
    return render_template("cover/notices.html", items=items, form=EmptyForm(), asking=ASKING,
                           sheets=sheets, open_requests=open_requests)


@bp.post("/notices/read")
@role_required(*ALL_ROLES)
def mark_read():
    """Mark all my notices read."""
    if EmptyForm().validate_on_submit():
        db.session.execute(
            db.update(Notification)
            .where(Notification.user_id == current_user.id, Notification.read_at.is_(None))
            .values(read_at=utcnow())
        )
        db.session.commit()
    return redirect(url_for("cover.notices"))
