"""Pages as wide as the screen: a tablet (768 px) and a phone (375 px) never scroll sideways.

Measured the way a user meets it: ``scrollWidth`` of the page against the window's width.
"""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from tests.cover_helpers import assign
from web.cover.service import report_absence
from web.demo import DEMO_PASSWORD, load_demo
from web.hours.plans import monday
from web.invitations.service import invite
from web.models import (
    AuditEntry,
    Mentor,
    Participant,
    Proposal,
    SolveRun,
    Timesheet,
    TimesheetLine,
    User,
)
from web.models.hours import MentorWage

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

TABLET, PHONE = 768, 375
TODAY = date.today()
REASONS = [{"code": "area", "da": "lager er ønske 2 af 2", "en": "warehouse is wish 2 of 2"},
           {"code": "external", "da": "ekstern støtteperson, 21,1 km fra pladsen",
            "en": "external support person, 21.1 km from the placement"},
           {"code": "travel", "da": "11,5 km til pladsen", "en": "11.5 km to the placement"}]


def _log_in(page, live_server, email):
    page.goto(live_server + "/login")
    page.fill("#email", email)
    page.fill("#password", "pw")
    page.press("#password", "Enter")
    page.wait_for_url(lambda url: "/login" not in url)


def _too_wide(page, live_server, paths, widths):
    """[(path, width, scrollWidth)] for each page wider than the window."""
    out = []
    for width in widths:
        page.set_viewport_size({"width": width, "height": 900})
        for path in paths:
            page.goto(live_server + path)
            page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
            scroll = page.evaluate("document.documentElement.scrollWidth")
            if scroll > width:
                out.append((path, width, scroll))
    return out


def _run_with_proposals(db, make, consultant, placement, mentor, n=4):
    run = SolveRun(requested_by_id=consultant.id, scope=[], status="done", matched_count=n,
                   solver_status="OPTIMAL", seconds=0.04)
    db.session.add(run)
    db.session.commit()
    for i in range(n):
        p = make.participant(consultant, code=f"AAR-10{40 + i}")
        db.session.add(Proposal(run_id=run.id, participant_id=p.id, placement_id=placement.id,
                                mentor_id=mentor.id, hours=8, score=558.5, reasons=REASONS,
                                status="proposed"))
    db.session.commit()
    return run


def test_wide_tables_fit_a_tablet(app, db, make, live_server, page):
    """Before: at 768 px the match run's proposals (nine columns and a reject box) were
    1044 px wide, the admin's user list (a row of buttons) 1111 px and the audit log 868 px."""
    admin = make.user("admin", email="a@demo.dk", name="Anne Berg")
    consultant = make.user("consultant", email="consultant2@demo.dk", name="Jonas Holm")
    employer = make.employer(name="Lagerhuset Nord")
    make.user("employer", email="employer@demo.dk", name="Erik Madsen", employer_id=employer.id)
    placement = make.placement(employer, title="Havnens Lager: butik")
    mentor = make.mentor(employer, name="Mette Larsen")
    run = _run_with_proposals(db, make, consultant, placement, mentor)
    for endpoint in ("dashboard.consultant", "participants.index", "dashboard.manager"):
        db.session.add(AuditEntry(user_id=admin.id, role="admin", action="read",
                                  participant_id=59, endpoint=endpoint, ip="127.0.0.1"))
    db.session.commit()
    _log_in(page, live_server, "a@demo.dk")
    assert _too_wide(page, live_server, [f"/runs/{run.id}", "/admin/users", "/admin/audit/"],
                     [TABLET]) == []


LONG_TITLE = "Pakkeri" + "X" * 193  # 200 characters, the longest title the form takes
LONG_COMPANY = "Lagerhuset" + "N" * 190
LONG_NAME = "Sofie" + "M" * 115


def test_long_words_stay_on_screen(app, db, make, live_server, page):
    """Before: a 200-character placement title without a space (or a long company or mentor
    name) set the width of its table column, and the page was 2000-3000 px wide."""
    consultant = make.user("consultant", email="k@demo.dk", name="Jonas Holm")
    employer = make.employer(name=LONG_COMPANY)
    make.user("employer", email="e@demo.dk", employer_id=employer.id)
    placement = make.placement(employer, title=LONG_TITLE)
    me = make.mentor(employer, make.user("mentor", email="m@demo.dk"), name=LONG_NAME)
    a = assign(db, make.participant(consultant, code="AAR-1057"), placement, me, hours=7)
    a.decided_by_id = consultant.id
    db.session.add(MentorWage(mentor_id=me.id, hourly_cost_ore=31_000))
    last_month = (TODAY.replace(day=1) - timedelta(days=1)).replace(day=1)
    db.session.add(Timesheet(proposal_id=a.id, mentor_id=me.id, participant_id=a.participant_id,
                             week_start=monday(last_month + timedelta(days=7)), status="approved",
                             lines=[TimesheetLine(task="instruction", hours=2)]))
    db.session.commit()
    run = _run_with_proposals(db, make, consultant, placement, me, n=1)
    Proposal.query.filter_by(run_id=run.id).first().reasons = REASONS + [
        {"code": "hours", "da": f"8 timer i stedet for 9: {LONG_NAME} har ikke flere timer",
         "en": f"8 hours instead of 9: {LONG_NAME} has no more hours"}]
    db.session.commit()
    pages = {
        "k@demo.dk": [f"/runs/{run.id}", "/dashboard/", f"/participants/{a.participant_id}"],
        "e@demo.dk": ["/employer/placements", "/employer/participants", "/employer/mentors",
                      "/cover/guarantee", f"/reimbursement/{employer.id}?month="
                      + last_month.strftime("%Y-%m")],
        "m@demo.dk": ["/mentor/", "/mentor/participants"],
    }
    too_wide = []
    for email, paths in pages.items():
        page.context.clear_cookies()
        _log_in(page, live_server, email)
        too_wide += _too_wide(page, live_server, paths, [PHONE, TABLET])
    assert too_wide == [], "\n".join(map(str, too_wide))


