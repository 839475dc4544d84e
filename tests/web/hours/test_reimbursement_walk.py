"""Findings of a user walk through the reimbursement page, its PDF and its downloads."""

import re
import zlib
from html import unescape

import pytest

from tests.web.hours.conftest import MONDAY, employer_login, sheet, week
from web.models import MentorWage


def _pdf_text(raw: bytes) -> str:
    """The text drawn on the PDF's pages (fpdf2 deflates its content streams)."""
    out = []
    # Each stream's bytes by its /Length: a compressed stream that ended in "\r" lost it to a
    # "\r?\nendstream" pattern, failed to inflate, and read as no text (a CI run, once).
    for m in re.finditer(rb"/Length (\d+)\s*>>\s*stream\r?\n", raw):
        data = raw[m.end():m.end() + int(m.group(1))]
        try:
            out.append(zlib.decompress(data).decode("latin-1"))
        except zlib.error:
            out.append(data.decode("latin-1"))
    shown = re.findall(r"\(((?:\\.|[^\\)])*)\)\s*Tj", "\n".join(out))
    return "\n".join(re.sub(r"\\(.)", r"\1", s) for s in shown)


# 1. Weeks still waiting for approval are announced on the page (counts only).


def test_page_warns_of_weeks_in_the_month_still_waiting_for_approval(
    client, auth, assign, make, db
):
    a = assign()
    e = a.mentor.employer
    other = assign(employer=e)  # a second colleague-mentor of the same employer
    stranger = assign()  # another employer's mentor: not counted
    sheet(db, a, MONDAY, 4)  # approved: in the claim
    sheet(db, a, week(1), 3, status="submitted")
    sheet(db, other, week(2), 2, status="returned")
    sheet(db, other, week(3), 2, status="draft")  # not sent: not waiting for approval
    sheet(db, stranger, week(1), 5, status="submitted")
    sheet(db, a, week(4), 1, status="submitted")  # 2 Feb: next month
    auth.login(employer_login(make, e))
    client.post("/lang/en")
    page = unescape(client.get(f"/reimbursement/{e.id}?month=2026-01").get_data(as_text=True))
    assert (
        "2 weeks of hours in this month still wait for the consultant's approval; "
        "they are not in this claim yet." in page
    )
    assert "addiction" not in page.lower()
    feb = unescape(client.get(f"/reimbursement/{e.id}?month=2026-02").get_data(as_text=True))
    assert (
        "1 week of hours in this month still waits for the consultant's approval; "
        "it is not in this claim yet." in feb
    )
    client.post("/lang/da")
    page = client.get(f"/reimbursement/{e.id}?month=2026-01").get_data(as_text=True)
    assert "2 uger med timer i denne måned venter stadig på jobkonsulentens godkendelse" in page
    # Only the page: the CSV and the PDF are the claim itself.
    csv = client.get(f"/reimbursement/{e.id}/claim-2026-01.csv").get_data().decode("utf-8-sig")
    pdf = _pdf_text(client.get(f"/reimbursement/{e.id}/claim-2026-01.pdf").get_data())
    for text in (csv, pdf):
        assert "venter stadig" not in text and "still wait" not in text


def test_no_waiting_notice_when_every_week_is_decided(client, auth, assign, make, db):
    a = assign()
    e = a.mentor.employer
    sheet(db, a, MONDAY, 4)
    auth.login(employer_login(make, e))
    client.post("/lang/en")
    page = client.get(f"/reimbursement/{e.id}?month=2026-01").get_data(as_text=True)
    assert "still wait" not in page


# 2. The wage-cost input has a visible label and a placeholder; errors stay beside it.


def test_wage_input_has_a_visible_label_and_placeholder(client, auth, assign, make, db):
    a = assign()
    e = a.mentor.employer
    auth.login(employer_login(make, e))
    page = client.get(f"/reimbursement/{e.id}").get_data(as_text=True)  # Danish by default
    label = re.search(rf'<label[^>]*for="wage-{a.mentor_id}"[^>]*>([^<]*)</label>', page)
    assert label and "sr-only" not in label.group(0)
    assert label.group(1).strip() == "Ny lønomkostning pr. time (kr.)"
    field = re.search(rf'<input[^>]*id="wage-{a.mentor_id}"[^>]*>', page).group(0)
    assert 'placeholder="fx 285,50"' in field
    client.post("/lang/en")
    page = client.get(f"/reimbursement/{e.id}").get_data(as_text=True)
    assert f'for="wage-{a.mentor_id}">New hourly wage cost (DKK)</label>' in page
    assert 'placeholder="e.g. 285.50"' in page  # English writes a decimal point


def test_wage_error_is_tied_to_its_own_field(client, auth, assign, make, db):
    a = assign()
    e = a.mentor.employer
    other = make.mentor(e)
    auth.login(employer_login(make, e))
    client.post("/lang/en")
    r = client.post(f"/reimbursement/{e.id}/mentors/{a.mentor_id}/wage", data={"hourly_cost": "x"})
    assert r.status_code == 400
    page = r.get_data(as_text=True)
    form = re.search(rf'<form[^>]*/mentors/{a.mentor_id}/wage[^"]*".*?</form>', page, re.S).group(0)
    field = re.search(rf'<input[^>]*id="wage-{a.mentor_id}"[^>]*>', form).group(0)
    assert 'aria-invalid="true"' in field
    assert f'aria-describedby="wage-{a.mentor_id}-error"' in field
    assert re.search(rf'id="wage-{a.mentor_id}-error"[^>]*>Write an amount in kroner', form)
    assert 'value="x"' in field  # what the user typed stays, to correct it
    theirs = re.search(rf'<form[^>]*/mentors/{other.id}/wage[^"]*".*?</form>', page, re.S).group(0)
    assert "error" not in theirs and "aria-invalid" not in theirs


