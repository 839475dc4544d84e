"""The data-protection pages and the audit log, as people use them in a browser."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.test_browser_journey import login
from web.models import Participant

pytestmark = [pytest.mark.browser]
SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def test_consultant_erases_a_participant_and_the_admin_sees_it_in_the_log(
        app, db, make, live_server, page):
    consultant = make.user("consultant", email="c@demo.dk", name="Karen Konsulent")
    make.user("admin", email="a@demo.dk")
    p = make.participant(consultant=consultant, code="AAR-7001", needs=["trauma"])
    pid = p.id
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    login(page, live_server, "c@demo.dk")
    page.get_by_role("link", name="Databeskyttelse").click()
    page.get_by_label("Deltagerkode").fill("AAR-7001")
    page.get_by_role("button", name="Find").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("AAR-7001")
    expect(page.get_by_role("link", name="Hent alt som JSON")).to_be_visible()
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "gdpr-participant.png"), full_page=True)

    page.get_by_label("Skriv deltagerens kode for at bekræfte").fill("AAR-7000")
    page.get_by_role("button", name="Slet alt om denne deltager").click()
    expect(page.locator(".error")).to_have_text("Koden passer ikke.")
    page.get_by_label("Skriv deltagerens kode for at bekræfte").fill("AAR-7001")
    page.get_by_role("button", name="Slet alt om denne deltager").click()
    expect(page.locator(".flash.success")).to_have_text(f"Deltager #{pid} er slettet.")
    db.session.expire_all()
    assert db.session.get(Participant, pid) is None

    page.get_by_role("button", name="Log ud").click()
    login(page, live_server, "a@demo.dk")
    page.get_by_role("link", name="Revisionslog").click()
    page.get_by_label("Deltager-id").fill(str(pid))
    page.get_by_label("Handling").select_option("erase")
    page.get_by_role("button", name="Filtrér").click()
    rows = page.locator("table.audit tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Karen Konsulent")
    expect(rows.first).to_contain_text("Slettet helt")
    page.get_by_label("Handling").select_option("")
    page.get_by_role("button", name="Filtrér").click()
    # Newest first: the erasure is the last word about the participant, no read after it.
    expect(rows.first).to_contain_text("Slettet helt")
    page.screenshot(path=str(SHOTS / "audit-log.png"), full_page=True)
    assert "AAR-7001" not in page.content()  # the log keeps ids, not codes
    assert not [e for e in errors if "Content Security Policy" in e], errors
