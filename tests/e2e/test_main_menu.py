"""The main menu on a phone is one line, "Menu · <this page>", that opens to every item; from a
tablet up it is the row of links it always was.

Before: at 375 px the admin's 14 links took six lines (164 px) above every page, and the
header 248 px of the phone's screen.
"""

from __future__ import annotations

import pytest

from web.models import Notification
from web.nav import MENU

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

PHONE, TABLET, DESKTOP = 375, 768, 1280
HOME = {"admin": "Deltagere", "consultant": "Deltagere", "employer": "Praktikpladser",
        "mentor": "Mine forslag"}  # the label of each role's first page (main.home)

# The menu's height in lines of text, and its links that are on the screen
SEEN = """() => { const n = document.querySelector('header nav');
  return {lines: n.getBoundingClientRect().height
                 / parseFloat(getComputedStyle(document.body).lineHeight),
          shown: [...n.querySelectorAll('a')].filter(a => a.checkVisibility()
                   && a.getBoundingClientRect().width > 0).map(a => a.textContent.trim())}; }"""


def _user(make, role):
    if role == "employer":
        return make.user(role, email="u@demo.dk", employer_id=make.employer().id)
    user = make.user(role, email="u@demo.dk")
    if role == "mentor":
        make.mentor(None, user)
    return user


def _log_in(page, live_server, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(live_server + "/login")
    page.fill("#email", "u@demo.dk")
    page.fill("#password", "pw")
    page.press("#password", "Enter")
    page.wait_for_url(lambda url: "/login" not in url)
    page.wait_for_load_state("load")  # measured with its stylesheet


@pytest.mark.parametrize("role", ["admin", "consultant", "employer", "mentor"])
def test_the_menu_folds_on_a_phone_and_opens_to_every_item(app, db, make, live_server, page,
                                                          role):
    user = _user(make, role)
    db.session.add(Notification(user_id=user.id, kind="absence_reported", params={}))
    db.session.commit()
    items = len([1 for _, _, roles in MENU if role in roles])
    _log_in(page, live_server, PHONE)
    summary = page.locator("header nav summary")
    seen = page.evaluate(SEEN)
    assert seen["lines"] <= 1.6 and seen["shown"] == [], seen  # one line, no link
    text = summary.inner_text()
    assert text.startswith("Menu") and HOME[role] in text, text  # and which page this is
    assert summary.locator(".badge").inner_text().startswith("1")  # the unread notice
    summary.focus()
    page.keyboard.press("Enter")  # a keyboard opens it, a screen reader hears "expanded"
    seen = page.evaluate(SEEN)
    assert len(seen["shown"]) == items, seen
    assert page.locator("header nav [aria-current=page]").inner_text() == HOME[role]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE
    page.keyboard.press("Tab")  # the next stop is the menu's first link
    assert page.evaluate("document.activeElement.closest('nav li') !== null")


@pytest.mark.parametrize("width", [TABLET, DESKTOP])
def test_the_menu_is_a_row_of_links_from_a_tablet_up(app, db, make, live_server, page, width):
    _user(make, "admin")
    _log_in(page, live_server, width)
    assert not page.locator("header nav summary").is_visible()
    seen = page.evaluate(SEEN)
    assert len(seen["shown"]) == len([1 for _, _, roles in MENU if "admin" in roles]), seen
    assert seen["lines"] < 4, seen  # as before: 3 lines at 768 px, 2 at 1280 px
    page.evaluate("document.body.focus()")
    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Tab")  # the name
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('nav li') !== null")


def test_a_long_page_name_in_the_folded_menu_stays_on_screen(app, db, make, live_server, page):
    """Before: on the page of a participant with a 40-character code the summary's "…" hid
    the count of unread notices, and its screen-reader words stood out past the clip, so the
    page was 518 px wide at 375 px."""
    user = _user(make, "consultant")
    p = make.participant(user, code="AAR-1054-" + "7" * 31)
    db.session.add(Notification(user_id=user.id, kind="absence_reported", params={}))
    db.session.commit()
    _log_in(page, live_server, PHONE)
    page.goto(f"{live_server}/participants/{p.id}")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE
    badge = page.locator("header nav summary .badge")
    assert badge.evaluate("b => b.getBoundingClientRect().right") <= PHONE - 16  # not clipped
    assert p.code in page.locator("header nav summary").inner_text()  # whole for a reader
