"""Every route × every role: who may open what.

MATRIX is the single source of truth. A route that is not in it fails
test_every_route_is_in_the_matrix with the line to add; a new URL parameter fails with
the name to add to PARAMS. Each endpoint gets a fresh database built with the `make`
factory (and each allowed role of a POST-only route another), so a POST that changes data
cannot disturb another case.

Expectations: anonymous → redirect to the login page (unless PUBLIC); a role not listed →
403 or 404; a listed role → neither 401/403/404/405 nor a 5xx nor a redirect to log in.
A record in the URL belongs to someone: another user of an allowed role (not an admin)
gets 404 for it. TOKEN_ONLY routes (the JSON API) take bearer tokens only: whoever is
logged in through the session, the answer is 401 as application/problem+json (role by
role: tests/web/test_api.py).
GET is used where the route has it, else POST, else the route's own method (CSRF is off in
tests; an empty form is fine).
"""

from __future__ import annotations

import secrets
from datetime import date, datetime, timedelta
from functools import cached_property
from urllib.parse import urlsplit

import pytest
from flask import g, url_for
from sqlalchemy import select

from web.models import (
    ApiToken,
    Exclusion,
    MentorWage,
    Outcome,
    PendingImport,
    Proposal,
    ProposalStatus,
    SolveRun,
    Timesheet,
)
from web.models.cover import (
    Absence,
    CoverNeed,
    CoverRequest,
    NeedStatus,
    ParticipantHold,
)
from web.models.hours import TimesheetLine

ROLES = ("anonymous", "consultant", "employer", "mentor", "admin")
PUBLIC = frozenset(ROLES)
USERS = frozenset(ROLES) - {"anonymous"}
CONSULTANT = frozenset({"consultant", "admin"})
EMPLOYER = frozenset({"employer"})
MENTOR = frozenset({"mentor"})
ADMIN = frozenset({"admin"})


class _TokenOnly(frozenset):
    """No role through the session: bearer tokens only, so 401 (problem+json) for all."""

    def __repr__(self) -> str:
        return "TOKEN_ONLY"


TOKEN_ONLY = _TokenOnly()

