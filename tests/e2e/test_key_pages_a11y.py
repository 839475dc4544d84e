"""The key pages of each role, checked as a keyboard and screen-reader user meets them: axe
finds no serious or critical WCAG 2.1 AA violation, the page's language is the one chosen,
the first Tab reaches a skip link, every focused element shows a ring at >= 3:1 against
what it sits on (WCAG 1.4.11, which axe does not check), and a form sent with mistakes ties
each error and each help text to its field (aria-describedby), which axe does not check
either. One app, one browser, one list of pages (test_accessibility crawls them all)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from sqlalchemy import select

from web.demo import DEMO_PASSWORD, load_demo
from web.invitations.service import invite
from web.models import Participant, User
from web.runs.service import create_run

pytestmark = [pytest.mark.browser]

RULES = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
TABS = 12  # focus stops checked on each page: the skip link, the menu, the first of the page

# who: (language, [(page, what to do there)]); "first:SELECTOR" opens the first such link
# (a case, a run), "last:" the last; "empty" sends the page's main form empty, "week" sends
# too many hours, "copy" makes a calendar link and presses Copy
PAGES = {
    "consultant2": ("da", [("/participants/", None),
                           ("first:main td a[href^='/participants/']", None), ("/runs/", None),
                           ("first:main a[href^='/runs/']", None),  # the newest: waiting
                           ("/runs/", None), ("last:main a[href^='/runs/']", None),  # done
                           ("/dashboard/", None), ("/hours/assignments/1", "empty")]),
    "mentor": ("en", [("/hours/timesheet", "week"), ("/absences/", "empty"),
                      ("/calendar/", "copy")]),
    "employer": ("da", [("/employer/placements", None), ("/employer/placements/new", "empty")]),
    "admin": ("en", [("/admin/users", None), ("/admin/users/new", "empty"),
                     ("/dashboard/manager", None)]),
}

# The focused element's ring and the colour behind it (the nearest ancestor with a
# background of its own: the ring is drawn outside the element)
RING = """() => { const e = document.activeElement, cs = getComputedStyle(e);
  let p = e.parentElement, bg = 'rgb(255, 255, 255)';
  for (; p; p = p.parentElement) { const c = getComputedStyle(p).backgroundColor;
    if (c !== 'transparent' && !c.endsWith(', 0)')) { bg = c; break; } }
  return {html: e.outerHTML.slice(0, 80), style: cs.outlineStyle,
          width: parseFloat(cs.outlineWidth), colour: cs.outlineColor, bg: bg}; }"""

# Each error and each help text on the page is named by a field's (or a group's)
# aria-describedby, and each field marked invalid has one; a progress bar has a name; no id
# is used twice
TIED = """() => { const out = [], described = new Set();
  document.querySelectorAll('[aria-describedby]').forEach(e =>
    e.getAttribute('aria-describedby').split(/\\s+/).forEach(i => described.add(i)));
  document.querySelectorAll('main .error:not(.flash), main .help[id$="-help"]').forEach(e => {
    if (!e.id || !described.has(e.id))
      out.push('not tied to a field: ' + e.outerHTML.slice(0, 120)); });
  document.querySelectorAll('[aria-invalid=true]').forEach(e => {
    if (!e.hasAttribute('aria-describedby') && !e.closest('fieldset[aria-describedby]'))
      out.push('invalid, but says not why: ' + e.outerHTML.slice(0, 120)); });
  document.querySelectorAll('progress, [role=progressbar]').forEach(e => {
    const by = (e.getAttribute('aria-labelledby') || '').split(/\\s+/)
      .map(i => document.getElementById(i)).filter(x => x && x.textContent.trim());
    if (!by.length && !e.getAttribute('aria-label') && !e.labels.length)
      out.push('a progress bar without a name: ' + e.outerHTML.slice(0, 120)); });
  document.querySelectorAll('[data-template]').forEach(e => {  // run.js ticks it each second
    const live = e.closest('[aria-live]');
    if (live && live.getAttribute('aria-live') !== 'off')
      out.push('a ticking clock read out each second: ' + e.outerHTML.slice(0, 120)); });
  const ids = {}; document.querySelectorAll('[id]').forEach(e => ids[e.id] = (ids[e.id] || 0) + 1);
  Object.keys(ids).filter(k => ids[k] > 1).forEach(k => out.push('id used twice: ' + k));
  return out; }"""


# The first Tab stop: a link to the main content, shown on the screen when it has focus
SKIP = """() => { const e = document.activeElement, r = e.getBoundingClientRect();
  return e.getAttribute('href') === '#main' && !!document.querySelector('main#main')
    && r.left >= 0 && r.top >= 0 && r.width > 1 && r.height > 1; }"""


def _luminance(css: str) -> float:
    r, g, b = (int(x) / 255 for x in re.findall(r"\d+", css)[:3])
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def _contrast(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def _check(page, label: str, lang: str, axe: Axe, found: list[str], rings: dict) -> None:
    for v in axe.run(page, options=RULES).response["violations"]:
        if v["impact"] in ("serious", "critical"):
            found.append(f"{label}: axe {v['id']} ({v['impact']}) {v['nodes'][0]['html'][:150]}")
    if page.evaluate("document.documentElement.lang") != lang:
        found.append(f"{label}: <html lang> is not {lang}")
    found.extend(f"{label}: {p}" for p in page.evaluate(TIED))
    # Tab from the top of the page, as after a page load (errors.js put the cursor in a field)
    page.evaluate("b => { b.tabIndex = -1; b.focus(); b.removeAttribute('tabindex'); }",
                  page.query_selector("body"))
    for i in range(TABS):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement === document.body"):
            break  # round the whole page
        ring = page.evaluate(RING)
        if i == 0 and not page.evaluate(SKIP):
            found.append(f"{label}: the first Tab does not reach a skip link to the content")
        ratio = _contrast(ring["colour"], ring["bg"])
        if ring["style"] == "none" or ring["width"] < 2 or ratio < 3:
            rings.setdefault((ring["style"], ring["width"], ring["colour"], ring["bg"]),
                             f"{label}: {ring['html']}")


def _act(page, base: str, url: str, action: str | None) -> str:
    if url.startswith(("first:", "last:")):
        where, selector = url.split(":", 1)
        url = getattr(page.locator(selector), where).get_attribute("href")
    page.goto(base + url)
    if action == "empty":
        form = "main form[method=post]:has([type=submit].primary)"
        for field in page.query_selector_all(f"{form} input[type=text], {form} input[type=date], "
                                             f"{form} input[type=number], {form} textarea"):
            field.fill("")
        page.click(f"{form} [type=submit].primary")
    elif action == "week":  # more hours for one participant than a week allows
        for field in page.query_selector_all("form.timesheet fieldset:first-of-type "
                                             ".task input:not([readonly])"):
            field.fill("20")
        page.click("form.timesheet [type=submit].primary")
    elif action == "copy":  # make a calendar link, and copy it
        page.click("main form [type=submit].primary")
        page.wait_for_load_state("load")
        page.click("main button[data-copy]")
        page.wait_for_function("b => b.textContent === b.dataset.done",
                               arg=page.query_selector("main button[data-copy]"))
    page.wait_for_load_state("load")
    return url


# What a button did (its new text) is in a status region, which a screen reader reads out
TOLD = """() => { const b = document.querySelector('main button[data-copy]');
  return !b || [...document.querySelectorAll('[role=status], [role=alert], [aria-live=polite], '
    + '[aria-live=assertive]')].some(r => r.textContent.includes(b.dataset.done)); }"""


@pytest.fixture
def invitation(app, db, make) -> str:
    """The demo data with a request still waiting for the matcher (its page shows progress),
    and the path of an invitation to set a password (a new user's page)."""
    load_demo()
    consultant = db.session.scalar(select(User).where(User.email == "consultant2@demo.dk"))
    first = db.session.scalar(select(Participant.id).where(
        Participant.consultant_id == consultant.id).order_by(Participant.id))
    create_run(consultant, [first], time_limit=5)
    user = make.user("mentor", email="ny@demo.dk")
    with app.test_request_context():
        url = invite(user, None)
    db.session.commit()
    return urlsplit(url).path


# Fields where the browser or a password manager fills in the user's own details (WCAG 1.3.5)
AUTOCOMPLETE = {"/login": {"email": "username", "password": "current-password"},
                "invitation": {"password": "new-password", "confirm": "new-password"}}


def test_key_pages_of_each_role_work_by_keyboard_and_screen_reader(invitation, live_server,
                                                                    page):
    axe, found, rings = Axe(), [], {}
    for label, url in (("/login", "/login"), ("invitation", invitation)):
        page.goto(live_server + url)
        _check(page, label, "da", axe, found, rings)
        for name, token in AUTOCOMPLETE[label].items():
            if page.get_attribute(f"#{name}", "autocomplete") != token:
                found.append(f"{label}: #{name} has no autocomplete={token}")
    errors = bars = 0
    for who, (lang, pages) in PAGES.items():
        page.context.clear_cookies()
        page.goto(live_server + "/login")
        page.fill("#email", f"{who}@demo.dk")
        page.fill("#password", DEMO_PASSWORD)
        page.press("#password", "Enter")
        page.wait_for_load_state("load")
        if lang == "en":
            page.click("form[action^='/lang/en'] button")
            page.wait_for_load_state("load")
        for url, action in pages:
            url = _act(page, live_server, url, action)
            assert "/login" not in page.url, (who, url)
            errors += len(page.query_selector_all("main .error:not(.flash)"))
            bars += len(page.query_selector_all("main progress"))
            if action == "copy" and not page.evaluate(TOLD):
                found.append(f"{who} {url}: 'copied' is not said to a screen reader")
            _check(page, f"{who} {url}{' (' + action + ')' if action else ''}", lang, axe, found,
                   rings)
    assert errors >= 8, "the forms showed no errors: the test did not test"
    assert bars, "no run page showed its progress: the test did not test"
    found += [f"focus ring {style} {width}px {colour} on {bg} "
              f"({_contrast(colour, bg):.1f}:1), first at {where}"
              for (style, width, colour, bg), where in rings.items()]
    assert not found, "\n".join(found)
