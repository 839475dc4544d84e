"""API resources. Every endpoint checks role and ownership exactly as the pages do."""

from __future__ import annotations

from datetime import date

from flask import url_for
from flask_login import current_user
from flask_smorest import Blueprint as SmorestBlueprint
from flask_smorest import abort
from sqlalchemy.orm import selectinload
from werkzeug.exceptions import PreconditionFailed

from web.absences.routes import reportable_absence, reportable_mentors
from web.access import current_mentor, my_mentor
from web.api.auth import api_roles
from web.api.body import BODY_400, JsonObjectParser
from web.api.schemas import (
    AbsenceSchema,
    DecisionSchema,
    ExtendAbsenceSchema,
    MentorSchema,
    ParticipantListArgs,
    ParticipantSchema,
    PlacementSchema,
    ProposalListArgs,
    ProposalSchema,
    ReturnSchema,
    RunRequestSchema,
    RunSchema,
    RunSummarySchema,
    TimesheetListArgs,
    TimesheetSchema,
    WeekSchema,
)
from web.cover import service as cover_service
from web.extensions import db
from web.geo import find_town
from web.hours import service as hours_service
from web.hours.plans import monday
from web.hours.routes import consultant_sheet
from web.models import Mentor, Participant, Placement, Proposal, ProposalStatus, SolveRun, Timesheet
from web.models.cases import log_event
from web.models.cover import Absence
from web.models.hours import TASKS
from web.runs import service
from web.runs.forms import DECLINE_REASONS, REJECT_REASONS
from workers.cover_queue import start_cover
from workers.queue import enqueue_solve


class Blueprint(SmorestBlueprint):
    """Bodies must be JSON objects (web.api.body); documents X-Pagination as what it is on the
    wire: a string holding JSON."""

    ARGUMENTS_PARSER = JsonObjectParser()

    def arguments(self, schema, *, location="json", **kwargs):
        """As flask-smorest's, and a JSON body's 400 (web.api.body) is in the document."""
        parse = super().arguments(schema, location=location, **kwargs)
        if location != "json":
            return parse
        return lambda view: self.alt_response(400, description=BODY_400)(parse(view))

    def _document_pagination_metadata(self, spec, resp_doc):
        resp_doc.setdefault("headers", {})[self.PAGINATION_HEADER_NAME] = {
            "description": "JSON object: total, total_pages, first_page, last_page, page, "
                           "previous_page, next_page",
            "schema": {"type": "string"},
        }


participants_bp = Blueprint("api_participants", __name__, description="The consultant's caseload")
placements_bp = Blueprint("api_placements", __name__, description="Employers' placements")
mentors_bp = Blueprint("api_mentors", __name__, description="Mentors and support persons")
runs_bp = Blueprint("api_runs", __name__, description="Matching requests and their proposals")
proposals_bp = Blueprint("api_proposals", __name__, description="Approve, reject, confirm, decline")
absences_bp = Blueprint("api_absences", __name__,
                        description="Mentors' absences (cover is arranged)")
timesheets_bp = Blueprint("api_timesheets", __name__,
                          description="Weekly support hours and their approval")
BLUEPRINTS = [participants_bp, placements_bp, mentors_bp, runs_bp, proposals_bp, absences_bp,
              timesheets_bp]


def _location(what: str) -> dict:
    """The Location header of an answer that creates something, as the document shows it."""
    return {"Location": {"description": f"the new {what}'s URL, relative to the server",
                         "schema": {"type": "string"}}}


def _page(query, pagination):
    pagination.item_count = db.session.scalar(
        db.select(db.func.count()).select_from(query.subquery()))
    if pagination.first_item >= pagination.item_count:
        return []  # past the end (and never an OFFSET too large for the database)
    return db.session.scalars(query.offset(pagination.first_item).limit(pagination.page_size)).all()


def _own_participant(pid: int) -> Participant:
    p = db.session.get(Participant, pid)
    if p is None or (current_user.role != "admin" and p.consultant_id != current_user.id):
        # the audit log has the attempt as refused, not read: any 403/404 (web.audit.hooks)
        abort(404, message=f"No participant {pid} in your caseload.")
    return p


