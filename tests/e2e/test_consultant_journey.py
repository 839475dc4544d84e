"""The job consultant's day in a browser.

Pause and reopen, request with a weight, decide, run again.
"""


import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import save_screenshot
from web.models import Participant, Proposal, ProposalStatus, SolveRun

pytestmark = [pytest.mark.e2e, pytest.mark.browser]



def login(page, base, email):
    page.goto(base + "/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Adgangskode").fill("pw")
    page.get_by_role("button", name="Log ind").click()


def shot(page, name):
    save_screenshot(page, name, full_page=True)


def test_consultant_journey(app, db, make, live_server, worker, page):
    consultant = make.user("consultant", email="k@demo.dk", name="Karen Jobkonsulent")
    employer = make.employer(name="Café Kornet")
    make.placement(employer, title="Café Kornet: køkken", slots=2)
    make.mentor(employer, name="Mette Larsen", capacity_hours=20, max_participants=3)
    first = make.participant(consultant, code="AAR-0101", priority=3, areas=["kitchen", "cafe"],
                             needs=["addiction"])
    make.participant(consultant, code="AAR-0102", priority=2)
    make.participant(consultant, code="AAR-0103", priority=1)
    page.on("dialog", lambda d: d.accept())  # the "are you sure?" of pause, close, approve all

    login(page, live_server, "k@demo.dk")
    expect(page.get_by_role("heading", name="Deltagere", exact=True)).to_be_visible()
    shot(page, "participant-list")

    # pause and reopen a participant from the case page
    page.get_by_role("link", name="AAR-0101").click()
    page.wait_for_load_state("load")  # confirm.js is deferred: let it attach before clicking
    page.get_by_role("button", name="Sæt på pause").click()
    expect(page.locator("#case-status")).to_have_text("På pause")
    page.get_by_role("button", name="Genoptag").click()  # a pause resumes; a closed case reopens
    expect(page.locator("#case-status")).to_have_text("Venter")
    expect(page.locator("ol.timeline")).to_contain_text("Genoptaget")  # a pause resumes

    # a matching request for all three with one weight changed
    page.get_by_role("link", name="Deltagere", exact=True).click()
    page.get_by_text("Vægte (avanceret)").click()
    page.get_by_label("Rejseafstand", exact=True).fill("2.5")
    shot(page, "match-request-weights")
    page.get_by_role("button", name="Find forslag").click()

    # progress shows the phase and the seconds, then the proposals
    expect(page.locator("#run-elapsed")).to_contain_text("af højst 10 sekunder")
    expect(page.get_by_role("heading", name="Forslag", exact=True)).to_be_visible(timeout=60000)
    run = db.session.scalar(db.select(SolveRun))
    assert run.weights == {"travel_km": 2.5}
    rows = page.locator("table.proposals tbody tr")
    expect(rows).to_have_count(2)
    page.wait_for_load_state("load")
    page.get_by_role("button", name="Godkend alle").click()
    expect(page.locator(".flash.success")).to_contain_text("2 forslag godkendt")

    # reject one with a reason; it and the unmatched can be run again
    row = rows.first
    row.get_by_label("Begrundelse", exact=True).select_option("timing")
    row.get_by_role("button", name="Afvis").click()
    expect(page.locator(".flash.success")).to_contain_text("afvist")
    shot(page, "run-page")
    page.get_by_role("button", name="Kør igen for dem, der venter").click()
    expect(page.get_by_role("heading", name="Forslag", exact=True)).to_be_visible(timeout=60000)
    db.session.expire_all()
    runs = db.session.scalars(db.select(SolveRun).order_by(SolveRun.id)).all()
    assert len(runs) == 2 and len(runs[1].scope) == 2 and runs[1].weights == {"travel_km": 2.5}
    rejected = db.session.scalar(
        db.select(Proposal).where(Proposal.status == ProposalStatus.REJECTED))
    assert rejected.decision_reason == "timing" and rejected.participant_id in runs[1].scope

    # the case page tells the story
    page.goto(f"{live_server}/participants/{first.id}")
    expect(page.locator("ol.timeline")).to_contain_text("Forslag godkendt")
    shot(page, "case-page")
    page.get_by_role("link", name="Ret", exact=True).click()
    shot(page, "participant-form")
    assert db.session.get(Participant, first.id).status in ("proposed", "waiting")
