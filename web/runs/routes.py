"""Matching requests: submit, follow progress, decide on proposals, run again."""

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy.orm import selectinload

from web import vocab
from web.access import role_required
from web.extensions import db
from web.forms_common import EmptyForm, opts
from web.models import Participant, Proposal, ProposalStatus, SolveRun, utcnow
from web.models.runs import proposal_details
from web.participants.fit import misfits
from web.participants.forms import WEIGHT_LABELS, RunAgainForm
from web.participants.routes import render_index, request_form
from web.runs import service
from web.runs.forms import DECLINE_REASONS, REJECT_REASONS, ApproveForm, ReasonForm
from web.runs.reasons import names_for, reason_help, reason_text
from web.runs.service import TransitionError
from workers.cover_queue import start_cover
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
    """Submit a matching request for the chosen waiting participants, with optional weights."""
    form, waiting = request_form()
    if not form.validate_on_submit():
        return render_index(form, waiting, status=400)
    run = service.create_run(current_user, form.participants.data,
                             time_limit=form.time_limit.data, weights=form.weights)
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


def _again_form(run: SolveRun) -> RunAgainForm:
    form = RunAgainForm()
    if not form.is_submitted():
        form.time_limit.data = int(run.time_limit)
        for key, value in (run.weights or {}).items():
            if hasattr(form, f"w_{key}"):
                getattr(form, f"w_{key}").data = value
    return form


def _again_scope(run: SolveRun) -> list[int]:
    mine = {p.id for p in service.waiting_participants(current_user)}
    return [i for i in service.again_scope(run) if i in mine]


def render_run(run: SolveRun, again_form: RunAgainForm | None = None, status: int = 200):
    db.session.scalars(db.select(SolveRun).where(SolveRun.id == run.id).options(
        selectinload(SolveRun.proposals).options(*proposal_details()))).one()  # no N+1
    again = _again_scope(run) if run.finished else []
    approve_form = ApproveForm()
    approve_form.proposals.choices = opts((p.id, str(p.id)) for p in run.proposals)
    participants = {p.id: p for p in db.session.scalars(
        db.select(Participant).where(Participant.id.in_(run.scope)))}
    return render_template(
        "runs/show.html", run=run, approve_form=approve_form, reject_form=ReasonForm.reject(),
        # beside the consultant's own "Choose a reason": whose reason this one is
        decline_form=ReasonForm.decline(first=_l("The mentor's reason")),
        reject_reasons=REJECT_REASONS, decline_reasons=DECLINE_REASONS,
        participants=participants, button=EmptyForm(), again_form=again_form or _again_form(run),
        again=again, again_codes=[participants[i].code for i in again if i in participants],
        elapsed=elapsed(run), weight_labels=WEIGHT_LABELS, reason_text=reason_text,
        reason_help=reason_help,
        names=names_for([p.reasons for p in run.proposals] + [u["reasons"] for u in run.unmatched]),
        # edited since the run: said on the row, and not chosen for approval by default
        misfit={a.id: "; ".join(rules) for a, rules in misfits(run.proposals)},
    ), status


@bp.route("/<int:run_id>")
@role_required("consultant", "admin")
def show(run_id: int):
    """A run: live progress while it works, then proposals and the unmatched with reasons."""
    return render_run(own_run_or_404(run_id))


def elapsed(run: SolveRun) -> float:
    """Seconds since the solve started, or the solver's own time once it is finished."""
    if run.finished and run.seconds is not None:  # a quick solve reads 0.04, not 0
        return round(run.seconds, 1) if run.seconds >= 0.1 else max(round(run.seconds, 2), 0.01)
    if run.started_at is None:
        return 0
    end = run.finished_at or utcnow()
    return max(0, int((end - run.started_at).total_seconds()))


@bp.route("/<int:run_id>/status")
@role_required("consultant", "admin")
def status(run_id: int):
    """Progress as JSON, polled by the run page."""
    run = own_run_or_404(run_id)
    return jsonify(status=run.status, phase=run.phase, progress=run.progress,
                   phase_text=vocab.label(vocab.RUN_PHASES, run.phase),
                   status_text=vocab.label(vocab.RUN_STATUSES, run.status),
                   elapsed=elapsed(run), time_limit=int(run.time_limit),
                   finished=run.finished, error=run.error)


@bp.post("/<int:run_id>/approve")
@role_required("consultant", "admin")
def approve(run_id: int):
    """Approve the selected proposals: they go to the mentors to confirm."""
    run = own_run_or_404(run_id)
    form = ApproveForm()
    form.proposals.choices = opts((p.id, str(p.id)) for p in run.proposals)
    if form.validate_on_submit() and form.proposals.data:
        chosen = set(form.proposals.data)
        _approve(run, [p for p in run.proposals if p.id in chosen])
    else:
        flash(_("Choose the proposals to approve."), "error")
    return redirect(url_for("runs.show", run_id=run.id))


