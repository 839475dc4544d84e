"""Wage costs and the monthly claim: approved hours only, CSV and PDF, employer's own only."""

from datetime import date

from tests.web.hours.conftest import MONDAY, employer_login, sheet, week
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
    jan = client.get(f"/reimbursement/{e.id}/claim-2026-01.csv").get_data().decode("utf-8-sig")
    feb = client.get(f"/reimbursement/{e.id}/claim-2026-02.csv").get_data().decode("utf-8-sig")
    assert ";250,00;500,00" in jan and ";300,00;600,00" in feb
    # Saving the same month again changes that month's wage; a later one is shown as planned.
    client.post(url, data={"hourly_cost": "310", "valid_from": "2026-02"})
    client.post(url, data={"hourly_cost": "320", "valid_from": "2099-03"})
    assert sorted(w.hourly_cost_ore for w in db.session.scalars(db.select(MentorWage))) == [
        25000, 31000, 32000]
    page = client.get(f"/reimbursement/{e.id}").get_data(as_text=True)
    assert "310,00 <span class=\"help\">fra februar 2026</span>" in page
    assert "320,00 <span class=\"help\">fra marts 2099<" in page
    # A month that is not one is told at its field, and nothing is stored.
    r = client.post(url, data={"hourly_cost": "330", "valid_from": "2026-13"})
    assert r.status_code == 400 and "Vælg en måned, fx 2026-11." in r.get_data(as_text=True)
    assert f'id="from-{a.mentor_id}-error"' in r.get_data(as_text=True)
    assert 'value="330"' in r.get_data(as_text=True)  # the wage typed stays, not marked
    assert f'aria-describedby="wage-{a.mentor_id}-error"' not in r.get_data(as_text=True)
    assert db.session.query(MentorWage).count() == 3


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
