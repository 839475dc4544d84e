"""Words on the data-protection, audit and queue pages: plain, translated, and phone-friendly.

Each page is checked in Danish (the default) and in English.
"""

import re
from datetime import datetime

import pytest
import sqlalchemy as sa
from flask import g
from rq import Worker
from rq.worker import WorkerStatus

from web.extensions import db as _db
from web.models import Exclusion, Proposal, SolveRun
from web.models.audit import AuditEntry
from web.redis_conn import get_redis
from workers.queue import get_queue


def login(client, user):
    with client.session_transaction() as s:
        s["_user_id"], s["_fresh"] = str(user.id), True
    g.pop("_login_user", None)


def english(client):
    client.post("/lang/en", data={"next": "/"})


# -- 1. /gdpr/participants/<id>: kinds of record in words, a styled erase button -------------

@pytest.fixture
def case(db, make):
    consultant = make.user("consultant")
    p = make.participant(consultant=consultant, code="AAR-1010")
    mentor, placement = make.mentor(), make.placement()
    db.session.add_all([
        SolveRun(requested_by_id=consultant.id, scope=[p.id], status="done", matched_count=1),
        Proposal(run_id=None, participant_id=p.id, placement_id=placement.id,
                 mentor_id=mentor.id, hours=6, status="ended"),
        Exclusion(participant_id=p.id, mentor_id=mentor.id),
    ])
    db.session.commit()
    return consultant, p


def test_gdpr_page_names_kinds_of_record_in_words_not_table_names(client, case):
    consultant, p = case
    login(client, consultant)
    html = client.get(f"/gdpr/participants/{p.id}").get_data(as_text=True)
    for raw in ("participant", "proposal", "exclusion", "solve_run"):
        assert f"<code>{raw}</code>" not in html and f">{raw}<" not in html
    for word in ("Deltager", "Forslag og forløb", "Udelukkelser", "Matchkørsler"):
        assert f"<td>{word}" in html
    english(client)
    html = client.get(f"/gdpr/participants/{p.id}").get_data(as_text=True)
    for word in ("Participant", "Proposals and assignments", "Exclusions", "Matching runs"):
        assert f"<td>{word}" in html
    assert "solve_run" not in html


def test_every_kind_the_gdpr_page_can_list_has_a_name(app):
    """Every table reachable from participant by foreign keys (what owned_rows collects)."""
    from web.gdpr.service import KIND_LABELS

    reach, changed = {"participant"}, True
    while changed:
        changed = False
        for table in _db.metadata.sorted_tables:
            if table.name not in reach and any(fk.column.table.name in reach
                                               for fk in table.foreign_keys):
                reach.add(table.name)
                changed = True
    assert reach - set(KIND_LABELS) == set()


def test_gdpr_erase_button_is_a_styled_danger_button(client, case):
    consultant, p = case
    login(client, consultant)
    html = client.get(f"/gdpr/participants/{p.id}").get_data(as_text=True)
    assert re.search(r'<button type="submit" class="danger">\s*Slet alt om denne deltager\s*'
                     r'</button>', html)
    english(client)
    html = client.get(f"/gdpr/participants/{p.id}").get_data(as_text=True)
    assert re.search(r'<button type="submit" class="danger">\s*Erase everything about this '
                     r'participant\s*</button>', html)


# -- 2. /gdpr/?code=: any case, still only the own caseload ----------------------------------

def test_gdpr_lookup_ignores_case_but_keeps_the_caseload(client, make, case):
    consultant, p = case
    login(client, consultant)
    for typed in ("aar-1010", "Aar-1010", " AAR-1010 "):
        r = client.get("/gdpr/", query_string={"code": typed})
        assert r.status_code == 302, typed
        assert r.headers["Location"].endswith(f"/gdpr/participants/{p.id}")
    login(client, make.user("consultant"))
    r = client.get("/gdpr/?code=aar-1010")
    assert r.status_code == 200 and "Ingen deltager med denne kode" in r.get_data(as_text=True)
    login(client, make.user("admin"))
    assert client.get("/gdpr/?code=aar-1010").status_code == 302


