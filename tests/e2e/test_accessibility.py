"""Every page each role reaches passes axe-core's WCAG 2.1 A and AA rules (and 2.2 AA and
axe's best practices): the pages in the
menu, the pages one link from them, forms showing their errors, on a desktop and on a
phone, in Danish and in English. Danish public bodies must meet WCAG 2.1 AA (the web
accessibility act); axe finds what a machine can (names, labels, contrast, structure),
not all of it."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe

from web.demo import DEMO_PASSWORD, load_demo

pytestmark = [pytest.mark.browser]

# WCAG 2.1 A and AA (the law), 2.2 AA, and axe's best practices (such as a name for every
# table header, an action column's too)
RULES = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa",
                                               "wcag22aa", "best-practice"]}}
ROLES = ["consultant", "consultant2", "employer", "mentor", "admin"]
SKIP = re.compile(r"\.(csv|pdf|ics)\b|/logout|/lang/|/export|/calendar/[^/]+\.ics")
PER_PAGE = 6  # links followed from each menu page: one of each kind is enough


def _login(page, base, who: str) -> None:
    page.goto(base + "/login")
    page.fill("#email", f"{who}@demo.dk")
    page.fill("#password", DEMO_PASSWORD)
    page.press("#password", "Enter")
    page.wait_for_load_state("load")


def _links(page, selector: str) -> list[str]:
    out = []
    for a in page.query_selector_all(selector):
        href = (a.get_attribute("href") or "").split("#")[0]
        if href.startswith("/") and not SKIP.search(href) and href not in out:
            out.append(href)
    return out


def _audit(page, url: str, axe: Axe, found: list[str]) -> None:
    for v in axe.run(page, options=RULES).response["violations"]:
        for node in v["nodes"][:3]:
            found.append(f"{url}: {v['id']} ({v['impact']}) {v['help']}: {node['html'][:200]}")


@pytest.fixture
def demo(app, db):
    load_demo()
    db.session.commit()


@pytest.mark.parametrize("who", ROLES)
def test_every_page_a_role_reaches_meets_wcag_21_aa(demo, live_server, page, who):
    axe, found, seen = Axe(), [], set()
    _login(page, live_server, who)
    menu = _links(page, "nav a[href]")
    assert len(menu) >= 3, menu  # the crawl reached the pages, not the login form
    pages = list(menu)
    for url in menu:
        page.goto(live_server + url)
        pages += _links(page, "main a[href]")[:PER_PAGE]
    for url in dict.fromkeys(pages):
        if url in seen:
            continue
        seen.add(url)
        response = page.goto(live_server + url)
        if response is None or response.status >= 400:
            continue  # another test's business; the access matrix checks statuses
        _audit(page, url, axe, found)
    assert not found, "\n".join(found)


FORMS = {
    "admin": ["/participants/new", "/admin/users/new", "/absences/",
              "/dashboard/manager?start=2026-05-01&end=2026-01-01", "/hours/approvals"],
    "employer": ["/employer/placements/new", "/employer/mentors/new"],
}


@pytest.mark.parametrize("width, lang", [(390, "da"), (1280, "en")])
def test_forms_with_errors_and_phone_pages_meet_wcag_21_aa(demo, live_server, page, width,
                                                           lang):
    """Errors are a state of their own: each field says what is wrong, and says it to a
    screen reader. Sent empty, each form shows every error it has."""
    axe, found, errors = Axe(), [], 0
    page.set_viewport_size({"width": width, "height": 900})
    for who, urls in FORMS.items():
        page.context.clear_cookies()
        _login(page, live_server, who)
        if lang == "en":
            page.click("form[action^='/lang/en'] button")
            page.wait_for_load_state("load")
        for url in urls:
            response = page.goto(live_server + url)
            assert response.status == 200, url
            submit = page.query_selector("main form[method=post] [type=submit].primary")
            if submit is not None:
                for field in page.query_selector_all(
                        "main form[method=post] input[type=text], main form[method=post] "
                        "input[type=date], main form[method=post] input[type=number]"):
                    field.fill("")
                submit.click()
                page.wait_for_load_state("load")
            errors += len(page.query_selector_all("main .error"))
            _audit(page, f"{who} {url} ({width} px, {lang})", axe, found)
    assert errors >= 5, "the forms showed no errors: the test did not test"
    assert not found, "\n".join(found)
