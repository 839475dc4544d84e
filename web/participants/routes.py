"""The consultant's caseload: list, create, edit, pause/close/reopen, case page."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm import selectinload

from web import vocab
from web.access import own_participant_or_404, role_required
from web.confirm import asked_first
from web.extensions import db
from web.forms_common import EmptyForm, opts, page_number
from web.geo import towns
from web.i18n import format_date
from web.models import (
    CaseEvent,
    Exclusion,
    Mentor,
    Participant,
    Placement,
    Proposal,
    ProposalStatus,
    RunStatus,
    SolveRun,
    User,
)
from web.models.cover import Absence, CoverNeed, CoverRequest, NeedStatus, RequestStatus
from web.models.runs import proposal_details
from web.participants import labels
from web.participants.fit import misfits
from web.participants.forms import STATUS_FILTER, FilterForm, MatchRequestForm, ParticipantForm
from web.runs import service
from web.runs.service import TransitionError
from workers.queue import enqueue_solve

bp = Blueprint("participants", __name__, url_prefix="/participants")

PER_PAGE = 50
SORTS = {
    "code": (_l("Code"), (Participant.code,)),
    "status": (_l("Status"), (Participant.status, Participant.code)),
    "priority": (_l("Priority, highest first"), (Participant.priority.desc(), Participant.code)),
    "updated": (_l("Last changed"), (Participant.updated_at.desc(), Participant.id.desc())),
}


def _filter_form() -> FilterForm:
    form = FilterForm(request.args)
    form.status.choices = opts([*STATUS_FILTER, *vocab.STATUSES.items()])
    form.sort.choices = opts((k, label) for k, (label, _cols) in SORTS.items())
    return form


def _filtered(form: FilterForm):
    q = db.select(Participant)
    if current_user.role != "admin":
        q = q.where(Participant.consultant_id == current_user.id)
    status = form.status.data if form.status.data in (*vocab.STATUSES, "all") else ""
    if status == "":
        q = q.where(Participant.status != "closed")
    elif status != "all":
        q = q.where(Participant.status == status)
    if form.q.data and form.validate():
        escaped = form.q.data.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        q = q.where(Participant.code.ilike(f"%{escaped}%", escape="\\"))
    return q.order_by(*SORTS.get(form.sort.data, SORTS["code"])[1])


def request_form() -> tuple[MatchRequestForm, list[Participant]]:
    waiting = service.waiting_participants(current_user)
    form = MatchRequestForm()
    form.participants.choices = opts((p.id, p.code) for p in waiting)
    return form, waiting


def render_index(form: MatchRequestForm | None = None, waiting=None, status: int = 200):
    """The caseload page; the matching request form may come back with its errors."""
    filters = _filter_form()
    page = db.paginate(_filtered(filters), page=page_number(request.args),
                       per_page=PER_PAGE, error_out=False)
    if form is None:
        form, waiting = request_form()
        form.participants.data = [p.id for p in waiting]
    args = {k: v for k, v in request.args.items() if k != "page"}
    return render_template("participants/index.html", page=page, people=page.items,
                           waiting=waiting, form=form, filters=filters, args=args), status


@bp.route("/")
@role_required("consultant", "admin")
def index():
    """The caseload, filtered, sorted and paginated, with a matching request for the waiting."""
    return render_index()


@bp.route("/new", methods=["GET", "POST"])
@role_required("consultant", "admin")
def new():
    """Register a participant."""
    form = ParticipantForm()
    if form.validate_on_submit():
        p = Participant(consultant_id=current_user.id, status="waiting")
        form.fill(p)
        db.session.add(p)
        db.session.flush()
        service.log_event(p.id, current_user, "created")
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
        fields = ("code", "hours_min", "hours_max", "priority", "days", "areas", "needs",
                  "attributes", "town", "max_travel_km")
        before = {f: getattr(p, f) for f in fields}
        form.fill(p)
        changed = [f for f in fields if getattr(p, f) != before[f]]
        if changed:
            service.log_event(p.id, current_user, "edited", fields=changed)
        db.session.commit()
        flash(_("Participant %(code)s saved.", code=p.code), "success")
        # A proposal or assignment the edit broke is said on the case page, until it is dealt
        # with (a one-time message was gone after the next click).
        return redirect(url_for("participants.show", participant_id=p.id))
    if not form.is_submitted():
        form.load(p)
    return render_template("participants/form.html", form=form, towns=towns(), participant=p)


def _misfit_message(a: Proposal, rules: list[str]) -> str:
    where = {"place": a.placement.title, "mentor": a.mentor.name, "rules": "; ".join(rules)}
    if a.status == ProposalStatus.ACTIVE:
        return _("The assignment at %(place)s with %(mentor)s no longer fits the new details: "
                 "%(rules)s. Talk it over with the mentor and the workplace, or end the "
                 "assignment.", **where)
    return _("The proposal of %(place)s with %(mentor)s no longer fits the new details: "
             "%(rules)s. Reject it and run again, or change the details back.", **where)


def timeline(p: Participant) -> list[dict]:
    """Case events and the matcher's proposals, newest first."""
    events = [{"at": e.created_at, "kind": e.kind, "actor": e.actor, "detail": e.detail or {}}
              for e in db.session.scalars(
                  db.select(CaseEvent).where(CaseEvent.participant_id == p.id))]
    for prop in db.session.scalars(db.select(Proposal).where(Proposal.participant_id == p.id)):
        events.append({"at": prop.created_at, "kind": "proposed", "actor": None,
                       "detail": {"proposal": prop.id, "run": prop.run_id}, "proposal": prop})
    events += _not_matched(p, {e["detail"].get("run") for e in events
                               if e["kind"] == "match_requested"} - {None})
    events += _covered(p)
    _name_handovers(events)
    return sorted(events, key=lambda e: e["at"], reverse=True)


