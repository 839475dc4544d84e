"""The mentor's inbox: proposals to confirm or decline, and their own participants."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from web.access import current_mentor, role_required
from web.extensions import db
from web.forms_common import EmptyForm
from web.models import Proposal, ProposalStatus
from web.models.runs import proposal_details
from web.runs import service
from web.runs.forms import ReasonForm
from web.runs.service import TransitionError

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
    mentor = current_mentor()
    mine = (db.select(Proposal).where(Proposal.mentor_id == mentor.id).order_by(Proposal.id)
            .options(*proposal_details()))
    waiting = db.session.scalars(mine.where(Proposal.status == ProposalStatus.APPROVED)).all()
    active = db.session.scalars(mine.where(Proposal.status == ProposalStatus.ACTIVE)).all()
    return render_template("mentors/inbox.html", mentor=mentor, waiting=waiting, active=active,
                           confirm_form=EmptyForm(), decline_form=ReasonForm.decline())


@bp.post("/proposals/<int:proposal_id>/confirm")
@role_required("mentor")
def confirm(proposal_id: int):
    """Confirm a proposal: it becomes an active assignment."""
    proposal = my_proposal_or_404(proposal_id)
    if EmptyForm().validate_on_submit():
        try:
            service.confirm(proposal, current_user)
            db.session.commit()
            flash(_("Confirmed. The assignment is now active."), "success")
        except TransitionError as exc:
            db.session.rollback()
            flash(str(exc), "error")
    return redirect(url_for("mentors.inbox"))


@bp.post("/proposals/<int:proposal_id>/decline")
@role_required("mentor")
def decline(proposal_id: int):
    """Decline a proposal with a reason; the consultant's next run will not propose me again."""
    proposal = my_proposal_or_404(proposal_id)
    form = ReasonForm.decline()
    if form.validate_on_submit():
        try:
            service.decline(proposal, current_user, form.reason.data)
            db.session.commit()
            flash(_("Declined. The consultant will find someone else."), "success")
        except TransitionError as exc:
            db.session.rollback()
            flash(str(exc), "error")
    else:
        flash(_("Choose a reason."), "error")
    return redirect(url_for("mentors.inbox"))
