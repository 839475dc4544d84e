"""Report absence: a mentor's own, or for a mentor (consultant, employer); a participant's pause."""

from __future__ import annotations

from datetime import date, timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from web.absences.forms import ExtendAbsenceForm, MentorAbsenceForm, ParticipantAbsenceForm
from web.access import current_mentor, own_participant_or_404, role_required
from web.confirm import asked_first
from web.cover import service
from web.extensions import db
from web.forms_common import EmptyForm
from web.i18n import format_date
from web.models import Mentor, Participant, Proposal, ProposalStatus
from web.models.cover import Absence, HoldStatus, ParticipantHold
from workers.cover_queue import schedule_release, start_cover

bp = Blueprint("absences", __name__, url_prefix="/absences")


def reportable_mentors() -> list[Mentor]:
    """Mentors this user may report absent: themselves, their participants' mentors, or
    the employer's colleague-mentors; an admin any active mentor."""
    role = current_user.role
    if role == "mentor":
        return [current_mentor()]
    # Each mentor's workplace is named in the list: load them with the mentors.
    q = (select(Mentor).where(Mentor.active.is_(True)).order_by(Mentor.name)
         .options(selectinload(Mentor.employer)))
    if role == "consultant":
        q = q.where(
            Mentor.id.in_(
                select(Proposal.mentor_id)
                .join(Participant, Participant.id == Proposal.participant_id)
                .where(
                    Proposal.status == ProposalStatus.ACTIVE,
                    Participant.consultant_id == current_user.id,
                )
            )
        )
    elif role == "employer":
        q = q.where(Mentor.employer_id == current_user.employer_id, Mentor.employer_id.is_not(None))
    return db.session.scalars(q).all()


@bp.route("/", methods=["GET", "POST"])
@role_required("mentor", "consultant", "employer", "admin")
def index():
    """Report a mentor's absence; list the absences of the mentors I may report for."""
    mentors = reportable_mentors()
    form = MentorAbsenceForm(mentors=mentors)
    if form.validate_on_submit():
        mentor = next(m for m in mentors if m.id == form.mentor.data)
        absence = service.report_absence(
            mentor, form.starts_on.data, form.ends_on.data, form.reason.data, current_user
        )
        db.session.commit()
        start_cover([absence])
        n = len(absence.needs)
        flash(
            ngettext("Absence reported. A substitute is being found for %(num)d participant.",
                     "Absence reported. Substitutes are being found for %(num)d participants.", n)
            if n else _("Absence reported. None of the mentor's participants works on these "
                        "days: no cover is needed."),
            "success",
        )
        return redirect(url_for("absences.index"))
    absences = (
        db.session.scalars(
            select(Absence)
            .where(Absence.mentor_id.in_([m.id for m in mentors]))
            .order_by(Absence.starts_on.desc())
            .limit(100)
            .options(selectinload(Absence.needs), selectinload(Absence.extensions),
                     selectinload(Absence.extends))
        ).all()
        if mentors
        else []
    )
    return render_template("absences/index.html", form=form, absences=_chains_together(absences),
                           today=date.today(), button=EmptyForm(),
                           to_record=(service.recordable_requests(current_user)
                                      if current_user.role in ("consultant", "admin") else []),
                           withdraw_question=withdraw_question,
                           extension_refused=service.extension_refused)


def _chains_together(absences: list[Absence]) -> list[Absence]:
    """Newest first, but an extension right under the absence it extends (and its own
    extension under it), not days or weeks above it among other mentors' absences."""
    def root(a: Absence) -> Absence:
        while a.extends is not None:
            a = a.extends
        return a

    def depth(a: Absence) -> int:
        return 0 if a.extends is None else 1 + depth(a.extends)

    return sorted(absences, key=lambda a: (-root(a).starts_on.toordinal(), root(a).id, depth(a)))


def reportable_absence(absence_id: int, lock: bool = True) -> Absence | None:
    """The absence, locked to be changed, if it is of a mentor this user may report for
    (else, as if none)."""
    absence = (service.lock_absence(absence_id) if lock
               else db.session.get(Absence, absence_id))
    if absence is None or absence.mentor_id not in {m.id for m in reportable_mentors()}:
        return None
    return absence


@bp.route("/<int:absence_id>/extend", methods=["GET", "POST"])
@role_required("mentor", "consultant", "employer", "admin")
def extend(absence_id: int):
    """The mentor is away longer: a new last day; the substitutes are asked to go on."""
    absence = reportable_absence(absence_id, lock=request.method == "POST")
    if absence is None:
        abort(404)
    today = date.today()
    if why := service.extension_refused(absence, today):
        flash(why, "error")
        return redirect(url_for("absences.index"))
    form = ExtendAbsenceForm()
    if form.validate_on_submit():
        try:
            extension = service.extend_absence(absence, form.ends_on.data, current_user, today)
            db.session.commit()
        except service.TransitionError as exc:
            db.session.rollback()
            form.ends_on.errors = [str(exc)]
        else:
            start_cover([extension])
            end = format_date(extension.ends_on)
            flash((_("Your absence now runs until %(date)s.", date=end) if _own(absence)
                   else _("The absence of %(mentor)s now runs until %(date)s.",
                          mentor=absence.mentor.name, date=end))
                  + " " + (_("The substitutes who cover are asked to go on, and cover is sought "
                             "for the others.") if extension.needs
                           else _("None of the mentor's participants works on these days: "
                                  "no cover is needed.")),
                  "success")
            return redirect(url_for("absences.index"))
    return render_template("absences/extend.html", absence=absence, form=form)