def _name_handovers(events: list[dict]) -> None:
    """A handover's step names both consultants (its detail holds their ids)."""
    steps = [e for e in events if e["kind"] == "handed_over"]
    if not steps:
        return
    names = dict(db.session.execute(db.select(User.id, User.name).where(User.id.in_(
        {e["detail"].get(k) for e in steps for k in ("from", "to")}))).all())
    for e in steps:
        e["target"] = _("from %(old)s to %(new)s", old=names.get(e["detail"].get("from"), "?"),
                        new=names.get(e["detail"].get("to"), "?"))


def _covered(p: Participant) -> list[dict]:
    """The mentor's absences that needed cover for the participant, and the covers arranged:
    who covered, from when to when, and who said yes (the substitute, or whoever recorded
    their answer)."""
    needs = db.session.scalars(
        db.select(CoverNeed).join(Proposal, Proposal.id == CoverNeed.assignment_id)
        .where(Proposal.participant_id == p.id)
        .options(selectinload(CoverNeed.absence).selectinload(Absence.mentor)))
    away = [{"at": n.created_at, "kind": "mentor_away", "actor": None, "detail": {},
             "target": _away_text(n)} for n in needs if n.status != NeedStatus.CANCELLED]
    rows = db.session.scalars(
        db.select(CoverRequest).join(Proposal, Proposal.id == CoverRequest.assignment_id)
        .where(Proposal.participant_id == p.id, CoverRequest.status == RequestStatus.CONFIRMED,
               CoverRequest.decided_at.is_not(None))
        .options(selectinload(CoverRequest.substitute))).all()
    deciders = {u.id: u for u in db.session.scalars(
        db.select(User).where(User.id.in_({r.decided_by_id for r in rows})))} if rows else {}
    return [{"at": r.decided_at, "kind": "covered", "actor": deciders.get(r.decided_by_id),
             "detail": {"recorded": True} if r.decided_by_id != r.substitute.user_id else {},
             "target": _("%(name)s covers from %(start)s to %(end)s", name=r.substitute.name,
                         start=format_date(r.starts_on), end=format_date(r.ends_on))}
            for r in rows] + away


def _away_text(n: CoverNeed) -> str:
    text = _("%(name)s away from %(start)s to %(end)s", name=n.absence.mentor.name,
             start=format_date(n.absence.starts_on), end=format_date(n.absence.ends_on))
    return text + (" · " + _("No substitute found") if n.status == NeedStatus.UNFILLED else "")


def _not_matched(p: Participant, run_ids: set[int]) -> list[dict]:
    """The requests that left ``p`` unmatched, with the first reason's code: the history
    showed a request and then nothing, as if it were still running (a walk)."""
    if not run_ids:
        return []
    out = []
    for run in db.session.scalars(db.select(SolveRun).where(SolveRun.id.in_(run_ids),
                                                            SolveRun.status == RunStatus.DONE)):
        for u in run.unmatched or []:
            if u["participant_id"] == p.id:
                first = (u.get("reasons") or [{}])[0]
                out.append({"at": run.finished_at, "kind": "unmatched", "actor": None,
                            "detail": {"run": run.id, "reason": first.get("code")}})
    return out


@bp.route("/<int:participant_id>")
@role_required("consultant", "admin")
def show(participant_id: int):
    """The case page: the participant, their proposals and the timeline of who did what."""
    p = own_participant_or_404(participant_id)
    history = db.session.scalars(
        db.select(Proposal).where(Proposal.participant_id == p.id).order_by(Proposal.id.desc())
        .options(*proposal_details())
    ).all()
    proposals = {h.id: h for h in history}
    events = timeline(p)
    _name_lifted(events)
    return render_template("participants/show.html", p=p, history=history, events=events,
                           proposals=proposals, button=EmptyForm(), labels=labels,
                           exclusions=exclusions(p, history),
                           misfits=[_misfit_message(a, rules) for a, rules in misfits(history)])


