"""The caseload list: filters by status, search by code, sorting and 50 per page."""

import pytest


@pytest.fixture
def consultant(make, auth):
    u = make.user("consultant")
    auth.login(u)
    return u


def codes(html):
    import re
    return re.findall(r'/participants/\d+">([^<]+)</a>', html)


def test_status_filter_and_closed_hidden_by_default(client, make, consultant):
    make.participant(consultant=consultant, code="A-WAIT")
    make.participant(consultant=consultant, code="B-PAUSE", status="paused")
    make.participant(consultant=consultant, code="C-CLOSED", status="closed")
    assert codes(client.get("/participants/").get_data(as_text=True)) == ["A-WAIT", "B-PAUSE"]
    assert codes(client.get("/participants/?status=paused").get_data(as_text=True)) == ["B-PAUSE"]
    assert codes(client.get("/participants/?status=all").get_data(as_text=True)) == [
        "A-WAIT", "B-PAUSE", "C-CLOSED"]
    # an unknown status is ignored, never a 500
    assert client.get("/participants/?status=nonsense").status_code == 200


def test_search_by_code_only_within_own_caseload(client, make, consultant):
    make.participant(consultant=consultant, code="KBH-0142")
    make.participant(consultant=consultant, code="AAR-0001")
    make.participant(code="KBH-9999")  # someone else's
    assert codes(client.get("/participants/?q=kbh").get_data(as_text=True)) == ["KBH-0142"]
    assert codes(client.get("/participants/?q=%25").get_data(as_text=True)) == []  # % is literal


def test_sort_by_priority(client, make, consultant):
    make.participant(consultant=consultant, code="LOW", priority=1)
    make.participant(consultant=consultant, code="HIGH", priority=5)
    assert codes(client.get("/participants/?sort=priority").get_data(as_text=True)) == [
        "HIGH", "LOW"]


def test_fifty_per_page(client, db, make, consultant):
    from tests.factories import AARHUS
    from web.models import Participant
    db.session.add_all([Participant(code=f"P-{i:03d}", consultant_id=consultant.id, hours_min=4,
                                    hours_max=8, days=["mon"], max_travel_km=10, **AARHUS)
                        for i in range(55)])
    db.session.commit()
    first = client.get("/participants/").get_data(as_text=True)
    assert len(codes(first)) == 50 and "P-000" in codes(first)
    assert 'rel="next"' in first
    second = client.get("/participants/?page=2").get_data(as_text=True)
    assert codes(second) == [f"P-{i:03d}" for i in range(50, 55)]
    assert client.get("/participants/?page=99").status_code == 200


def test_one_participant_is_counted_in_the_singular(client, make, consultant):
    make.participant(consultant, code="ONE-1")
    html = client.get("/participants/").get_data(as_text=True)
    assert '<p class="summary">1 deltager</p>' in html
    assert "1 deltagere" not in html and "1 deltager venter." in html
    client.post("/lang/en")
    html = client.get("/participants/").get_data(as_text=True)
    assert "1 participants" not in html and "1 participant is waiting." in html
    make.participant(consultant, code="TWO-2")
    assert "2 participants are waiting." in client.get("/participants/").get_data(as_text=True)


def test_a_page_number_too_large_for_the_database_is_an_empty_page_not_a_500(client, make,
                                                                           consultant):
    """A walk asked for ?page=999999999999999999999: OverflowError, a 500."""
    make.participant(consultant=consultant, code="ONLY")
    for page in ("999999999999999999999", str(2**63), "-5"):
        r = client.get(f"/participants/?page={page}")
        assert r.status_code == 200, page


def test_a_search_with_a_cpr_number_is_told_so_at_the_field(client, make, consultant):
    page = client.get("/participants/?q=0101901234").get_data(as_text=True)
    assert 'id="q-error"' in page and "Det ligner et CPR-nummer" in page
