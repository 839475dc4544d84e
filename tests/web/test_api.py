"""The JSON API: every endpoint for every role, problem+json errors, ETags, pagination."""

from __future__ import annotations

import re

import pytest
from rq import Queue

from web.models import ApiToken, Participant, Placement, Proposal, ProposalStatus, SolveRun
from web.redis_conn import get_redis
from workers.jobs import run_solve
from workers.queue import queue_name

ROLES = ("consultant", "employer", "mentor", "admin")
# (method, path in the OpenAPI document) -> roles allowed. A new endpoint must be added here.
ALLOWED = {
    ("get", "/api/v1/participants"): {"consultant", "admin"},
    ("post", "/api/v1/participants"): {"consultant", "admin"},
    ("get", "/api/v1/participants/{pid}"): {"consultant", "admin"},
    ("put", "/api/v1/participants/{pid}"): {"consultant", "admin"},
    ("get", "/api/v1/placements"): {"consultant", "employer", "admin"},
    ("post", "/api/v1/placements"): {"employer"},
    ("get", "/api/v1/mentors"): {"consultant", "employer", "admin"},
    ("get", "/api/v1/runs"): {"consultant", "admin"},
    ("post", "/api/v1/runs"): {"consultant", "admin"},
    ("get", "/api/v1/runs/{run_id}"): {"consultant", "admin"},
    ("get", "/api/v1/proposals"): {"consultant", "mentor", "admin"},
    ("post", "/api/v1/proposals/{proposal_id}/approve"): {"consultant", "admin"},
    ("post", "/api/v1/proposals/{proposal_id}/reject"): {"consultant", "admin"},
    ("post", "/api/v1/proposals/{proposal_id}/confirm"): {"mentor"},
    ("post", "/api/v1/proposals/{proposal_id}/decline"): {"mentor"},
    ("get", "/api/v1/absences"): {"mentor", "consultant", "employer", "admin"},
    ("post", "/api/v1/absences"): {"mentor", "consultant", "employer", "admin"},
    ("post", "/api/v1/absences/{absence_id}/withdraw"): {"mentor", "consultant", "employer",
                                                          "admin"},
    ("post", "/api/v1/absences/{absence_id}/extend"): {"mentor", "consultant", "employer",
                                                        "admin"},
    ("get", "/api/v1/timesheets"): {"mentor", "consultant", "admin"},
    ("put", "/api/v1/timesheets/{week}"): {"mentor"},
    ("post", "/api/v1/timesheets/{sheet_id}/approve"): {"consultant", "admin"},
    ("post", "/api/v1/timesheets/{sheet_id}/return"): {"consultant", "admin"},
}

GOOD = {"code": "API-1", "hours_min": 4, "hours_max": 8, "priority": 2, "days": ["mon", "wed"],
        "areas": ["kitchen"], "needs": ["addiction"], "attributes": [], "town": "Aarhus",
        "max_travel_km": 15}


@pytest.fixture
def world(db, make):
    users = {r: make.user(r) for r in ROLES}
    employer = make.employer()
    users["employer"].employer_id = employer.id
    placement = make.placement(employer, slots=2)
    mentor = make.mentor(employer, user=users["mentor"])
    tokens = {}
    for role, u in users.items():
        row, clear = ApiToken.issue(u, "test")
        db.session.add(row)
        tokens[role] = clear
    db.session.commit()
    p = make.participant(users["consultant"])
    return dict(users=users, tokens=tokens, employer=employer, placement=placement, mentor=mentor,
                p=p)


def call(client, world, role, method, path, **kw):
    headers = kw.pop("headers", {})
    if role:
        headers["Authorization"] = f"Bearer {world['tokens'][role]}"
    return client.open(path, method=method.upper(), headers=headers, **kw)


def test_every_endpoint_for_every_role(client, world):
    spec = client.get("/api/v1/openapi.json").get_json()
    documented = {(m, p) for p, item in spec["paths"].items() for m in item
                  if m in ("get", "post", "put")}
    assert documented == set(ALLOWED), f"add to ALLOWED: {documented - set(ALLOWED)}"
    ids = {"pid": world["p"].id, "run_id": 999, "proposal_id": 999, "week": "2026-01-05",
           "sheet_id": 999, "absence_id": 999}
    for (method, path), allowed in ALLOWED.items():
        url = re.sub(r"\{(\w+)\}", lambda m: str(ids[m.group(1)]), path)
        r = call(client, world, None, method, url, json={})
        assert r.status_code == 401 and r.content_type == "application/problem+json", (method, path)
        for role in ROLES:
            r = call(client, world, role, method, url, json={})
            if role in allowed:
                assert r.status_code not in (401, 403), (method, path, role, r.status_code)
            else:
                assert r.status_code == 403, (method, path, role, r.status_code)