def exclusions(p: Participant, history: list[Proposal]) -> list[dict]:
    """The participant's exclusions, oldest first, each with the reason given when its
    mentor declined or its placement or mentor was rejected (``history``: the participant's
    proposals, newest first)."""
    why = {}
    for h in reversed(history):
        excluded = (service.EXCLUDING_REJECTIONS.get(h.decision_reason)
                    if h.status == ProposalStatus.REJECTED else None)
        if h.status == ProposalStatus.DECLINED or excluded == "mentor":
            why["m", h.mentor_id] = h.decision_reason
        elif excluded == "placement":
            why["l", h.placement_id] = h.decision_reason
    rows = db.session.scalars(
        db.select(Exclusion).where(Exclusion.participant_id == p.id)
        .order_by(Exclusion.created_at, Exclusion.id)
        .options(selectinload(Exclusion.mentor), selectinload(Exclusion.placement))).all()
    return [{"exclusion": ex, "reason": why.get(("m", ex.mentor_id) if ex.mentor_id
                                                else ("l", ex.placement_id))}
            for ex in rows]


def _name_lifted(events: list[dict]) -> None:
    """Give each lifted exclusion on the timeline the name of its mentor or placement
    (``target``); two queries at most, however many there are."""
    lifted = [e for e in events if e["kind"] == "exclusion_lifted"]
    names = {}
    for key, model, label in (("mentor", Mentor, Mentor.name),
                              ("placement", Placement, Placement.title)):
        ids = {e["detail"].get(key) for e in lifted} - {None}
        if ids:
            rows = db.session.execute(db.select(model.id, label).where(model.id.in_(ids)))
            names |= {(key, i): name for i, name in rows}
    for e in lifted:
        e["target"] = names.get(("mentor", e["detail"].get("mentor"))) or names.get(
            ("placement", e["detail"].get("placement")))


@bp.post("/<int:participant_id>/exclusions/<int:exclusion_id>/lift")
@role_required("consultant", "admin")
def lift_exclusion(participant_id: int, exclusion_id: int):
    """Lift an exclusion: the mentor or placement can be proposed for this participant again."""
    p = own_participant_or_404(participant_id)
    ex = db.session.get(Exclusion, exclusion_id)
    if ex is None or ex.participant_id != p.id:
        abort(404)
    if EmptyForm().validate_on_submit():
        name = ex.target_name
        service.lift_exclusion(ex, current_user)
        db.session.commit()
        flash(_("%(name)s can be proposed for %(code)s again.", name=name, code=p.code),
              "success")
    return redirect(url_for("participants.show", participant_id=p.id))


def _transition(participant_id: int, action, message: str, question: str | None = None):
    """Run a state change; one that is hard to undo is confirmed first (a page, if no JS)."""
    p = own_participant_or_404(participant_id)
    form = EmptyForm()
    if not form.validate_on_submit():
        return redirect(url_for("participants.show", participant_id=p.id))
    if question and (page := asked_first(
            question % {"code": p.code}, url_for("participants.show", participant_id=p.id))):
        return page
    try:
        action(p, current_user)
        db.session.commit()
        flash(message % {"code": p.code}, "success")
    except TransitionError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    return redirect(url_for("participants.show", participant_id=p.id))


@bp.post("/<int:participant_id>/pause")
@role_required("consultant", "admin")
def pause(participant_id: int):
    """Pause a participant: not offered for matching until reopened."""
    return _transition(participant_id, service.pause, _("%(code)s is paused."), _(
        "Pause %(code)s? Open proposals are withdrawn and the participant is not matched "
        "until reopened."))


@bp.post("/<int:participant_id>/close")
@role_required("consultant", "admin")
def close(participant_id: int):
    """Close a case; an active assignment ends."""
    return _transition(participant_id, service.close, _("The case %(code)s is closed."),
                       _("Close the case %(code)s? An active assignment ends."))


@bp.post("/<int:participant_id>/reopen")
@role_required("consultant", "admin")
def reopen(participant_id: int):
    """Reopen a paused or closed case."""
    return _transition(participant_id, service.reopen, _("The case %(code)s is open again."))


@bp.post("/<int:participant_id>/match")
@role_required("consultant", "admin")
def match(participant_id: int):
    """Find a match for this one participant."""
    p = own_participant_or_404(participant_id)
    if not EmptyForm().validate_on_submit():
        return redirect(url_for("participants.show", participant_id=p.id))
    if p.status != "waiting":
        flash(_("Only a waiting participant can be matched."), "error")
        return redirect(url_for("participants.show", participant_id=p.id))
    run = service.create_run(current_user, [p.id],
                             time_limit=current_app.config["SOLVE_TIME_LIMIT"])
    enqueue_solve(run)
    return redirect(url_for("runs.show", run_id=run.id))