# 3. Unambiguous dates on the claim; an empty month says so in the PDF.


@pytest.mark.parametrize(
    ("lang", "expected", "ambiguous"),
    [("en", "Jan 5, 2026", "1/5/26"), ("da", "5. jan. 2026", "05.01.2026")],
)
def test_claim_dates_are_unambiguous_in_pdf_and_page(
    client, auth, assign, make, db, lang, expected, ambiguous
):
    a = assign()
    e = a.mentor.employer
    db.session.add(MentorWage(mentor_id=a.mentor_id, hourly_cost_ore=26040))
    sheet(db, a, MONDAY, 10)
    auth.login(employer_login(make, e))
    client.post(f"/lang/{lang}")
    pdf = _pdf_text(client.get(f"/reimbursement/{e.id}/claim-2026-01.pdf").get_data())
    page = client.get(f"/reimbursement/{e.id}?month=2026-01").get_data(as_text=True)
    # The claim is a Danish document, words, dates and numbers, in either session (an
    # English one gave English words around Danish numbers); the page speaks its language.
    assert "2.604,00" in pdf and "5. jan. 2026" in pdf and "Week of" not in pdf
    assert {"en": "2,604.00", "da": "2.604,00"}[lang] in page
    assert expected in page
    for text in (pdf, page):
        assert ambiguous not in text and "05/01" not in text and "1/5/2026" not in text
    # The CSV keeps ISO dates, for spreadsheets.
    csv = client.get(f"/reimbursement/{e.id}/claim-2026-01.csv").get_data().decode("utf-8-sig")
    assert ";2026-01-05;" in csv


@pytest.mark.parametrize(
    ("lang", "text"), [("en", "Ingen godkendte timer"), ("da", "Ingen godkendte timer")]
)  # the claim is Danish in an English session too
def test_empty_month_pdf_says_there_are_no_approved_hours(
    client, auth, assign, make, db, lang, text
):
    a = assign()
    e = a.mentor.employer
    sheet(db, a, MONDAY, 4, status="submitted")
    auth.login(employer_login(make, e))
    client.post(f"/lang/{lang}")
    empty = _pdf_text(client.get(f"/reimbursement/{e.id}/claim-2026-01.pdf").get_data())
    assert text in empty and "0,00" in empty
    sheet(db, a, week(1), 4)
    full = _pdf_text(client.get(f"/reimbursement/{e.id}/claim-2026-01.pdf").get_data())
    assert text not in full


# 4. Download names carry the employer's name as an ASCII slug, not its id.


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Lagerhuset Nord", "lagerhuset-nord"),
        ("Æblegården Ølstykke Å/S", "aeblegaarden-oelstykke-aa-s"),
        ("  Café \"Kornet\" & Co. ApS ", "cafe-kornet-co-aps"),
        ("Søren's Smørrebrød; Østerbro", "soerens-smoerrebroed-oesterbro"),
        ("!!!", ""),
        ("北京", ""),
    ],
)
def test_name_slug(name, slug):
    from web.reimbursement.claim import name_slug

    assert name_slug(name) == slug


def test_download_names_use_the_employer_name(client, auth, assign, make, db):
    a = assign()
    e = a.mentor.employer
    e.name = "Lagerhuset Nord"
    db.session.commit()
    auth.login(employer_login(make, e))
    for fmt, kind in (("csv", "attachment"), ("pdf", "inline")):
        r = client.get(f"/reimbursement/{e.id}/claim-2026-11.{fmt}")
        assert r.headers["Content-Disposition"] == (
            f'{kind}; filename="refusion-lagerhuset-nord-2026-11.{fmt}"'
        )


def test_download_name_falls_back_to_the_id(client, auth, assign, make, db):
    a = assign()
    e = a.mentor.employer
    e.name = "北京 — !!"
    db.session.commit()
    auth.login(employer_login(make, e))
    r = client.get(f"/reimbursement/{e.id}/claim-2026-11.csv")
    assert r.headers["Content-Disposition"] == f'attachment; filename="refusion-{e.id}-2026-11.csv"'


def test_the_month_viewed_survives_a_wage_saved_or_refused(client, auth, assign, make, db):
    """A walk: after a wage error the page stood at the POST address, and "Vis" for
    another month gave 405; saving a wage jumped the claim back to last month."""
    a = assign()
    e = a.mentor.employer
    auth.login(employer_login(make, e))
    url = f"/reimbursement/{e.id}/mentors/{a.mentor_id}/wage?month=2025-12"
    r = client.post(url, data={"hourly_cost": "abc"})
    page = r.get_data(as_text=True)
    assert r.status_code == 400 and "december 2025" in page  # the month viewed, kept
    assert f'<form method="get" action="/reimbursement/{e.id}"' in page  # not the POST's
    r = client.post(url, data={"hourly_cost": "285,50", "valid_from": "2025-01"})
    assert r.status_code == 302 and r.headers["Location"].endswith(
        f"/reimbursement/{e.id}?month=2025-12")