def test_create_participant_and_errors_name_the_field(client, db, world):
    r = call(client, world, "consultant", "post", "/api/v1/participants", json=GOOD)
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert (body["code"] == "API-1" and body["status"] == "waiting"
            and body["town"].startswith("Aarhus"))
    before = db.session.scalar(db.select(db.func.count()).select_from(Participant))
    for bad, field in [({"hours_max": 25}, "hours_max"), ({"days": ["mon", "someday"]}, "days[1]"),
                       ({"town": "Atlantis"}, "town"), ({"needs": ["schizophrenia"]}, "needs[0]"),
                       ({"hours_min": 9, "hours_max": 4}, "hours_max"),
                       ({"code": "010190-1234"}, "code")]:
        r = call(client, world, "consultant", "post", "/api/v1/participants",
                 json={**GOOD, "code": "API-2", **bad})
        assert r.status_code == 422 and r.content_type == "application/problem+json"
        assert field in [e["field"] for e in r.get_json()["errors"]], r.get_json()
    r = call(client, world, "consultant", "post", "/api/v1/participants",
             json={k: v for k, v in GOOD.items() if k != "days"})
    assert r.status_code == 422 and r.get_json()["errors"][0]["field"] == "days"
    r = call(client, world, "consultant", "post", "/api/v1/participants", json=GOOD)
    assert r.status_code == 409
    assert db.session.scalar(db.select(db.func.count()).select_from(Participant)) == before


def test_update_needs_a_fresh_etag(client, world):
    url = f"/api/v1/participants/{world['p'].id}"
    r = call(client, world, "consultant", "get", url)
    etag = r.headers["ETag"]
    data = {**GOOD, "code": world["p"].code, "hours_max": 10}
    assert call(client, world, "consultant", "put", url, json=data).status_code == 428
    assert call(client, world, "consultant", "put", url, json=data,
                headers={"If-Match": '"stale"'}).status_code == 412
    r = call(client, world, "consultant", "put", url, json=data, headers={"If-Match": etag})
    assert r.status_code == 200 and r.get_json()["hours_max"] == 10
    # the old ETag is now stale: a second writer with it loses
    assert call(client, world, "consultant", "put", url, json=data,
                headers={"If-Match": etag}).status_code == 412


def test_creating_and_changing_through_the_api_is_in_the_case_history(client, db, world):
    """A participant made through the API had an empty case history ("Nothing has happened
    yet"), and its edits were missing too: both are logged as from the page."""
    from web.models import CaseEvent

    r = call(client, world, "consultant", "post", "/api/v1/participants", json=GOOD)
    pid = r.get_json()["id"]
    url = f"/api/v1/participants/{pid}"
    etag = call(client, world, "consultant", "get", url).headers["ETag"]
    r = call(client, world, "consultant", "put", url, json={**GOOD, "hours_max": 10},
             headers={"If-Match": etag})
    assert r.status_code == 200
    etag = r.headers["ETag"]
    assert call(client, world, "consultant", "put", url, json={**GOOD, "hours_max": 10},
                headers={"If-Match": etag}).status_code == 200  # nothing changed: no event
    events = db.session.scalars(db.select(CaseEvent).where(CaseEvent.participant_id == pid)
                                .order_by(CaseEvent.id)).all()
    assert [(e.kind, e.detail.get("fields"), e.actor_id) for e in events] == [
        ("created", None, world["users"]["consultant"].id),
        ("edited", ["hours_max"], world["users"]["consultant"].id)]


def test_a_placement_is_stored_as_the_page_stores_it(client, db, world):
    """A title of spaces was taken (201) and the placement listed without a name; text kept
    its spaces and days came in any order."""
    body = {"title": "   ", "area": "kitchen", "slots": 1, "days": ["fri", "mon"],
            "town": "Aarhus"}
    before = db.session.scalar(db.select(db.func.count()).select_from(Placement))
    r = call(client, world, "employer", "post", "/api/v1/placements", json=body)
    assert r.status_code == 422 and r.get_json()["errors"][0]["field"] == "title"
    assert db.session.scalar(db.select(db.func.count()).select_from(Placement)) == before
    r = call(client, world, "employer", "post", "/api/v1/placements",
             json={**body, "title": " Køkken ", "accommodations": " Rolig start "})
    assert r.status_code == 201
    pl = db.session.get(Placement, r.get_json()["id"])
    assert (pl.title, pl.accommodations, pl.days) == ("Køkken", "Rolig start", ["mon", "fri"])


