"""Every page is in Danish (default) and English."""

import subprocess
import sys
from datetime import UTC
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_ui_string_has_a_danish_translation():
    r = subprocess.run([sys.executable, "scripts/i18n.py", "check"], cwd=ROOT,
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr


def test_danish_is_the_default_and_english_can_be_chosen(client):
    html = client.get("/login").get_data(as_text=True)
    assert '<html lang="da">' in html and "Adgangskode" in html
    client.post("/lang/en", data={"next": "/login"})
    html = client.get("/login").get_data(as_text=True)
    assert '<html lang="en">' in html and "Password" in html


def test_english_chosen_before_logging_in_is_kept_as_the_users_language(client, make, auth, db):
    """A walk's mentor chose English on the login page and worked in English, but their
    saved language stayed Danish: e-mails (which use it) came in Danish."""
    user = make.user("mentor")
    assert user.locale in (None, "da")
    client.post("/lang/en", data={"next": "/login"})
    auth.login(user)
    db.session.refresh(user)
    assert user.locale == "en"
    # Not carried to the next user of the browser, who did not choose it.
    auth.logout()
    other = make.user("consultant")
    auth.login(other)
    db.session.refresh(other)
    assert other.locale in (None, "da")


def test_the_language_switch_on_a_form_error_returns_to_the_form(client, make, auth):
    """A form with errors answers a POST whose address takes no GET: switching language
    there went back to that address and got 405."""
    import re

    auth.login(make.user("consultant"))
    html = client.post("/participants/new", data={"code": ""},
                       headers={"Referer": "http://localhost/participants/new?x=1"}
                       ).get_data(as_text=True)
    back = re.search(r'name="next" value="([^"]*)"', html).group(1)
    assert back == "/participants/new?x=1"
    html = client.post("/participants/new", data={"code": ""},
                       headers={"Referer": "http://elsewhere.example/x"}).get_data(as_text=True)
    assert re.search(r'name="next" value="([^"]*)"', html).group(1) == "/"
    page = client.get("/participants/new?x=1")
    assert 'name="next" value="/participants/new?x=1"' in page.get_data(as_text=True)


def test_form_errors_come_in_danish(client, make, auth):
    auth.login(make.user("consultant"))
    html = client.post("/participants/new", data={"code": ""}).get_data(as_text=True)
    assert "Feltet skal udfyldes." in html


def test_every_coded_value_has_a_danish_word_in_the_matchers_reasons():
    from matcher.explain import DANISH_TAGS
    from web import vocab

    codes = [*vocab.AREAS, *vocab.NEEDS, *vocab.ATTRIBUTES, *vocab.DAYS]
    assert [c for c in codes if c not in DANISH_TAGS] == []


def test_date_and_time_cannot_be_read_as_another_day(app):
    from datetime import datetime

    import flask_babel

    from web.i18n import format_datetime

    moment = datetime(2026, 12, 6, 22, 13, tzinfo=UTC)  # 23.13 in Copenhagen
    with app.test_request_context():
        with flask_babel.force_locale("en"):
            assert format_datetime(moment) == "Dec 6, 2026 11:13\u202fPM"
        with flask_babel.force_locale("da"):
            assert format_datetime(moment) == "6. dec. 2026 23.13"


def test_the_matchers_danish_area_names_are_the_forms(app):
    """Reasons come from the matcher; they name areas as the forms do (care: pleje og omsorg)."""
    import flask_babel

    from matcher.explain import DANISH_TAGS
    from web import vocab

    with app.test_request_context(), flask_babel.force_locale("da"):
        form = {code: str(label).lower() for code, label in vocab.AREAS.items()}
    assert {code: DANISH_TAGS[code] for code in form} == form


def test_the_log_in_prompt_is_danish(client):
    """Flask-Login's own prompt was English on a Danish page."""
    html = client.get("/participants/", follow_redirects=True).get_data(as_text=True)
    assert "Log ind for at se siden." in html and "Please log in" not in html


def test_today_is_the_danish_date(app):
    """The pages count days in Danish time, and date.today() read the server's UTC clock:
    from 23.00 to midnight UTC a dashboard period "to today" left out the first hour of the
    Danish day (a suite run at 00.05 Danish time failed on it)."""
    from datetime import UTC, date, datetime

    import time_machine

    def at(*utc):  # a timestamp: time-machine takes an aware datetime's zone as the local one
        return datetime(*utc, tzinfo=UTC).timestamp()

    with time_machine.travel(at(2026, 12, 7, 23, 30), tick=False):
        assert date.today() == date(2026, 12, 8)  # 00.30 in Copenhagen
    with time_machine.travel(at(2026, 7, 7, 22, 30), tick=False):
        assert date.today() == date(2026, 7, 8)  # 00.30 summer time
    with time_machine.travel(at(2026, 12, 7, 22, 30), tick=False):
        assert date.today() == date(2026, 12, 7)