def test_the_week_links_keep_their_arrow_on_a_phone(app, db, make, live_server, page):
    """Before: at 375 px "‹" and "Previous" (and "Next" and "›") stood on two lines each,
    squeezed by the week in the middle."""
    make.mentor(None, make.user("mentor", email="m@demo.dk", locale="en"))
    page.set_viewport_size({"width": PHONE, "height": 900})
    _log_in(page, live_server, "m@demo.dk")
    page.goto(live_server + "/hours/timesheet?week=2026-11-30")
    for rel in ("prev", "next"):
        link = page.locator(f".weeknav a[rel={rel}]")
        lines = link.evaluate("a => a.getBoundingClientRect().height"
                              " / parseFloat(getComputedStyle(a).lineHeight)")
        assert lines < 1.5, (rel, link.inner_text())


def test_facts_leave_the_value_half_the_phone(app, db, make, live_server, page):
    """Before: at 375 px a long label ("Støttetimer pr. uge") took two thirds of the line and
    each value beside it stood one word a line."""
    consultant = make.user("consultant", email="k@demo.dk")
    p = make.participant(consultant, code="AAR-1001", attributes=["abstinent"])
    page.set_viewport_size({"width": PHONE, "height": 900})
    _log_in(page, live_server, "k@demo.dk")
    page.goto(f"{live_server}/participants/{p.id}")
    share = page.evaluate("""() => { const dl = document.querySelector('dl.facts');
        return dl.querySelector('dd').getBoundingClientRect().width
               / dl.getBoundingClientRect().width; }""")
    assert share >= 0.49, share


LONG_CODE_END = "7" * 8


def _long_email(email: str) -> str:
    """``email`` made 254 characters long, the most the model and an address may hold (a
    64-character local part, labels of at most 63)."""
    local = (email.split("@")[0] + "." + "x" * 64)[:64]
    domain = "a" * 63 + "." + "b" * 63 + "."
    domain += "c" * (254 - len(local) - 1 - len(domain) - 3) + ".dk"
    return f"{local}@{domain}"


def test_long_codes_and_e_mails_stay_on_screen(app, db, make, live_server, page):
    """Participant codes of 40 characters (the most the form and the model take) and e-mail
    addresses of 254, on the pages that show them. Before: at 375 px the match request's
    checkboxes were 401 px wide, a run's unmatched list 506 px, the mentor's proposals 630 px
    and the mentor's week 439 px; at 768 px the employer's participants 918 px."""
    load_demo()
    for x in db.session.scalars(select(Participant)):
        x.code = (x.code + "-" + LONG_CODE_END * 5)[:40]
    for u in db.session.scalars(select(User)):
        u.email = _long_email(u.email)
    mentor = db.session.scalar(select(Mentor).join(User).where(User.role == "mentor"))
    a = db.session.scalar(select(Proposal).where(Proposal.mentor_id == mentor.id,
                                                 Proposal.status == "active"))
    report_absence(a.mentor, TODAY, TODAY + timedelta(days=6), "sick", a.mentor.user)
    run = db.session.scalar(select(SolveRun))
    admin, employer = (db.session.scalar(select(User).where(User.role == role))
                       for role in ("admin", "employer"))
    with app.test_request_context():
        accept = invite(make.user("mentor", email=_long_email("ny@demo.dk")), None)
    db.session.commit()
    p = a.participant
    month = (TODAY.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")  # hours approved
    pages = [  # (who, where); the run's consultant has participants waiting for a match
        (p.consultant, ["/participants/", f"/participants/{p.id}", f"/hours/assignments/{a.id}",
                        "/hours/approvals", "/dashboard/", "/absences/participants",
                        f"/gdpr/participants/{p.id}"]),
        (run.requested_by, [f"/runs/{run.id}", "/participants/"]),
        (mentor.user, ["/mentor/", "/mentor/participants", "/hours/timesheet"]),
        (employer, ["/employer/participants", "/cover/",
                    f"/reimbursement/{employer.employer_id}?month={month}"]),
        (admin, ["/admin/users", f"/admin/users/{p.consultant.id}/edit", "/cover/figures"]),
    ]
    too_wide = _too_wide(page, live_server, [urlsplit(accept).path], [PHONE, TABLET])
    for user, paths in pages:
        page.context.clear_cookies()
        page.goto(live_server + "/login")
        page.fill("#email", user.email)
        page.fill("#password", DEMO_PASSWORD)
        page.press("#password", "Enter")
        page.wait_for_url(lambda url: "/login" not in url)
        too_wide += _too_wide(page, live_server, paths, [PHONE, TABLET])
        for path in paths:  # each page shows a long code or address: the test tests
            page.goto(live_server + path)
            assert LONG_CODE_END in page.inner_text("main") or "x" * 30 in page.inner_text(
                "main"), path
    # the invitation link, made for the consultant (the page answers the admin's POST)
    page.goto(live_server + "/admin/users")
    with page.expect_navigation():
        page.locator(f"form[action$='/users/{p.consultant.id}/invite'] button").click()
    assert "/invite/" in page.locator("#invite-link").input_value()
    for width in (PHONE, TABLET):
        page.set_viewport_size({"width": width, "height": 900})
        if (scroll := page.evaluate("document.documentElement.scrollWidth")) > width:
            too_wide.append(("invitation link", width, scroll))
    assert too_wide == [], "\n".join(map(str, too_wide))