# The fields whose change the case history names (as the page's edit does).
CASE_FIELDS = ("code", "hours_min", "hours_max", "priority", "days", "areas", "needs",
               "attributes", "town", "max_travel_km")


def _apply_town(obj, data):
    town = find_town(data.pop("town"))
    obj.town, obj.lat, obj.lon = town.label, town.lat, town.lon


# --- participants -----------------------------------------------------------------------------

@participants_bp.route("/participants")
@api_roles("consultant", "admin")
@participants_bp.arguments(ParticipantListArgs, location="query")
@participants_bp.response(200, ParticipantSchema(many=True))
@participants_bp.paginate()
def list_participants(args, pagination_parameters):
    """List your caseload (admin: everybody), optionally filtered by status."""
    q = db.select(Participant).order_by(Participant.id)
    if current_user.role != "admin":
        q = q.where(Participant.consultant_id == current_user.id)
    if args.get("status"):
        q = q.where(Participant.status == args["status"])
    return _page(q, pagination_parameters)


@participants_bp.route("/participants", methods=["POST"])
@api_roles("consultant", "admin")
@participants_bp.arguments(ParticipantSchema)
@participants_bp.response(201, ParticipantSchema, headers=_location("participant"))
@participants_bp.alt_response(422, description="A field broke a rule; `errors` names it")
def create_participant(data):
    """Register a participant in your caseload."""
    if db.session.scalar(db.select(Participant.id).where(Participant.code == data["code"])):
        abort(409, message="This code is already in use.",
              messages={"json": {"code": ["already in use"]}})
    p = Participant(consultant_id=current_user.id, status="waiting")
    _apply_town(p, data)
    for k, v in data.items():
        setattr(p, k, v)
    db.session.add(p)
    db.session.flush()
    log_event(p.id, current_user, "created")  # the case history, as when made on the page
    db.session.commit()
    return p, 201, {"Location": url_for("api_participants.get_participant", pid=p.id)}


@participants_bp.route("/participants/<int:pid>")
@api_roles("consultant", "admin")
@participants_bp.etag
@participants_bp.response(200, ParticipantSchema)
def get_participant(pid):
    """One participant of your caseload; its ETag is needed to update it."""
    return _own_participant(pid)


@participants_bp.route("/participants/<int:pid>", methods=["PUT"])
@api_roles("consultant", "admin")
@participants_bp.etag
@participants_bp.arguments(ParticipantSchema)
@participants_bp.response(200, ParticipantSchema)
def update_participant(data, pid):
    """Replace a participant's data; send If-Match with the ETag from GET (412 if stale)."""
    p = _own_participant(pid)
    try:
        participants_bp.check_etag(p, ParticipantSchema)
    except PreconditionFailed:  # Werkzeug's text said neither what changed nor what to do
        abort(412, message="The participant has changed since the ETag sent in If-Match: GET "
                           "it again and send your change with its new ETag.")
    clash = db.session.scalar(db.select(Participant.id).where(
        Participant.code == data["code"], Participant.id != p.id))
    if clash:
        abort(409, message="This code is already in use.",
              messages={"json": {"code": ["already in use"]}})
    before = {f: getattr(p, f) for f in CASE_FIELDS}
    _apply_town(p, data)
    for k, v in data.items():
        setattr(p, k, v)
    if changed := [f for f in CASE_FIELDS if getattr(p, f) != before[f]]:
        log_event(p.id, current_user, "edited", fields=changed)  # as an edit on the page
    db.session.commit()
    return p


# --- placements and mentors -------------------------------------------------------------------

@placements_bp.route("/placements")
@api_roles("consultant", "employer", "admin")
@placements_bp.response(200, PlacementSchema(many=True))
@placements_bp.paginate()
def list_placements(pagination_parameters):
    """Placements: an employer sees its own, consultants and admins all."""
    q = db.select(Placement).order_by(Placement.id)
    if current_user.role == "employer":
        q = q.where(Placement.employer_id == current_user.employer_id)
    return _page(q, pagination_parameters)


