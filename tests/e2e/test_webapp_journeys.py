"""The employer and admin journeys, and the mentor inbox on a phone, in a real browser.

Set SCREENSHOTS=1 to (re)write the pictures in docs/screenshots/.
"""


import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import save_screenshot
from web.models import Employer, Mentor, Placement, Proposal, ProposalStatus, User

pytestmark = [pytest.mark.e2e, pytest.mark.browser]
shoot = save_screenshot


def login(page, base, email, password="pw"):
    page.goto(base + "/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Adgangskode").fill(password)
    page.get_by_role("button", name="Log ind").click()


def test_employer_journey(db, make, live_server, page):
    company = make.employer(name="Café Kornet", town="Aarhus (Aarhus Kommune)")
    make.user("employer", email="e@demo.dk", name="Erik Madsen", employer_id=company.id)

    login(page, live_server, "e@demo.dk")
    expect(page.get_by_role("heading", name="Praktikpladser hos Café Kornet")).to_be_visible()

    # a CVR number that fails the modulus-11 check is refused next to the field
    page.get_by_role("link", name="Virksomhed").click()
    page.get_by_label("CVR-nummer").fill("10000008")
    page.get_by_role("button", name="Gem").click()
    expect(page.locator("#cvr-error")).to_have_text(
        "Dette er ikke et gyldigt CVR-nummer. Tjek cifrene.")
    shoot(page, "employer-company-bad-cvr")
    page.get_by_label("CVR-nummer").fill("10000009")
    page.get_by_role("button", name="Gem").click()
    expect(page.locator(".flash.success")).to_contain_text("gemt")
    db.session.expire_all()
    assert db.session.get(Employer, company.id).cvr == "10000009"

    # a placement
    page.get_by_role("link", name="Praktikpladser", exact=True).click()
    page.get_by_role("link", name="Ny plads").click()
    page.get_by_label("Titel").fill("Køkkenhjælp")
    page.get_by_label("Arbejdsområde").select_option("kitchen")
    page.get_by_label("Antal pladser").fill("2")
    page.get_by_label("Mandag").check()
    page.get_by_label("Onsdag").check()
    page.get_by_label("Afholdende (kan arbejde på stoffri steder)").check()
    page.get_by_label("Sådan tilpasser arbejdspladsen sig").fill("Rolig start kl. 9")
    page.get_by_label("Startdato").fill("2027-01-04")
    page.get_by_label("Slutdato").fill("2027-06-30")
    shoot(page, "employer-placement-form")
    page.get_by_role("button", name="Gem").click()
    expect(page.locator("table")).to_contain_text("Køkkenhjælp")
    shoot(page, "employer-placements")
    p = db.session.scalar(db.select(Placement))
    assert (p.requirements, p.town, p.days) == (["abstinent"], "Aarhus (Aarhus Kommune)",
                                                ["mon", "wed"])

    # a colleague-mentor, invited to log in
    page.get_by_role("link", name="Kollega-mentorer").click()
    page.get_by_role("link", name="Ny kollega-mentor").click()
    page.get_by_label("Navn").fill("Kim Kollega")
    page.get_by_label("Erfaring med misbrug").check()
    page.get_by_label("Tirsdag").check()
    page.get_by_label("Støttetimer pr. uge mentoren kan give").fill("6")  # about the colleague
    page.get_by_label("Højst så mange deltagere ad gangen").fill("2")
    page.get_by_label("E-mail").fill("kim@cafe.dk")
    page.get_by_role("button", name="Gem").click()
    expect(page.get_by_role("heading", name="Invitationslink til Kim Kollega")).to_be_visible()
    assert "/invite/" in page.get_by_label("Invitationslink").input_value()
    page.get_by_role("link", name="Tilbage").click()
    expect(page.locator("table")).to_contain_text("Kim Kollega")
    shoot(page, "employer-mentors")
    m = db.session.scalar(db.select(Mentor))
    assert m.employer_id == company.id and m.user.email == "kim@cafe.dk"

    # the same pages work on a phone: tables stack, nothing sticks out sideways
    page.set_viewport_size({"width": 390, "height": 844})
    page.locator("header nav summary").click()  # a phone folds the menu into "Menu"
    page.get_by_role("link", name="Praktikpladser", exact=True).click()
    expect(page.get_by_role("link", name="Ny plads")).to_be_visible()
    page.wait_for_load_state("load")  # measured with its stylesheet, not before (busy machine)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shoot(page, "employer-placements-phone")


def test_admin_invitation_journey(db, make, live_server, page):
    make.user("admin", email="a@demo.dk", name="Anne Berg")
    login(page, live_server, "a@demo.dk")
    page.get_by_role("link", name="Brugere").click()
    page.get_by_role("link", name="Inviter en ny bruger").click()
    page.get_by_label("Navn").fill("Nina Ny")
    page.get_by_label("E-mail").fill("nina@demo.dk")
    page.get_by_label("Rolle").select_option("consultant")
    page.get_by_role("button", name="Opret og få invitationslink").click()
    link = page.get_by_label("Invitationslink").input_value()
    shoot(page, "admin-invitation-link")
    page.get_by_role("link", name="Tilbage").click()
    shoot(page, "admin-users")
    page.get_by_role("button", name="Log ud").click()

    page.goto(link)
    expect(page.get_by_role("heading", name="Vælg din adgangskode")).to_be_visible()
    page.get_by_label("Ny adgangskode").fill("en lang kode 42")
    page.get_by_label("Gentag adgangskoden").fill("en lang kode 42")
    page.get_by_role("button", name="Vælg adgangskode").click()
    expect(page.locator(".flash.success")).to_contain_text("Din adgangskode er valgt")
    login(page, live_server, "nina@demo.dk", "en lang kode 42")
    expect(page.get_by_role("button", name="Log ud")).to_be_visible()
    assert db.session.scalar(db.select(User).where(User.email == "nina@demo.dk")).password_hash

    # the link works once only
    page.goto(link)
    expect(page.get_by_role("heading", name="Invitationen er ikke gyldig")).to_be_visible()


def test_mentor_inbox_fits_a_phone(browser, make, live_server):
    user = make.user("mentor", email="m@demo.dk", name="Mette Larsen")
    mentor = make.mentor(None, user=user, name="Mette Larsen")
    placement = make.placement(make.employer(name="Café Kornet"), title="Café Kornet: køkken")
    participant = make.participant(code="AAR-5001", needs=["addiction"])
    make._add(Proposal(participant_id=participant.id, placement_id=placement.id,
                       mentor_id=mentor.id, hours=6, status=ProposalStatus.APPROVED))
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="da-DK",
                                  is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        login(page, live_server, "m@demo.dk")
        expect(page.get_by_role("heading", name="Deltager AAR-5001")).to_be_visible()
        shoot(page, "mentor-inbox-phone")
        # nothing sticks out sideways, and the buttons are big enough to tap
        page.wait_for_load_state("load")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        box = page.get_by_role("button", name="Bekræft").bounding_box()
        assert box["height"] >= 40 and box["width"] >= 44
    finally:
        context.close()
