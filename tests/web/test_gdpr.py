"""GDPR: export everything about one participant, erase them everywhere, retention."""

import json
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import g
from rq import Queue
from rq.job import Job

from web.extensions import db as _db
from web.models import Exclusion, Participant, Proposal, SolveRun, utcnow
from web.models.audit import AuditEntry
from web.redis_conn import get_redis
from workers.queue import job_id, queue_name
from workers.retention import erase_closed_cases, run_retention


def login(client, user):
    with client.session_transaction() as s:
        s["_user_id"], s["_fresh"] = str(user.id), True
    g.pop("_login_user", None)


@pytest.fixture
def extra_tables(db):
    """Tables another branch might add: one pointing at participant, one at that table."""
    md = _db.metadata
    note = sa.Table("zz_note", md, sa.Column("id", sa.Integer, primary_key=True),
                    sa.Column("participant_id", sa.ForeignKey("participant.id")),
                    sa.Column("text", sa.String(50)))
    child = sa.Table("zz_note_child", md, sa.Column("id", sa.Integer, primary_key=True),
                     sa.Column("note_id", sa.ForeignKey("zz_note.id")))
    md.create_all(db.engine, tables=[note, child])
    yield note, child
    db.session.rollback()
    md.drop_all(db.engine, tables=[child, note])
    md.remove(child)
    md.remove(note)


@pytest.fixture
def case(db, make, extra_tables):
    """A participant with proposals, an exclusion, rows in other areas, two runs and jobs."""
    note, child = extra_tables
    consultant = make.user("consultant")
    p = make.participant(consultant=consultant, code="ERASE-ME-1", needs=["trauma"])
    other = make.participant(consultant=consultant, code="KEEP-ME-1")
    mentor, placement = make.mentor(), make.placement()
    run = SolveRun(requested_by_id=consultant.id, scope=[p.id, other.id], status="done",
                   matched_count=1, job_id=None,
                   unmatched=[{"participant_id": p.id, "reasons": [{"en": "far", "da": "langt"}]}])
    run_other = SolveRun(requested_by_id=consultant.id, scope=[other.id], status="done",
                         matched_count=1)
    db.session.add_all([run, run_other])
    db.session.commit()
    db.session.add_all([
        Proposal(run_id=run.id, participant_id=other.id, placement_id=placement.id,
                 mentor_id=mentor.id, hours=4, status="active"),
        Proposal(run_id=None, participant_id=p.id, placement_id=placement.id,
                 mentor_id=mentor.id, hours=6, status="ended"),
        Exclusion(participant_id=p.id, mentor_id=mentor.id),
    ])
    db.session.commit()
    added = db.session.execute(note.insert().values(participant_id=p.id, text="n"))
    nid = added.inserted_primary_key[0]
    db.session.execute(child.insert().values(note_id=nid))
    db.session.execute(note.insert().values(participant_id=other.id, text="keep"))
    db.session.commit()
    jobs = {}
    q = Queue(queue_name("match"), connection=get_redis())
    for r in (run, run_other):
        job = q.enqueue("workers.jobs.run_solve", r.id, job_id=job_id("solve", r.id, 0))
        r.job_id = job.id
        jobs[r.id] = job.id
    db.session.commit()
    return dict(consultant=consultant, p=p, other=other, run=run, run_other=run_other, jobs=jobs,
                ids=(p.id, other.id))


def test_owner_exports_everything_including_other_areas(client, db, case):
    login(client, case["consultant"])
    pid = case["p"].id
    client.get(f"/participants/{pid}")  # leaves a read entry to export
    r = client.get(f"/gdpr/participants/{pid}/export.json")
    assert r.status_code == 200 and r.mimetype == "application/json"
    assert "attachment" in r.headers["Content-Disposition"]
    data = json.loads(r.get_data(as_text=True))
    t = data["tables"]
    assert t["participant"][0]["code"] == "ERASE-ME-1"
    assert t["participant"][0]["needs"] == ["trauma"]
    assert [x["hours"] for x in t["proposal"]] == [6]
    assert len(t["exclusion"]) == 1
    assert [x["text"] for x in t["zz_note"]] == ["n"] and len(t["zz_note_child"]) == 1
    assert [r["run_id"] for r in data["solve_runs"]] == [case["run"].id]
    assert data["solve_runs"][0]["unmatched"][0]["reasons"][0]["en"] == "far"
    assert {"read"} <= {e["action"] for e in data["audit_log"]}
    # the staff's user ids and addresses are theirs, not the participant's (a walk)
    assert all("ip" not in e and "user_id" not in e and e["role"] for e in data["audit_log"])
    assert "KEEP-ME-1" not in r.get_data(as_text=True)
    exported = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "export")).all()
    assert [(e.participant_id, e.user_id) for e in exported] == [(pid, case["consultant"].id)]


def test_export_and_erase_are_for_the_owner_or_an_admin(client, make, case):
    pid = case["p"].id
    login(client, make.user("consultant"))
    assert client.get(f"/gdpr/participants/{pid}/export.json").status_code == 404
    r = client.post(f"/gdpr/participants/{pid}/erase", data={"confirm": "ERASE-ME-1"})
    assert r.status_code == 404
    login(client, make.user("employer"))
    assert client.get(f"/gdpr/participants/{pid}/export.json").status_code == 403
    login(client, make.user("admin"))
    assert client.get(f"/gdpr/participants/{pid}/export.json").status_code == 200


def _count(db, table, **where):
    t = _db.metadata.tables[table]
    q = sa.select(sa.func.count()).select_from(t)
    for k, v in where.items():
        q = q.where(t.c[k] == v)
    return db.session.scalar(q)