MATRIX: dict[str, frozenset[str]] = {
    "static": PUBLIC,
    "auth.login": PUBLIC,
    "auth.logout": PUBLIC,
    "main.set_language": PUBLIC,
    "main.healthz": PUBLIC,
    "main.favicon": PUBLIC,  # a redirect to the static icon
    "main.home": USERS,
    "invitations.accept": PUBLIC,  # the token is the credential
    "calendar.ics": PUBLIC,  # the secret token in the URL is the credential
    # everyone logged in: their own notices and API tokens
    "cover.notices": USERS,
    "cover.mark_read": USERS,
    "tokens.index": USERS,
    "tokens.revoke": USERS,
    "absences.index": USERS,  # own absence (mentor), for a mentor (consultant, employer)
    # the consultant's pages (an admin sees every caseload)
    "participants.index": CONSULTANT,
    "participants.new": CONSULTANT,
    "participants.edit": CONSULTANT,
    "participants.show": CONSULTANT,
    "participants.pause": CONSULTANT,
    "participants.close": CONSULTANT,
    "participants.reopen": CONSULTANT,
    "participants.match": CONSULTANT,
    "participants.lift_exclusion": CONSULTANT,
    "runs.create": CONSULTANT,
    "runs.index": CONSULTANT,
    "runs.show": CONSULTANT,
    "runs.status": CONSULTANT,
    "runs.approve": CONSULTANT,
    "runs.approve_all": CONSULTANT,
    "runs.reject": CONSULTANT,
    "runs.confirm_for_mentor": CONSULTANT,  # a mentor without a login: the consultant records
    "runs.decline_for_mentor": CONSULTANT,
    "runs.again": CONSULTANT,
    "runs.retry": CONSULTANT,
    "absences.withdraw": USERS,  # whoever may report the absence may take it back
    "absences.extend": USERS,  # ... or extend it
    "absences.participants": CONSULTANT,
    "absences.resume": CONSULTANT,
    "dashboard.consultant": CONSULTANT,
    "gdpr.index": CONSULTANT,
    "gdpr.participant": CONSULTANT,
    "gdpr.export": CONSULTANT,
    "gdpr.erase": CONSULTANT,
    "hours.plan": CONSULTANT,
    "hours.end": CONSULTANT,
    "hours.follow_up": CONSULTANT,
    "hours.approvals": CONSULTANT,
    "hours.approve": CONSULTANT,
    "hours.send_back": CONSULTANT,
    # the week of a mentor without a login: their employer, or the consultant of their
    # participants, enters it
    "hours.record_week": frozenset({"employer", "consultant", "admin"}),
    "imports.upload": CONSULTANT,
    "imports.preview": CONSULTANT,
    "imports.commit": CONSULTANT,
    "imports.cancel": CONSULTANT,
    "imports.template": CONSULTANT,
    "imports.export": CONSULTANT,
    # the mentor's pages
    "mentors.inbox": MENTOR,
    "mentors.confirm": MENTOR,
    "mentors.decline": MENTOR,
    "mentors.profile": MENTOR,
    "mentors.participants": MENTOR,
    "cover.requests": MENTOR,
    "cover.answer": MENTOR,
    # a substitute without a login: the participant's consultant or the placement's employer
    "cover.record_answer": CONSULTANT | EMPLOYER,
    "hours.timesheet": MENTOR,
    "hours.own_sheet": MENTOR,
    "calendar.settings": MENTOR,
    "calendar.regenerate": MENTOR,
    # the employer's pages
    "employers.company": EMPLOYER,
    "employers.placements": EMPLOYER,
    "employers.new_placement": EMPLOYER,
    "employers.edit_placement": EMPLOYER,
    "employers.close_placement": EMPLOYER,
    "employers.reopen_placement": EMPLOYER,
    "employers.mentors": EMPLOYER,
    "employers.new_mentor": EMPLOYER,
    "employers.edit_mentor": EMPLOYER,
    "employers.deactivate_mentor": EMPLOYER,
    "employers.activate_mentor": EMPLOYER,
    "employers.reinvite_mentor": EMPLOYER,
    "employers.participants": EMPLOYER,
    "cover.employer": EMPLOYER,
    "cover.guarantee": EMPLOYER,
    "cover.toggle_guarantee": EMPLOYER,
    # reimbursement: the employer's own company; an admin chooses any
    "reimbursement.index": EMPLOYER | ADMIN,
    "reimbursement.employer": EMPLOYER | ADMIN,
    "reimbursement.wage": EMPLOYER | ADMIN,
    "reimbursement.remove_wage": EMPLOYER | ADMIN,
    "reimbursement.claim": EMPLOYER | ADMIN,
    # administration and the manager's figures
    "admin.users": ADMIN,
    "admin.new_user": ADMIN,
    "admin.edit_user": ADMIN,
    "admin.deactivate_user": ADMIN,
    "admin.activate_user": ADMIN,
    "admin.invite_user": ADMIN,
    "admin.handover": ADMIN,
    "admin.queues": ADMIN,
    "admin.retry_job": ADMIN,
    "audit.index": ADMIN,
    "cover.figures": ADMIN,
    "dashboard.manager": ADMIN,
    "dashboard.manager_csv": ADMIN,
    # the JSON API: its description is public, everything else needs a bearer token
    "api-docs.openapi_json": PUBLIC,
    "api_docs.docs": PUBLIC,
    "api_participants.list_participants": TOKEN_ONLY,
    "api_participants.create_participant": TOKEN_ONLY,
    "api_participants.get_participant": TOKEN_ONLY,
    "api_participants.update_participant": TOKEN_ONLY,
    "api_placements.list_placements": TOKEN_ONLY,
    "api_placements.create_placement": TOKEN_ONLY,
    "api_mentors.list_mentors": TOKEN_ONLY,
    "api_runs.create_run": TOKEN_ONLY,
    "api_runs.list_runs": TOKEN_ONLY,
    "api_runs.get_run": TOKEN_ONLY,
    "api_proposals.list_proposals": TOKEN_ONLY,
    "api_proposals.approve": TOKEN_ONLY,
    "api_proposals.reject": TOKEN_ONLY,
    "api_proposals.confirm": TOKEN_ONLY,
    "api_proposals.decline": TOKEN_ONLY,
    "api_absences.list_absences": TOKEN_ONLY,
    "api_absences.create_absence": TOKEN_ONLY,
    "api_absences.withdraw_absence": TOKEN_ONLY,
    "api_absences.extend_absence": TOKEN_ONLY,
    "api_timesheets.list_timesheets": TOKEN_ONLY,
    "api_timesheets.put_week": TOKEN_ONLY,
    "api_timesheets.approve_timesheet": TOKEN_ONLY,
    "api_timesheets.return_timesheet": TOKEN_ONLY,
}

