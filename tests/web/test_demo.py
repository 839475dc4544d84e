"""`flask demo load` (what `make run` loads into an empty database): the logins work, the
mentor and employer logins have assignments to show, and the consultant's caseload is a
problem the matcher accepts and mostly matches."""

import matcher
from web.demo import DEMO_PASSWORD, DEMO_USERS
from web.models import Mentor, Participant, Placement, Proposal, ProposalStatus, User
from web.runs import service
from workers.problem import build_problem


def test_demo_load_gives_working_logins_and_a_caseload_the_matcher_matches(app, db):
    runner = app.test_cli_runner()
    out = runner.invoke(args=["demo", "load"])
    assert out.exit_code == 0, out.output
    assert ("Loaded demo data: 5 users, 20 employers, 40 placements, 35 mentors, "
            "60 participants") in out.output
    for email, _, role in DEMO_USERS:
        user = db.session.scalar(db.select(User).where(User.email == email))
        assert user.role == role and user.check_password(DEMO_PASSWORD)

    assert "7 active assignments" in out.output
    mentor = db.session.scalar(db.select(Mentor).join(User).where(User.email == "mentor@demo.dk"))
    theirs = {s: db.session.scalar(db.select(db.func.count()).select_from(Proposal).where(
        Proposal.mentor_id == mentor.id, Proposal.status == s))
        for s in (ProposalStatus.ACTIVE, ProposalStatus.APPROVED)}
    assert theirs[ProposalStatus.ACTIVE] >= 1 and theirs[ProposalStatus.APPROVED] == 1
    employer = db.session.scalar(db.select(User).where(User.email == "employer@demo.dk"))
    assert db.session.scalar(db.select(db.func.count()).select_from(Proposal).join(Placement).where(
        Placement.employer_id == employer.employer_id, Proposal.status == ProposalStatus.ACTIVE))
    assert employer.employer.cvr == "10000009"

    consultant = db.session.scalar(db.select(User).where(User.email == "consultant@demo.dk"))
    mine = db.session.scalars(db.select(Participant.id).where(
        Participant.consultant_id == consultant.id)).all()
    problem = build_problem(service.create_run(consultant, list(mine), time_limit=5))
    assert len(problem["participants"]) == 40
    assert matcher.check_problem(problem) == []
    result = matcher.solve_dict(problem, time_limit=5)
    assert matcher.validate(problem, result) == []
    # Realistic, not trivial: most get a proposal, and some are left with a reason.
    assert 20 <= len(result["matches"]) < 40
    assert all(u["reasons"] for u in result["unmatched"])

    _hours_behind_the_assignments(db, employer.employer, out.output)
    _history_in_the_order_it_happened(db)

    assert "not loaded" in runner.invoke(args=["demo", "load", "--if-empty"]).output


def _hours_behind_the_assignments(db, company, output):
    """The assignments began six weeks ago with their hours logged by the pages' rules: all
    approved but last week's, which waits for the consultant; the demo employer's claim for
    a month gone by has colleague-mentors' hours with a wage, so an amount."""
    from datetime import date, timedelta

    from web.hours.plans import assignment_start, monday
    from web.models import Timesheet
    from web.reimbursement.claim import build_claim

    sheets = db.session.scalars(db.select(Timesheet)).all()
    assert f"{len(sheets)} weeks of hours" in output and len(sheets) == 7 * 6
    # proposed when they began, not today: continuity over a period in the past counts them
    # (a walk saw 0 there beside 7 people's hours); minutes apart, in order, the same morning
    start = monday(date.today()) - timedelta(weeks=6)
    assert all(s.proposal.created_at.date() == s.proposal.decided_at.date() == start
               and s.proposal.created_at < s.proposal.decided_at for s in sheets)
    last_week = monday(date.today()) - timedelta(weeks=1)
    for s in sheets:
        assert assignment_start(s.proposal) <= s.week_start <= last_week
        assert 2 <= s.total <= 20 and all(line.hours * 4 == int(line.hours * 4) for line in s.lines)
        assert s.status == ("submitted" if s.week_start == last_week else "approved")
    claim = build_claim(company, last_week - timedelta(weeks=2))
    assert claim.lines and claim.amount_ore > 0 and not claim.missing_rates


def _history_in_the_order_it_happened(db):
    """The demo dates an active case's steps six weeks back; all at one time, the case
    history showed "confirmed" below "proposed" and the request anywhere."""
    from web.participants.routes import timeline

    active = db.session.scalars(db.select(Proposal).where(
        Proposal.status == ProposalStatus.ACTIVE)).all()
    for prop in active:
        kinds = [e["kind"] for e in timeline(prop.participant)]
        assert kinds == ["confirmed", "approved", "proposed", "match_requested"], kinds
