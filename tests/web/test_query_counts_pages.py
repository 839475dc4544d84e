"""More list pages issue the same number of SQL statements for 5 rows as for 50.

Every row gets its own participant, placement, employer and mentor, so a lazy load per row
cannot be answered from the identity map.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest

from tests.factories import AARHUS
from tests.web.test_api_cover_hours import bearer
from tests.web.test_query_counts import assert_flat, proposals
from web.hours.plans import monday
from web.models import (
    Employer,
    Mentor,
    Notification,
    Outcome,
    ProposalStatus,
    Timesheet,
    TimesheetLine,
    User,
    utcnow,
)
from web.models.cover import (
    Absence,
    CoverNeed,
    CoverRequest,
    HoldStatus,
    NeedStatus,
    ParticipantHold,
    RequestStatus,
)

TODAY = date.today()
ACTIVE = ProposalStatus.ACTIVE


def tag():
    return uuid.uuid4().hex[:8]


def assignments(db, n, consultant, *, employer=None, mentor=None, status=ACTIVE,
                participant_status="active"):
    """n assignments, as ``proposals`` makes them: active, on Mondays and Tuesdays."""
    return proposals(db, n, consultant, mentor=mentor, status=status, employer=employer,
                     participant_status=participant_status, days=("mon", "tue"))


def absence_with_need(db, a, by, start=None, end=None, need_status=NeedStatus.SEARCHING):
    ab = Absence(mentor_id=a.mentor_id, starts_on=start or TODAY + timedelta(days=1),
                 ends_on=end or TODAY + timedelta(days=3), reason="sick", reported_by_id=by.id)
    need = CoverNeed(absence=ab, assignment_id=a.id, status=need_status)
    db.session.add_all([ab, need])
    return ab, need


def substitute(db):
    t = tag()
    m = Mentor(employer=Employer(name=f"Sub emp {t}"), name=f"Sub {t}", skills=[],
               days=["mon", "tue"], capacity_hours=10, max_participants=2, **AARHUS)
    db.session.add(m)
    return m


# ----------------------------------------------------------------------------- absences

@pytest.mark.parametrize("url", ["/absences/", "/api/v1/absences?page_size=100"])
def test_absences_mentor(client, db, make, auth, url):
    consultant, user = make.user("consultant"), make.user("mentor")
    me = make.mentor(user=user, capacity_hours=60, max_participants=100)
    auth.login(user)
    headers = bearer(db, user) if url.startswith("/api/") else None
    offset = [0]

    def add(n):
        for a in assignments(db, n, consultant, mentor=me):
            s = TODAY + timedelta(days=10 * offset[0] + 1)
            offset[0] += 1
            absence_with_need(db, a, user, s, s + timedelta(days=2))
        db.session.commit()

    assert_flat(client, db, url, add, headers)


def test_absences_employer(client, db, make, auth):
    consultant = make.user("consultant")
    emp = make.employer()
    boss = make.user("employer", employer_id=emp.id)
    auth.login(boss)

    def add(n):
        for a in assignments(db, n, consultant, employer=emp):
            absence_with_need(db, a, boss)
        db.session.commit()

    assert_flat(client, db, "/absences/", add)


def test_absences_participants(client, db, make, auth):
    consultant = make.user("consultant")
    auth.login(consultant)

    def add(n):
        for a in assignments(db, n, consultant, participant_status="paused"):
            db.session.add(ParticipantHold(
                participant_id=a.participant_id, assignment_id=a.id, reason="sick",
                starts_on=TODAY, hold_until=TODAY + timedelta(days=14),
                status=HoldStatus.HELD, reported_by_id=consultant.id))
        db.session.commit()

    assert_flat(client, db, "/absences/participants", add)


# ----------------------------------------------------------------------------- cover

def test_cover_employer(client, db, make, auth):
    consultant = make.user("consultant")
    emp = make.employer()
    boss = make.user("employer", employer_id=emp.id)
    auth.login(boss)

    def add(n):
        for i, a in enumerate(assignments(db, n, consultant, employer=emp)):
            ab, need = absence_with_need(db, a, boss)
            if i % 2 == 0:
                need.status = NeedStatus.FILLED
                db.session.add(CoverRequest(
                    need=need, assignment_id=a.id, substitute=substitute(db), hours=6,
                    starts_on=ab.starts_on, ends_on=ab.ends_on, status=RequestStatus.CONFIRMED))
        db.session.commit()

    assert_flat(client, db, "/cover/", add)


def test_cover_requests(client, db, make, auth):
    consultant, user = make.user("consultant"), make.user("mentor")
    me = make.mentor(user=user, capacity_hours=60, max_participants=100)
    auth.login(user)

    def add(n):
        for i, a in enumerate(assignments(db, n, consultant)):
            ab, need = absence_with_need(db, a, consultant)
            db.session.add(CoverRequest(
                need=need, assignment_id=a.id, substitute_id=me.id, hours=6,
                starts_on=ab.starts_on, ends_on=ab.ends_on,
                status=RequestStatus.REQUESTED if i % 2 else RequestStatus.CONFIRMED))
        db.session.commit()

    assert_flat(client, db, "/cover/requests", add)


def test_cover_notices(client, db, make, auth):
    """Each row: one notice of every kind, each about its own records (the page shows 100)."""
    consultant = make.user("consultant")
    auth.login(consultant)

    def add(n):
        for a in assignments(db, n, consultant):
            ab, need = absence_with_need(db, a, consultant)
            gone = Absence(mentor_id=a.mentor_id, starts_on=TODAY, ends_on=TODAY, reason="sick",
                           reported_by_id=consultant.id, withdrawn_at=utcnow())
            req = CoverRequest(need=need, assignment_id=a.id, substitute=substitute(db), hours=6,
                               starts_on=ab.starts_on, ends_on=ab.ends_on,
                               status=RequestStatus.CANCELLED)
            hold = ParticipantHold(participant_id=a.participant_id, assignment_id=a.id,
                                   reason="sick", starts_on=TODAY, hold_until=TODAY,
                                   status=HoldStatus.RELEASED, reported_by_id=consultant.id)
            a.decision_reason = "other"
            db.session.add_all([gone, req, hold])
            db.session.flush()
            for kind, params in [
                ("cover_requested", {"request_id": req.id}),
                ("cover_arranged", {"request_id": req.id}),
                ("cover_withdrawn", {"request_id": req.id}),
                ("cover_missing", {"need_id": need.id}),
                ("absence_reported", {"absence_id": ab.id}),
                ("absence_withdrawn", {"absence_id": gone.id}),
                ("hold_released", {"hold_id": hold.id}),
                ("proposal_declined", {"proposal_id": a.id}),
                ("proposal_placement_closed", {"proposal_id": a.id}),
            ]:
                db.session.add(Notification(user_id=consultant.id, kind=kind, params=params))
        db.session.commit()

    assert_flat(client, db, "/cover/notices", add)


def test_cover_figures(client, db, make, auth):
    consultant, admin = make.user("consultant"), make.user("admin")
    auth.login(admin)

    def add(n):
        for a in assignments(db, n, consultant):
            absence_with_need(db, a, consultant, TODAY - timedelta(days=1),
                              TODAY + timedelta(days=2), NeedStatus.UNFILLED)
        db.session.commit()

    assert_flat(client, db, "/cover/figures", add)


def test_cover_guarantee(client, db, make, auth):
    emp = make.employer()
    boss = make.user("employer", employer_id=emp.id)
    auth.login(boss)

    def add(n):
        for _ in range(n):
            make.placement(emp, title=f"P {tag()}")

    assert_flat(client, db, "/cover/guarantee", add)


# ----------------------------------------------------------------------------- employer

def test_employer_placements(client, db, make, auth):
    emp = make.employer()
    boss = make.user("employer", employer_id=emp.id)
    auth.login(boss)
    assert_flat(client, db, "/employer/placements",
                lambda n: [make.placement(emp, title=f"P {tag()}") for _ in range(n)])


def test_employer_mentors(client, db, make, auth):
    emp = make.employer()
    boss = make.user("employer", employer_id=emp.id)
    auth.login(boss)

    def add(n):
        for _ in range(n):
            u = User(email=f"m{tag()}@example.dk", name="M", role="mentor", employer_id=emp.id)
            db.session.add(u)
            db.session.flush()
            make.mentor(emp, u)

    assert_flat(client, db, "/employer/mentors", add)


def test_employer_participants(client, db, make, auth):
    consultant = make.user("consultant")
    emp = make.employer()
    boss = make.user("employer", employer_id=emp.id)
    auth.login(boss)
    assert_flat(client, db, "/employer/participants",
                lambda n: assignments(db, n, consultant, employer=emp))


# ----------------------------------------------------------------------------- admin

def test_admin_users(client, db, make, auth):
    admin = make.user("admin")
    auth.login(admin)

    def add(n):
        for _ in range(n):
            t = tag()
            db.session.add(User(email=f"e{t}@example.dk", name=f"E {t}", role="employer",
                                employer=Employer(name=f"Emp {t}")))
        db.session.commit()

    assert_flat(client, db, "/admin/users", add)


# ----------------------------------------------------------------------------- dashboards

def test_dashboard_consultant(client, db, make, auth):
    consultant = make.user("consultant")
    auth.login(consultant)

    def add(n):
        assignments(db, n, consultant)
        for a in assignments(db, n, consultant, status=ProposalStatus.ENDED,
                             participant_status="closed"):
            db.session.add(Outcome(proposal_id=a.id, participant_id=a.participant_id,
                                   outcome="other", ended_on=TODAY - timedelta(days=200),
                                   follow_up_due=TODAY - timedelta(days=10),
                                   recorded_by_id=consultant.id))
        db.session.commit()

    assert_flat(client, db, "/dashboard/", add)


def test_dashboard_manager(client, db, make, auth):
    consultant, admin = make.user("consultant"), make.user("admin")
    auth.login(admin)
    week = monday(TODAY)

    def add(n):
        for a in assignments(db, n, consultant):
            db.session.add(Timesheet(proposal_id=a.id, mentor_id=a.mentor_id,
                                     participant_id=a.participant_id, week_start=week,
                                     status="approved",
                                     lines=[TimesheetLine(task="instruction", hours=2)]))
            ab, need = absence_with_need(db, a, consultant, TODAY - timedelta(days=1),
                                         TODAY + timedelta(days=2))
            db.session.add(CoverRequest(need=need, assignment_id=a.id, substitute=substitute(db),
                                        hours=6, starts_on=ab.starts_on, ends_on=ab.ends_on,
                                        status=RequestStatus.REQUESTED))
        db.session.commit()

    assert_flat(client, db, "/dashboard/manager", add)


# ----------------------------------------------------------------------------- hours, mentor

@pytest.mark.parametrize("url", ["/hours/timesheet", "/api/v1/timesheets?page_size=100"])
def test_hours_timesheet(client, db, make, auth, url):
    consultant, user = make.user("consultant"), make.user("mentor")
    me = make.mentor(user=user, capacity_hours=60, max_participants=100)
    auth.login(user)
    headers = bearer(db, user) if url.startswith("/api/") else None
    week = monday(TODAY)

    def add(n):
        for a in assignments(db, n, consultant, mentor=me):
            db.session.add(Timesheet(proposal_id=a.id, mentor_id=me.id,
                                     participant_id=a.participant_id, week_start=week,
                                     status="submitted",
                                     lines=[TimesheetLine(task="instruction", hours=2)]))
        db.session.commit()

    assert_flat(client, db, url, add, headers)


def test_hours_plan_page(client, db, make, auth):
    consultant = make.user("consultant")
    auth.login(consultant)
    (a,) = assignments(db, 1, consultant)
    weeks = [0]

    def add(n):
        for _ in range(n):
            weeks[0] += 1
            db.session.add(Timesheet(proposal_id=a.id, mentor_id=a.mentor_id,
                                     participant_id=a.participant_id,
                                     week_start=monday(TODAY) - timedelta(weeks=weeks[0]),
                                     status="approved",
                                     lines=[TimesheetLine(task="instruction", hours=2)]))
        db.session.commit()

    assert_flat(client, db, f"/hours/assignments/{a.id}", add)


def test_mentor_participants(client, db, make, auth):
    consultant, user = make.user("consultant"), make.user("mentor")
    me = make.mentor(user=user, capacity_hours=60, max_participants=100)
    auth.login(user)
    assert_flat(client, db, "/mentor/participants",
                lambda n: assignments(db, n, consultant, mentor=me))


def test_calendar_feed(client, db, make, auth):
    from web.calendar.feed import new_token

    consultant, user = make.user("consultant"), make.user("mentor")
    me = make.mentor(user=user, capacity_hours=60, max_participants=100)
    token = new_token(me)
    db.session.commit()

    def add(n):
        assignments(db, n, consultant, mentor=me)
        for a in assignments(db, n, consultant):
            ab, need = absence_with_need(db, a, consultant)
            db.session.add(CoverRequest(need=need, assignment_id=a.id, substitute_id=me.id,
                                        hours=6, starts_on=ab.starts_on,
                                        ends_on=ab.starts_on + timedelta(days=13),
                                        status=RequestStatus.CONFIRMED))
        db.session.commit()

    assert_flat(client, db, f"/calendar/{token}.ics", add)


# ----------------------------------------------------------------------------- reimbursement

def test_reimbursement_employer(client, db, make, auth):
    consultant = make.user("consultant")
    emp = make.employer()
    boss = make.user("employer", employer_id=emp.id)
    auth.login(boss)
    month = date(2026, 1, 1)
    mondays = [date(2026, 1, 5), date(2026, 1, 12), date(2026, 1, 19), date(2026, 1, 26)]

    def add(n):
        for i, a in enumerate(assignments(db, n, consultant, employer=emp)):
            db.session.add(Timesheet(proposal_id=a.id, mentor_id=a.mentor_id,
                                     participant_id=a.participant_id,
                                     week_start=mondays[i % 4], status="approved",
                                     lines=[TimesheetLine(task="instruction", hours=2)]))
        db.session.commit()

    assert_flat(client, db, f"/reimbursement/{emp.id}?month={month:%Y-%m}", add)


def test_gdpr_participant(client, db, make, auth):
    consultant = make.user("consultant")
    p = make.participant(consultant)
    auth.login(consultant)
    assert_flat(client, db, f"/gdpr/participants/{p.id}",
                lambda n: proposals(db, n, consultant, participant=p,
                                    status=ProposalStatus.REJECTED))
