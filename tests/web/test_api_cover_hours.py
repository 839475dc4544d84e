"""Absences and timesheets through the JSON API: the pages' rules, scopes and queue jobs."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.web.hours.conftest import MONDAY, make_assignment
from tests.web.test_api import call, world  # noqa: F401  (the shared fixture)
from web.hours.plans import monday
from web.models import ApiToken, Timesheet, TimesheetLine
from web.models.cover import Absence
from workers.queue import get_queue, job_id

ABSENCE = {"starts_on": "2055-03-03", "ends_on": "2055-03-07", "reason": "sick"}

# The absences below lie in March 2055; today is just before (the first day is at most a
# year ahead).
pytestmark = pytest.mark.usefixtures("march_2055")


def _count(db, model):
    return db.session.scalar(db.select(db.func.count()).select_from(model))


def bearer(db, user) -> dict:
    """Headers for the JSON API as ``user`` (the API takes tokens, not the session)."""
    row, clear = ApiToken.issue(user, "t")
    db.session.add(row)
    db.session.commit()
    return {"Authorization": f"Bearer {clear}"}


@pytest.fixture
def assignment(db, make, world):  # noqa: F811
    """An active assignment of the world's consultant's participant with the world's mentor."""
    return make_assignment(make, db, consultant=world["users"]["consultant"],
                           mentor=world["mentor"])


def _fields(r):
    assert r.content_type == "application/problem+json", r.get_data(as_text=True)
    return [e["field"] for e in r.get_json().get("errors", [])]


# --- absences ---------------------------------------------------------------------------------

def test_mentor_reports_own_absence_and_the_cover_job_gets_ids_only(client, db, world, assignment):  # noqa: F811
    r = call(client, world, "mentor", "post", "/api/v1/absences", json=ABSENCE)
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert body["mentor_id"] == world["mentor"].id and body["cover_needs"] == 1
    assert body["created_at"].endswith("+00:00")  # an RFC 3339 date-time, as documented
    absence = db.session.get(Absence, body["id"])
    assert absence.reported_by_id == world["users"]["mentor"].id and absence.job_id
    queue = get_queue("cover")
    assert queue.job_ids == [absence.job_id]
    assert queue.fetch_job(absence.job_id).args == (absence.id,)  # ids only
    assert queue.scheduled_job_registry.get_job_ids() == [job_id("cover-deadline", absence.id)]
    listed = call(client, world, "mentor", "get", "/api/v1/absences").get_json()
    assert [a["id"] for a in listed] == [absence.id]


def test_absence_without_assignments_enqueues_nothing(client, db, world):  # noqa: F811
    r = call(client, world, "mentor", "post", "/api/v1/absences", json=ABSENCE)
    assert r.status_code == 201 and r.get_json()["cover_needs"] == 0
    assert get_queue("cover").job_ids == []


@pytest.mark.parametrize("bad, field", [
    ({"ends_on": "2055-03-01"}, "ends_on"),           # before the first day
    ({"ends_on": "x"}, "ends_on"),
    ({"starts_on": None}, "starts_on"),
    ({"reason": "bored"}, "reason"),
    ({"mentor_id": 10**6}, "mentor_id"),              # not one they may report for
    ({"starts_on": "2025-01-10", "ends_on": "2025-01-12"}, "ends_on"),  # already over
    ({"starts_on": "2056-03-02", "ends_on": "2056-03-03"}, "starts_on"),  # over a year ahead
    ({"starts_on": "9999-12-31", "ends_on": "9999-12-31"}, "starts_on"),
    ({"ends_on": "2056-03-03"}, "ends_on"),           # a year of days ends on 2 March 2056
    ({"ends_on": "9999-12-31"}, "ends_on"),
])
def test_bad_absence_names_the_field_and_stores_nothing(client, db, world, assignment, bad, field):  # noqa: F811
    r = call(client, world, "mentor", "post", "/api/v1/absences", json={**ABSENCE, **bad})
    assert r.status_code == 422 and field in _fields(r)
    assert _count(db, Absence) == 0 and get_queue("cover").job_ids == []


def test_overlap_is_refused_naming_ends_on(client, db, world, assignment):  # noqa: F811
    assert call(client, world, "mentor", "post", "/api/v1/absences",
                json=ABSENCE).status_code == 201
    r = call(client, world, "mentor", "post", "/api/v1/absences",
             json={**ABSENCE, "starts_on": "2055-03-07", "ends_on": "2055-03-09"})
    assert r.status_code == 422 and _fields(r) == ["ends_on"]
    assert _count(db, Absence) == 1 and len(get_queue("cover").job_ids) == 1