def test_erase_removes_the_participant_everywhere_and_keeps_counts(client, db, case):
    login(client, case["consultant"])
    pid, keep = case["ids"]
    r = client.post(f"/gdpr/participants/{pid}/erase", data={"confirm": "ERASE-ME-1"})
    assert r.status_code == 302
    db.session.expire_all()
    assert db.session.get(Participant, pid) is None
    assert _count(db, "proposal", participant_id=pid) == 0
    assert _count(db, "exclusion", participant_id=pid) == 0
    assert _count(db, "zz_note", participant_id=pid) == 0 and _count(db, "zz_note_child") == 0
    run = db.session.get(SolveRun, case["run"].id)
    assert run.scope == [keep] and run.unmatched == [] and run.matched_count == 1
    conn = get_redis()
    assert not Job.exists(case["jobs"][case["run"].id], connection=conn)
    assert Job.exists(case["jobs"][case["run_other"].id], connection=conn)  # not theirs
    # The rest is untouched.
    assert db.session.get(Participant, keep).code == "KEEP-ME-1"
    assert _count(db, "proposal", participant_id=keep) == 1 and _count(db, "zz_note") == 1
    # One entry says what happened, with no personal data.
    [erased] = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "erase")).all()
    assert (erased.participant_id, erased.user_id) == (pid, case["consultant"].id)
    dump = json.dumps([[e.fields, e.table, e.endpoint] for e in
                       db.session.scalars(sa.select(AuditEntry)).all()])
    assert "ERASE-ME-1" not in dump and "trauma" not in dump


def test_erase_needs_the_code_typed_and_stores_nothing_otherwise(client, db, case):
    login(client, case["consultant"])
    pid = case["p"].id
    r = client.post(f"/gdpr/participants/{pid}/erase", data={"confirm": "KEEP-ME-1"})
    assert r.status_code == 400 and "Koden passer ikke." in r.get_data(as_text=True)
    assert db.session.get(Participant, pid) is not None


def test_lookup_by_code_finds_only_own_caseload(client, make, case):
    login(client, case["consultant"])
    r = client.get("/gdpr/?code=ERASE-ME-1")
    assert r.status_code == 302
    assert r.headers["Location"].endswith(f"/gdpr/participants/{case['p'].id}")
    login(client, make.user("consultant"))
    r = client.get("/gdpr/?code=ERASE-ME-1")
    assert r.status_code == 200 and "Ingen deltager med denne kode" in r.get_data(as_text=True)


def test_retention_erases_closed_cases_after_the_period(app, db, make):
    old = utcnow() - timedelta(days=1827)
    closed_old, closed_new, waiting_old = (make.participant(status=s).id
                                           for s in ("closed", "closed", "waiting"))
    db.session.execute(sa.update(Participant).where(Participant.id.in_([closed_old, waiting_old]))
                       .values(updated_at=old))
    db.session.commit()
    assert app.config["RETENTION_DAYS"] == 1826
    assert erase_closed_cases() == [closed_old]
    db.session.expire_all()
    assert db.session.get(Participant, closed_old) is None
    assert db.session.get(Participant, closed_new) and db.session.get(Participant, waiting_old)
    assert erase_closed_cases(now=utcnow() + timedelta(days=1827)) == [closed_new]
    erased = db.session.scalars(
        sa.select(AuditEntry.participant_id).where(AuditEntry.action == "erase"))
    assert sorted(erased) == [closed_old, closed_new]
    # the scheduled entry point, ids and counts only
    assert run_retention() == {"erased": 0, "hours_dropped": 0}


def test_erased_hours_go_when_bookkeeping_no_longer_needs_them(app, db, make):
    """An erasure keeps the approved hours for the claims (bookkeeping); they were kept for
    good. They go five years after the end of their week's year (bogføringsloven § 10)."""
    from datetime import date

    from web.models import ErasedHours
    from workers.retention import drop_expired_erased_hours

    mentor = make.mentor(make.employer())
    for week in (date(2025, 12, 29), date(2026, 1, 5), date(2026, 12, 28)):
        db.session.add(ErasedHours(mentor_id=mentor.id, week_start=week, hours=4))
    db.session.commit()
    assert app.config["BOOKKEEPING_YEARS"] == 5

    def weeks():
        return sorted(db.session.scalars(sa.select(ErasedHours.week_start)))

    assert drop_expired_erased_hours(today=date(2030, 12, 31)) == 0
    assert drop_expired_erased_hours(today=date(2031, 1, 1)) == 1  # 2025 ended five years ago
    assert weeks() == [date(2026, 1, 5), date(2026, 12, 28)]
    assert drop_expired_erased_hours(today=date(2031, 12, 31)) == 0
    assert drop_expired_erased_hours(today=date(2032, 1, 1)) == 2
    assert weeks() == []


def test_exported_times_say_they_are_utc(client, db, case):
    """A walk's export said "at": "2026-12-07T15:55:11" for what the case page shows at
    16.55: a time without its zone, read as Danish time an hour off."""
    login(client, case["consultant"])
    pid = case["p"].id
    data = json.loads(client.get(f"/gdpr/participants/{pid}/export.json").get_data(as_text=True))
    stamps = [e["at"] for e in data["audit_log"]] + [
        row["created_at"] for row in data["tables"]["participant"]]
    assert stamps and all(s.endswith("+00:00") for s in stamps), stamps


def test_a_search_with_a_cpr_number_is_told_so_at_the_field(client, make, case):
    """A walk searched with a CPR number and read "no participant with this code"."""
    login(client, case["consultant"])
    r = client.get("/gdpr/?code=010190-1234")
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and "Det ligner et CPR-nummer" in page
    assert "Ingen deltager med denne kode" not in page
