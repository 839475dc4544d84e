"""Substitute cover (section 5)."""

import copy

import pytest

from matcher import cover_dict, validate_cover


@pytest.fixture
def cover_problem(tiny):
    tiny.update(format="mentor-cover/1", absent=["m2"], known={"p3": ["m1"]},
                assignments=[{"participant": "p1", "placement": "l1", "mentor": "m1", "hours": 4},
                             {"participant": "p3", "placement": "l2", "mentor": "m2", "hours": 8}])
    return tiny


def run(problem):
    result = cover_dict(problem, num_workers=1)
    assert validate_cover(problem, result) == []
    return result


def test_external_colleague_rule_blocks_cover(cover_problem):
    # m1 works at e1; p3's placement l2 is at e2, and m1 is no external: rule 6 forbids.
    result = run(cover_problem)
    assert result["matches"] == []
    assert result["unmatched"][0]["participant"] == "p3"
    assert result["unmatched"][0]["reasons"]


def test_colleague_substitute_covers_with_spare_hours(cover_problem):
    cover_problem["mentors"].append({**cover_problem["mentors"][0], "id": "m3", "employer": "e2",
                                     "days": ["mon"], "capacity_hours": 7})
    result = run(cover_problem)
    assert [(m["participant"], m["mentor"], m["hours"]) for m in result["matches"]] == [
        ("p3", "m3", 7)]
    assert result["status"] == "OPTIMAL"
    assert result["objective"] == pytest.approx(5 * 140 + 2 * 5 * 7)


def test_spare_capacity_counts_own_assignments(cover_problem):
    cover_problem["mentors"].append({**cover_problem["mentors"][0], "id": "m3", "employer": "e2",
                                     "days": ["mon"], "capacity_hours": 10})
    busy = copy.deepcopy(cover_problem)
    busy["assignments"].append({"participant": "p2", "placement": "l2", "mentor": "m3",
                                "hours": 5})
    result = run(busy)
    assert result["matches"] == []  # 10 - 5 = 5 spare hours < p3's minimum of 6
    assert "at capacity" in result["unmatched"][0]["reasons"][0]


def test_cover_hours_below_minimum_is_explained(cover_problem):
    cover_problem["assignments"][1]["hours"] = 5
    result = run(cover_problem)
    assert result["unmatched"][0]["reasons"] == ["assigned 5 hours is below the minimum of 6"]


def test_no_common_day_is_explained(cover_problem):
    cover_problem["mentors"].append({**cover_problem["mentors"][0], "id": "m3", "employer": "e2",
                                     "days": ["sun"]})
    result = run(cover_problem)
    assert result["unmatched"][0]["reasons"][0].startswith(
        "no mentor for the only placement that fits (l2) shares a day")