def test_api_reads_and_changes_are_in_the_audit_log_under_the_tokens_user(client, db, world):
    """The audit log named nobody ("system") for a participant made through the API, and a
    read through the API was not logged at all: the token's user was found inside the view,
    after the log had noted who asks."""
    from web.models.audit import AuditEntry

    consultant = world["users"]["consultant"]
    r = call(client, world, "consultant", "post", "/api/v1/participants", json=GOOD)
    pid = r.get_json()["id"]
    assert call(client, world, "consultant", "get", f"/api/v1/participants/{pid}"
                ).status_code == 200
    rows = db.session.scalars(db.select(AuditEntry).where(AuditEntry.participant_id == pid)
                              .order_by(AuditEntry.id)).all()
    assert {(e.action, e.table) for e in rows} >= {("create", "participant"),
                                                  ("read", "participant")}
    assert {(e.user_id, e.role) for e in rows} == {(consultant.id, "consultant")}
    assert "api_participants.get_participant" in {e.endpoint for e in rows if e.action == "read"}


def test_another_consultants_participant_asked_through_the_api_is_logged_as_denied(
        client, db, make, world):
    """The page logs the attempt as "denied"; through the API it left no trace."""
    from web.models.audit import AuditEntry

    other = make.participant()
    for method, body in (("get", None), ("put", {**GOOD, "code": other.code})):
        r = call(client, world, "consultant", method, f"/api/v1/participants/{other.id}",
                 json=body, headers={"If-Match": '"x"'})
        assert r.status_code == 404
    rows = db.session.scalars(db.select(AuditEntry).where(
        AuditEntry.participant_id == other.id, AuditEntry.user_id.is_not(None))).all()
    assert [(e.action, e.user_id) for e in rows] == [
        ("denied", world["users"]["consultant"].id)] * 2


def test_a_participants_days_are_stored_in_week_order_as_on_the_page(client, db, world):
    r = call(client, world, "consultant", "post", "/api/v1/participants",
             json={**GOOD, "days": ["fri", "mon", "wed"], "areas": ["retail", "kitchen"]})
    assert r.status_code == 201
    p = db.session.get(Participant, r.get_json()["id"])
    assert (p.days, p.areas) == (["mon", "wed", "fri"], ["retail", "kitchen"])


def test_consultants_see_only_their_caseload(client, make, world, db):
    other = make.user("consultant")
    row, clear = ApiToken.issue(other, "x")
    db.session.add(row)
    db.session.commit()
    h = {"Authorization": f"Bearer {clear}"}
    assert client.get(f"/api/v1/participants/{world['p'].id}", headers=h).status_code == 404
    assert client.get("/api/v1/participants", headers=h).get_json() == []


def test_pagination_and_filter(client, make, world):
    for _ in range(5):
        make.participant(world["users"]["consultant"])
    r = call(client, world, "consultant", "get",
             "/api/v1/participants?page=2&page_size=2&status=waiting")
    assert r.status_code == 200 and len(r.get_json()) == 2
    assert '"total": 6' in r.headers["X-Pagination"]
    r = call(client, world, "consultant", "get", "/api/v1/participants?page_size=0")
    assert r.status_code == 422 and r.get_json()["errors"][0]["field"] == "page_size"
    r = call(client, world, "consultant", "get", f"/api/v1/participants?page={2**62}")
    assert r.status_code == 200 and r.get_json() == []


