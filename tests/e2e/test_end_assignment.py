"""Ending an assignment in the browser: the dialog asks only once the form is filled in."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.web.hours.conftest import make_assignment
from web.models import Outcome

pytestmark = [pytest.mark.e2e, pytest.mark.browser]


def test_the_end_dialog_comes_after_the_form_is_filled_in(app, db, make, live_server, page):
    consultant = make.user("consultant", email="k@demo.dk")
    a = make_assignment(make, db, consultant=consultant)
    asked = []
    page.on("dialog", lambda d: (asked.append(d.message), d.accept()))
    page.goto(live_server + "/login")
    page.get_by_label("E-mail").fill("k@demo.dk")
    page.get_by_label("Adgangskode").fill("pw")
    page.get_by_role("button", name="Log ind").click()
    page.wait_for_url(lambda url: "/login" not in url)
    page.goto(f"{live_server}/hours/assignments/{a.id}")
    page.get_by_role("button", name="Afslut forløb").click()  # no outcome chosen
    expect(page.get_by_text("Vælg resultatet.")).to_be_visible()
    assert asked == []  # a walk was asked "ends for good?" and then told to choose
    page.get_by_label("Resultat").select_option("flex_job")
    page.get_by_role("button", name="Afslut forløb").click()
    expect(page.get_by_text("Forløbet er afsluttet, og resultatet er registreret.")).to_be_visible()
    assert len(asked) == 1 and asked[0].startswith("Vil du afslutte forløbet for")
    assert db.session.query(Outcome).one().outcome == "flex_job"
