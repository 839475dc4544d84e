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