def test_run_lifecycle_through_the_api(app, client, db, world, make):
    # Nobody offers construction: this one is left unmatched, with a reason.
    builder = make.participant(world["users"]["consultant"], areas=["construction"])
    r = call(client, world, "consultant", "post", "/api/v1/runs",
             json={"time_limit": 2, "weights": {"travel_km": 2}})
    assert r.status_code == 202
    run_url = r.headers["Location"]
    run = db.session.scalar(db.select(SolveRun))
    assert run.weights == {"travel_km": 2.0} and run.scope == [world["p"].id, builder.id]
    queued = Queue(queue_name("match"), connection=get_redis()).jobs
    assert [j.args for j in queued] == [(run.id,)]  # ids only
    run_solve(run.id)
    body = call(client, world, "consultant", "get", run_url).get_json()
    assert body["status"] == "done" and len(body["proposals"]) == 1
    pid = body["proposals"][0]["id"]
    assert body["proposals"][0]["reasons"][0]["da"]
    # The unmatched participant's reasons say what would help, as the run page does.
    [unmatched] = body["unmatched"]
    assert unmatched["participant_id"] == builder.id
    assert unmatched["reasons"][0]["help"] == {
        "en": "Add another wished work area, or ask employers for a placement in construction",
        "da": "Tilføj et andet ønsket arbejdsområde, eller spørg arbejdsgivere om en plads "
              "inden for byggeri"}
    assert call(client, world, "mentor", "post",
                f"/api/v1/proposals/{pid}/confirm").status_code == 409
    assert call(client, world, "consultant", "post",
                f"/api/v1/proposals/{pid}/approve").status_code == 200
    mine = call(client, world, "mentor", "get", "/api/v1/proposals").get_json()
    assert [p["id"] for p in mine] == [pid]
    r = call(client, world, "mentor", "post", f"/api/v1/proposals/{pid}/confirm")
    assert r.status_code == 200 and r.get_json()["status"] == "active"
    assert db.session.get(Proposal, pid).status == ProposalStatus.ACTIVE


def test_bad_run_requests(client, world, make):
    other = make.participant()
    r = call(client, world, "consultant", "post", "/api/v1/runs", json={"participants": [other.id]})
    assert r.status_code == 422 and r.get_json()["errors"][0]["field"] == "participants"
    r = call(client, world, "consultant", "post", "/api/v1/runs", json={"weights": {"match": -1}})
    assert r.status_code == 422 and r.get_json()["errors"][0]["field"] == "weights.match"


def test_a_weight_above_the_pages_maximum_is_refused_and_queues_nothing(client, db, world):
    """1e308 was taken: the run was queued and failed in the solver with an internal error."""
    from web.participants.forms import WEIGHT_MAX

    for weight in (1e308, WEIGHT_MAX + 1):
        r = call(client, world, "consultant", "post", "/api/v1/runs",
                 json={"weights": {"hours": weight}})
        assert r.status_code == 422, r.get_json()
        assert r.get_json()["errors"][0]["field"] == "weights.hours"
    assert db.session.scalar(db.select(db.func.count()).select_from(SolveRun)) == 0
    r = call(client, world, "consultant", "post", "/api/v1/runs",
             json={"weights": {"hours": WEIGHT_MAX}})
    assert r.status_code == 202


def test_revoked_token_stops_working(client, db, world):
    row = db.session.scalar(
        db.select(ApiToken).where(ApiToken.user_id == world["users"]["consultant"].id))
    from web.models import utcnow

    row.revoked_at = utcnow()
    db.session.commit()
    assert call(client, world, "consultant", "get", "/api/v1/participants").status_code == 401


def test_session_cookie_is_not_enough(client, auth, world):
    auth.login(world["users"]["consultant"])
    assert client.get("/api/v1/participants").status_code == 401


def test_token_page_shows_the_token_once_and_stores_a_hash(client, db, auth, make):
    u = make.user("employer")
    auth.login(u)
    r = client.post("/account/tokens/", data={"name": "case system"})
    assert r.status_code == 201  # made, and shown once (the fuzz test reads 200 as "refused")
    html = r.get_data(as_text=True)
    clear = re.search(r'id="new-token" type="text" readonly value="([^"]+)"', html).group(1)
    assert 'data-copy="#new-token"' in html  # a copy button, as for the calendar link
    row = db.session.scalar(db.select(ApiToken).where(ApiToken.user_id == u.id))
    assert clear not in (row.token_hash, row.hint) and clear.startswith(row.hint)
    assert clear not in client.get("/account/tokens/").get_data(as_text=True)
    page = client.post(f"/account/tokens/{row.id}/revoke").get_data(as_text=True)
    assert "Vil du tilbagekalde nøglen case system?" in page  # asked first: still works
    assert client.get("/api/v1/placements",
                      headers={"Authorization": f"Bearer {clear}"}).status_code == 200
    client.post(f"/account/tokens/{row.id}/revoke", data={"confirmed": "1"})
    assert client.get("/api/v1/placements",
                      headers={"Authorization": f"Bearer {clear}"}).status_code == 401


def test_docs_page_lists_every_endpoint(client):
    html = client.get("/api/v1/docs").get_data(as_text=True)
    for method, path in ALLOWED:
        assert f"{method.upper()} {path}" in html
    # Danish first: the headings and the introduction; the calls' own texts are marked English.
    assert "<h2>Mentorer og støttepersoner</h2>" in html and "api_mentors</h2>" not in html
    assert "Andre systemer (et sagssystem, et lønsystem) når Mentor Match" in html
    assert "Authorization: Bearer ‹nøgle›." in html  # shown, not taken for a tag
    assert '<p lang="en">' in html


