"""Tables at phone width (390 px): the page itself never scrolls sideways.

A list table turns each row into a card (``table.stack``, every cell named by its column's
heading); a wide numeric grid scrolls inside its own box (``.scroll-x``).
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from tests.cover_helpers import assign
from web.hours.plans import monday
from web.models import ApiToken, SolveRun, Timesheet, TimesheetLine
from web.models.cover import (
    Absence,
    CoverNeed,
    CoverRequest,
    HoldStatus,
    NeedStatus,
    ParticipantHold,
    RequestStatus,
)
from web.models.hours import MentorWage

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

PHONE = 390
TODAY = date.today()


def _workplace(db, make, consultant, code="AAR-0301"):
    """One active assignment with realistic names: what the tables show."""
    employer = make.employer(name="Café Kornet ApS")
    placement = make.placement(employer, title="Café Kornet: køkken og opvask", slots=2)
    mentor = make.mentor(employer, name="Mette Bach Larsen")
    participant = make.participant(consultant, code=code)
    a = assign(db, participant, placement, mentor, hours=6)
    a.decided_by_id = consultant.id
    db.session.commit()
    return a


def _absence(db, a, by, need_status=NeedStatus.SEARCHING):
    ab = Absence(mentor_id=a.mentor_id, starts_on=TODAY - timedelta(days=1),
                 ends_on=TODAY + timedelta(days=6), reason="sick", reported_by_id=by.id)
    need = CoverNeed(absence=ab, assignment_id=a.id, status=need_status)
    db.session.add_all([ab, need])
    db.session.commit()
    return ab, need


def _cover(db, make, ab, need, a, substitute):
    need.status = NeedStatus.FILLED
    db.session.add(CoverRequest(need=need, assignment_id=a.id, substitute_id=substitute.id,
                                hours=6, starts_on=ab.starts_on, ends_on=ab.ends_on,
                                status=RequestStatus.CONFIRMED))
    db.session.commit()


def held_participants(db, make):
    consultant = make.user("consultant", email="k@demo.dk")
    a = _workplace(db, make, consultant)
    a.participant.status = "paused"
    db.session.add(ParticipantHold(
        participant_id=a.participant_id, assignment_id=a.id, reason="relapse",
        starts_on=TODAY, hold_until=TODAY + timedelta(days=14), status=HoldStatus.HELD,
        reported_by_id=consultant.id))
    db.session.commit()
    return "k@demo.dk", "/absences/participants"


def participant_page(db, make):
    consultant = make.user("consultant", email="k@demo.dk", name="Karin Kofoed")
    a = _workplace(db, make, consultant)
    return "k@demo.dk", f"/participants/{a.participant_id}"


def runs(db, make):
    consultant = make.user("consultant", email="k@demo.dk")
    p = make.participant(consultant)
    db.session.add(SolveRun(requested_by_id=consultant.id, scope=[p.id], status="done",
                            matched_count=1))
    db.session.commit()
    return "k@demo.dk", "/runs/"


def tokens(db, make):
    user = make.user("consultant", email="k@demo.dk")
    row, _ = ApiToken.issue(user, "Journalsystem (integration)")
    db.session.add(row)
    db.session.commit()
    return "k@demo.dk", "/account/tokens/"


def manager_dashboard(db, make):
    consultant = make.user("consultant")
    make.user("admin", email="a@demo.dk")
    a = _workplace(db, make, consultant)
    db.session.add(Timesheet(proposal_id=a.id, mentor_id=a.mentor_id,
                             participant_id=a.participant_id, week_start=monday(TODAY),
                             status="approved", lines=[TimesheetLine(task="instruction", hours=2)]))
    db.session.commit()
    _absence(db, a, consultant)
    return "a@demo.dk", "/dashboard/manager"


def cover_figures(db, make):
    consultant = make.user("consultant")
    make.user("admin", email="a@demo.dk")
    a = _workplace(db, make, consultant)
    _absence(db, a, consultant, NeedStatus.UNFILLED)
    return "a@demo.dk", "/cover/figures"


def employer_cover(db, make):
    consultant = make.user("consultant")
    a = _workplace(db, make, consultant)
    make.user("employer", email="e@demo.dk", employer_id=a.placement.employer_id, locale="en")
    colleague = make.mentor(a.placement.employer, name="Søren Østergaard Nielsen")
    ab, need = _absence(db, a, consultant)
    _cover(db, make, ab, need, a, colleague)
    return "e@demo.dk", "/cover/"


def reimbursement(db, make):
    consultant = make.user("consultant")
    a = _workplace(db, make, consultant)
    make.user("employer", email="e@demo.dk", employer_id=a.placement.employer_id, locale="en")
    db.session.add(MentorWage(mentor_id=a.mentor_id, hourly_cost_ore=23_450))
    last_month = (TODAY.replace(day=1) - timedelta(days=1)).replace(day=1)
    db.session.add(Timesheet(proposal_id=a.id, mentor_id=a.mentor_id,
                             participant_id=a.participant_id,
                             week_start=monday(last_month + timedelta(days=7)),
                             status="approved", lines=[TimesheetLine(task="instruction", hours=2)]))
    db.session.commit()
    return "e@demo.dk", "/reimbursement/"


def mentor_cover(db, make):
    consultant = make.user("consultant")
    a = _workplace(db, make, consultant)
    me = make.mentor(None, make.user("mentor", email="m@demo.dk", locale="en"),
                     name="Søren Østergaard Nielsen")
    ab, need = _absence(db, a, consultant)
    _cover(db, make, ab, need, a, me)
    return "m@demo.dk", "/cover/requests"


def api_docs(db, make):
    make.user("consultant", email="k@demo.dk")
    return "k@demo.dk", "/api/v1/docs"


PAGES = [held_participants, participant_page, runs, tokens, manager_dashboard, cover_figures,
         employer_cover, reimbursement, mentor_cover, api_docs]


def _log_in(page, live_server, email):
    page.set_viewport_size({"width": PHONE, "height": 844})
    page.goto(live_server + "/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Adgangskode").fill("pw")
    page.get_by_role("button", name="Log ind").click()
    page.wait_for_url(lambda url: "/login" not in url)


# Per table.stack: its headings, and the data-label of each cell of its first row.
_LABELS = """() => [...document.querySelectorAll('table.stack')].map(t => ({
  headings: [...t.querySelectorAll('thead th')].map(th => th.textContent.trim()).filter(Boolean),
  labels: [...t.querySelectorAll('tbody tr:first-child td[data-label]')]
            .map(td => td.dataset.label),
}))"""
# Tables that are neither cards nor inside a scrolling box.
_LOOSE = """[...document.querySelectorAll('main table:not(.stack)')]
  .filter(t => !t.closest('.scroll-x')).length"""


@pytest.mark.parametrize("setup", PAGES, ids=[f.__name__ for f in PAGES])
def test_tables_fit_a_phone(app, db, make, live_server, page, setup):
    email, path = setup(db, make)
    _log_in(page, live_server, email)
    page.goto(live_server + path)
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    expect(page.locator("main table").first).to_be_visible()
    assert page.locator("main tbody td").count() > 1  # a row of data, not just "none"
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE, f"{path} is {width} px wide at {PHONE} px"
    for t in page.evaluate(_LABELS):  # a card names each value with its column's heading
        assert t["labels"] and set(t["labels"]) <= set(t["headings"]), t
    assert page.evaluate(_LOOSE) == 0  # every other table scrolls in its own box


def test_the_held_participants_resume_button_is_on_screen(app, db, make, live_server, page):
    _, path = held_participants(db, make)
    _log_in(page, live_server, "k@demo.dk")
    page.goto(live_server + path)
    button = page.get_by_role("button", name="Tilbage igen")
    expect(button).to_be_visible()
    box = button.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE, box
    placement = page.locator('td[data-label="Praktikplads"]').first
    label = placement.evaluate("td => getComputedStyle(td, '::before').content")
    assert label == '"Praktikplads: "'  # the card names the value in Danish
