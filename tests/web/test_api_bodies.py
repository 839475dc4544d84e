"""What the JSON API answers to a body that is not a JSON object, and in which language."""

from __future__ import annotations

import json

import pytest

from tests.web.test_api import GOOD, call, world  # noqa: F401  (the shared fixture)
from web.models import Participant, Placement, Proposal, SolveRun, Timesheet
from web.models.cover import Absence

# Every endpoint that reads a JSON body, with a role that may call it. Ids that do not exist
# are fine: the body is read before the record is looked up.
BODY_ENDPOINTS = [
    ("consultant", "post", "/api/v1/participants"),
    ("consultant", "put", "/api/v1/participants/{pid}"),
    ("employer", "post", "/api/v1/placements"),
    ("consultant", "post", "/api/v1/runs"),
    ("consultant", "post", "/api/v1/proposals/999/reject"),
    ("mentor", "post", "/api/v1/proposals/999/decline"),
    ("mentor", "post", "/api/v1/absences"),
    ("mentor", "post", "/api/v1/absences/999/extend"),
    ("mentor", "put", "/api/v1/timesheets/2055-03-01"),
    ("consultant", "post", "/api/v1/timesheets/999/return"),
]
MODELS = (Participant, Placement, SolveRun, Proposal, Absence, Timesheet)


def _counts(db):
    return [db.session.scalar(db.select(db.func.count()).select_from(m)) for m in MODELS]


def _send(client, world, role, method, path, **kw):  # noqa: F811
    url = path.format(pid=world["p"].id)
    headers = {}
    if method == "put" and "{pid}" in path:
        headers["If-Match"] = call(client, world, role, "get", url).headers["ETag"]
    return call(client, world, role, method, url, headers=headers, **kw)


BAD_BODIES = {
    "form": ({"data": "code=API-9&hours_min=4",
              "content_type": "application/x-www-form-urlencoded"},
             "application/x-www-form-urlencoded"),
    "text-plain": ({"data": json.dumps(GOOD), "content_type": "text/plain"}, "text/plain"),
    "no-type": ({"data": json.dumps(GOOD)}, "no Content-Type"),
    "broken": ({"data": "{code: API-9", "content_type": "application/json"}, "not valid JSON"),
    "list": ({"json": [GOOD]}, "a list"),
    "string": ({"json": "API-9"}, "a string"),
    "number": ({"json": 7}, "a number"),
    "null": ({"data": "null", "content_type": "application/json"}, "null"),
}


def _assert_one_400(r, why):
    assert r.status_code == 400, (r.status_code, r.get_json())
    assert r.content_type == "application/problem+json"
    problem = r.get_json()
    assert problem["detail"].startswith("The request body must be a JSON object")
    assert why in problem["detail"]
    assert [e["message"] for e in problem["errors"]] == [problem["detail"]]


@pytest.mark.parametrize("kind", BAD_BODIES)
def test_a_body_that_is_no_json_object_gets_one_400_saying_what_came(
        client, db, world, kind):  # noqa: F811
    """It was read as no body, or a body without fields: every required field 'missing'."""
    body, why = BAD_BODIES[kind]
    before = _counts(db)
    _assert_one_400(call(client, world, "consultant", "post", "/api/v1/participants", **body),
                    why)
    assert _counts(db) == before


@pytest.mark.parametrize("role, method, path", BODY_ENDPOINTS,
                         ids=[f"{m} {p}" for _, m, p in BODY_ENDPOINTS])
def test_every_endpoint_with_a_body_refuses_one_that_is_no_json_object(
        client, db, world, role, method, path):  # noqa: F811
    before = _counts(db)
    for kind in ("text-plain", "list"):
        body, why = BAD_BODIES[kind]
        _assert_one_400(_send(client, world, role, method, path, **body), why)
    assert _counts(db) == before


@pytest.mark.parametrize("role, method, path", [e for e in BODY_ENDPOINTS
                                                 if e[2].endswith(("reject", "decline", "runs"))])
def test_an_empty_body_is_fine_where_every_field_may_be_left_out(
        client, db, world, role, method, path):  # noqa: F811
    """Reject and decline default their reason, a run its participants: no body is no
    choice made, not a wrong body."""
    r = _send(client, world, role, method, path)
    assert r.status_code != 400, r.get_json()


def test_an_empty_body_where_fields_are_required_says_so_once(client, db, world):  # noqa: F811
    before = _counts(db)
    r = call(client, world, "consultant", "post", "/api/v1/participants")
    assert r.status_code == 400
    assert r.get_json()["detail"] == "The request body must be a JSON object; it is empty."
    assert len(r.get_json()["errors"]) == 1
    assert _counts(db) == before


# --- the API's language -----------------------------------------------------------------------

CPR_EN = "This looks like a CPR number. Never enter CPR numbers; use the pseudonymous code."