def test_who_may_report_and_see_whose_absences(client, db, make, world, assignment):  # noqa: F811
    mentor = world["mentor"]
    # the consultant reports for the mentor of their participant; the employer for a colleague
    r = call(client, world, "consultant", "post", "/api/v1/absences",
             json={**ABSENCE, "mentor_id": mentor.id})
    assert r.status_code == 201
    r = call(client, world, "employer", "post", "/api/v1/absences",
             json={**ABSENCE, "starts_on": "2055-04-01", "ends_on": "2055-04-02",
                   "mentor_id": mentor.id})
    assert r.status_code == 201
    # a consultant, employer and mentor with no link to this mentor: 422 on mentor_id, sees nothing
    stranger = make.user("mentor")
    make.mentor(make.employer(), user=stranger)
    for user in (make.user("consultant"), make.user("employer", employer_id=make.employer().id),
                 stranger):
        h = bearer(db, user)
        assert client.get("/api/v1/absences", headers=h).get_json() == []
        r = client.post("/api/v1/absences", headers=h, json={**ABSENCE, "mentor_id": mentor.id})
        assert r.status_code == 422 and _fields(r) == ["mentor_id"]
    # a consultant must name the mentor
    r = call(client, world, "consultant", "post", "/api/v1/absences", json=ABSENCE)
    assert r.status_code == 422 and _fields(r) == ["mentor_id"]
    assert len(call(client, world, "admin", "get", "/api/v1/absences").get_json()) == 2
    assert _count(db, Absence) == 2


def test_withdraw_an_absence_once_and_only_ones_own(client, db, make, world, assignment):  # noqa: F811
    ahead = {"starts_on": (date.today() + timedelta(days=10)).isoformat(),
             "ends_on": (date.today() + timedelta(days=12)).isoformat(), "reason": "holiday"}
    absence_id = call(client, world, "mentor", "post", "/api/v1/absences",
                      json=ahead).get_json()["id"]
    url = f"/api/v1/absences/{absence_id}/withdraw"
    stranger = make.user("consultant")  # no participant with this mentor
    r = client.post(url, headers=bearer(db, stranger))
    assert r.status_code == 404 and r.content_type == "application/problem+json"
    assert db.session.get(Absence, absence_id).withdrawn_at is None

    r = call(client, world, "mentor", "post", url)
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["id"] == absence_id and body["withdrawn_at"].endswith("+00:00")
    assert body["ends_on"] == ahead["ends_on"]  # withdrawn, not shortened
    r = call(client, world, "mentor", "post", url)
    assert r.status_code == 409
    assert r.get_json()["detail"] == "This absence has already been withdrawn."  # the API's English
    listed = call(client, world, "mentor", "get", "/api/v1/absences").get_json()
    assert [a["withdrawn_at"] is not None for a in listed] == [True]


def test_extend_an_absence_through_the_api(client, db, make, world, assignment):  # noqa: F811
    today = date.today()
    # Weeks, so the participant (Monday and Wednesday) works on some day of each part.
    now = {"starts_on": (today - timedelta(days=1)).isoformat(),
           "ends_on": (today + timedelta(days=6)).isoformat(), "reason": "sick"}
    first = call(client, world, "consultant", "post", "/api/v1/absences",
                 json={**now, "mentor_id": world["mentor"].id}).get_json()
    url = f"/api/v1/absences/{first['id']}/extend"
    new_end = (today + timedelta(days=13)).isoformat()
    r = client.post(url, headers=bearer(db, make.user("consultant")), json={"ends_on": new_end})
    assert r.status_code == 404 and _count(db, Absence) == 1
    for bad in ({}, {"ends_on": "x"}, {"ends_on": now["ends_on"]}):  # not after the last day
        r = call(client, world, "mentor", "post", url, json=bad)
        assert r.status_code == 422 and _fields(r) == ["ends_on"], r.get_json()
    assert _count(db, Absence) == 1

    r = call(client, world, "mentor", "post", url, json={"ends_on": new_end})
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert body["extends_id"] == first["id"] and body["cover_needs"] == 1
    assert body["starts_on"] == (today + timedelta(days=7)).isoformat()
    assert body["ends_on"] == new_end
    ext = db.session.get(Absence, body["id"])
    assert get_queue("cover").job_ids[-1] == ext.job_id
    assert get_queue("cover").fetch_job(ext.job_id).args == (ext.id,)  # ids only
    r = call(client, world, "mentor", "post", url, json={"ends_on": new_end})
    assert r.status_code == 409 and "already been extended" in r.get_json()["detail"]
    assert _count(db, Absence) == 2


