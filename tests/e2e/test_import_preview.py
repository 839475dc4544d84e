"""A CSV import in the browser: a wrong line is shown with its line and column; nothing stored."""

import pytest
from playwright.sync_api import expect

from tests.e2e.test_consultant_journey import login, shot
from web.models import Participant

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

CSV = ("code;hours_min;hours_max;priority;days;areas;needs;attributes;town;max_travel_km\n"
       "IMP-1;4;8;3;mon,wed;kitchen|retail;addiction;abstinent;Aarhus;15\n"
       "IMP-2;6;25;;tue;;;;Atlantis;20\n")


def test_import_shows_errors_then_commits_a_corrected_file(db, make, live_server, page, tmp_path):
    make.user("consultant", email="k@demo.dk")
    login(page, live_server, "k@demo.dk")
    page.get_by_role("link", name="CSV-import").click()
    bad = tmp_path / "deltagere.csv"
    bad.write_text(CSV, encoding="utf-8")
    page.get_by_label("CSV-fil").set_input_files(str(bad))
    page.get_by_role("button", name="Tjek filen").click()
    expect(page.locator("table.errors tbody tr")).to_have_count(2)
    shot(page, "import-errors")
    assert db.session.scalar(db.select(db.func.count()).select_from(Participant)) == 0

    good = tmp_path / "rettet.csv"
    good.write_text(CSV.replace(";25;", ";10;").replace("Atlantis", "Odense"), encoding="utf-8")
    page.get_by_role("link", name="Upload en anden fil").click()
    page.get_by_label("CSV-fil").set_input_files(str(good))
    page.get_by_role("button", name="Tjek filen").click()
    shot(page, "import-preview")
    page.get_by_role("button", name="Importér 2 poster").click()
    expect(page.locator(".flash.success")).to_contain_text("2 poster importeret")
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count()).select_from(Participant)) == 2