def test_gdpr_lookup_prefers_the_exact_code(client, db, make):
    admin = make.user("admin")
    lower = make.participant(code="abc-1")
    upper = make.participant(code="ABC-1")
    login(client, admin)
    assert client.get("/gdpr/?code=ABC-1").headers["Location"].endswith(f"/{upper.id}")
    assert client.get("/gdpr/?code=abc-1").headers["Location"].endswith(f"/{lower.id}")


# -- 3. /admin/audit/?participant=-1 / abc: the message in the page's language ---------------

@pytest.mark.parametrize("value,danish,english_text", [
    ("-1", "Tallet skal være mindst 1.", "Number must be at least 1."),
    ("0", "Tallet skal være mindst 1.", "Number must be at least 1."),
    ("abc", "Ikke et gyldigt heltal.", "Not a valid integer value."),
])
def test_audit_participant_filter_message_is_in_the_pages_language(client, make, value, danish,
                                                                    english_text):
    login(client, make.user("admin"))
    html = client.get(f"/admin/audit/?participant={value}").get_data(as_text=True)
    assert danish in html and english_text not in html and "Number must be" not in html
    assert html.count('class="error" id="participant-error"') == 1  # one message, not two
    english(client)
    html = client.get(f"/admin/audit/?participant={value}").get_data(as_text=True)
    assert english_text in html and danish not in html


# -- 4. worker states and roles in words -----------------------------------------------------

@pytest.fixture
def worker(app):
    w = Worker([get_queue("match")], connection=get_redis())
    w.register_birth()
    yield w
    w.register_death()


@pytest.mark.parametrize("state,danish,english_text", [
    (WorkerStatus.IDLE, "Ledig", "Idle"), (WorkerStatus.BUSY, "Optaget", "Busy"),
    (WorkerStatus.SUSPENDED, "Sat på pause", "Suspended"),
    (WorkerStatus.STARTED, "Starter", "Starting"),
])
def test_queue_page_shows_worker_state_in_words(client, make, worker, state, danish,
                                                english_text):
    worker.set_state(state)
    login(client, make.user("admin"))
    html = client.get("/admin/queues").get_data(as_text=True)
    assert worker.name in html
    assert f">{danish}</td>" in html and f">{state.value}</td>" not in html
    english(client)
    html = client.get("/admin/queues").get_data(as_text=True)
    assert f">{english_text}</td>" in html


def test_audit_log_shows_roles_in_words(client, db, make):
    admin, consultant = make.user("admin"), make.user("consultant")
    db.session.execute(sa.insert(AuditEntry), [
        dict(at=datetime(2026, 3, 1, 12), user_id=consultant.id, role="consultant",
             action="read", participant_id=7, table="participant", fields=[]),
        dict(at=datetime(2026, 3, 2, 12), user_id=admin.id, role="admin",
             action="read", participant_id=7, table="participant", fields=[]),
    ])
    db.session.commit()
    login(client, admin)
    html = client.get("/admin/audit/").get_data(as_text=True)
    assert "(Jobkonsulent)" in html and "(Administrator)" in html
    assert "(consultant)" not in html and "(admin)" not in html
    english(client)
    html = client.get("/admin/audit/").get_data(as_text=True)
    assert "(Job consultant)" in html and "(Administrator)" in html
    assert "(consultant)" not in html


# -- 5. /admin/audit/ at phone width: rows become cards --------------------------------------

def test_audit_table_stacks_into_labelled_cards_on_a_phone(client, db, make):
    admin = make.user("admin")
    db.session.execute(sa.insert(AuditEntry), [dict(
        at=datetime(2026, 3, 1, 12), user_id=admin.id, role="admin", action="read",
        participant_id=7, table="participant", fields=["code"], endpoint="participants.show",
        ip="10.0.0.1")])
    db.session.commit()
    login(client, admin)
    html = client.get("/admin/audit/").get_data(as_text=True)
    table = re.search(r'<table class="([^"]*)">(.*?)</table>', html, re.S)
    assert "stack" in table.group(1).split()
    row = re.search(r"<tbody>\s*<tr>(.*?)</tr>", table.group(2), re.S).group(1)
    labels = re.findall(r'<td data-label="([^"]+)"', row)
    assert {"Hvornår", "Bruger", "Handling", "Deltager", "Felter", "Side",
            "IP-adresse"} <= set(labels)
    english(client)
    html = client.get("/admin/audit/").get_data(as_text=True)
    assert 'data-label="When"' in html and 'data-label="IP address"' in html
