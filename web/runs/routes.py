"""Matching requests: submit, follow progress, decide on proposals."""

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload

from web.access import role_required
from web.extensions import db
from web.forms_common import opts
from web.models import Participant, Proposal, ProposalStatus, SolveRun
from web.models.runs import proposal_details
from web.participants.forms import MatchRequestForm
from web.runs import service
from web.runs.forms import ApproveForm, ReasonForm
from web.runs.service import TransitionError
from workers.queue import enqueue_solve

bp = Blueprint("runs", __name__, url_prefix="/runs")


def own_run_or_404(run_id: int) -> SolveRun:
    run = db.session.get(SolveRun, run_id)
    if run is None or (current_user.role != "admin" and run.requested_by_id != current_user.id):
        abort(404)
    return run


@bp.post("/")
@role_required("consultant", "admin")
def create():
    """Submit a matching request for the chosen waiting participants."""
    waiting = service.waiting_participants(current_user)
    form = MatchRequestForm()
    form.participants.choices = opts((p.id, p.code) for p in waiting)
    if not form.validate_on_submit():
        people = db.session.scalars(
            db.select(Participant).where(Participant.consultant_id == current_user.id)
        ).all()
        return render_template("participants/index.html", people=people, waiting=waiting, form=form), 400
    run = service.create_run(current_user, form.participants.data, time_limit=form.time_limit.data)
    enqueue_solve(run)
    return redirect(url_for("runs.show", run_id=run.id))


@bp.route("/")
@role_required("consultant", "admin")
def index():
    """The consultant's matching requests, newest first."""
    q = db.select(SolveRun).order_by(SolveRun.id.desc()).limit(50)
    if current_user.role != "admin":
        q = q.where(SolveRun.requested_by_id == current_user.id)
    return render_template("runs/index.html", runs=db.session.scalars(q).all())


@bp.route("/<int:run_id>")
@role_required("consultant", "admin")
def show(run_id: int):
    """A run: live progress while it works, then proposals and the unmatched with reasons."""
    run = own_run_or_404(run_id)
    db.session.scalars(db.select(SolveRun).where(SolveRun.id == run.id).options(
        selectinload(SolveRun.proposals).options(*proposal_details()))).one()  # no N+1
    approve_form = ApproveForm()
    approve_form.proposals.choices = opts((p.id, str(p.id)) for p in run.proposals)
    participants = {p.id: p for p in db.session.scalars(
        db.select(Participant).where(Participant.id.in_(run.scope)))}
    return render_template("runs/show.html", run=run, approve_form=approve_form,
                           reject_form=ReasonForm.reject(), participants=participants)


@bp.route("/<int:run_id>/status")
@role_required("consultant", "admin")
def status(run_id: int):
    """Progress as JSON, polled by the run page."""
    run = own_run_or_404(run_id)
    return jsonify(status=run.status, phase=run.phase, progress=run.progress,
                   finished=run.finished, error=run.error)


@bp.post("/<int:run_id>/approve")
@role_required("consultant", "admin")
def approve(run_id: int):
    """Approve the selected proposals: they go to the mentors to confirm."""
    run = own_run_or_404(run_id)
    form = ApproveForm()
    form.proposals.choices = opts((p.id, str(p.id)) for p in run.proposals)
    if form.validate_on_submit():
        chosen = [p for p in run.proposals if p.id in set(form.proposals.data or [])]
        done = 0
        for proposal in chosen:
            if proposal.status == ProposalStatus.PROPOSED:
                service.approve(proposal, current_user)
                done += 1
        db.session.commit()
        flash(_("%(n)d proposals approved and sent to the mentors.", n=done), "success")
    else:
        flash(_("Choose the proposals to approve."), "error")
    return redirect(url_for("runs.show", run_id=run.id))


@bp.post("/proposals/<int:proposal_id>/reject")
@role_required("consultant", "admin")
def reject(proposal_id: int):
    """Reject one proposal with a reason; the participant waits again."""
    proposal = db.session.get(Proposal, proposal_id)
    if proposal is None or proposal.run_id is None:
        abort(404)
    run = own_run_or_404(proposal.run_id)
    form = ReasonForm.reject()
    if form.validate_on_submit():
        try:
            service.reject(proposal, current_user, form.reason.data)
            db.session.commit()
            flash(_("Proposal rejected."), "success")
        except TransitionError as exc:
            db.session.rollback()
            flash(str(exc), "error")
    return redirect(url_for("runs.show", run_id=run.id))
