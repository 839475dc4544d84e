"""Choosing a few of many: "Vælg ingen", then tick the ones wanted."""

import pytest
from playwright.sync_api import expect

from web.models import SolveRun

pytestmark = [pytest.mark.e2e, pytest.mark.browser]


def test_select_none_then_one_requests_a_match_for_that_one(app, db, make, live_server, page):
    consultant = make.user("consultant", email="k@demo.dk")
    people = [make.participant(consultant, code=f"AAR-02{i:02d}") for i in range(6)]
    page.goto(live_server + "/login")
    page.get_by_label("E-mail").fill("k@demo.dk")
    page.get_by_label("Adgangskode").fill("pw")
    page.get_by_role("button", name="Log ind").click()
    expect(page.get_by_role("heading", name="Deltagere", exact=True)).to_be_visible()

    boxes = page.locator('input[name="participants"]')
    expect(boxes.first).to_be_checked()  # everyone waiting is chosen at first
    page.get_by_role("button", name="Vælg ingen").click()
    for i in range(6):
        expect(boxes.nth(i)).not_to_be_checked()
    page.get_by_label("AAR-0203").check()
    page.get_by_role("button", name="Find forslag").click()
    page.wait_for_url("**/runs/*")
    run = db.session.scalar(db.select(SolveRun))
    assert run.scope == [people[3].id]

    page.go_back()
    page.get_by_role("button", name="Vælg alle").click()
    for i in range(6):
        expect(boxes.nth(i)).to_be_checked()


def test_the_consultants_lists_fit_a_phone_and_say_what_each_number_is(app, db, make, live_server,
                                                                       page, worker):
    consultant = make.user("consultant", email="k@demo.dk")
    employer = make.employer(name="Café Kornet")
    make.placement(employer, title="Café Kornet: køkken", slots=2, town="Aarhus")
    make.mentor(employer, name="Mette Larsen", capacity_hours=20, max_participants=3)
    for i in range(2):
        make.participant(consultant, code=f"AAR-03{i:02d}", town="Aarhus")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server + "/login")
    page.get_by_label("E-mail").fill("k@demo.dk")
    page.get_by_label("Adgangskode").fill("pw")
    page.get_by_role("button", name="Log ind").click()
    expect(page.get_by_role("heading", name="Deltagere", exact=True)).to_be_visible()
    page.wait_for_load_state("load")  # styles and all
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_role("button", name="Find forslag").click()
    expect(page.locator("#run-status")).to_have_text("Færdig", timeout=30_000)
    # run.js reloads the page once the run is done: measure the reloaded page, styles and all
    # (measured in between, the unstyled table was once 702 px wide).
    expect(page.locator("table.proposals")).to_be_visible()
    page.wait_for_load_state("load")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    hours = page.locator('table.proposals td[data-label="Timer"]').first
    label = hours.evaluate("td => getComputedStyle(td, '::before').content")
    assert label == '"Timer: "'  # stacked rows keep their column names


def test_the_calendar_link_has_a_copy_button(app, db, make, live_server, browser):
    user = make.user("mentor", email="m@demo.dk")
    make.mentor(None, user=user)
    context = browser.new_context(locale="da-DK")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)
    page = context.new_page()
    page.goto(live_server + "/login")
    page.get_by_label("E-mail").fill("m@demo.dk")
    page.get_by_label("Adgangskode").fill("pw")
    page.get_by_role("button", name="Log ind").click()
    page.goto(live_server + "/calendar/")
    page.get_by_role("button", name="Lav et kalenderlink").click()
    link = page.get_by_label("Kalenderlink").input_value()
    assert link.endswith(".ics")
    page.get_by_role("button", name="Kopiér").click()
    expect(page.get_by_role("button", name="Kopieret")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == link
    context.close()