# --- timesheets -------------------------------------------------------------------------------

def _week(assignment, *lines):
    return {"lines": [{"assignment_id": assignment.id, "task": t, "hours": h} for t, h in lines]}


def test_mentor_submits_a_week_and_the_consultant_approves(client, db, world, assignment):  # noqa: F811
    url = f"/api/v1/timesheets/{(MONDAY + timedelta(days=2)).isoformat()}"  # a Wednesday: its week
    r = call(client, world, "mentor", "put", url,
             json=_week(assignment, ("instruction", 1.5), ("follow_up", 0.25)))
    assert r.status_code == 200, r.get_json()
    [sheet] = r.get_json()
    assert (sheet["week"] == MONDAY.isoformat() and sheet["status"] == "submitted"
            and sheet["total"] == 1.75)
    assert sheet["submitted_at"].endswith("+00:00")
    # sending again replaces the assignment's lines
    r = call(client, world, "mentor", "put", url, json=_week(assignment, ("instruction", 2)))
    assert r.get_json()[0]["lines"] == [{"task": "instruction", "hours": 2.0}]
    assert _count(db, TimesheetLine) == 1
    listed = call(client, world, "consultant", "get",
                  f"/api/v1/timesheets?week={MONDAY}&status=submitted").get_json()
    assert [s["id"] for s in listed] == [sheet["id"]]
    r = call(client, world, "consultant", "post", f"/api/v1/timesheets/{sheet['id']}/approve")
    assert r.status_code == 200 and r.get_json()["status"] == "approved"
    # approved: locked (same hours are fine, other hours 409), and not approvable twice
    assert call(client, world, "mentor", "put", url,
                json=_week(assignment, ("instruction", 2))).status_code == 200
    r = call(client, world, "mentor", "put", url, json=_week(assignment, ("instruction", 3)))
    assert r.status_code == 409 and r.content_type == "application/problem+json"
    assert db.session.get(Timesheet, sheet["id"]).total == 2
    assert call(client, world, "consultant", "post",
                f"/api/v1/timesheets/{sheet['id']}/approve").status_code == 409
    assert call(client, world, "mentor", "get",
                "/api/v1/timesheets?status=approved").get_json()[0]["id"] == sheet["id"]


def test_a_draft_week_is_the_mentors_until_sent(client, db, world, assignment):  # noqa: F811
    url = f"/api/v1/timesheets/{MONDAY}"
    r = call(client, world, "mentor", "put", url,
             json={**_week(assignment, ("instruction", 2)), "draft": True})
    assert r.status_code == 200 and r.get_json()[0]["status"] == "draft"
    sid = r.get_json()[0]["id"]
    assert call(client, world, "consultant", "get", "/api/v1/timesheets").get_json() == []
    assert call(client, world, "admin", "get", "/api/v1/timesheets").get_json() == []
    assert call(client, world, "consultant", "post",
                f"/api/v1/timesheets/{sid}/approve").status_code == 404
    mine = call(client, world, "mentor", "get", "/api/v1/timesheets?status=draft").get_json()
    assert [s["id"] for s in mine] == [sid]
    r = call(client, world, "mentor", "put", url, json=_week(assignment, ("instruction", 2)))
    assert r.get_json()[0]["status"] == "submitted"  # draft left out: sent
    listed = call(client, world, "consultant", "get", "/api/v1/timesheets").get_json()
    assert [s["id"] for s in listed] == [sid]


def test_a_week_over_20_hours_for_one_participant_is_refused(client, db, world, assignment):  # noqa: F811
    r = call(client, world, "mentor", "put", f"/api/v1/timesheets/{MONDAY}",
             json=_week(assignment, ("plan_day", 10), ("instruction", 10), ("follow_up", 0.25)))
    assert r.status_code == 422 and _fields(r) == ["lines[2].hours"]
    assert _count(db, Timesheet) == 0


def test_return_needs_a_comment(client, db, world, assignment):  # noqa: F811
    url = f"/api/v1/timesheets/{MONDAY}"
    sid = call(client, world, "mentor", "put", url,
               json=_week(assignment, ("instruction", 1))).get_json()[0]["id"]
    for body in ({}, {"comment": "   "}, {"comment": "x" * 301}):
        r = call(client, world, "consultant", "post", f"/api/v1/timesheets/{sid}/return", json=body)
        assert r.status_code == 422 and _fields(r) == ["comment"]
        assert db.session.get(Timesheet, sid).status == "submitted"
    r = call(client, world, "consultant", "post", f"/api/v1/timesheets/{sid}/return",
             json={"comment": "Tuesday?"})
    assert (r.status_code == 200 and r.get_json()["status"] == "returned"
            and r.get_json()["comment"] == "Tuesday?")