@placements_bp.route("/placements", methods=["POST"])
@api_roles("employer")
@placements_bp.arguments(PlacementSchema)
@placements_bp.response(201, PlacementSchema)
def create_placement(data):
    """Register a placement for your company."""
    if current_user.employer_id is None:
        abort(409, message="Your account is not linked to a company.")
    pl = Placement(employer_id=current_user.employer_id, status="open")
    _apply_town(pl, data)
    for k, v in data.items():
        setattr(pl, k, v)
    db.session.add(pl)
    db.session.commit()
    return pl


@mentors_bp.route("/mentors")
@api_roles("consultant", "employer", "admin")
@mentors_bp.response(200, MentorSchema(many=True))
@mentors_bp.paginate()
def list_mentors(pagination_parameters):
    """Mentors: an employer sees its colleague-mentors, consultants and admins all."""
    q = db.select(Mentor).order_by(Mentor.id)
    if current_user.role == "employer":
        q = q.where(Mentor.employer_id == current_user.employer_id)
    return _page(q, pagination_parameters)


# --- matching requests ------------------------------------------------------------------------

def _own_run(run_id: int) -> SolveRun:
    run = db.session.get(SolveRun, run_id)
    if run is None or (current_user.role != "admin" and run.requested_by_id != current_user.id):
        abort(404, message=f"No matching request {run_id} of yours.")
    return run


def _run_out(run: SolveRun) -> dict:
    out = {c: getattr(run, c) for c in ("id", "status", "phase", "progress", "scope", "time_limit",
                                        "solver_status", "objective", "bound", "error",
                                        "unmatched")}
    out["url"] = url_for("api_runs.get_run", run_id=run.id, _external=False)
    out["proposals"] = run.proposals
    return out


@runs_bp.route("/runs", methods=["POST"])
@api_roles("consultant", "admin")
@runs_bp.arguments(RunRequestSchema)
@runs_bp.response(202, RunSchema, headers=_location("run"))
def create_run(data):
    """Submit a matching request; answers 202 with the run's URL to poll."""
    waiting = {p.id for p in service.waiting_participants(current_user)}
    chosen = waiting if data["participants"] is None else set(data["participants"])
    not_waiting = sorted(chosen - waiting)
    if not_waiting:
        abort(422, message="Only your waiting participants can be matched.",
              messages={"json": {"participants": [f"{i} is not one of your waiting participants"
                                                  for i in not_waiting]}})
    if not chosen:
        abort(422, message="Nobody is waiting.",
              messages={"json": {"participants": ["no waiting participants"]}})
    run = service.create_run(current_user, sorted(chosen), time_limit=data["time_limit"],
                             weights=data["weights"])
    enqueue_solve(run)
    return _run_out(run), 202, {"Location": url_for("api_runs.get_run", run_id=run.id)}


@runs_bp.route("/runs")
@api_roles("consultant", "admin")
@runs_bp.response(200, RunSummarySchema(many=True))
@runs_bp.paginate()
def list_runs(pagination_parameters):
    """Your matching requests, newest first."""
    q = db.select(SolveRun).order_by(SolveRun.id.desc())
    if current_user.role != "admin":
        q = q.where(SolveRun.requested_by_id == current_user.id)
    return [_run_out(r) for r in _page(q, pagination_parameters)]


@runs_bp.route("/runs/<int:run_id>")
@api_roles("consultant", "admin")
@runs_bp.response(200, RunSchema)
def get_run(run_id):
    """A matching request: status and progress, then proposals and the unmatched with reasons."""
    return _run_out(_own_run(run_id))


# --- proposals --------------------------------------------------------------------------------

@proposals_bp.route("/proposals")
@api_roles("consultant", "mentor", "admin")
@proposals_bp.arguments(ProposalListArgs, location="query")
@proposals_bp.response(200, ProposalSchema(many=True))
@proposals_bp.paginate()
def list_proposals(args, pagination_parameters):
    """Proposals: a consultant's for their caseload, a mentor's addressed to them."""
    q = db.select(Proposal).order_by(Proposal.id)
    if current_user.role == "consultant":
        q = q.join(Participant).where(Participant.consultant_id == current_user.id)
    elif current_user.role == "mentor":
        mine = db.select(Mentor.id).where(Mentor.user_id == current_user.id)
        q = q.where(Proposal.mentor_id.in_(mine),
                    Proposal.status.in_(("approved", "active", "ended")))
    if args.get("status"):
        q = q.where(Proposal.status == args["status"])
    return _page(q, pagination_parameters)