MONDAY = date(2026, 1, 5)


def for_role(fill):
    """Mark a PARAMS filler that depends on who asks: it is called as fill(world, role)."""
    fill.for_role = True
    return fill


class World:
    """One of each role, and records they own, for filling in URL parameters.

    Records only some routes need are made on first use (cached_property), so each
    endpoint's database holds just what its parameters ask for.
    """

    def __init__(self, app, make):
        self.app, self.make = app, make
        self.users = {r: make.user(r) for r in ("consultant", "mentor", "admin")}
        self.company = make.employer(name="Matrix ApS")
        self.users["employer"] = make.user("employer", employer_id=self.company.id)
        self.placement = make.placement(self.company, slots=5)
        self.colleague = make.mentor(self.company)
        self.mentor = make.mentor(None, user=self.users["mentor"])
        self.participant = make.participant(self.users["consultant"])
        self.run = make._add(
            SolveRun(requested_by_id=self.users["consultant"].id, scope=[self.participant.id])
        )
        self.proposal = make._add(
            Proposal(
                run_id=self.run.id,
                participant_id=self.participant.id,
                placement_id=self.placement.id,
                mentor_id=self.mentor.id,
                hours=4,
                status=ProposalStatus.APPROVED,
            )
        )
        self.other_user = make.user("consultant")

    def _assign(self, mentor, status=ProposalStatus.ACTIVE, participant_status="active"):
        """An assignment of a new participant of the consultant's, at the company."""
        p = self.make.participant(self.users["consultant"], status=participant_status)
        return self.make._add(
            Proposal(
                participant_id=p.id,
                placement_id=self.placement.id,
                mentor_id=mentor.id,
                hours=4,
                status=status,
                decided_at=datetime.combine(MONDAY, datetime.min.time()),
            )
        )

    @cached_property
    def assignment(self) -> Proposal:
        """An active assignment: the mentor supports one of the consultant's participants."""
        return self._assign(self.mentor)

    @cached_property
    def exclusion(self) -> Exclusion:
        """The colleague mentor declined the consultant's participant once."""
        return self.make._add(
            Exclusion(participant_id=self.participant.id, mentor_id=self.colleague.id)
        )

    @cached_property
    def timesheet(self) -> Timesheet:
        """The mentor's submitted week for the assignment, waiting for the consultant."""
        a = self.assignment
        return self.make._add(
            Timesheet(
                proposal_id=a.id,
                mentor_id=a.mentor_id,
                participant_id=a.participant_id,
                week_start=MONDAY,
                status="submitted",
                lines=[TimesheetLine(task="plan_day", hours=2.0)],
            )
        )

    @cached_property
    def outcome(self) -> Outcome:
        """An ended assignment's outcome whose six-month follow-up is due."""
        a = self._assign(self.mentor, ProposalStatus.ENDED, participant_status="closed")
        return self.make._add(
            Outcome(
                proposal_id=a.id,
                participant_id=a.participant_id,
                outcome="ordinary_job",
                ended_on=MONDAY,
                follow_up_due=MONDAY + timedelta(days=182),
                recorded_by_id=self.users["consultant"].id,
            )
        )

    @cached_property
    def hold(self) -> ParticipantHold:
        """A paused participant: the assignment's slot is held."""
        a = self._assign(self.mentor, participant_status="paused")
        today = date.today()
        return self.make._add(
            ParticipantHold(
                participant_id=a.participant_id,
                assignment_id=a.id,
                reason="sick",
                starts_on=today,
                hold_until=today + timedelta(days=14),
                reported_by_id=self.users["consultant"].id,
            )
        )

    @cached_property
    def proposal_without_login(self) -> Proposal:
        """Approved for the colleague, who has no login: the consultant records the answer
        (another participant of the consultant: one proposal per participant and run)."""
        other = self.make.participant(self.users["consultant"])
        return self.make._add(Proposal(run_id=self.run.id, participant_id=other.id,
                                       placement_id=self.placement.id,
                                       mentor_id=self.colleague.id, hours=4,
                                       status=ProposalStatus.APPROVED))

    @cached_property
    def planned_wage(self) -> MentorWage:
        """A wage change of the colleague, a year ahead: one its employer may take back."""
        ahead = date(date.today().year + 1, 1, 1)
        return self.make._add(
            MentorWage(mentor_id=self.colleague.id, hourly_cost_ore=30000, valid_from=ahead))

    @cached_property
    def cover_request(self) -> CoverRequest:
        """The colleague is away; the mentor is asked to cover the colleague's participant."""
        a = self._assign(self.colleague)
        today = date.today()
        absence = Absence(
            mentor_id=self.colleague.id,
            starts_on=today,
            ends_on=today + timedelta(days=2),
            reason="sick",
            reported_by_id=self.users["employer"].id,
        )
        need = CoverNeed(absence=absence, assignment_id=a.id, status=NeedStatus.REQUESTED)
        return self.make._add(
            CoverRequest(
                need=need,
                assignment_id=a.id,
                substitute_id=self.mentor.id,
                hours=4,
                starts_on=absence.starts_on,
                ends_on=absence.ends_on,
            )
        )

    @cached_property
    def cover_request_without_login(self) -> CoverRequest:
        """The mentor is away; the colleague, who has no login, is asked to cover the
        consultant's participant at the employer's placement."""
        a = self._assign(self.mentor)
        today = date.today()
        absence = Absence(mentor_id=self.mentor.id, starts_on=today,
                          ends_on=today + timedelta(days=2), reason="sick",
                          reported_by_id=self.users["consultant"].id)
        need = CoverNeed(absence=absence, assignment_id=a.id, status=NeedStatus.REQUESTED)
        return self.make._add(CoverRequest(need=need, assignment_id=a.id,
                                           substitute_id=self.colleague.id, hours=4,
                                           starts_on=absence.starts_on, ends_on=absence.ends_on))

    @for_role
    def absence_id(self, role: str) -> int:
        """An absence ahead that ``role`` may report: the mentor's own, the mentor of the
        consultant's participant, the employer's colleague-mentor (an admin: any)."""
        mentor = self.colleague if role == "employer" else self.mentor
        if role == "consultant":
            assert self.assignment.mentor_id == mentor.id  # the consultant's participant's
        today = date.today()
        return self.make._add(Absence(
            mentor_id=mentor.id, starts_on=today + timedelta(days=10),
            ends_on=today + timedelta(days=12), reason="holiday",
            reported_by_id=self.users["consultant"].id)).id

    @for_role
    def colleague_id(self, role: str) -> int:
        """The employer's colleague-mentor, who has no login; for a consultant, supporting one
        of their participants."""
        if role == "consultant":
            self._assign(self.colleague)
        return self.colleague.id

    def token(self) -> str:
        from web.invitations import service

        with self.app.test_request_context():
            link = service.invite(self.other_user, by=None)
        self.make.db.session.commit()
        return link.rsplit("/", 1)[1]

    def calendar_token(self) -> str:
        """The clear secret of the mentor's calendar feed."""
        from web.calendar.feed import new_token

        clear = new_token(self.mentor)
        self.make.db.session.commit()
        return clear

    @for_role
    def pending_import(self, role: str) -> str:
        """A checked CSV file waiting for its uploader (only they may use the token)."""
        user = self.users.get(role, self.users["consultant"])
        if row := self.make.db.session.scalar(
            select(PendingImport).where(PendingImport.user_id == user.id)
        ):
            return row.token
        content = (
            "code;hours_min;hours_max;days;town;max_travel_km;consultant\n"
            f"MX-{user.id};4;8;mon;Aarhus;15;{self.users['consultant'].email}\n"
        )
        row = self.make._add(
            PendingImport(
                token=secrets.token_urlsafe(32),
                user_id=user.id,
                kind="participants",
                content=content,
            )
        )
        return row.token

    @for_role
    def api_token_id(self, role: str) -> int:
        """One of the requesting user's own API tokens."""
        user = self.users.get(role, self.users["consultant"])
        if row := self.make.db.session.scalar(select(ApiToken).where(ApiToken.user_id == user.id)):
            return row.id
        token, _clear = ApiToken.issue(user, "matrix")
        return self.make._add(token).id

    def outsider(self, role: str):
        """A user of ``role`` who owns none of the world's records."""
        if role == "employer":
            return self.make.user("employer", employer_id=self.make.employer().id)
        user = self.make.user(role)
        if role == "mentor":
            self.make.mentor(None, user=user)
        return user

    def failed_job_id(self) -> str:
        from rq.registry import FailedJobRegistry

        from workers.queue import get_queue

        q = get_queue("default")
        job = q.enqueue("builtins.print", 1)
        q.remove(job)
        FailedJobRegistry(queue=q).add(job, ttl=600, exc_string="Traceback\nValueError: x")
        return job.id


