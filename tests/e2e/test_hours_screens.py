"""The mentor's timesheet on a phone and the manager's dashboard, as a person sees them.

With SCREENSHOTS=1 it refreshes docs/screenshots/ (timesheet at the 390x844 phone viewport).
"""

from datetime import date, datetime, timedelta

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import save_screenshot
from web.hours.plans import monday, set_plan, steps_from_durations
from web.models import Outcome, Proposal, ProposalStatus, SolveRun, Timesheet, TimesheetLine
from web.models.cover import Absence, CoverNeed, CoverRequest, NeedStatus, RequestStatus

pytestmark = [pytest.mark.browser]
AREAS = ["kitchen", "cafe", "retail", "warehouse"]


def login(page, base, email):
    page.goto(base + "/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Adgangskode").fill("pw")
    page.get_by_role("button", name="Log ind").click()


def seed(db, make):
    """Two consultants, four employers, eight mentors and 32 assignments over ten weeks."""
    this_week = monday(date.today())
    start = this_week - timedelta(weeks=9)
    c1 = make.user("consultant", email="c1@demo.dk", name="Camilla Jensen")
    c2 = make.user("consultant", name="Jonas Holm")
    employers = [
        make.employer(name=n)
        for n in ("Café Kornet", "Genbrugshallen", "Byens Køkken", "Lagerhuset Nord")
    ]
    mentors = []
    for i in range(8):
        user = make.user("mentor", email="m@demo.dk" if i == 0 else None)
        mentors.append(
            make.mentor(
                employers[i % 4],
                user=user,
                capacity_hours=36 + 4 * (i % 3),
                max_participants=5,
                name=[
                    "Mette Larsen",
                    "Ahmed Nielsen",
                    "Birgitte Holm",
                    "Carsten Due",
                    "Dorthe Juul",
                    "Ebbe Friis",
                    "Fatima Ali",
                    "Gitte Bak",
                ][i],
            )
        )
    admin = make.user("admin", email="admin@demo.dk", name="Anne Berg")
    assignments = []
    for i in range(40):
        consultant = c1 if i % 3 else c2
        p = make.participant(
            consultant,
            code=f"AAR-{5100 + i}",
            status="active",
            days=["mon", "wed", "thu"] if i % 2 else ["tue", "fri"],
        )
        m = mentors[i % 8]
        pl = make.placement(
            m.employer, title=f"{m.employer.name}: {AREAS[i % 4]}", area=AREAS[i % 4]
        )
        a = Proposal(
            participant_id=p.id,
            placement_id=pl.id,
            mentor_id=m.id,
            hours=8,
            status=ProposalStatus.ACTIVE,
            decided_at=datetime.combine(start, datetime.min.time()),
        )
        db.session.add(a)
        db.session.flush()
        set_plan(
            a,
            steps_from_durations(start, [(10, 4), (6, 4), (4, None)] if i % 2 else [(6, None)]),
            consultant,
        )
        assignments.append(a)
    for wk in range(9):
        for a in assignments[: 28 + (wk % 3) * 4]:
            db.session.add(
                Timesheet(
                    proposal_id=a.id,
                    mentor_id=a.mentor_id,
                    participant_id=a.participant_id,
                    week_start=start + timedelta(weeks=wk),
                    status="approved" if wk < 7 else "submitted",
                    lines=[
                        TimesheetLine(task="instruction", hours=3 + (a.id + wk) % 4),
                        TimesheetLine(task="social_support", hours=1.5),
                        TimesheetLine(task="plan_day", hours=0.5),
                    ],
                )
            )
    for i, a in enumerate(assignments[32:]):  # eight ended
        a.status = ProposalStatus.ENDED
        ended = date.today() - timedelta(days=20 + i)
        db.session.add(
            Outcome(
                proposal_id=a.id,
                participant_id=a.participant_id,
                outcome="flex_job" if i < 5 else "education",
                ended_on=ended,
                follow_up_due=ended + timedelta(days=182),
            )
        )
    waiting = [make.participant(c1, code=f"AAR-{5200 + i}") for i in range(9)]
    db.session.add(
        SolveRun(
            requested_by_id=c1.id,
            scope=[p.id for p in waiting],
            status="done",
            finished_at=datetime.now() - timedelta(days=3),
            unmatched=[
                {
                    "participant_id": p.id,
                    "reasons": [
                        {"code": "no_mentor_skills" if i < 6 else "placements_full", "params": {}}
                    ],
                }
                for i, p in enumerate(waiting)
            ],
        )
    )
    seed_cover(db, admin, mentors, assignments[:32])
    db.session.commit()
    return admin, mentors[0], this_week


