"""Substitute cover end to end: a real worker, real Redis, a real browser."""

from datetime import date, timedelta

import pytest
from babel.dates import format_date as babel_date
from playwright.sync_api import expect

from tests.cover_helpers import scene
from tests.e2e.conftest import wait_for
from web.models.cover import CoverRequest, NeedStatus, mentor_on

pytestmark = [pytest.mark.e2e, pytest.mark.browser]


def login(page, base, email):
    page.goto(base + "/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Adgangskode").fill("pw")
    page.get_by_role("button", name="Log ind").click()


def test_absence_to_cover_and_back(app, db, make, live_server, worker, page):
    s = scene(db, make, n=2)
    start, end = date.today(), date.today() + timedelta(days=2)

    # The employer reports its colleague-mentor sick; the cover job runs on the worker.
    login(page, live_server, s.employer_user.email)
    page.get_by_role("link", name="Fravær").click()
    page.get_by_label("Mentor").select_option(str(s.mentor.id))
    page.get_by_label("Første fraværsdag").fill(start.isoformat())
    page.get_by_label("Sidste fraværsdag").fill(end.isoformat())
    page.get_by_role("button", name="Meld fravær").click()
    expect(page.locator(".flash.success")).to_contain_text("2 deltager")

    def asked():
        db.session.expire_all()
        return db.session.scalars(db.select(CoverRequest)).all()

    requests = wait_for(lambda: len(asked()) == 2 and asked(), timeout=90)
    assert {r.substitute_id for r in requests} == {s.colleague.id}  # a colleague on site first
    page.get_by_role("button", name="Log ud").click()

    # The colleague confirms in their cover inbox.
    login(page, live_server, s.colleague_user.email)
    page.get_by_role("link", name="Vikarforespørgsler").click()
    first = requests[0]
    code = first.assignment.participant.code
    card = page.locator("article.card", has_text=code)
    card.get_by_role("button", name="Bekræft vikariat").click()
    expect(page.locator(".flash.success")).to_be_visible()
    page.get_by_role("button", name="Log ud").click()

    # The employer sees who covers and when; nothing about the participant but the code.
    login(page, live_server, s.employer_user.email)
    page.get_by_role("link", name="Vikardækning", exact=True).click()
    row = page.locator("tbody tr", has_text=code)
    expect(row).to_contain_text("Vikar aftalt")
    expect(row).to_contain_text(s.colleague.name)
    other = requests[1].assignment.participant.code
    # the other's substitute was asked and has not answered: said so, and not who
    expect(page.locator("tbody tr", has_text=other)).to_contain_text(
        "Vikar spurgt, intet svar endnu")

    db.session.expire_all()
    req = db.session.get(CoverRequest, first.id)
    assert req.need.status == NeedStatus.FILLED
    a = req.assignment
    assert mentor_on(a, start) == s.colleague.id
    assert mentor_on(a, end + timedelta(days=1)) == s.mentor.id  # the absence is over

    # The mentor will be away two days longer: the employer extends the absence, and the
    # colleague who covers is asked to go on.
    page.get_by_role("link", name="Fravær", exact=True).click()
    page.locator("tbody tr", has_text=s.mentor.name).get_by_role("link", name="Forlæng").click()
    longer = end + timedelta(days=2)
    page.get_by_label("Ny sidste fraværsdag").fill(longer.isoformat())
    page.get_by_role("button", name="Forlæng fraværet").click()
    expect(page.locator(".flash.success")).to_contain_text("bliver spurgt, om de vil fortsætte")
    expect(page.locator("tbody tr", has_text="forlænget til og med")).to_have_count(1)

    def going_on():
        db.session.expire_all()
        return db.session.scalars(db.select(CoverRequest).where(
            CoverRequest.assignment_id == first.assignment_id,
            CoverRequest.starts_on == end + timedelta(days=1))).all()

    [go_on] = wait_for(going_on, timeout=90)
    assert (go_on.substitute_id, go_on.ends_on) == (s.colleague.id, longer)

    # The mentor is not away after all: the employer withdraws the absence, and its
    # extension with it. The button asks first (a browser dialog); the substitute's cover is
    # then cancelled.
    asked_first = []

    def answer(dialog):
        asked_first.append(dialog.message)
        dialog.accept()

    page.once("dialog", answer)
    row = page.locator("tbody tr", has_text="forlænget til og med")
    row.get_by_role("button", name="Træk tilbage").click()
    expect(page.locator(".flash.success")).to_contain_text("Fraværet er trukket tilbage")
    assert asked_first and asked_first[0].startswith(f"Vil du trække fraværet for {s.mentor.name}")
    assert f"til {babel_date(longer, 'medium', locale='da')} tilbage?" in asked_first[0]
    expect(page.locator("tbody tr", has_text="Trukket tilbage")).to_have_count(2)
    db.session.expire_all()
    assert db.session.get(CoverRequest, first.id).status == "cancelled"
    assert db.session.get(CoverRequest, go_on.id).status == "cancelled"
    assert mentor_on(a, start) == s.mentor.id
