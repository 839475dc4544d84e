"""Wage costs and the monthly claim: approved hours only, CSV and PDF, employer's own only."""

import re
from datetime import date

import pytest

from tests.web.hours.conftest import MONDAY, employer_login, sheet, week
from tests.web.hours.test_reimbursement_walk import _pdf_text
from web.models import MentorWage


def test_employer_sets_a_wage_cost_and_bad_amounts_are_refused(client, auth, assign, make, db):
    a = assign()
    e = a.mentor.employer
    auth.login(employer_login(make, e))
    url = f"/reimbursement/{e.id}/mentors/{a.mentor_id}/wage"
    for bad in ("", "abc", "10", "5000", "250,555"):
        r = client.post(url, data={"hourly_cost": bad})
        assert r.status_code == 400, bad
        assert 'class="error"' in r.get_data(as_text=True)
    assert db.session.query(MentorWage).count() == 0
    assert client.post(url, data={"hourly_cost": "285,50"}).status_code == 302
    assert db.session.query(MentorWage).one().hourly_cost_ore == 28550
    client.post(url, data={"hourly_cost": "300"})
    assert db.session.query(MentorWage).one().hourly_cost_ore == 30000


def test_employer_cannot_reach_another_employers_mentor_or_claim(client, auth, assign, make):
    a = assign()
    other = make.employer()
    auth.login(employer_login(make, other))
    e = a.mentor.employer
    assert (
        client.post(
            f"/reimbursement/{e.id}/mentors/{a.mentor_id}/wage", data={"hourly_cost": "200"}
        ).status_code
        == 404
    )
    assert (
        client.post(
            f"/reimbursement/{other.id}/mentors/{a.mentor_id}/wage", data={"hourly_cost": "200"}
        ).status_code
        == 404
    )
    assert client.get(f"/reimbursement/{e.id}/claim-2026-01.csv").status_code == 404
    assert client.get(f"/reimbursement/{e.id}").status_code == 404


def test_claim_counts_only_approved_hours_of_the_month(client, auth, assign, make, db):
    a = assign()
    e = a.mentor.employer
    db.session.add(MentorWage(mentor_id=a.mentor_id, hourly_cost_ore=25000))
    sheet(db, a, MONDAY, 4.5)  # Jan: approved
    sheet(db, a, week(1), 3, status="submitted")  # Jan: not approved yet
    sheet(db, a, week(4), 2)  # 2 Feb: next month
    auth.login(employer_login(make, e))
    r = client.get(f"/reimbursement/{e.id}/claim-2026-01.csv")
    assert r.status_code == 200 and r.content_type == "text/csv; charset=utf-8"
    raw = r.get_data()
    assert raw.startswith("\ufeff".encode())
    text = raw.decode("utf-8-sig")
    lines = text.strip().split("\r\n")
    assert len(lines) == 3  # header, one approved week, total
    assert lines[1].split(";") == [
        a.mentor.name,
        a.participant.code,
        "2026-01-05",
        "4,50",
        "250,00",
        "1.125,00",
    ]
    assert lines[2].split(";")[-1] == "1.125,00"
    feb = client.get(f"/reimbursement/{e.id}/claim-2026-02.csv").get_data().decode("utf-8-sig")
    assert "2026-02-02" in feb and "2026-01-05" not in feb


def test_an_erased_participants_approved_hours_stay_in_the_claim_without_them(
        client, auth, assign, make, db):
    """A walk erased a participant, and their employer's claim for a month already sent fell
    from 9.920,00 kr. to 0,00: the hours are the employer's bookkeeping. They stay, as the
    mentor's hours in a week, with nothing of the person."""
    from web.gdpr.service import erase_participant
    from web.models import ErasedHours
    from web.reimbursement.claim import build_claim

    a = assign()
    b = assign(mentor=a.mentor)
    e, code = a.mentor.employer, a.participant.code
    db.session.add(MentorWage(mentor_id=a.mentor_id, hourly_cost_ore=25000))
    sheet(db, a, MONDAY, 4.5)
    sheet(db, a, week(1), 3, status="submitted")  # not approved: not in the claim, not kept
    sheet(db, b, MONDAY, 2)
    before = build_claim(e, MONDAY)
    assert (before.hours, before.amount_ore) == (6.5, 162500)
    assert erase_participant(a.participant_id, queue=False)
    after = build_claim(e, MONDAY)
    assert (after.hours, after.amount_ore) == (6.5, 162500)
    assert [(x.participant_code, x.hours) for x in after.lines] == [
        (b.participant.code, 2), ("(slettet)", 4.5)]
    assert db.session.query(ErasedHours).count() == 1  # the approved week only
    auth.login(employer_login(make, e))
    text = client.get(f"/reimbursement/{e.id}/claim-2026-01.csv").get_data().decode("utf-8-sig")
    assert code not in text and "(slettet);2026-01-05;4,50;250,00;1.125,00" in text