def seed_cover(db, admin, mentors, active):
    """Three mentors away this week: eight of their participants covered, four not yet."""
    today = date.today()
    now = datetime.now()
    k = 0
    for m in mentors[5:8]:
        absence = Absence(
            mentor_id=m.id,
            starts_on=today - timedelta(days=2),
            ends_on=today + timedelta(days=4),
            reason="sick",
            reported_by_id=admin.id,
        )
        db.session.add(absence)
        for a in (a for a in active if a.mentor_id == m.id):
            open_ = (NeedStatus.REQUESTED, NeedStatus.UNFILLED)[k % 2]
            status = NeedStatus.FILLED if k < 8 else open_
            created = now - timedelta(days=2)
            need = CoverNeed(assignment_id=a.id, status=status, created_at=created)
            absence.needs.append(need)
            if status == NeedStatus.FILLED:
                need.filled_at = created + timedelta(hours=2 + k)
            if status != NeedStatus.UNFILLED:
                db.session.add(
                    CoverRequest(
                        need=need,
                        assignment_id=a.id,
                        substitute_id=mentors[1 + k % 4].id,
                        hours=4,
                        starts_on=absence.starts_on,
                        ends_on=absence.ends_on,
                        created_at=created,
                        status=RequestStatus.CONFIRMED
                        if status == NeedStatus.FILLED
                        else RequestStatus.REQUESTED,
                    )
                )
            k += 1


def test_timesheet_on_a_phone_and_the_manager_dashboard(app, db, make, live_server, browser):
    admin, mentor, this_week = seed(db, make)

    phone = browser.new_context(
        viewport={"width": 390, "height": 844},
        locale="da-DK",
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    page = phone.new_page()
    login(page, live_server, "m@demo.dk")
    page.goto(f"{live_server}/hours/timesheet?week={this_week.isoformat()}")
    expect(page.get_by_role("heading", name="Mine timer")).to_be_visible()
    first = page.locator("fieldset.card").first
    first.get_by_label("Oplæring i arbejdet").fill("3,5")
    first.get_by_label("Opfølgning").fill("1,3")  # not a quarter hour
    page.get_by_role("button", name="Send til jobkonsulenten").click()
    expect(page.locator(".flash.error")).to_have_text("Intet er gemt: ret de markerede felter.")
    expect(page.locator(".task .error").first).to_have_text("Brug kvarte timer, fx 1,25 eller 1,5.")
    first.get_by_label("Opfølgning").fill("1,25")
    first.get_by_label("Social støtte på arbejdet").fill("1")
    # The sums follow the typing (3,5 + 1,25 + 1), for the participant and the week.
    expect(first.locator(".planned .sum")).to_have_text("5,75")
    expect(page.locator(".week-total .sum")).to_contain_text("5,75")
    page.get_by_role("button", name="Send til jobkonsulenten").click()
    expect(page.locator(".flash.success")).to_be_visible()
    save_screenshot(page, "timesheet-phone", full_page=True)
    phone.close()

    desk = browser.new_context(viewport={"width": 1280, "height": 900}, locale="da-DK")
    page = desk.new_page()
    login(page, live_server, "admin@demo.dk")
    page.goto(f"{live_server}/dashboard/manager")
    expect(page.get_by_role("heading", name="Ledelsesoverblik")).to_be_visible()
    expect(page.locator("svg.chart").first).to_be_visible()
    expect(page.locator("#outcomes")).to_contain_text("Fleksjob")
    expect(page.locator("#cover")).to_contain_text("Vikardækning")
    page.locator("details").evaluate_all("els => els.forEach(e => e.open = true)")
    save_screenshot(page, "manager-dashboard", full_page=True)
    # A date refused: its message sits under its box, and the boxes and button stay in line.
    page.goto(f"{live_server}/dashboard/manager?start=2026-13-01")
    expect(page.locator("#start-error")).to_be_visible()
    tops = [page.locator(s).bounding_box()["y"] for s in ("#start", "#end", "#team",
                                                         "form.filters button")]
    assert max(tops) - min(tops) < 4, tops
    desk.close()


CHART_TEXT = """svgs => svgs.map(svg => {
  const r = svg.getBoundingClientRect(), k = svg.getScreenCTM().a;
  return {right: r.right, texts: [...svg.querySelectorAll('text')].map(t => {
    const b = t.getBoundingClientRect();
    return {text: t.textContent, px: parseFloat(getComputedStyle(t).fontSize) * k,
            left: b.left - r.left, right: r.right - b.right};
  })};
})"""


def test_the_manager_charts_are_readable_on_a_phone_and_a_desktop(
    app, db, make, live_server, browser
):
    """A user walk found the charts' text 6 px high at 390 px: 11–18 px, nothing cut off."""
    seed(db, make)
    for width in (390, 1200):
        context = browser.new_context(viewport={"width": width, "height": 844}, locale="da-DK")
        page = context.new_page()
        login(page, live_server, "admin@demo.dk")
        page.goto(f"{live_server}/dashboard/manager")
        expect(page.get_by_role("img", name="Vikardækning")).to_contain_text("skjult")
        charts = page.locator("svg.chart").evaluate_all(CHART_TEXT)
        # nine figures: a chart each, or a sentence where no figure has a bar to draw
        no_chart = page.get_by_text("Ingen graf: alle tal, den ville vise, er 0").count()
        assert len(charts) + no_chart == 9 and len(charts) >= 5
        for chart in charts:
            assert chart["right"] <= width
            for t in chart["texts"]:
                assert 11 <= t["px"] <= 18 and t["left"] > -0.5 and t["right"] > -0.5, (width, t)
        context.close()
