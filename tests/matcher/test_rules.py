"""One feasible and one infeasible case per constraint family (rules 1-11)."""

import pytest

from conftest import base_problem
from matcher import solve_dict, validate


def matched(problem):
    result = solve_dict(problem, time_limit=5.0, num_workers=1)
    assert validate(problem, result) == []
    return {m["participant"] for m in result["matches"]}


def edit(path_value):
    def apply(problem):
        for path, value in path_value:
            target = problem
            for key in path[:-1]:
                target = target[key]
            target[path[-1]] = value
        return problem
    return apply


P, L, M = ("participants", 0), ("placements", 0), ("mentors", 0)
BREAKS = {
    "rule 1 area": [(P + ("areas",), ["retail"])],
    "rule 2 requirements": [(P + ("attributes",), [])],
    "rule 3 skills": [(M + ("skills",), ["psychiatry"])],
    "rule 4 common day": [(M + ("days",), ["tue"])],
    "rule 5 travel": [(P + ("max_travel_km",), 0.1)],
    "rule 6 colleague": [(M + ("employer",), "e2")],
    "rule 6 external reach": [(M + ("employer",), None), (M + ("max_travel_km",), 0.1),
                              (M + ("location",), {"lat": 55.7, "lon": 12.6})],
    "rule 7 excluded mentor": [(P + ("excluded_mentors",), ["m1"])],
    "rule 7 excluded placement": [(P + ("excluded_placements",), ["l1"])],
    "rule 8/10 hours": [(M + ("capacity_hours",), 3)],
    "rule 10 participants": [(M + ("max_participants",), 0)],
}


def test_base_problem_is_feasible():
    assert matched(base_problem()) == {"p1"}


@pytest.mark.parametrize("name", sorted(BREAKS))
def test_each_rule_can_forbid_the_only_match(name):
    problem = edit(BREAKS[name])(base_problem())
    assert matched(problem) == set()


def test_rule_6_external_mentor_within_reach_is_allowed():
    problem = edit(BREAKS["rule 6 external reach"])(base_problem())
    problem["mentors"][0]["max_travel_km"] = 10
    assert matched(problem) == {"p1"}


def test_rule_9_slots():
    problem = base_problem()
    problem["participants"].append({**problem["participants"][0], "id": "p2"})
    assert len(matched(problem)) == 1
    problem["placements"][0]["slots"] = 2
    assert matched(problem) == {"p1", "p2"}


def test_rule_10_mentor_hours_add_up():
    problem = base_problem()
    problem["placements"][0]["slots"] = 2
    problem["participants"].append({**problem["participants"][0], "id": "p2"})
    problem["mentors"][0]["capacity_hours"] = 7
    assert len(matched(problem)) == 1
    problem["mentors"][0]["capacity_hours"] = 8
    result = solve_dict(problem, num_workers=1)
    assert [m["hours"] for m in result["matches"]] == [4, 4]


def test_rule_11_pin_kept_and_broken_pin_infeasible():
    problem = base_problem()
    problem["participants"][0]["pinned"] = {"placement": "l1", "mentor": "m1", "hours": 5}
    result = solve_dict(problem, num_workers=1)
    assert result["matches"][0]["hours"] == 5 and validate(problem, result) == []
    problem["participants"][0]["pinned"]["hours"] = 9
    result = solve_dict(problem, num_workers=1)
    assert result["status"] == "INFEASIBLE"
    assert result["conflicts"][0]["records"] == ["p1", "l1", "m1"]
    assert "rule 8" in result["conflicts"][0]["reason"]
    assert validate(problem, result) == []