# URL parameter → how to fill it from the world (the record the allowed role owns).
PARAMS = {
    "filename": lambda w: "style.css",
    "code": lambda w: "en",
    "token": World.token,
    "participant_id": lambda w: w.participant.id,
    "pid": lambda w: w.participant.id,
    "run_id": lambda w: w.run.id,
    "proposal_id": lambda w: w.proposal.id,  # approved: waiting for the mentor
    "placement_id": lambda w: w.placement.id,
    "mentor_id": World.colleague_id,
    "employer_id": lambda w: w.company.id,
    "user_id": lambda w: w.other_user.id,
    "job_id": World.failed_job_id,
    "hold_id": lambda w: w.hold.id,
    "wage_id": lambda w: w.planned_wage.id,
    "request_id": lambda w: w.cover_request.id,
    "absence_id": World.absence_id,
    "answer": lambda w: "confirm",
    "sheet_id": lambda w: w.timesheet.id,
    "exclusion_id": lambda w: w.exclusion.id,
    "outcome_id": lambda w: w.outcome.id,
    "key": lambda w: "waiting",
    "month": lambda w: "2026-01",
    "week": lambda w: "2026-01-05",
    "fmt": lambda w: "csv",
    "kind": lambda w: "participants",
    "token_id": World.api_token_id,
}

