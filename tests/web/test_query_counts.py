"""List pages issue the same number of SQL statements for 5 rows as for 50 (no N+1).

Each test renders a page, adds rows until it shows ten times as many, renders it again and
compares the statement counts, counted with SQLAlchemy's before_cursor_execute event.
"""

from __future__ import annotations

import contextlib
import uuid

import pytest
from sqlalchemy import event

from tests.factories import AARHUS
from web.models import (
    Employer,
    Mentor,
    Participant,
    Placement,
    Proposal,
    ProposalStatus,
    RunStatus,
    SolveRun,
    utcnow,
)

SMALL, LARGE = 5, 50


@contextlib.contextmanager
def counting(db):
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def queries_for(client, db, url: str, headers=None) -> int:
    db.session.expire_all()  # the page must load what it shows, not reuse the test's objects
    with counting(db) as statements:
        r = client.get(url, headers=headers)
    assert r.status_code == 200, (url, r.status_code)
    return len(statements)


def proposals(db, n, consultant, run=None, mentor=None, status=ProposalStatus.PROPOSED,
              participant=None, employer=None, participant_status=None, days=("mon",)):
    """n proposals, each with its own participant, placement and (unless given) mentor, at
    its own employer (or all at ``employer``). An active one is decided now.

    Added in one commit: the factories commit per record, too slow for fifty.
    """
    rows = []
    for i in range(n):
        tag = f"{uuid.uuid4().hex[:8]}-{i}"
        where = ({"employer_id": employer.id} if employer
                 else {"employer": Employer(name=f"Employer {tag}")})
        place = Placement(**where, title=f"Kitchen {tag}", area="kitchen", slots=1,
                          days=list(days), requirements=[], **AARHUS)
        person = participant or Participant(
            code=f"Q-{tag}", consultant_id=consultant.id, hours_min=4, hours_max=8,
            days=list(days), areas=[], needs=["addiction"], attributes=[], max_travel_km=20,
            **({"status": participant_status} if participant_status else {}), **AARHUS)
        who = mentor or Mentor(**({"employer_id": employer.id} if employer
                                  else {"employer": place.employer}),
                               name=f"Mentor {tag}", skills=[], days=list(days),
                               capacity_hours=10, max_participants=2, **AARHUS)
        rows.append(Proposal(run=run, participant=person, placement=place, mentor=who, hours=6,
                             score=1.0, reasons=[{"en": "near", "da": "tæt på"}], status=status,
                             decided_by_id=consultant.id,
                             decided_at=utcnow() if status == ProposalStatus.ACTIVE else None))
    db.session.add_all(rows)
    db.session.commit()
    return rows


def assert_flat(client, db, url, add_rows, headers=None):
    """Count the page's statements with SMALL rows, then with LARGE rows."""
    add_rows(SMALL)
    small = queries_for(client, db, url, headers)
    add_rows(LARGE - SMALL)
    large = queries_for(client, db, url, headers)
    assert large == small, f"{url}: {small} statements for {SMALL} rows, {large} for {LARGE}"


def test_participant_list(client, db, make, auth):
    consultant = make.user("consultant")
    auth.login(consultant)

    def add(n):
        db.session.add_all(Participant(
            code=f"L-{uuid.uuid4().hex[:8]}", consultant_id=consultant.id, hours_min=4, hours_max=8,
            days=["mon"], areas=[], needs=[], attributes=[], max_travel_km=20, **AARHUS)
            for _ in range(n))
        db.session.commit()

    assert_flat(client, db, "/participants/", add)


def test_participant_page_history(client, db, make, auth):
    consultant = make.user("consultant")
    p = make.participant(consultant)
    auth.login(consultant)
    assert_flat(client, db, f"/participants/{p.id}",
                lambda n: proposals(db, n, consultant, participant=p,
                                    status=ProposalStatus.REJECTED))


def test_runs_list(client, db, make, auth):
    consultant = make.user("consultant")
    auth.login(consultant)

    def add(n):
        db.session.add_all(SolveRun(requested_by_id=consultant.id, scope=[1, 2],
                                    status=RunStatus.DONE, matched_count=1, finished_at=utcnow())
                           for _ in range(n))
        db.session.commit()

    assert_flat(client, db, "/runs/", add)


def test_run_page_with_proposals(client, db, make, auth):
    consultant = make.user("consultant")
    run = SolveRun(requested_by_id=consultant.id, scope=[], status=RunStatus.DONE, matched_count=0,
                   solver_status="OPTIMAL", objective=1.0, bound=1.0, progress=100, phase="done")
    db.session.add(run)
    db.session.commit()
    auth.login(consultant)

    def add(n):
        matched = proposals(db, n, consultant, run=run)
        unmatched = [make.participant(consultant) for _ in range(2)]
        run.scope = run.scope + [r.participant_id for r in matched] + [u.id for u in unmatched]
        far = [{"en": "far", "da": "langt"}]
        run.unmatched = run.unmatched + [{"participant_id": u.id, "reasons": far}
                                         for u in unmatched]
        run.matched_count = (run.matched_count or 0) + n
        db.session.commit()

    assert_flat(client, db, f"/runs/{run.id}", add)


@pytest.mark.parametrize("status", [ProposalStatus.APPROVED, ProposalStatus.ACTIVE])
def test_mentor_inbox(client, db, make, auth, status):
    consultant, user = make.user("consultant"), make.user("mentor")
    me = make.mentor(user=user, capacity_hours=60, max_participants=100)
    auth.login(user)
    assert_flat(client, db, "/mentor/",
                lambda n: proposals(db, n, consultant, mentor=me, status=status))


def test_hours_to_approve(client, db, make, auth):
    from datetime import date

    from web.models import Timesheet, TimesheetLine

    consultant = make.user("consultant")
    auth.login(consultant)

    def add(n):
        for p in proposals(db, n, consultant, status=ProposalStatus.ACTIVE):
            db.session.add(Timesheet(
                proposal_id=p.id, mentor_id=p.mentor_id, participant_id=p.participant_id,
                week_start=date(2026, 1, 5), status="submitted",
                lines=[TimesheetLine(task="instruction", hours=2)]))
        db.session.commit()

    assert_flat(client, db, "/hours/approvals", add)