@bp.post("/<int:absence_id>/withdraw")
@role_required("mentor", "consultant", "employer", "admin")
def withdraw(absence_id: int):
    """The mentor is not away after all, or is back early: cover is no longer sought."""
    absence = reportable_absence(absence_id)
    if absence is None:
        abort(404)
    form = EmptyForm()
    if not form.validate_on_submit():
        return redirect(url_for("absences.index"))
    today = date.today()
    if page := asked_first(withdraw_question(absence, today), url_for("absences.index")):
        return page
    try:
        service.withdraw_absence(absence, current_user, today)
        db.session.commit()
    except service.TransitionError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        back = (_("Welcome back.") if _own(absence)
                else _("%(mentor)s is back.", mentor=absence.mentor.name))  # said to whom
        flash(_("The absence is withdrawn. No cover is sought.") if absence.withdrawn_at
              else back + " " + _("The last day away is now %(date)s, and no more cover is "
                                  "sought.", date=format_date(absence.ends_on)), "success")
    return redirect(url_for("absences.index"))


def _own(absence: Absence) -> bool:
    """Whether the absence is the user's own: then it is "your absence", not their name."""
    return absence.mentor.user_id is not None and absence.mentor.user_id == current_user.id


def withdraw_question(absence: Absence, today: date) -> str:
    """What withdrawing does, asked before it is done (on the button and the no-JS page)."""
    if _own(absence):
        if absence.starts_on >= today:
            return _("Withdraw your absence from %(start)s to %(end)s? Cover that was asked "
                     "for or arranged is cancelled, and the substitutes are told.",
                     start=format_date(absence.starts_on), end=format_date(absence.last_day))
        return _("Are you back today? Then %(end)s is your last day away. Cover from today is "
                 "cancelled, and the substitutes are told.",
                 end=format_date(today - timedelta(days=1)))
    if absence.starts_on >= today:
        return _("Withdraw the absence of %(mentor)s from %(start)s to %(end)s? Cover that "
                 "was asked for or arranged is cancelled, and the substitutes are told.",
                 mentor=absence.mentor.name, start=format_date(absence.starts_on),
                 end=format_date(absence.last_day))
    return _("Is %(mentor)s back today? Then %(end)s is the last day away. Cover from today is "
             "cancelled, and the substitutes are told.",
             mentor=absence.mentor.name, end=format_date(today - timedelta(days=1)))


def _caseload_in_assignment():
    q = select(Participant).where(Participant.status == "active").order_by(Participant.code)
    if current_user.role != "admin":
        q = q.where(Participant.consultant_id == current_user.id)
    return db.session.scalars(q).all()


@bp.route("/participants", methods=["GET", "POST"])
@role_required("consultant", "admin")
def participants():
    """Pause a participant's assignment (absence or relapse); the slot is held a while."""
    people = _caseload_in_assignment()
    form = ParticipantAbsenceForm(participants=people)
    if form.validate_on_submit():
        p = own_participant_or_404(form.participant.data)
        try:
            h = service.hold(p, form.starts_on.data, form.reason.data, current_user)
            db.session.commit()
        except service.TransitionError as exc:
            db.session.rollback()
            form.participant.errors = [str(exc)]
        else:
            schedule_release(h)
            flash(
                _("Paused. The slot is held until %(date)s.", date=format_date(h.hold_until)),
                "success",
            )
            return redirect(url_for("absences.participants"))
    q = select(ParticipantHold).where(ParticipantHold.status == HoldStatus.HELD)
    if current_user.role != "admin":
        q = q.join(Participant).where(Participant.consultant_id == current_user.id)
    holds = db.session.scalars(q.order_by(ParticipantHold.hold_until).options(
        selectinload(ParticipantHold.participant),
        selectinload(ParticipantHold.assignment).selectinload(Proposal.placement),
    )).all()
    return render_template(
        "absences/participants.html", form=form, holds=holds, resume_form=EmptyForm()
    )


@bp.post("/holds/<int:hold_id>/resume")
@role_required("consultant", "admin")
def resume(hold_id: int):
    """The participant is back within the hold: the assignment runs on."""
    h = db.session.get(ParticipantHold, hold_id)
    if h is None:
        abort(404)
    own_participant_or_404(h.participant_id)
    if EmptyForm().validate_on_submit():
        try:
            service.resume(h, current_user)
            db.session.commit()
            flash(_("Welcome back: the assignment runs on."), "success")
        except service.TransitionError as exc:
            db.session.rollback()
            flash(str(exc), "error")
    return redirect(url_for("absences.participants"))