def test_claim_pdf_is_a_pdf(client, auth, assign, make, db):
    a = assign()
    e = a.mentor.employer
    sheet(db, a, MONDAY, 6)
    auth.login(employer_login(make, e))
    r = client.get(f"/reimbursement/{e.id}/claim-2026-01.pdf")
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    assert r.get_data().startswith(b"%PDF")


def test_employer_never_sees_needs(client, auth, assign, make, db):
    a = assign()
    e = a.mentor.employer
    sheet(db, a, MONDAY, 6)
    auth.login(employer_login(make, e))
    client.post("/lang/en")
    page = client.get(f"/reimbursement/{e.id}?month=2026-01").get_data(as_text=True)
    csv = client.get(f"/reimbursement/{e.id}/claim-2026-01.csv").get_data(as_text=True)
    assert a.participant.code in page
    assert "Claim for January 2026" in page  # the month in words, not 2026-01
    for text in (page, csv):
        assert "addiction" not in text.lower() and "Experience with" not in text
    for path in (
        "/hours/approvals",
        f"/hours/assignments/{a.id}",
        "/dashboard/manager",
        "/participants/",
    ):
        assert client.get(path).status_code == 403, path


def test_month_parameter_falls_back_and_bad_format_is_404(client, auth, assign, make):
    a = assign()
    e = a.mentor.employer
    auth.login(employer_login(make, e))
    assert client.get(f"/reimbursement/{e.id}?month=bad").status_code == 200
    assert client.get(f"/reimbursement/{e.id}/claim-2026-13.csv").status_code == 404
    assert client.get(f"/reimbursement/{e.id}/claim-2026-01.xls").status_code == 404
    assert date(2026, 1, 1)


def test_amounts_round_half_up_to_the_ore():
    from web.reimbursement.claim import ClaimLine, kroner

    line = ClaimLine("M", "P", date(2026, 1, 5), 0.5, 28549)  # 142.745 kr
    assert line.amount_ore == 14275 and kroner(line.amount_ore) == "142,75"
    assert kroner(123456789) == "1.234.567,89"


def test_a_wage_holds_from_its_month_and_months_before_keep_theirs(client, auth, assign, make,
                                                                   db):
    """A walk changed a wage and saw last month's claim, perhaps already sent, repriced."""
    a = assign()
    e = a.mentor.employer
    db.session.add(MentorWage(mentor_id=a.mentor_id, hourly_cost_ore=25000))  # from always
    sheet(db, a, MONDAY, 2)  # January
    sheet(db, a, week(4), 2)  # 2 February
    auth.login(employer_login(make, e))
    url = f"/reimbursement/{e.id}/mentors/{a.mentor_id}/wage"
    r = client.post(url, data={"hourly_cost": "300", "valid_from": "2026-02"},
                    follow_redirects=True)
    assert f"Lønomkostning pr. time gemt for {a.mentor.name} fra februar 2026." in r.get_data(
        as_text=True)
    assert ("Anmodningerne fra februar 2026 og frem beregnes nu med denne løn" in
            r.get_data(as_text=True))  # a month gone by: claims change, and it says so
    jan = client.get(f"/reimbursement/{e.id}/claim-2026-01.csv").get_data().decode("utf-8-sig")
    feb = client.get(f"/reimbursement/{e.id}/claim-2026-02.csv").get_data().decode("utf-8-sig")
    assert ";250,00;500,00" in jan and ";300,00;600,00" in feb
    # Saving the same month again changes that month's wage; a later one is shown as planned.
    client.post(url, data={"hourly_cost": "310", "valid_from": "2026-02"})
    later = date.today().year + 2  # months up to five years ahead can be planned
    client.post(url, data={"hourly_cost": "320", "valid_from": f"{later}-03"})
    assert sorted(w.hourly_cost_ore for w in db.session.scalars(db.select(MentorWage))) == [
        25000, 31000, 32000]
    page = client.get(f"/reimbursement/{e.id}").get_data(as_text=True)
    assert "310,00 <span class=\"help\">fra februar 2026</span>" in page
    assert f"320,00 <span class=\"help\">fra marts {later}<" in page
    # A walk saved 9999-12, listed as planned with no way to delete it: refused at its field.
    r = client.post(url, data={"hourly_cost": "320", "valid_from": "9999-12"})
    assert r.status_code == 400 and f"Vælg en måned til og med {date.today().year + 5}." in (
        r.get_data(as_text=True))
    assert db.session.scalar(db.select(db.func.count()).select_from(MentorWage)) == 3
    # A month that is not one is told at its field, and nothing is stored.
    r = client.post(url, data={"hourly_cost": "330", "valid_from": "2026-13"})
    assert r.status_code == 400 and "Vælg en måned, fx 2026-11." in r.get_data(as_text=True)
    assert f'id="from-{a.mentor_id}-error"' in r.get_data(as_text=True)
    assert 'value="330"' in r.get_data(as_text=True)  # the wage typed stays, not marked
    assert f'aria-describedby="wage-{a.mentor_id}-error"' not in r.get_data(as_text=True)
    assert db.session.query(MentorWage).count() == 3