def _decide(proposal_id: int, action: str, reason: str | None = None) -> Proposal:
    proposal = db.session.get(Proposal, proposal_id)
    if proposal is None:
        abort(404, message=f"No proposal {proposal_id}.")
    if action in ("approve", "reject"):
        if current_user.role != "admin" and proposal.participant.consultant_id != current_user.id:
            abort(404, message=f"No proposal {proposal_id}.")
    else:
        mentor = my_mentor()
        if mentor is None or proposal.mentor_id != mentor.id:
            abort(404, message=f"No proposal {proposal_id} addressed to you.")
    try:
        if action in ("reject", "decline"):
            getattr(service, action)(proposal, current_user, reason)
        else:
            absences = getattr(service, action)(proposal, current_user)
        db.session.commit()
        if action == "confirm":
            start_cover(absences)
    except service.TransitionError as exc:
        db.session.rollback()
        abort(409, message=str(exc))
    return proposal


@proposals_bp.route("/proposals/<int:proposal_id>/approve", methods=["POST"])
@api_roles("consultant", "admin")
@proposals_bp.response(200, ProposalSchema)
def approve(proposal_id):
    """Approve a proposal: it goes to the mentor."""
    return _decide(proposal_id, "approve")


@proposals_bp.route("/proposals/<int:proposal_id>/reject", methods=["POST"])
@api_roles("consultant", "admin")
@proposals_bp.arguments(DecisionSchema)
@proposals_bp.response(200, ProposalSchema)
def reject(data, proposal_id):
    """Reject a proposal with a reason code; the participant waits again."""
    if data["reason"] not in REJECT_REASONS:
        abort(422, message="Unknown reason.",
              messages={"json": {"reason": [f"one of {', '.join(REJECT_REASONS)}"]}})
    return _decide(proposal_id, "reject", data["reason"])


@proposals_bp.route("/proposals/<int:proposal_id>/confirm", methods=["POST"])
@api_roles("mentor")
@proposals_bp.response(200, ProposalSchema)
def confirm(proposal_id):
    """Confirm a proposal addressed to you: it becomes an active assignment."""
    return _decide(proposal_id, "confirm")


@proposals_bp.route("/proposals/<int:proposal_id>/decline", methods=["POST"])
@api_roles("mentor")
@proposals_bp.arguments(DecisionSchema)
@proposals_bp.response(200, ProposalSchema)
def decline(data, proposal_id):
    """Decline a proposal addressed to you, with a reason code. With `no_capacity` you are
    not excluded for the participant; your `max_participants` drops to the number you have,
    so no run proposes you to anyone until you raise it."""
    if data["reason"] not in DECLINE_REASONS:
        abort(422, message="Unknown reason.",
              messages={"json": {"reason": [f"one of {', '.join(DECLINE_REASONS)}"]}})
    return _decide(proposal_id, "decline", data["reason"])


# --- absences ---------------------------------------------------------------------------------

def _absence_out(a: Absence) -> dict:
    out = {c: getattr(a, c) for c in ("id", "mentor_id", "starts_on", "ends_on", "reason",
                                      "created_at", "withdrawn_at", "extends_id")}
    out["cover_needs"] = len(a.needs)
    return out


@absences_bp.route("/absences")
@api_roles("mentor", "consultant", "employer", "admin")
@absences_bp.response(200, AbsenceSchema(many=True))
@absences_bp.paginate()
def list_absences(pagination_parameters):
    """Absences of the mentors you may report for (as on the page), newest first."""
    ids = [m.id for m in reportable_mentors()]
    q = (db.select(Absence).where(Absence.mentor_id.in_(ids))
         .order_by(Absence.starts_on.desc(), Absence.id.desc())
         .options(selectinload(Absence.needs)))  # each row counts its needs
    return [_absence_out(a) for a in _page(q, pagination_parameters)]


