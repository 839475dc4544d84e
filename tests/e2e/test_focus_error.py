"""A page that comes back with errors puts the cursor in the first field that has one."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.browser]


def test_the_cursor_lands_on_the_first_field_in_error(app, db, make, live_server, page):
    make.user("consultant", email="k@demo.dk")
    page.goto(live_server + "/login")
    page.get_by_label("E-mail").fill("k@demo.dk")
    page.get_by_label("Adgangskode").fill("pw")
    page.get_by_role("button", name="Log ind").click()
    page.wait_for_url(lambda url: "/login" not in url)
    page.goto(live_server + "/participants/new")
    page.get_by_role("button", name="Gem").click()
    page.wait_for_selector("[aria-invalid=true]")
    first = page.evaluate("document.querySelector('main [aria-invalid=true]').id")
    assert first and page.evaluate("document.activeElement.id") == first