def test_a_planned_wage_change_can_be_removed_and_one_in_force_cannot(client, auth, assign,
                                                                       make, db):
    """A walk saved a wage for the wrong month and had no way to take it back."""
    a = assign()
    e = a.mentor.employer
    now = MentorWage(mentor_id=a.mentor_id, hourly_cost_ore=25000)  # in force, from always
    later = date(date.today().year + 2, 3, 1)
    planned = MentorWage(mentor_id=a.mentor_id, hourly_cost_ore=32000, valid_from=later)
    db.session.add_all([now, planned])
    db.session.commit()
    auth.login(employer_login(make, e))
    page = client.get(f"/reimbursement/{e.id}?month=2026-02").get_data(as_text=True)
    remove = f"/reimbursement/{e.id}/wages/{planned.id}/remove?month=2026-02"
    assert f'action="{remove}"' in page  # the planned change has its button, the wage in force
    assert f"/wages/{now.id}/remove" not in page  # none
    # Someone else's employer cannot, nor can a wage in force be removed by address.
    other = make.employer()
    assert client.post(f"/reimbursement/{other.id}/wages/{planned.id}/remove").status_code == 404
    assert client.post(f"/reimbursement/{e.id}/wages/{planned.id + 99}/remove").status_code == 404
    r = client.post(f"/reimbursement/{e.id}/wages/{now.id}/remove", follow_redirects=True)
    assert "Kun en planlagt ændring kan fjernes" in r.get_data(as_text=True)
    assert db.session.query(MentorWage).count() == 2
    r = client.post(remove)
    assert r.status_code == 302 and r.location.endswith(f"/reimbursement/{e.id}?month=2026-02")
    page = client.get(r.location).get_data(as_text=True)
    assert (f"Ændringen til 320,00 kr. fra marts {later.year} er fjernet for {a.mentor.name}."
            in page)
    assert [w.id for w in db.session.scalars(db.select(MentorWage))] == [now.id]


def test_a_page_with_a_form_per_row_repeats_no_id(app, client, auth, assign, make, db):
    """Every wage form rendered id="csrf_token": one id, many elements."""
    a = assign()
    make.mentor(a.mentor.employer)  # a second colleague: a second form
    auth.login(employer_login(make, a.mentor.employer))
    app.config["WTF_CSRF_ENABLED"] = True  # the field exists only then
    try:
        page = client.get(f"/reimbursement/{a.mentor.employer.id}").get_data(as_text=True)
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert page.count('name="csrf_token"') == 4  # the header's two forms and a wage form each
    assert 'id="csrf_token"' not in page


def test_a_month_before_2000_is_told_so_at_its_field_and_nothing_is_stored(
    client, auth, assign, make, db
):
    a = assign()
    e = a.mentor.employer
    auth.login(employer_login(make, e))
    url = f"/reimbursement/{e.id}/mentors/{a.mentor_id}/wage"
    for lang, told, generic in (
        ("da", "Vælg en måned fra år 2000 og frem.", "Vælg en måned, fx 2026-11."),
        ("en", "Choose a month from 2000 on.", "Choose a month, e.g. 2026-11."),
    ):
        client.post(f"/lang/{lang}")
        r = client.post(url, data={"hourly_cost": "300", "valid_from": "1999-12"})
        assert r.status_code == 400
        page = r.get_data(as_text=True)
        error = re.search(rf'<p class="error" id="from-{a.mentor_id}-error">([^<]*)</p>', page)
        assert error and error.group(1) == told
        assert generic not in page
        assert f'aria-describedby="from-{a.mentor_id}-error"' in page
    assert db.session.query(MentorWage).count() == 0