@pytest.mark.parametrize("week, bad, field", [
    ("2026-01-05", {"hours": 1.1}, "lines[0].hours"),          # not a quarter hour
    ("2026-01-05", {"hours": 21}, "lines[0].hours"),
    ("2026-01-05", {"hours": -1}, "lines[0].hours"),
    ("2026-01-05", {"task": "coffee"}, "lines[0].task"),
    ("2026-01-05", {"assignment_id": 10**6}, "lines[0].assignment_id"),  # not theirs
    ("not-a-date", {}, "week"),
    (None, {}, "week"),                                          # a future week
])
def test_bad_week_names_the_field_and_stores_nothing(
        client, db, world, assignment, week, bad, field):  # noqa: F811
    week = week or (monday(date.today()) + timedelta(weeks=1)).isoformat()
    line = {"assignment_id": assignment.id, "task": "instruction", "hours": 1, **bad}
    r = call(client, world, "mentor", "put", f"/api/v1/timesheets/{week}", json={"lines": [line]})
    assert r.status_code == 422 and field in _fields(r), r.get_json()
    assert _count(db, Timesheet) == 0 and _count(db, TimesheetLine) == 0


@pytest.mark.parametrize("week", ["0001-01-01", "1999-12-27", "9999-12-27", "9999-12-31"])
def test_a_week_at_the_calendars_ends_is_refused_at_the_week(
        client, db, world, assignment, week):  # noqa: F811
    """A walk: PUT /api/v1/timesheets/9999-12-27 answered 500 (the week's Sunday
    overflowed)."""
    r = call(client, world, "mentor", "put", f"/api/v1/timesheets/{week}",
             json=_week(assignment, ("instruction", 1)))
    assert r.status_code == 422 and _fields(r) == ["week"], r.get_json()
    assert "Choose a week between 2000 and 2060." in r.get_json()["detail"]
    assert _count(db, Timesheet) == 0


def test_a_line_for_another_mentors_assignment_stores_nothing_at_all(
        client, db, make, world, assignment):  # noqa: F811
    other = make_assignment(make, db, consultant=world["users"]["consultant"])
    body = {"lines": [{"assignment_id": assignment.id, "task": "instruction", "hours": 1},
                      {"assignment_id": other.id, "task": "instruction", "hours": 1}]}
    r = call(client, world, "mentor", "put", f"/api/v1/timesheets/{MONDAY}", json=body)
    assert r.status_code == 422 and _fields(r) == ["lines[1].assignment_id"]
    assert _count(db, Timesheet) == 0


def test_duplicate_task_is_refused(client, db, world, assignment):  # noqa: F811
    r = call(client, world, "mentor", "put", f"/api/v1/timesheets/{MONDAY}",
             json=_week(assignment, ("instruction", 1), ("instruction", 2)))
    assert r.status_code == 422 and _fields(r) == ["lines[1].task"]
    assert _count(db, Timesheet) == 0


def test_a_consultant_cannot_see_or_decide_another_consultants_timesheets(
        client, db, make, world, assignment):  # noqa: F811
    sid = call(client, world, "mentor", "put", f"/api/v1/timesheets/{MONDAY}",
               json=_week(assignment, ("instruction", 1))).get_json()[0]["id"]
    other = make.user("consultant")
    # the other consultant has a participant whose timesheet the world's consultant must not see
    theirs = make_assignment(make, db, consultant=other)
    db.session.add(Timesheet(proposal_id=theirs.id, mentor_id=theirs.mentor_id,
                             participant_id=theirs.participant_id, week_start=MONDAY))
    db.session.commit()
    h = bearer(db, other)
    assert sid not in [s["id"] for s in client.get("/api/v1/timesheets", headers=h).get_json()]
    assert client.post(f"/api/v1/timesheets/{sid}/approve", headers=h).status_code == 404
    assert client.post(f"/api/v1/timesheets/{sid}/return", headers=h,
                       json={"comment": "no"}).status_code == 404
    assert db.session.get(Timesheet, sid).status == "submitted"
    mine = call(client, world, "consultant", "get", "/api/v1/timesheets").get_json()
    assert [s["id"] for s in mine] == [sid]
    # nor does another mentor see this mentor's sheets
    from web.models import User

    h = bearer(db, db.session.get(User, theirs.mentor.user_id))
    assert sid not in [s["id"] for s in client.get("/api/v1/timesheets", headers=h).get_json()]
    assert [s["id"] for s in call(client, world, "mentor", "get",
                                  "/api/v1/timesheets").get_json()] == [sid]
    assert len(call(client, world, "admin", "get", "/api/v1/timesheets").get_json()) == 2