@bp.post("/<int:run_id>/approve-all")
@role_required("consultant", "admin")
def approve_all(run_id: int):
    """Approve every new proposal of the run at once."""
    run = own_run_or_404(run_id)
    if EmptyForm().validate_on_submit():
        _approve(run, list(run.proposals))
    return redirect(url_for("runs.show", run_id=run.id))


def _approve(run: SolveRun, proposals: list[Proposal]) -> None:
    """Approve each new proposal that still fits; say which did not, and why."""
    done, refused = 0, []
    for proposal in proposals:
        if proposal.status == ProposalStatus.PROPOSED:
            try:
                service.approve(proposal, current_user)
                db.session.flush()  # the next proposal's room counts this one
                done += 1
            except TransitionError as exc:
                refused.append(str(exc))
    db.session.commit()
    if done:
        flash(ngettext("%(num)d proposal approved and sent to the mentor.",
                       "%(num)d proposals approved and sent to the mentors.", done), "success")
    elif not refused:
        flash(_("There were no new proposals to approve."), "info")
    for message in refused:
        flash(message, "error")


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
            excluded = service.reject(proposal, current_user, form.reason.data)
            db.session.commit()
            if excluded == "placement":
                flash(_("Proposal rejected. %(placement)s is not proposed for %(code)s again; "
                        "the participant's page can lift that.",
                        placement=proposal.placement.title, code=proposal.participant.code),
                      "success")
            elif excluded == "mentor":
                flash(_("Proposal rejected. %(mentor)s is not proposed for %(code)s again; "
                        "the participant's page can lift that.",
                        mentor=proposal.mentor.name, code=proposal.participant.code),
                      "success")
            else:
                flash(_("Proposal rejected."), "success")
        except TransitionError as exc:
            db.session.rollback()
            flash(str(exc), "error")
    else:
        flash(_("Choose a reason for rejecting."), "error")
    return redirect(url_for("runs.show", run_id=run.id))


def _answerable_or_404(proposal_id: int) -> tuple[Proposal, SolveRun]:
    """A proposal of my run that waits for a mentor without a login: only the consultant can
    record their answer (given by phone or in person); a mentor with a login answers
    themselves."""
    proposal = db.session.get(Proposal, proposal_id)
    if proposal is None or proposal.run_id is None:
        abort(404)
    run = own_run_or_404(proposal.run_id)
    if proposal.mentor.has_login:
        abort(404)
    return proposal, run


@bp.post("/proposals/<int:proposal_id>/confirm-for-mentor")
@role_required("consultant", "admin")
def confirm_for_mentor(proposal_id: int):
    """The mentor, who has no login, said yes: the assignment begins, as if they confirmed.
    Who recorded it is kept with the decision and in the case history."""
    proposal, run = _answerable_or_404(proposal_id)
    if EmptyForm().validate_on_submit():
        try:
            absences = service.confirm(proposal, current_user, recorded=True)
            db.session.commit()
            start_cover(absences)
            flash(_("Recorded: %(mentor)s said yes. The assignment is now active.",
                    mentor=proposal.mentor.name), "success")
        except TransitionError as exc:
            db.session.rollback()
            flash(str(exc), "error")
    return redirect(url_for("runs.show", run_id=run.id))


@bp.post("/proposals/<int:proposal_id>/decline-for-mentor")
@role_required("consultant", "admin")
def decline_for_mentor(proposal_id: int):
    """The mentor, who has no login, said no, with their reason: the participant waits again."""
    proposal, run = _answerable_or_404(proposal_id)
    form = ReasonForm.decline()
    if form.validate_on_submit():
        try:
            service.decline(proposal, current_user, form.reason.data, recorded=True)
            db.session.commit()
            flash(_("Recorded: %(mentor)s said no. %(code)s waits for a match again.",
                    mentor=proposal.mentor.name, code=proposal.participant.code), "success")
        except TransitionError as exc:
            db.session.rollback()
            flash(str(exc), "error")
    else:
        flash(_("Choose the mentor's reason."), "error")
    return redirect(url_for("runs.show", run_id=run.id))


@bp.post("/<int:run_id>/again")
@role_required("consultant", "admin")
def again(run_id: int):
    """Run again for this run's unmatched and rejected participants who are still waiting."""
    run = own_run_or_404(run_id)
    form = _again_form(run)
    if not form.validate_on_submit():
        return render_run(run, form, status=400)
    scope = _again_scope(run)
    if not scope:
        flash(_("Nobody from this request is waiting for a match."), "error")
        return redirect(url_for("runs.show", run_id=run.id))
    new = service.create_run(current_user, scope, time_limit=form.time_limit.data,
                             weights=form.weights)
    enqueue_solve(new)
    return redirect(url_for("runs.show", run_id=new.id))


from web.runs import retry  # noqa: E402,F401  (adds POST /runs/<id>/retry to this blueprint)
