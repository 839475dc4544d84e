"""Every field rule: the message names the record and the field."""

import pytest

from conftest import base_problem
from matcher import check_problem
from matcher.schema import collect_cover

P, L, M = ("participants", 0), ("placements", 0), ("mentors", 0)
CASES = [
    (P + ("id",), "", "participants[0].id"),
    (P + ("hours_min",), 1, "p1.hours_min"),
    (P + ("hours_max",), 21, "p1.hours_max"),
    (P + ("hours_max",), 3, "p1.hours_max"),
    (P + ("hours_min",), 4.5, "p1.hours_min"),
    (P + ("priority",), 6, "p1.priority"),
    (P + ("days",), [], "p1.days"),
    (P + ("days",), ["monday"], "p1.days"),
    (P + ("areas",), ["a", "a"], "p1.areas"),
    (P + ("needs",), "addiction", "p1.needs"),
    (P + ("attributes",), [1], "p1.attributes"),
    (P + ("location",), {"lat": 91, "lon": 0}, "p1.location.lat"),
    (P + ("location",), {"lat": 0, "lon": 181}, "p1.location.lon"),
    (P + ("max_travel_km",), -1, "p1.max_travel_km"),
    (P + ("current_mentor",), "m9", "p1.current_mentor"),
    (P + ("current_placement",), "l9", "p1.current_placement"),
    (P + ("excluded_mentors",), ["m9"], "p1.excluded_mentors"),
    (P + ("excluded_placements",), ["l9"], "p1.excluded_placements"),
    (P + ("pinned",), {"placement": "l9", "mentor": "m1", "hours": 4}, "p1.pinned.placement"),
    (P + ("pinned",), {"placement": "l1", "mentor": "m1", "hours": 4.5}, "p1.pinned.hours"),
    (L + ("slots",), 0, "l1.slots"),
    (L + ("employer",), None, "l1.employer"),
    (L + ("requirements",), None, None),
    (M + ("employer",), "", "m1.employer"),
    (M + ("capacity_hours",), 61, "m1.capacity_hours"),
    (M + ("max_participants",), -1, "m1.max_participants"),
    (M + ("skills",), [None], "m1.skills"),
    (("weights",), {"match": -1}, "weights.match"),
]


@pytest.mark.parametrize("path,value,where", CASES, ids=[c[2] or "ok" for c in CASES])
def test_field_rule_names_record_and_field(path, value, where):
    problem = base_problem()
    target = problem
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    errors = check_problem(problem)
    if where is None:
        assert errors == []
    else:
        assert any(e.startswith(where + ":") for e in errors), errors


@pytest.mark.parametrize("field", ["hours_min", "days", "location", "max_travel_km", "areas"])
def test_required_participant_fields(field):
    problem = base_problem()
    del problem["participants"][0][field]
    assert f"p1.{field}: is required" in check_problem(problem)


def test_duplicate_ids_and_all_errors_reported():
    problem = base_problem()
    problem["mentors"].append(dict(problem["mentors"][0]))
    problem["participants"][0]["priority"] = 0
    errors = check_problem(problem)
    assert "mentors[1].id: duplicate mentor id 'm1'" in errors
    assert "p1.priority: must be an integer between 1 and 5" in errors


def test_unknown_weight_keys_and_extra_fields_are_ignored():
    problem = base_problem()
    problem["weights"] = {"match": 50, "colour": "red"}
    problem["participants"][0]["note"] = "extra"
    assert check_problem(problem) == []


def test_cover_references_are_field_errors():
    problem = base_problem()
    problem.update(format="mentor-cover/1", absent=["m9"], known={"p9": ["m1"]},
                   assignments=[{"participant": "p1", "placement": "l1", "mentor": "m7",
                                 "hours": 4}])
    errors = collect_cover(problem)[1]
    assert "assignments[0].mentor: names no mentor ('m7')" in errors
    assert "absent: names no mentor ('m9')" in errors
    assert "known.p9: names no participant" in errors
