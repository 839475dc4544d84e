"""Dates at the ends of the calendar (year 1, year 9999) in addresses and filters: a clear
answer, never a 500 (a walk got 500 from the claim and the dashboard)."""

import pytest

from tests.web.hours.conftest import employer_login


@pytest.mark.parametrize("query", [
    "end=9999-12-31", "start=0001-01-01", "start=9999-12-01&end=9999-12-31",
    "start=0001-01-01&end=0001-02-01", "end=0001-01-01",
])
def test_dashboard_periods_at_the_calendars_ends(client, auth, make, query):
    auth.login(make.user("admin"))
    r = client.get(f"/dashboard/manager?{query}")
    assert r.status_code == 200
    assert "Vælg en dato mellem 2000 og" in r.get_data(as_text=True)
    assert client.get(f"/dashboard/manager/outcomes.csv?{query}").status_code == 200


@pytest.mark.parametrize("month", ["9999-12", "0001-01", "1999-12"])
def test_reimbursement_months_at_the_calendars_ends(client, auth, make, month):
    e = make.employer()
    auth.login(employer_login(make, e))
    r = client.get(f"/reimbursement/{e.id}?month={month}")
    assert r.status_code == 200
    assert "Vælg en måned mellem 2000 og" in r.get_data(as_text=True)
    for fmt in ("csv", "pdf"):
        assert client.get(f"/reimbursement/{e.id}/claim-{month}.{fmt}").status_code == 404


@pytest.mark.parametrize("month", ["2026-13", "abc"])
def test_a_month_that_is_not_one_is_told_at_the_field(client, auth, make, month):
    """A walk: ?month=2026-13 silently showed last month."""
    e = make.employer()
    auth.login(employer_login(make, e))
    r = client.get(f"/reimbursement/{e.id}?month={month}")
    assert r.status_code == 200 and 'id="month-error">Vælg en måned, fx 2026-11.' in (
        r.get_data(as_text=True))


def test_a_start_after_today_without_an_end_is_told(client, auth, make):
    """A walk: ?start=2027-01-01 silently fell back to the last 12 weeks."""
    from datetime import date, timedelta

    auth.login(make.user("admin"))
    later = date.today() + timedelta(days=30)
    page = client.get(f"/dashboard/manager?start={later}").get_data(as_text=True)
    assert "Uden en slutdato slutter perioden i dag" in page
    page = client.get(f"/dashboard/manager?start={later}&end={later + timedelta(days=7)}"
                      ).get_data(as_text=True)
    assert "Uden en slutdato" not in page  # with an end, a period ahead is fine
