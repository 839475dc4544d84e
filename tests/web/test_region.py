"""The region-scale data set: realistic, consistent, and loadable again after itself."""

from __future__ import annotations

from collections import Counter

import pytest

from web.geo import haversine_km
from web.models import Employer, Mentor, Participant, Placement, Proposal, User
from web.region import REGION_CENTRE, REGION_RADIUS_KM, load_region

SMALL = dict(participants=600, placements=150, mentors=200, large_caseload=100)


@pytest.fixture
def region(db):
    counts = load_region(**SMALL, seed=7)
    return counts


def all_of(db, model):
    return db.session.scalars(db.select(model)).all()


def test_counts_and_logins(db, region):
    assert region["participants"] == len(all_of(db, Participant)) == 600
    assert len(all_of(db, Placement)) == 150 and len(all_of(db, Mentor)) == 200
    assert len(all_of(db, Employer)) == 50
    consultants = Counter(p.consultant_id for p in all_of(db, Participant))
    big = db.session.scalar(db.select(User).where(User.email == "consultant1@region.dk"))
    assert consultants[big.id] == 100  # the large caseload
    assert max(n for c, n in consultants.items() if c != big.id) == 50  # the rest: about 50 each
    assert big.check_password("demo")
    employer_login = db.session.scalar(db.select(User).where(User.email == "employer1@region.dk"))
    assert employer_login.role == "employer" and employer_login.employer_id
    mentor_login = db.session.scalar(db.select(User).where(User.email == "mentor1@region.dk"))
    assert db.session.scalar(db.select(Mentor).where(Mentor.user_id == mentor_login.id))


def test_realism(db, region):
    people = all_of(db, Participant)
    assert all(2 <= p.hours_min <= p.hours_max <= 20 for p in people)
    typical = sum(p.hours_min <= 7 <= p.hours_max or 6 <= p.hours_min <= 8 for p in people)
    assert typical / len(people) > 0.5  # most need 6–8 hours a week
    places = all_of(db, Placement)
    drug_free = sum(p.requirements == ["abstinent"] for p in places) / len(places)
    assert 0.1 < drug_free < 0.4
    mentors = all_of(db, Mentor)
    colleagues = sum(m.employer_id is not None for m in mentors) / len(mentors)
    assert 0.55 < colleagues < 0.85
    assert all(m.max_travel_km == 0 for m in mentors if m.employer_id)  # colleagues work on site
    for row in [*people, *places, *mentors]:
        assert haversine_km(*REGION_CENTRE, row.lat, row.lon) <= REGION_RADIUS_KM + 3
        assert "(" in row.town and row.town.endswith(")")  # 'Town (Kommune)', as the forms store it


def test_active_assignments_respect_capacity(db, region):
    active = all_of(db, Proposal)
    assert active and region["active assignments"] == len(active)
    assert all(p.status == "active" and p.participant.status == "active" for p in active)
    per_place = Counter(p.placement_id for p in active)
    assert all(n <= db.session.get(Placement, pl).slots for pl, n in per_place.items())
    for mentor_id in {p.mentor_id for p in active}:
        mine = [p for p in active if p.mentor_id == mentor_id]
        mentor = db.session.get(Mentor, mentor_id)
        assert sum(p.hours for p in mine) <= mentor.capacity_hours
        assert len(mine) <= mentor.max_participants
        assert all(p.placement.employer_id == mentor.employer_id for p in mine)  # a colleague


def test_new_records_get_fresh_ids_after_the_bulk_load(db, make, region):
    """The loader chooses ids itself; PostgreSQL's sequences must continue after them."""
    p = make.participant()
    assert p.id > 600


def test_cli_loads_and_reports_time_then_refuses_a_second_load(app):
    runner = app.test_cli_runner()
    args = ["demo", "region", "--participants", "120", "--placements", "30", "--mentors", "40",
            "--large-caseload", "20"]
    out = runner.invoke(args=args)
    assert out.exit_code == 0, out.output
    assert "Loaded region data in " in out.output and "120 participants" in out.output
    again = runner.invoke(args=args)
    assert again.exit_code != 0 and "not empty" in again.output
    assert "not loaded" in runner.invoke(args=[*args, "--if-empty"]).output