# Where one endpoint needs another value for a parameter than PARAMS gives.
ENDPOINT_PARAMS = {
    "hours.plan": {"proposal_id": lambda w: w.assignment.id},
    "runs.confirm_for_mentor": {"proposal_id": lambda w: w.proposal_without_login.id},
    "runs.decline_for_mentor": {"proposal_id": lambda w: w.proposal_without_login.id},
    "cover.record_answer": {"request_id": lambda w: w.cover_request_without_login.id},
    "hours.end": {"proposal_id": lambda w: w.assignment.id},
    "calendar.ics": {"token": World.calendar_token},
    "imports.preview": {"token": World.pending_import},
    "imports.commit": {"token": World.pending_import},
    "imports.cancel": {"token": World.pending_import},
    "imports.export": {"kind": lambda w: "assignments"},
}


# URL parameters that name a record someone owns (see test_route_access: outsiders get 404).
OWNED = frozenset(
    {
        "participant_id",
        "pid",
        "run_id",
        "proposal_id",
        "placement_id",
        "mentor_id",
        "employer_id",
        "hold_id",
        "wage_id",
        "request_id",
        "absence_id",
        "sheet_id",
        "outcome_id",
        "exclusion_id",
        "token",
        "token_id",
    }
)
OUTSIDER_ROLES = ("consultant", "employer", "mentor")  # an admin is nobody's outsider


def _fill(endpoint: str, arg: str, world: World, role: str):
    fill = ENDPOINT_PARAMS.get(endpoint, {}).get(arg) or PARAMS[arg]
    return fill(world, role) if getattr(fill, "for_role", False) else fill(world)


def _routes(app) -> dict[str, object]:
    return {rule.endpoint: rule for rule in app.url_map.iter_rules()}


def matrix_gaps(app) -> list[str]:
    """What to change in MATRIX so that it lists exactly the app's routes."""
    rules = _routes(app)
    missing = [
        f"add {rules[e].rule} (endpoint {e!r}) to the matrix in {__name__}.MATRIX"
        for e in sorted(set(rules) - set(MATRIX))
    ]
    stale = [
        f"remove {e!r} from {__name__}.MATRIX: no such route"
        for e in sorted(set(MATRIX) - set(rules))
    ]
    return missing + stale


def test_every_route_is_in_the_matrix(app):
    gaps = matrix_gaps(app)
    assert not gaps, "\n".join(gaps)


