"""The audit log: every read and change of participant data, append-only, viewable by admins."""

import json

import pytest
import sqlalchemy as sa
from flask import g
from sqlalchemy import update

from web.audit.hooks import AuditLogIsAppendOnly
from web.models import Participant, Proposal
from web.models.audit import AuditEntry

GOOD = {
    "code": "AAR-9001", "hours_min": "4", "hours_max": "8", "priority": "3",
    "days": ["mon", "wed"], "wish1": "kitchen", "wish2": "", "wish3": "",
    "needs": ["addiction"], "attributes": [], "town": "Aarhus (Aarhus Kommune)",
    "max_travel_km": "15",
}


def entries(db, **where):
    q = sa.select(AuditEntry).order_by(AuditEntry.id)
    for k, v in where.items():
        q = q.where(getattr(AuditEntry, k) == v)
    return db.session.scalars(q).all()


def login(client, user):
    """Log in without POST /login (no rate limit to think about)."""
    with client.session_transaction() as s:
        s["_user_id"], s["_fresh"] = str(user.id), True
    g.pop("_login_user", None)  # the app context outlives requests, and Flask-Login caches on it


def test_reading_a_case_page_is_logged_with_who_what_when_where(client, db, make):
    c = make.user("consultant")
    p = make.participant(consultant=c)
    login(client, c)
    r = client.get(f"/participants/{p.id}", environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert r.status_code == 200
    [e] = entries(db, action="read")
    assert (e.user_id, e.role, e.participant_id) == (c.id, "consultant", p.id)
    assert e.table == "participant"
    assert (e.endpoint, e.ip, e.fields) == ("participants.show", "10.1.2.3", [])
    assert e.at is not None


def test_lists_and_other_areas_are_logged_without_touching_their_views(client, db, make):
    """Reads are caught where rows load, so the caseload list and the mentor inbox count too."""
    c = make.user("consultant")
    a, b = make.participant(consultant=c), make.participant(consultant=c)
    login(client, c)
    client.get("/participants/")
    assert {e.participant_id for e in entries(db, action="read")} == {a.id, b.id}
    mentor_user = make.user("mentor")
    mentor = make.mentor(user=mentor_user)
    placement = make.placement()
    db.session.add(Proposal(participant_id=a.id, placement_id=placement.id, mentor_id=mentor.id,
                            hours=4, status="approved"))
    db.session.commit()
    login(client, mentor_user)
    client.get("/mentor/")
    mine = entries(db, action="read", user_id=mentor_user.id)
    assert {e.participant_id for e in mine} == {a.id}


def test_another_consultants_attempt_is_logged_as_denied_not_read(client, db, make):
    p = make.participant()
    other = make.user("consultant")
    login(client, other)
    assert client.get(f"/participants/{p.id}").status_code == 404
    assert [e.action for e in entries(db, user_id=other.id)] == ["denied"]


def test_changes_record_field_names_never_values(client, db, make):
    c = make.user("consultant")
    login(client, c)
    assert client.post("/participants/new", data=GOOD).status_code == 302
    p = db.session.scalar(sa.select(Participant))
    # the participant row itself (its case timeline row is audited as a create of its own)
    [created] = entries(db, action="create", table="participant")
    assert created.participant_id == p.id and created.user_id == c.id
    assert {"code", "needs", "priority"} <= set(created.fields)
    client.post(f"/participants/{p.id}/edit", data={**GOOD, "hours_max": "12", "needs": ["trauma"]})
    [changed] = entries(db, action="update", table="participant")
    assert changed.fields == ["hours_max", "needs"]
    dumped = json.dumps([[e.fields, e.table, e.endpoint] for e in entries(db)])
    for value in ("AAR-9001", "trauma", "addiction", "12"):
        assert value not in dumped


def test_bulk_statements_are_logged_per_participant_as_system(app, db, make):
    a, b = make.participant(), make.participant()
    db.session.execute(update(Participant).where(Participant.id.in_([a.id, b.id]))
                       .values(status="proposed"))
    db.session.commit()
    rows = entries(db, action="update")
    assert sorted(e.participant_id for e in rows) == sorted([a.id, b.id])
    assert all(e.fields == ["status"] and e.user_id is None and e.role == "system" for e in rows)


def test_a_rolled_back_change_leaves_no_entry(db, make):
    p = make.participant()
    before = len(entries(db))
    p.hours_max = 12
    db.session.flush()
    db.session.rollback()
    assert len(entries(db)) == before


def test_the_app_refuses_to_change_or_delete_entries(db, make):
    make.participant()
    e = entries(db)[0]
    e.action = "read"
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.flush()
    db.session.rollback()
    db.session.delete(entries(db)[0])
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.flush()
    db.session.rollback()
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.execute(sa.delete(AuditEntry))
    db.session.rollback()


@pytest.mark.parametrize("statement", [
    "UPDATE audit_log SET action = 'read'",
    "DELETE FROM audit_log",
])
def test_the_database_refuses_too(db, make, statement):
    make.participant()
    with pytest.raises(sa.exc.DatabaseError, match="append-only"):
        with db.engine.begin() as conn:
            conn.execute(sa.text(statement))
    assert len(entries(db)) == 1


@pytest.fixture
def logged(db, make):
    """Three users with entries on two participants over three days."""
    from datetime import datetime

    admin, c1, c2 = make.user("admin"), make.user("consultant"), make.user("consultant")
    rows = []
    for day, user, pid, action in [(1, c1, 7, "read"), (2, c1, 8, "update"), (3, c2, 7, "read")]:
        rows.append(dict(at=datetime(2026, 3, day, 12), user_id=user.id, role=user.role,
                         action=action, participant_id=pid, table="participant", fields=[],
                         endpoint="participants.show", ip="10.0.0.1"))
    db.session.execute(sa.insert(AuditEntry), rows)
    db.session.commit()
    return admin, c1, c2


def _ids(html, candidates=(7, 8)):
    return {pid for pid in candidates if f"#{pid}<" in html}


@pytest.mark.parametrize("query,expected_rows", [
    ("", 3), ("action=update", 1), ("participant=7", 2),
    ("date_from=2026-03-02&date_to=2026-03-02", 1), ("date_from=2026-03-02", 2),
])
def test_admin_filters_the_log(client, db, logged, query, expected_rows):
    admin, c1, c2 = logged
    login(client, admin)
    html = client.get(f"/admin/audit/?{query}").get_data(as_text=True)
    assert html.count(">Deltager</td>") == expected_rows
    assert "<code>participant</code>" not in html  # the record in words, not its table


@pytest.mark.parametrize("stored,shown_day", [
    ("2026-03-02T23:30", "2026-03-03"),  # winter time: 00.30 on 3 March in Denmark
    ("2026-07-01T22:30", "2026-07-02"),  # summer time: 00.30 on 2 July
    ("2026-03-03T22:59", "2026-03-03"),  # 23.59 on 3 March
])
def test_dates_filter_on_the_danish_day_the_log_shows(client, db, make, stored, shown_day):
    """The log shows Danish times; "from/to" a day was read as a UTC day, so an entry shown
    at 00.30 was left out of its own day and listed under the day before."""
    from datetime import date, datetime, timedelta

    admin = make.user("admin")
    db.session.execute(sa.insert(AuditEntry), [dict(
        at=datetime.fromisoformat(stored), action="read", participant_id=77,
        table="participant", fields=[])])
    db.session.commit()
    login(client, admin)
    day = date.fromisoformat(shown_day)
    html = client.get("/admin/audit/?participant=77").get_data(as_text=True)
    assert f"{day.day}. " in html  # the page shows it on that day
    for query_day, expected in ((day, 1), (day - timedelta(days=1), 0),
                                (day + timedelta(days=1), 0)):
        html = client.get(f"/admin/audit/?participant=77&date_from={query_day}"
                          f"&date_to={query_day}").get_data(as_text=True)
        assert html.count(">Deltager</td>") == expected, query_day


def test_admin_filters_by_user_and_pages(client, db, logged):
    admin, c1, c2 = logged
    login(client, admin)
    html = client.get(f"/admin/audit/?user={c2.id}").get_data(as_text=True)
    assert html.count(">Deltager</td>") == 1 and c2.name in html
    db.session.execute(sa.insert(AuditEntry), [
        dict(action="read", participant_id=9, table="participant", fields=[]) for _ in range(60)])
    db.session.commit()
    first = client.get("/admin/audit/?participant=9").get_data(as_text=True)
    second = client.get("/admin/audit/?participant=9&page=2").get_data(as_text=True)
    assert first.count("#9<") == 50 and second.count("#9<") == 10
    assert "page=2" in first and "participant=9" in first


def test_bad_filters_get_a_message_not_an_error(client, logged):
    login(client, logged[0])
    r = client.get("/admin/audit/?date_from=2026-03-05&date_to=2026-03-01&participant=x")
    assert r.status_code == 200 and 'class="error"' in r.get_data(as_text=True)


@pytest.mark.parametrize("role", ["consultant", "mentor", "employer"])
def test_only_admins_see_the_log(client, make, role):
    login(client, make.user(role))
    assert client.get("/admin/audit/").status_code == 403


def test_reads_after_an_export_in_the_same_app_context_are_logged(client, db, make):
    c = make.user("consultant")
    p = make.participant(consultant=c)
    login(client, c)
    client.get(f"/gdpr/participants/{p.id}/export.json")
    client.get(f"/participants/{p.id}")
    assert [e.action for e in entries(db, participant_id=p.id)][-2:] == ["export", "read"]


def test_a_page_number_too_large_for_the_database_is_not_a_500(client, logged):
    """A walk asked for ?page=999999999999999999999: OverflowError, a 500."""
    admin, _c1, _c2 = logged
    login(client, admin)
    assert client.get("/admin/audit/?page=999999999999999999999").status_code == 200


def test_a_refused_attempt_through_a_related_record_is_logged_as_refused_not_read(
        client, db, make):
    """Approving another consultant's timesheet, or rejecting their proposal, answered 404
    but was logged as a read of that participant: a record the user never saw."""
    from datetime import date

    from web.models import SolveRun, Timesheet

    mine, theirs = make.user("consultant"), make.user("consultant")
    p = make.participant(consultant=theirs)
    employer = make.employer()
    placement, mentor = make.placement(employer), make.mentor(employer)
    run = SolveRun(requested_by_id=theirs.id, scope=[p.id], status="done")
    db.session.add(run)
    db.session.flush()
    proposal = Proposal(run_id=run.id, participant_id=p.id, placement_id=placement.id,
                        mentor_id=mentor.id, hours=4, status="proposed")
    db.session.add(proposal)
    db.session.flush()
    sheet = Timesheet(proposal_id=proposal.id, mentor_id=mentor.id, participant_id=p.id,
                      week_start=date(2026, 3, 2), status="submitted")
    db.session.add(sheet)
    db.session.commit()
    login(client, mine)
    for url in (f"/hours/timesheets/{sheet.id}/approve", f"/runs/proposals/{proposal.id}/reject"):
        assert client.post(url, data={"reason": "other"}).status_code == 404, url
    assert [e.action for e in entries(db, participant_id=p.id, user_id=mine.id)] == [
        "denied", "denied"]
