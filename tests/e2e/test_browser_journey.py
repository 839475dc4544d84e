"""Steps 1–4 of the first path, as a person does them in a browser."""

import re

import pytest
from playwright.sync_api import expect

from web.models import Participant, Proposal, ProposalStatus

pytestmark = [pytest.mark.e2e, pytest.mark.browser]


def login(page, base, email):
    page.goto(base + "/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Adgangskode").fill("pw")
    page.get_by_role("button", name="Log ind").click()


def test_consultant_to_mentor_journey(app, db, make, live_server, worker, page):
    make.user("consultant", email="c@demo.dk")
    mentor_user = make.user("mentor", email="m@demo.dk")
    employer = make.employer(name="Café Kornet")
    make.placement(employer, title="Café Kornet: køkken", slots=1)
    make.mentor(None, user=mentor_user, name="Mette Larsen")

    # 1. the consultant adds a participant; a bad value is refused next to its field
    login(page, live_server, "c@demo.dk")
    page.get_by_role("link", name="Tilføj deltager").click()
    page.get_by_label("Pseudonym kode").fill("AAR-5001")
    page.get_by_label("Støttetimer pr. uge, mindst").fill("4")
    page.get_by_label("Støttetimer pr. uge, højst").fill("25")
    page.get_by_label("Mandag").check()
    page.get_by_label("Onsdag").check()
    page.get_by_label("1. ønskede arbejdsområde").select_option("kitchen")
    page.get_by_label("Erfaring med misbrug").check()
    page.get_by_label("Bor i (by)").fill("Aarhus")
    page.get_by_label("Kan højst rejse (km)").fill("15")
    page.get_by_role("button", name="Gem").click()
    expect(page.locator("#hours_max-error")).to_have_text("Skal være mellem 2 og 20.")
    assert db.session.scalar(db.select(db.func.count()).select_from(Participant)) == 0
    page.get_by_label("Støttetimer pr. uge, højst").fill("8")
    page.get_by_role("button", name="Gem").click()
    expect(page.get_by_role("heading", name="Deltager AAR-5001")).to_be_visible()

    # ...and submits a matching request for the waiting
    page.get_by_role("link", name="Deltagere").click()
    page.get_by_role("button", name="Find forslag").click()

    # 2–3. the run page shows progress, then the proposal with its reasons
    expect(page.get_by_role("heading", name="Forslag")).to_be_visible(timeout=60000)
    row = page.locator("table.proposals tbody tr").first
    expect(row).to_contain_text("AAR-5001")
    expect(row).to_contain_text("Mette Larsen")
    page.get_by_role("button", name="Godkend valgte").click()
    expect(page.locator(".flash.success")).to_contain_text("godkendt")

    # 4. the mentor sees only proposals addressed to them, and confirms
    page.get_by_role("button", name="Log ud").click()
    login(page, live_server, "m@demo.dk")
    expect(page.get_by_role("heading", name="Deltager AAR-5001")).to_be_visible()
    page.get_by_role("button", name="Bekræft").click()
    expect(page.locator(".flash.success")).to_contain_text("aktiv")
    db.session.expire_all()
    proposal = db.session.scalar(db.select(Proposal))
    assert proposal.status == ProposalStatus.ACTIVE
    assert re.search(r"AAR-5001", page.locator("table").last.inner_text())
