"""Every route × every role: who may open what.

MATRIX is the single source of truth. A route that is not in it fails
test_every_route_is_in_the_matrix with the line to add; a new URL parameter fails with
the name to add to PARAMS. Each (endpoint, role) case gets a fresh database built with
the `make` factory, so a POST that changes data cannot disturb another case.

Expectations: anonymous → redirect to the login page (unless PUBLIC); a role not listed →
403 or 404; a listed role → neither 401/403/404/405 nor a 5xx nor a redirect to log in.
GET is used where the route has it, else POST (CSRF is off in tests; an empty form is fine).
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from flask import g, url_for

from web.models import Proposal, ProposalStatus, SolveRun

ROLES = ("anonymous", "consultant", "employer", "mentor", "admin")
PUBLIC = frozenset(ROLES)
USERS = frozenset(ROLES) - {"anonymous"}
CONSULTANT = frozenset({"consultant", "admin"})

MATRIX: dict[str, frozenset[str]] = {
    "static": PUBLIC,
    "auth.login": PUBLIC,
    "auth.logout": PUBLIC,
    "main.set_language": PUBLIC,
    "main.healthz": PUBLIC,
    "main.home": USERS,
    "invitations.accept": PUBLIC,  # the token is the credential
    # the consultant's pages
    "participants.index": CONSULTANT,
    "participants.new": CONSULTANT,
    "participants.edit": CONSULTANT,
    "participants.show": CONSULTANT,
    "runs.create": CONSULTANT,
    "runs.index": CONSULTANT,
    "runs.show": CONSULTANT,
    "runs.status": CONSULTANT,
    "runs.approve": CONSULTANT,
    "runs.reject": CONSULTANT,
    # the mentor's pages
    "mentors.inbox": frozenset({"mentor"}),
    "mentors.confirm": frozenset({"mentor"}),
    "mentors.decline": frozenset({"mentor"}),
    "mentors.profile": frozenset({"mentor"}),
    "mentors.participants": frozenset({"mentor"}),
    # the employer's pages
    "employers.company": frozenset({"employer"}),
    "employers.placements": frozenset({"employer"}),
    "employers.new_placement": frozenset({"employer"}),
    "employers.edit_placement": frozenset({"employer"}),
    "employers.close_placement": frozenset({"employer"}),
    "employers.mentors": frozenset({"employer"}),
    "employers.new_mentor": frozenset({"employer"}),
    "employers.edit_mentor": frozenset({"employer"}),
    "employers.deactivate_mentor": frozenset({"employer"}),
    "employers.participants": frozenset({"employer"}),
    # administration
    "admin.users": frozenset({"admin"}),
    "admin.new_user": frozenset({"admin"}),
    "admin.edit_user": frozenset({"admin"}),
    "admin.deactivate_user": frozenset({"admin"}),
    "admin.activate_user": frozenset({"admin"}),
    "admin.invite_user": frozenset({"admin"}),
    "admin.queues": frozenset({"admin"}),
    "admin.retry_job": frozenset({"admin"}),
}


class World:
    """One of each role, and records they own, for filling in URL parameters."""

    def __init__(self, app, make):
        self.app, self.make = app, make
        self.users = {r: make.user(r) for r in ("consultant", "mentor", "admin")}
        self.company = make.employer(name="Matrix ApS")
        self.users["employer"] = make.user("employer", employer_id=self.company.id)
        self.placement = make.placement(self.company)
        self.colleague = make.mentor(self.company)
        self.mentor = make.mentor(None, user=self.users["mentor"])
        self.participant = make.participant(self.users["consultant"])
        self.run = make._add(SolveRun(requested_by_id=self.users["consultant"].id,
                                      scope=[self.participant.id]))
        self.proposal = make._add(Proposal(
            run_id=self.run.id, participant_id=self.participant.id,
            placement_id=self.placement.id, mentor_id=self.mentor.id, hours=4,
            status=ProposalStatus.APPROVED))
        self.other_user = make.user("consultant")

    def token(self) -> str:
        from web.invitations import service

        with self.app.test_request_context():
            link = service.invite(self.other_user, by=None)
        self.make.db.session.commit()
        return link.rsplit("/", 1)[1]

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
    "run_id": lambda w: w.run.id,
    "proposal_id": lambda w: w.proposal.id,
    "placement_id": lambda w: w.placement.id,
    "mentor_id": lambda w: w.colleague.id,
    "user_id": lambda w: w.other_user.id,
    "job_id": World.failed_job_id,
}


def _routes(app) -> dict[str, object]:
    return {rule.endpoint: rule for rule in app.url_map.iter_rules()}


def matrix_gaps(app) -> list[str]:
    """What to change in MATRIX so that it lists exactly the app's routes."""
    rules = _routes(app)
    missing = [f"add {rules[e].rule} (endpoint {e!r}) to the matrix in {__name__}.MATRIX"
               for e in sorted(set(rules) - set(MATRIX))]
    stale = [f"remove {e!r} from {__name__}.MATRIX: no such route"
             for e in sorted(set(MATRIX) - set(rules))]
    return missing + stale


def test_every_route_is_in_the_matrix(app):
    gaps = matrix_gaps(app)
    assert not gaps, "\n".join(gaps)


def test_a_new_route_missing_from_the_matrix_is_named(app_config):
    from web import create_app

    app = create_app(app_config)
    app.add_url_rule("/x", "extra.x", lambda: "x")
    assert matrix_gaps(app) == [f"add /x (endpoint 'extra.x') to the matrix in {__name__}.MATRIX"]


@pytest.fixture
def fast_passwords(monkeypatch):
    """The matrix logs in through the session; nobody needs a real password hash here."""
    monkeypatch.setattr("web.models.user.generate_password_hash", lambda pw: "unused")


def _check(app, world, endpoint, rule, role) -> str | None:
    """Open the route as ``role``; return what went wrong, or None."""
    values = {}
    for arg in sorted(rule.arguments):
        if arg not in PARAMS:
            pytest.fail(f"add a value for URL parameter <{arg}> of {rule.rule} to "
                        f"{__name__}.PARAMS")
        values[arg] = PARAMS[arg](world)
    with app.test_request_context():
        url = url_for(endpoint, **values)
    method = "GET" if "GET" in rule.methods else "POST"
    client = app.test_client()
    # The test's app context is shared by its requests: forget the previous request's user.
    g.pop("_login_user", None)
    if role != "anonymous":
        with client.session_transaction() as sess:
            sess["_user_id"], sess["_fresh"] = str(world.users[role].id), True
    resp = client.open(url, method=method)
    where = f"{method} {url} as {role}: {resp.status_code} {resp.headers.get('Location', '')}"
    to_login = resp.status_code == 302 and urlsplit(resp.headers["Location"]).path == "/login"
    if role in MATRIX[endpoint]:
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
    POST that changed data for one role cannot turn the next role's answer into a 404."""
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
        problems.append(_check(app, world, endpoint, rule, role))
    problems = [p for p in problems if p]
    assert not problems, "\n".join(problems)