def test_a_new_route_missing_from_the_matrix_is_named(app_config):
    from web import create_app

    app = create_app(app_config)
    app.add_url_rule("/x", "extra.x", lambda: "x")
    assert matrix_gaps(app) == [f"add /x (endpoint 'extra.x') to the matrix in {__name__}.MATRIX"]


def test_every_api_route_is_token_only_but_its_description(app):
    """A new /api/v1 route cannot slip into the matrix as a session page."""
    described = {"api-docs.openapi_json", "api_docs.docs"}
    api = {r.endpoint for r in app.url_map.iter_rules() if r.rule.startswith("/api/")}
    assert described <= api
    assert {e for e in api - described if MATRIX.get(e) is not TOKEN_ONLY} == set()


@pytest.fixture
def fast_passwords(monkeypatch):
    """The matrix logs in through the session; nobody needs a real password hash here."""
    monkeypatch.setattr("web.models.user.generate_password_hash", lambda pw: "unused")


def _method(rule) -> str:
    for m in ("GET", "POST"):
        if m in rule.methods:
            return m
    return sorted(rule.methods - {"HEAD", "OPTIONS"})[0]


def _check(app, world, endpoint, rule, role, outsider=None) -> str | None:
    """Open the route as ``role`` (or as an ``outsider`` of that role, with the role's
    records); return what went wrong, or None."""
    values = {}
    for arg in sorted(rule.arguments):
        if arg not in PARAMS:
            pytest.fail(
                f"add a value for URL parameter <{arg}> of {rule.rule} to {__name__}.PARAMS"
            )
        values[arg] = _fill(endpoint, arg, world, role)
    with app.test_request_context():
        url = url_for(endpoint, **values)
    method = _method(rule)
    client = app.test_client()
    # The test's app context is shared by its requests: forget the previous request's user.
    g.pop("_login_user", None)
    if role != "anonymous":
        user = outsider or world.users[role]
        with client.session_transaction() as sess:
            sess["_user_id"], sess["_fresh"] = str(user.id), True
    resp = client.open(url, method=method)
    who = f"another {role}" if outsider else role
    where = f"{method} {url} as {who}: {resp.status_code} {resp.headers.get('Location', '')}"
    if outsider:
        return None if resp.status_code == 404 else f"{where}: expected 404 (not theirs)"
    to_login = resp.status_code == 302 and urlsplit(resp.headers["Location"]).path == "/login"
    if MATRIX[endpoint] is TOKEN_ONLY:
        if resp.status_code != 401 or resp.mimetype != "application/problem+json":
            return f"{where} {resp.mimetype}: expected 401 application/problem+json"
    elif role in MATRIX[endpoint]:
        if resp.status_code >= 500 or resp.status_code in (401, 403, 404, 405):
            return f"{where}: expected to be allowed"
        if to_login and endpoint != "auth.logout":
            return f"{where}: expected to be allowed, not sent to log in"
    elif role == "anonymous":
        if not to_login:
            return f"{where}: expected a redirect to the login page"
    elif resp.status_code not in (403, 404):
        return f"{where}: expected 403 or 404"
    return None


@pytest.mark.parametrize("endpoint", sorted(MATRIX))
def test_route_access(app, make, fast_passwords, endpoint):
    """Forbidden roles first; each allowed role after the first gets a fresh world, so a
    POST that changed data for one role cannot turn the next role's answer into a 404.
    Before an allowed role opens a route about a record it owns, another user of that role
    tries the same URL and must get 404 (which changes nothing)."""
    rules = _routes(app)
    if endpoint not in rules:
        pytest.fail(f"{endpoint!r} is in the matrix but not a route (see the completeness test)")
    rule = rules[endpoint]
    allowed = [r for r in ROLES if r in MATRIX[endpoint]]
    world = World(app, make)
    problems = [_check(app, world, endpoint, rule, r) for r in ROLES if r not in allowed]
    for i, role in enumerate(allowed):
        if i and "GET" not in rule.methods:
            world = World(app, make)
        if role in OUTSIDER_ROLES and MATRIX[endpoint] != PUBLIC and rule.arguments & OWNED:
            problems.append(_check(app, world, endpoint, rule, role, world.outsider(role)))
        problems.append(_check(app, world, endpoint, rule, role))
    problems = [p for p in problems if p]
    assert not problems, "\n".join(problems)