def test_huge_ids_are_404_not_500(client, world, auth):
    for big in (2**31, 2**63):  # past PostgreSQL's 32-bit integer ids, and past 64 bits
        assert call(client, world, "consultant", "get",
                    f"/api/v1/participants/{big}").status_code == 404
        r = call(client, world, "consultant", "post", "/api/v1/runs", json={"participants": [big]})
        assert r.status_code == 422 and r.get_json()["errors"][0]["field"] == "participants[0]"
    auth.login(world["users"]["consultant"])
    assert client.get(f"/participants/{2**64}").status_code == 404


def _problem_fields(r):
    assert r.content_type == "application/problem+json", r.get_data(as_text=True)
    return [e["field"] for e in r.get_json().get("errors", [])]


def test_status_filters_take_only_known_statuses(client, world):
    # A NUL byte reached PostgreSQL and answered 500 (found by the schema property test).
    for path in ("/api/v1/participants", "/api/v1/proposals"):
        for bad in ("lost", "%00", "waiting%00"):
            r = call(client, world, "consultant", "get", f"{path}?status={bad}")
            assert r.status_code == 422 and _problem_fields(r) == ["status"], (path, bad)
    assert call(client, world, "consultant", "get",
                "/api/v1/proposals?status=proposed").status_code == 200


def test_text_with_a_nul_character_is_refused_and_stores_nothing(client, db, world):
    runs = db.session.query(SolveRun).count()
    r = call(client, world, "consultant", "post", "/api/v1/runs",
             json={"participants": [world["p"].id], "weights": {"match\u0000": 1},
                   "note": ["ok", "a\u0000b"]})
    assert r.status_code == 422
    assert sorted(_problem_fields(r)) == ["note[1]", "weights.match\u0000"]
    assert db.session.query(SolveRun).count() == runs
    # Pages: a browser's form cannot send one, so a plain 400 (it was a 500 on PostgreSQL).
    assert client.post("/login", data={"email": "a\u0000@b.dk", "password": "x"}).status_code == 400
    assert client.get("/login?next=%00").status_code == 400


def test_confirming_through_the_api_during_an_absence_starts_cover(client, db, world, make):
    from datetime import date, timedelta

    from web.cover import service as cover_service
    from web.models.cover import Absence

    # A week: some day of it is one the participant works, whatever day the test runs.
    absence = cover_service.report_absence(world["mentor"], date.today(),
                                           date.today() + timedelta(days=6), "sick",
                                           world["users"]["consultant"])
    prop = make._add(Proposal(participant_id=world["p"].id, placement_id=world["placement"].id,
                              mentor_id=world["mentor"].id, hours=6,
                              status=ProposalStatus.APPROVED))
    r = call(client, world, "mentor", "post", f"/api/v1/proposals/{prop.id}/confirm")
    assert r.status_code == 200
    absence = db.session.get(Absence, absence.id)
    db.session.refresh(absence)
    assert [n.assignment_id for n in absence.needs] == [prop.id]
    assert absence.job_id in Queue(queue_name("cover"), connection=get_redis()).job_ids


@pytest.mark.parametrize("change, field", [
    ({"start_date": "0001-01-01"}, "start_date"),         # the service's years: 2000 to
    ({"end_date": "9999-12-31"}, "end_date"),             # five years ahead
    ({"slots": 51}, "slots"),                             # the page allows 1-50
    ({"accommodations": "x" * 1001}, "accommodations"),   # and 1,000 characters
])
def test_a_placement_outside_the_pages_rules_is_refused_naming_the_field(client, db, world,
                                                                         change, field):
    placements = db.session.query(Placement).count()
    r = call(client, world, "employer", "post", "/api/v1/placements",
             json={"title": "Lager", "area": "warehouse", "slots": 1, "days": ["mon"],
                   "town": "Aarhus", **change})
    assert r.status_code == 422 and field in [e["field"] for e in r.get_json()["errors"]]
    assert db.session.query(Placement).count() == placements


def test_a_cpr_number_in_a_tokens_name_is_refused(client, db, auth, make):
    auth.login(make.user("consultant"))
    r = client.post("/account/tokens/", data={"name": "Sag 010190-1234"})
    assert r.status_code == 200 and 'id="name-error"' in r.get_data(as_text=True)
    assert db.session.query(ApiToken).count() == 0