@absences_bp.route("/absences", methods=["POST"])
@api_roles("mentor", "consultant", "employer", "admin")
@absences_bp.arguments(AbsenceSchema)
@absences_bp.response(201, AbsenceSchema)
@absences_bp.alt_response(422, description="A field broke a rule; `errors` names it")
def create_absence(data):
    """Report a mentor's absence (yours, or one you may report for); cover is then arranged."""
    mentors = {m.id: m for m in reportable_mentors()}
    mentor_id = data["mentor_id"]
    if mentor_id is None and current_user.role == "mentor":
        mentor_id = next(iter(mentors))
    if mentor_id is None:
        abort(422, message="Name the mentor.",
              messages={"json": {"mentor_id": ["Missing data for required field."]}})
    if mentor_id not in mentors:
        abort(422, message="You may not report this mentor absent.",
              messages={"json": {"mentor_id": ["not a mentor you may report for"]}})
    if ahead := cover_service.too_far_ahead(data["starts_on"], date.today()):
        abort(422, message=ahead, messages={"json": {"starts_on": [ahead]}})
    if over := cover_service.already_over(data["ends_on"]):
        abort(422, message=over, messages={"json": {"ends_on": [over]}})
    try:
        absence = cover_service.report_absence(
            mentors[mentor_id], data["starts_on"], data["ends_on"], data["reason"], current_user)
        db.session.commit()
    except cover_service.TransitionError as exc:
        db.session.rollback()
        abort(422, message=str(exc), messages={"json": {"ends_on": [str(exc)]}})
    start_cover([absence])
    return _absence_out(absence), 201


@absences_bp.route("/absences/<int:absence_id>/withdraw", methods=["POST"])
@api_roles("mentor", "consultant", "employer", "admin")
@absences_bp.response(200, AbsenceSchema)
@absences_bp.alt_response(409, description="Already withdrawn or already over")
def withdraw_absence(absence_id):
    ("The mentor is not away after all (before the first day: withdrawn) or is back early "
     "(the absence ends yesterday); cover is no longer sought.")
    absence = reportable_absence(absence_id)
    if absence is None:
        abort(404, message=f"No absence {absence_id} you may report for.")
    try:
        cover_service.withdraw_absence(absence, current_user, date.today())
        db.session.commit()
    except cover_service.TransitionError as exc:
        db.session.rollback()
        abort(409, message=str(exc))
    return _absence_out(absence)


@absences_bp.route("/absences/<int:absence_id>/extend", methods=["POST"])
@api_roles("mentor", "consultant", "employer", "admin")
@absences_bp.arguments(ExtendAbsenceSchema)
@absences_bp.response(201, AbsenceSchema)
@absences_bp.alt_response(409, description="Withdrawn, back early, over, or already extended")
@absences_bp.alt_response(422, description="The new last day is not after the last day, adds "
                          "more than a year, or the added days overlap another absence")
def extend_absence(data, absence_id):
    ("The mentor is away longer: the added days become a new absence that names this one "
     "(`extends_id`). The substitutes who cover on the last day are asked to go on; cover is "
     "sought for the others.")
    absence = reportable_absence(absence_id)
    if absence is None:
        abort(404, message=f"No absence {absence_id} you may report for.")
    today = date.today()
    if why := cover_service.extension_refused(absence, today):
        db.session.rollback()
        abort(409, message=why)
    try:
        extension = cover_service.extend_absence(absence, data["ends_on"], current_user, today)
        db.session.commit()
    except cover_service.TransitionError as exc:
        db.session.rollback()
        abort(422, message=str(exc), messages={"json": {"ends_on": [str(exc)]}})
    start_cover([extension])
    return _absence_out(extension), 201


# --- timesheets -------------------------------------------------------------------------------

@timesheets_bp.route("/timesheets")
@api_roles("mentor", "consultant", "admin")
@timesheets_bp.arguments(TimesheetListArgs, location="query")
@timesheets_bp.response(200, TimesheetSchema(many=True))
@timesheets_bp.paginate()
def list_timesheets(args, pagination_parameters):
    ("Timesheets: a mentor's own, a consultant's participants', an admin's all; "
     "newest week first.")  # one line: flask-smorest's OpenAPI summary
    q = (db.select(Timesheet).order_by(Timesheet.week_start.desc(), Timesheet.id)
         .options(selectinload(Timesheet.lines)))  # each row shows its lines and total
    if current_user.role == "mentor":
        q = q.where(Timesheet.mentor_id == current_mentor().id)
    else:  # a draft is the mentor's until sent
        q = q.where(Timesheet.status != "draft")
    if current_user.role == "consultant":
        q = q.join(Participant, Participant.id == Timesheet.participant_id).where(
            Participant.consultant_id == current_user.id)
    if args.get("week"):
        q = q.where(Timesheet.week_start == monday(args["week"]))
    if args.get("status"):
        q = q.where(Timesheet.status == args["status"])
    return _page(q, pagination_parameters)