@pytest.mark.parametrize(
    ("lang", "header", "old"),
    [("da", "Lønomkostning pr. time (kr.)", "Timesats"), ("en", "Hourly wage cost (DKK)", "Rate")],
)
def test_claim_pdf_names_the_wage_column_as_the_page_does(
    client, auth, assign, make, db, lang, header, old
):
    a = assign()
    e = a.mentor.employer
    db.session.add(MentorWage(mentor_id=a.mentor_id, hourly_cost_ore=28550))
    sheet(db, a, MONDAY, 2)
    auth.login(employer_login(make, e))
    client.post(f"/lang/{lang}")
    page = client.get(f"/reimbursement/{e.id}?month=2026-01").get_data(as_text=True)
    assert f"<th>{header}</th>" in page
    pdf = _pdf_text(client.get(f"/reimbursement/{e.id}/claim-2026-01.pdf").get_data())
    words = " ".join(pdf.split())  # a long header wraps onto two lines of its column
    # The claim is a Danish document in either session: the page's Danish words.
    assert "Lønomkostning pr. time (kr.)" in words and "Timesats" not in words
    assert "285,50" in words and "571,00" in words and old != header


def test_page_amounts_follow_the_language_and_the_claim_stays_danish(
    client, auth, assign, make, db
):
    a = assign()
    e = a.mentor.employer
    db.session.add(MentorWage(mentor_id=a.mentor_id, hourly_cost_ore=123450))
    sheet(db, a, MONDAY, 2)  # 2 h x 1.234,50 = 2.469,00
    auth.login(employer_login(make, e))
    client.post("/lang/en")
    page = client.get(f"/reimbursement/{e.id}?month=2026-01").get_data(as_text=True)
    assert "1,234.50" in page and "2,469.00" in page  # the wage table and the claim
    assert "1.234,50" not in page and "2.469,00" not in page
    # The claim itself is a Danish document, whatever the session's language.
    csv = client.get(f"/reimbursement/{e.id}/claim-2026-01.csv").get_data().decode("utf-8-sig")
    assert csv.strip().split("\r\n")[1].endswith(";2,00;1.234,50;2.469,00")
    assert "1,234.50" not in csv and "2,469.00" not in csv
    pdf = _pdf_text(client.get(f"/reimbursement/{e.id}/claim-2026-01.pdf").get_data())
    assert "1.234,50" in pdf and "2.469,00" in pdf and "1,234.50" not in pdf
    client.post("/lang/da")
    page = client.get(f"/reimbursement/{e.id}?month=2026-01").get_data(as_text=True)
    assert "1.234,50" in page and "2.469,00" in page
    assert "1,234.50" not in page


def test_kroner_is_danish_on_an_english_request_and_money_follows_it(app):
    from flask import session
    from flask_babel import refresh

    from web.reimbursement.claim import kroner, money

    for lang, amount in (("en", "1,234.50"), ("da", "1.234,50")):
        with app.test_request_context():
            session["lang"] = lang
            refresh()  # Flask-Babel keeps the locale of the app context the fixture holds
            assert money(123450) == amount and kroner(123450) == "1.234,50"
            assert money(None) == kroner(None) == ""
    assert kroner(5) == "0,05"  # no request at all: the claim's format needs none


def test_wage_is_read_in_either_notation_and_ambiguous_amounts_are_refused(
    client, auth, assign, make, db
):
    a = assign()
    e = a.mentor.employer
    auth.login(employer_login(make, e))
    client.post("/lang/en")
    url = f"/reimbursement/{e.id}/mentors/{a.mentor_id}/wage"
    for typed, ore in (
        ("285,50", 28550),
        ("285.50", 28550),
        ("1.234,50", 123450),
        ("1,234.50", 123450),
        ("1234,5", 123450),
        ("2,000.00", 200000),
    ):
        r = client.post(url, data={"hourly_cost": typed, "valid_from": "2026-01"})
        assert r.status_code == 302, typed
        assert db.session.query(MentorWage).one().hourly_cost_ore == ore, typed
    for typed, told in (
        ("1,234", "Unclear amount: write it without a thousands separator"),
        ("2.000", "Unclear amount: write it without a thousands separator"),
        ("12,34.50", "Write an amount in kroner"),
        ("1.234.50", "Write an amount in kroner"),
        ("1e3", "Write an amount in kroner"),
        ("250,555", "At most two decimals"),
    ):
        r = client.post(url, data={"hourly_cost": typed, "valid_from": "2026-01"})
        assert r.status_code == 400, typed
        error = re.search(rf'id="wage-{a.mentor_id}-error">([^<]*)<', r.get_data(as_text=True))
        assert error and error.group(1).startswith(told), (typed, error)
    assert db.session.query(MentorWage).one().hourly_cost_ore == 200000
