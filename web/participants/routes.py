"""The consultant's caseload: list, create, edit, case page."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from web.access import own_participant_or_404, role_required
from web.extensions import db
from web.forms_common import opts
from web.geo import towns
from web.models import Participant, Proposal
from web.models.runs import proposal_details
from web.participants.forms import MatchRequestForm, ParticipantForm

bp = Blueprint("participants", __name__, url_prefix="/participants")


def caseload_query():
    q = db.select(Participant).order_by(Participant.status, Participant.code)
    if current_user.role != "admin":
        q = q.where(Participant.consultant_id == current_user.id)
    return q


@bp.route("/")
@role_required("consultant", "admin")
def index():
    """The consultant's caseload, with a matching request for the waiting."""
    people = db.session.scalars(caseload_query()).all()
    waiting = [p for p in people if p.status == "waiting"]
    form = MatchRequestForm()
    form.participants.choices = opts((p.id, p.code) for p in waiting)
    form.participants.data = [p.id for p in waiting]
    return render_template("participants/index.html", people=people, waiting=waiting, form=form)


@bp.route("/new", methods=["GET", "POST"])
@role_required("consultant", "admin")
def new():
    """Register a participant."""
    form = ParticipantForm()
    if form.validate_on_submit():
        p = Participant(consultant_id=current_user.id, status="waiting")
        form.fill(p)
        db.session.add(p)
        db.session.commit()
        flash(_("Participant %(code)s saved.", code=p.code), "success")
        return redirect(url_for("participants.show", participant_id=p.id))
    return render_template("participants/form.html", form=form, towns=towns(), participant=None)


@bp.route("/<int:participant_id>/edit", methods=["GET", "POST"])
@role_required("consultant", "admin")
def edit(participant_id: int):
    """Change a participant's needs, hours, wishes or place."""
    p = own_participant_or_404(participant_id)
    form = ParticipantForm(participant=p)
    if form.validate_on_submit():
        form.fill(p)
        db.session.commit()
        flash(_("Participant %(code)s saved.", code=p.code), "success")
        return redirect(url_for("participants.show", participant_id=p.id))
    if not form.is_submitted():
        form.load(p)
    return render_template("participants/form.html", form=form, towns=towns(), participant=p)


@bp.route("/<int:participant_id>")
@role_required("consultant", "admin")
def show(participant_id: int):
    """The case page: the participant and the history of proposals and assignments."""
    p = own_participant_or_404(participant_id)
    history = db.session.scalars(
        db.select(Proposal).where(Proposal.participant_id == p.id).order_by(Proposal.id.desc())
        .options(*proposal_details())
    ).all()
    return render_template("participants/show.html", p=p, history=history)