def test_timesheet_list_filters_are_checked(client, world):  # noqa: F811
    r = call(client, world, "consultant", "get", "/api/v1/timesheets?status=lost")
    assert r.status_code == 422 and _fields(r) == ["status"]
    r = call(client, world, "consultant", "get", "/api/v1/timesheets?week=soon")
    assert r.status_code == 422 and _fields(r) == ["week"]


def test_ids_beyond_the_database_integer_are_404(client, world):  # noqa: F811
    """PostgreSQL ids are 32-bit: a larger id must not reach the driver (it answered 500)."""
    for n in (2**31, 2**46):
        r = call(client, world, "consultant", "post", f"/api/v1/timesheets/{n}/approve")
        assert r.status_code == 404 and r.content_type == "application/problem+json"
        assert call(client, world, "consultant", "get", f"/api/v1/runs/{n}").status_code == 404


def test_hours_for_a_week_before_the_assignment_began_are_refused(client, db, world, assignment):  # noqa: F811
    url = f"/api/v1/timesheets/{(MONDAY - timedelta(weeks=1)).isoformat()}"
    r = call(client, world, "mentor", "put", url, json=_week(assignment, ("instruction", 2)))
    assert r.status_code == 422 and _fields(r) == ["week"], r.get_json()
    assert _count(db, Timesheet) == 0


def test_hours_for_an_ended_assignment_up_to_its_last_week(client, db, world, assignment):  # noqa: F811
    from web.hours import service

    service.end_assignment(assignment, world["users"]["consultant"], "other",
                           MONDAY + timedelta(days=3))
    db.session.commit()
    r = call(client, world, "mentor", "put", f"/api/v1/timesheets/{MONDAY}",
             json=_week(assignment, ("instruction", 1)))
    assert r.status_code == 200 and r.get_json()[0]["status"] == "submitted"
    r = call(client, world, "mentor", "put", f"/api/v1/timesheets/{MONDAY + timedelta(weeks=1)}",
             json=_week(assignment, ("instruction", 1)))
    assert r.status_code == 422 and _fields(r) == ["week"]
    assert "ended on" in r.get_json()["detail"]
    assert _count(db, Timesheet) == 1


def test_a_substitute_sends_the_covered_week_through_the_api(client, db, make, world):  # noqa: F811
    from tests.web.hours.test_timesheets import _cover

    away = make_assignment(make, db, consultant=world["users"]["consultant"])
    _cover(db, away, world["mentor"], MONDAY + timedelta(days=1), MONDAY + timedelta(days=3))
    r = call(client, world, "mentor", "put", f"/api/v1/timesheets/{MONDAY}",
             json=_week(away, ("instruction", 2)))
    assert r.status_code == 200, r.get_json()
    sheet = db.session.get(Timesheet, r.get_json()[0]["id"])
    assert (sheet.mentor_id, sheet.proposal_id) == (world["mentor"].id, away.id)
    r = call(client, world, "mentor", "put", f"/api/v1/timesheets/{MONDAY + timedelta(weeks=1)}",
             json=_week(away, ("instruction", 2)))
    assert r.status_code == 422 and _fields(r) == ["lines[0].assignment_id"]
    assert _count(db, Timesheet) == 1


def test_a_return_comment_with_a_cpr_number_is_refused(client, db, world, assignment):  # noqa: F811
    """The page's comment field refuses a CPR number; the API's must too, or one is stored
    and shown to the mentor."""
    sid = call(client, world, "mentor", "put", f"/api/v1/timesheets/{MONDAY}",
               json=_week(assignment, ("instruction", 1))).get_json()[0]["id"]
    r = call(client, world, "consultant", "post", f"/api/v1/timesheets/{sid}/return",
             json={"comment": "Tirsdag for 010190-1234?"})
    assert r.status_code == 422 and _fields(r) == ["comment"]
    sheet = db.session.get(Timesheet, sid)
    assert sheet.status == "submitted" and not sheet.comment