@timesheets_bp.route("/timesheets/<week>", methods=["PUT"])
@api_roles("mentor")
@timesheets_bp.arguments(WeekSchema)
@timesheets_bp.response(200, TimesheetSchema(many=True))
@timesheets_bp.alt_response(409, description="The week is approved and cannot be changed")
@timesheets_bp.alt_response(422, description="A field broke a rule; `errors` names it")
def put_week(data, week):
    ("Send a week's hours (week: an ISO date in it, e.g. its Monday) for approval, or keep "
     "them as a draft; as on the page.")  # one line: flask-smorest's OpenAPI summary
    try:
        week = monday(date.fromisoformat(week))
    except ValueError:
        abort(422, message="Not a date.",
              messages={"path": {"week": ["Use an ISO date, e.g. 2026-03-02."]}})
    if far := hours_service.week_out_of_range(week):  # year 1 or 9999 overflowed into a 500
        abort(422, message=far, messages={"path": {"week": [far]}})
    mentor = current_mentor()
    own = {p.id: p for p in db.session.scalars(db.select(Proposal).where(
        Proposal.status.in_((ProposalStatus.ACTIVE, ProposalStatus.ENDED)),
        db.or_(Proposal.mentor_id == mentor.id,
               Proposal.id.in_(hours_service.covering(mentor.id, week)))))}
    bad = {i: {"assignment_id": ["not one of your assignments, nor one you cover that week"]}
           for i, line in enumerate(data["lines"]) if line["assignment_id"] not in own}
    if bad:
        abort(422, message="Hours can only be logged for your own assignments.",
              messages={"json": {"lines": bad}})
    hours: dict[int, dict[str, float]] = {}
    for line in data["lines"]:
        task_hours = hours.setdefault(line["assignment_id"], dict.fromkeys(TASKS, 0.0))
        task_hours[line["task"]] = line["hours"]
    try:
        for pid, by_task in hours.items():
            hours_service.save_week(own[pid], week, by_task, send=not data["draft"],
                                    mentor_id=mentor.id)
        db.session.commit()
    except (hours_service.FutureWeekError, hours_service.BeforeStartError,
            hours_service.AfterEndError) as exc:
        db.session.rollback()
        abort(422, message=str(exc), messages={"path": {"week": [str(exc)]}})
    except hours_service.HoursError as exc:
        db.session.rollback()
        abort(409, message=str(exc))
    return list(hours_service.timesheets_for(mentor.id, week).values())


def _consultant_sheet(sheet_id: int) -> Timesheet:
    sheet = consultant_sheet(sheet_id)
    if sheet is None:
        abort(404, message=f"No timesheet {sheet_id} of your participants.")
    return sheet


def _decide_sheet(sheet: Timesheet, action, *args) -> Timesheet:
    try:
        action(sheet, current_user, *args)
        db.session.commit()
    except hours_service.HoursError as exc:
        db.session.rollback()
        abort(409, message=str(exc))
    return sheet


@timesheets_bp.route("/timesheets/<int:sheet_id>/approve", methods=["POST"])
@api_roles("consultant", "admin")
@timesheets_bp.response(200, TimesheetSchema)
def approve_timesheet(sheet_id):
    """Approve a week's hours of your participant; approved hours go into the claim."""
    return _decide_sheet(_consultant_sheet(sheet_id), hours_service.approve)


@timesheets_bp.route("/timesheets/<int:sheet_id>/return", methods=["POST"])
@api_roles("consultant", "admin")
@timesheets_bp.arguments(ReturnSchema)
@timesheets_bp.response(200, TimesheetSchema)
def return_timesheet(data, sheet_id):
    """Return a week's hours to the mentor with a comment saying what to correct."""
    return _decide_sheet(_consultant_sheet(sheet_id), hours_service.send_back,
                         data["comment"].strip())
