"""Tiny instances shared by the matcher tests."""

import copy
import json
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).parent / "examples"


@pytest.fixture(scope="session")
def tiny_data():
    return json.loads((EXAMPLES / "tiny-problem.json").read_text())


@pytest.fixture
def tiny(tiny_data):
    """A fresh copy of the spec's worked example, safe to change."""
    return copy.deepcopy(tiny_data)


def base_problem():
    """One participant, one placement, one colleague mentor: a single feasible match."""
    return {
        "format": "mentor-match/1",
        "participants": [{"id": "p1", "hours_min": 4, "hours_max": 8, "priority": 2,
                          "days": ["mon", "tue"], "areas": ["kitchen"], "needs": ["addiction"],
                          "attributes": ["abstinent"], "location": {"lat": 55.676, "lon": 12.568},
                          "max_travel_km": 10}],
        "placements": [{"id": "l1", "employer": "e1", "area": "kitchen", "slots": 1,
                        "days": ["mon"], "requirements": ["abstinent"],
                        "location": {"lat": 55.68, "lon": 12.57}}],
        "mentors": [{"id": "m1", "employer": "e1", "skills": ["addiction"],
                     "capacity_hours": 10, "max_participants": 2, "days": ["mon"],
                     "location": {"lat": 55.68, "lon": 12.57}, "max_travel_km": 0}],
    }
