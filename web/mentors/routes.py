"""The mentor's inbox, profile and own participants (a mentor sees only their own)."""

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload

from web.access import current_mentor, my_mentor, role_required
from web.extensions import db
from web.forms_common import EmptyForm
from web.geo import towns
from web.hours.capacity import committed_hours_by_mentor
from web.hours.service import weeks_to_finish
from web.mentors.forms import ExternalProfileForm, ProfileForm
from web.models import Mentor, Participant, Proposal, ProposalStatus
from web.models.runs import proposal_details
from web.participants.fit import fitting, mentor_misfit_message, tell_broken
from web.runs import service
from web.runs.forms import ReasonForm
from web.runs.service import TransitionError
from workers.cover_queue import start_cover

bp = Blueprint("mentors", __name__, url_prefix="/mentor")


def my_proposal_or_404(proposal_id: int) -> Proposal:
    """A mentor reaches only proposals addressed to them."""
    mentor = current_mentor()
    proposal = db.session.get(Proposal, proposal_id)
    if proposal is None or proposal.mentor_id != mentor.id:
        abort(404)
    return proposal


@bp.route("/")
@role_required("mentor")
def inbox():
    """Proposals waiting for my answer, and the participants I support now."""
    if my_mentor() is None:
        flash(_("Fill in your profile first, so consultants can find you."), "info")
        return redirect(url_for("mentors.profile"))
    mentor = current_mentor()
    mine = (db.select(Proposal).where(Proposal.mentor_id == mentor.id).order_by(Proposal.id)
            .options(*proposal_details()))
    waiting = db.session.scalars(
        mine.where(Proposal.status == ProposalStatus.APPROVED)
        .options(selectinload(Proposal.participant).selectinload(Participant.consultant))
    ).all()
    active = db.session.scalars(mine.where(Proposal.status == ProposalStatus.ACTIVE)).all()
    return render_template("mentors/inbox.html", mentor=mentor, waiting=waiting, active=active,
                           to_finish=len(weeks_to_finish(mentor.id)),
                           confirm_form=EmptyForm(), decline_form=ReasonForm.decline())


@bp.post("/proposals/<int:proposal_id>/confirm")
@role_required("mentor")
def confirm(proposal_id: int):
    """Confirm a proposal: it becomes an active assignment."""
    proposal = my_proposal_or_404(proposal_id)
    if EmptyForm().validate_on_submit():
        try:
            absences = service.confirm(proposal, current_user)
            db.session.commit()
            start_cover(absences)
            flash(_("Confirmed. The assignment is now active."), "success")
            if absences:
                flash(_("You have reported an absence: a substitute is being found for this "
                        "participant too."), "info")
        except TransitionError as exc:
            db.session.rollback()
            flash(str(exc), "error")
    return redirect(url_for("mentors.inbox"))


@bp.post("/proposals/<int:proposal_id>/decline")
@role_required("mentor")
def decline(proposal_id: int):
    """Decline a proposal with a reason: the consultant's next run will not propose me for
    this participant again, or, when I have no capacity, for anyone until I raise it."""
    proposal = my_proposal_or_404(proposal_id)
    form = ReasonForm.decline()
    if form.validate_on_submit():
        try:
            lowered = service.decline(proposal, current_user, form.reason.data)
            db.session.commit()
            flash(_("Declined. The consultant will find someone else."), "success")
            if lowered is not None:
                flash(_("You get no new proposals: \"At most this many participants at a "
                        "time\" is now %(num)d, the number you have. Raise it under My profile "
                        "when you have room.", num=lowered), "info")
        except TransitionError as exc:
            db.session.rollback()
            flash(str(exc), "error")
    else:
        flash(_("Choose a reason."), "error")
    return redirect(url_for("mentors.inbox"))


@bp.route("/profile", methods=["GET", "POST"])
@role_required("mentor")
def profile():
    """My skills, languages, days and capacity (and, if external, where I am and how far I go)."""
    mentor = my_mentor()
    # A colleague's place is the workplace; an external support person says where they are.
    external = mentor is None or mentor.employer_id is None
    form = ExternalProfileForm() if external else ProfileForm()
    if form.validate_on_submit():
        if mentor is None:  # an invited mentor's first visit: they say where they are, once
            mentor = Mentor(user_id=current_user.id, employer_id=current_user.employer_id,
                            name=current_user.name, max_travel_km=0.0, active=True)
            db.session.add(mentor)
        fitted = fitting(Proposal.mentor_id, mentor.id) if mentor.id else []
        form.fill(mentor)
        misfits = tell_broken(fitted, "mentor_misfit")
        db.session.commit()
        flash(_("Profile saved."), "success")
        if misfits:
            flash(mentor_misfit_message(len(misfits)), "info")
        hours, people, _asked = _load(mentor)
        if hours > mentor.capacity_hours or people > mentor.max_participants:
            flash(_("You already have %(hours)s hours a week (participants: %(people)s), more "
                    "than the new capacity. Your participants keep their hours; you get no new "
                    "proposals until the load is below it. Tell the consultant if an "
                    "assignment must change.", people=people, hours=hours), "info")
        return redirect(url_for("mentors.profile"))
    if not form.is_submitted() and mentor is not None:
        form.load(mentor)
    return render_template("mentors/profile.html", form=form, mentor=mentor, external=external,
                           towns=towns() if external else [],
                           load=_load(mentor) if mentor is not None else None)


def _load(mentor: Mentor) -> tuple[int, int, int]:
    """(hours a week, participants, of them proposals awaiting the mentor's answer) the
    mentor is committed to now: a sent proposal holds its room until answered, and says so
    (a walk read the load as larger than the participants they had)."""
    hours = committed_hours_by_mentor(date.today(), mentor.id).get(mentor.id, 0)
    statuses = dict(db.session.execute(
        db.select(Proposal.status, db.func.count()).where(
            Proposal.mentor_id == mentor.id,
            Proposal.status.in_((ProposalStatus.ACTIVE, ProposalStatus.APPROVED)))
        .group_by(Proposal.status)).all())
    asked = statuses.get(ProposalStatus.APPROVED, 0)
    return hours, statuses.get(ProposalStatus.ACTIVE, 0) + asked, asked


@bp.route("/participants")
@role_required("mentor")
def participants():
    """The participants I support now: code, placement, days and hours only."""
    mentor = current_mentor()
    active = db.session.scalars(
        db.select(Proposal).where(Proposal.mentor_id == mentor.id,
                                  Proposal.status == ProposalStatus.ACTIVE).order_by(Proposal.id)
        .options(selectinload(Proposal.participant), selectinload(Proposal.placement))
    ).all()
    return render_template("mentors/participants.html", mentor=mentor, active=active)
