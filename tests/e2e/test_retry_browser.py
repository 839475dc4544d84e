"""A failed run shows its reason and a button to try again; a real worker then finishes it."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ROOT
from tests.e2e.test_browser_journey import login
from web.runs import service
from workers.callbacks import fail_run

pytestmark = [pytest.mark.e2e, pytest.mark.browser]


def test_consultant_retries_a_failed_run(app, db, make, live_server, worker, page):
    consultant = make.user("consultant", email="c@demo.dk")
    employer = make.employer()
    make.placement(employer, slots=1)
    make.mentor(employer)
    person = make.participant(consultant)
    run = service.create_run(consultant, [person.id], time_limit=2)
    fail_run(run.id, None,
             "Databasen eller jobkøen var ikke tilgængelig, heller ikke efter flere forsøg.")

    login(page, live_server, "c@demo.dk")
    page.goto(f"{live_server}/runs/{run.id}")
    expect(page.get_by_role("alert")).to_contain_text(
        "Databasen eller jobkøen var ikke tilgængelig")
    (ROOT / "test-artifacts").mkdir(exist_ok=True)
    page.screenshot(path=str(ROOT / "test-artifacts" / "run-failed-retry.png"), full_page=True)
    page.get_by_role("button", name="Prøv igen").click()
    expect(page.locator(".flash.success")).to_contain_text("sat i kø igen")
    expect(page.get_by_role("heading", name="Forslag")).to_be_visible(timeout=60000)
    expect(page.get_by_role("button", name="Prøv igen")).to_have_count(0)