@pytest.mark.parametrize("locale, accept", [("da", None), ("da", "da"), ("en", "da-DK,da")])
def test_every_message_of_an_answer_is_english_whatever_the_users_language(
        client, db, world, locale, accept):  # noqa: F811
    """The field rules were English and the CPR rule Danish (the token's user's language) in
    one and the same answer."""
    world["users"]["consultant"].locale = locale
    db.session.commit()
    headers = {"Accept-Language": accept} if accept else {}
    r = call(client, world, "consultant", "post", "/api/v1/participants", headers=headers,
             json={**GOOD, "code": "010190-1234", "hours_max": 25})
    assert r.status_code == 422
    messages = {e["field"]: e["message"] for e in r.get_json()["errors"]}
    assert messages["code"] == CPR_EN
    assert messages["hours_max"].startswith("Must be greater than or equal to 2")
    assert r.headers.get("Content-Language") == "en"


def test_the_services_own_messages_are_english_too(client, db, world):  # noqa: F811
    """The pages' services word their refusals in the user's language: through the API they
    came in Danish beside English field rules."""
    r = call(client, world, "consultant", "post", "/api/v1/timesheets/999/return",
             json={"comment": "ring 010190-1234"})
    assert r.get_json()["errors"][0]["message"] == CPR_EN
    r = call(client, world, "mentor", "put", "/api/v1/timesheets/2055-03-01",
             json={"lines": [{"assignment_id": 1, "task": "instruction", "hours": 0.3}]})
    assert r.status_code == 422
    message = r.get_json()["errors"][0]["message"]
    assert "timer" not in message and "hour" in message, message


def test_the_docs_page_stays_in_the_users_language(client):
    """It is a page of the site, not an answer of the API."""
    html = client.get("/api/v1/docs").get_data(as_text=True)
    assert "<h2>Mentorer og støttepersoner</h2>" in html
    assert "API-fejl er altid på engelsk" in html


# --- what a create answers --------------------------------------------------------------------

def test_a_created_participant_is_201_with_its_location_as_a_run_is(client, db, world):  # noqa: F811
    """A run's 202 named its URL; a participant's 201 named none, though it has one."""
    r = call(client, world, "consultant", "post", "/api/v1/participants", json=GOOD)
    assert r.status_code == 201
    pid = r.get_json()["id"]
    assert r.headers["Location"] == f"/api/v1/participants/{pid}"
    got = call(client, world, "consultant", "get", r.headers["Location"])
    assert got.status_code == 200 and got.get_json()["code"] == GOOD["code"]


def test_the_document_names_the_location_header_of_what_creates_one(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    for path, status in (("/api/v1/participants", "201"), ("/api/v1/runs", "202")):
        headers = spec["paths"][path]["post"]["responses"][status].get("headers", {})
        assert "Location" in headers, path


def test_the_docs_page_names_the_location_header(client):
    html = client.get("/api/v1/docs").get_data(as_text=True)
    assert "201 (Location)" in html and "202 (Location)" in html


# --- an error's own headers -------------------------------------------------------------------

def test_a_405_names_the_allowed_methods_as_the_pages_do(client, world):  # noqa: F811
    """The pages' error handler kept Werkzeug's headers; the API's dropped Allow."""
    r = call(client, world, "consultant", "delete", "/api/v1/participants")
    assert r.status_code == 405 and r.content_type == "application/problem+json"
    assert {"GET", "POST"} <= {m.strip() for m in r.headers["Allow"].split(",")}
    assert client.delete("/login").headers.get("Allow")  # a page's, for comparison


def test_a_401_still_names_the_bearer_scheme(client, world):  # noqa: F811
    r = client.get("/api/v1/participants")
    assert r.status_code == 401 and r.headers["WWW-Authenticate"] == "Bearer"
    assert r.headers.getlist("Content-Type") == ["application/problem+json"]


def test_a_stale_etag_is_told_what_to_do(client, db, world):  # noqa: F811
    """Werkzeug's 'The precondition on the request for the URL failed positive evaluation.'
    said neither what changed nor what to send."""
    url = f"/api/v1/participants/{world['p'].id}"
    r = call(client, world, "consultant", "put", url, headers={"If-Match": '"stale"'},
             json={**GOOD, "code": world["p"].code, "hours_max": 10})
    assert r.status_code == 412 and r.content_type == "application/problem+json"
    assert r.get_json()["detail"] == (
        "The participant has changed since the ETag sent in If-Match: GET it again and send "
        "your change with its new ETag.")
    assert db.session.get(Participant, world["p"].id).hours_max != 10


def test_the_document_lists_the_400_of_every_endpoint_with_a_body(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    with_body = {(m, p) for p, item in spec["paths"].items() for m, op in item.items()
                 if isinstance(op, dict) and "requestBody" in op}
    assert len(with_body) == len(BODY_ENDPOINTS)
    for method, path in with_body:
        assert "400" in spec["paths"][path][method]["responses"], (method, path)
