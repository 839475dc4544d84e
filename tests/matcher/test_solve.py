"""The worked example, statuses, pins, continuity and reasons."""

import importlib

import pytest

from conftest import base_problem
from matcher import solve_dict, validate


def run(problem, **kw):
    result = solve_dict(problem, time_limit=kw.pop("time_limit", 5.0), num_workers=1)
    assert validate(problem, result) == []
    return result


def test_tiny_example_reaches_the_spec_optimum(tiny):
    result = run(tiny)
    assert result["status"] == "OPTIMAL"
    assert result["objective"] == pytest.approx(1131.677822, rel=1e-6)
    got = {m["participant"]: (m["placement"], m["mentor"], m["hours"]) for m in result["matches"]}
    assert got == {"p1": ("l1", "m1", 8), "p2": ("l2", "m2", 2), "p3": ("l2", "m2", 10)}


def test_reasons_in_english_and_danish(tiny):
    result = run(tiny)
    p1 = next(m for m in result["matches"] if m["participant"] == "p1")
    assert "kitchen is wish 1 of 2" in p1["reasons"]
    assert "køkken er ønske 1 af 2" in p1["reasons_da"]
    assert len(p1["reasons"]) == len(p1["reasons_da"]) == len(p1["reason_codes"])
    p2 = next(m for m in result["matches"] if m["participant"] == "p2")
    assert any("m2 has no more hours free (12 were free in all)" in r for r in p2["reasons"])
    assert any("mentor kender deltageren" in r for r in p2["reasons_da"])


def test_unmatched_reason_names_the_rule():
    problem = base_problem()
    problem["participants"][0]["areas"] = ["retail"]
    result = run(problem)
    assert result["unmatched"][0]["reasons"] == ["no placement offers retail"]
    problem["placements"].append({**problem["placements"][0], "id": "l2", "area": "retail",
                                  "location": {"lat": 56.5, "lon": 10.0}})
    result = run(problem)
    assert result["unmatched"][0]["reasons"] == ["no placement within 10 km offers retail"]


def test_unmatched_reason_names_full_mentors():
    problem = base_problem()
    problem["placements"][0]["slots"] = 3
    problem["participants"].append({**problem["participants"][0], "id": "p2", "priority": 5})
    problem["mentors"][0]["max_participants"] = 1
    result = run(problem)
    assert result["unmatched"][0]["participant"] == "p1"
    assert result["unmatched"][0]["reasons"] == [
        "the only mentor with the addiction skill within reach is at capacity"]


def test_pinned_match_never_moves(tiny):
    tiny["participants"][1]["pinned"] = {"placement": "l2", "mentor": "m2", "hours": 6}
    result = run(tiny)
    p2 = next(m for m in result["matches"] if m["participant"] == "p2")
    assert (p2["placement"], p2["mentor"], p2["hours"]) == ("l2", "m2", 6)
    assert "confirmed match (pinned), never moved by a re-solve" in p2["reasons"]


def test_conflicting_pins_are_infeasible_and_named(tiny):
    for p in tiny["participants"][:2]:
        p["areas"] = []
        p["pinned"] = {"placement": "l1", "mentor": "m1", "hours": 4}
    tiny["participants"][1]["attributes"] = ["abstinent"]
    result = run(tiny)
    assert result["status"] == "INFEASIBLE"
    assert any(set(c["records"]) >= {"l1", "p1", "p2"} for c in result["conflicts"])


def test_resolve_after_decline_changes_little(tiny):
    first = run(tiny)
    for m in first["matches"]:
        p = next(p for p in tiny["participants"] if p["id"] == m["participant"])
        p["current_mentor"], p["current_placement"] = m["mentor"], m["placement"]
    tiny["participants"][0]["excluded_mentors"] = ["m2"]  # a decline that changes nothing
    tiny["participants"].append({**tiny["participants"][1], "id": "p4", "current_mentor": None,
                                 "current_placement": None, "priority": 1})
    second = run(tiny)
    before = {m["participant"]: (m["placement"], m["mentor"]) for m in first["matches"]}
    after = {m["participant"]: (m["placement"], m["mentor"]) for m in second["matches"]}
    assert all(after[p] == before[p] for p in before)


def test_invalid_problem_returns_invalid_result(tiny):
    tiny["participants"][0]["hours_min"] = 1
    tiny["mentors"][1]["capacity_hours"] = 99
    result = solve_dict(tiny)
    assert result["status"] == "INVALID"
    assert result["errors"] == ["p1.hours_min: must be an integer between 2 and 20",
                                "m2.capacity_hours: must be an integer between 0 and 60"]


def _two_apart():
    """Two participants, each with a placement and a colleague mentor of its own: the best
    plan takes each one's best match, and every bound the search proves meets it."""
    problem = base_problem()
    p, pl, m = problem["participants"][0], problem["placements"][0], problem["mentors"][0]
    far = {"lat": 56.15, "lon": 10.2}
    problem["participants"].append({**p, "id": "p2", "location": far})
    problem["placements"].append({**pl, "id": "l2", "employer": "e2", "location": far})
    problem["mentors"].append({**m, "id": "m2", "employer": "e2", "location": far})
    return problem


def test_a_plan_from_the_windows_that_meets_the_proved_bound_is_optimal(monkeypatch):
    """Large models are searched by windows, which prove nothing themselves; the LP's and
    the mentor patterns' bounds can. When the plan meets such a bound the result says
    OPTIMAL (it said FEASIBLE with the bound equal to the objective)."""
    import matcher.compact as compact

    monkeypatch.setattr(compact, "PRICES_FROM", 0)
    monkeypatch.setattr(compact, "WHOLE_MODEL_PAIRS", 0)
    result = run(_two_apart())
    assert result["stats"]["cp_sat"] == "windows"
    assert len(result["matches"]) == 2
    assert result["status"] == "OPTIMAL"
    assert result["bound"] == pytest.approx(result["objective"], rel=1e-6)


@pytest.mark.parametrize("above,status", [
    (0.5, "OPTIMAL"),   # a proved bound within the contract's tolerance is a proof
    (0.0, "OPTIMAL"),
    (2.0, "FEASIBLE"),  # a bound two tolerances above proves nothing
])
def test_status_follows_the_proved_bound(monkeypatch, above, status):
    """The status is the contract's: OPTIMAL exactly when the bound is within 1e-6 x
    max(1, |objective|) of the objective, whoever proved the bound."""
    from matcher.schema import parse_problem

    # matcher.solve is also the name of the package's solve function: import the module.
    solve_mod = importlib.import_module("matcher.solve")
    data = _two_apart()
    data["participants"][0]["pinned"] = {"placement": "l1", "mentor": "m1", "hours": 8}
    problem = parse_problem(data)
    pinned = solve_mod.section3_score(problem, problem.participants[0], "l1", "m1", 8)
    real = solve_mod.optimize_pairs

    def stand_in(*args, **kw):
        """The real search, with its bound (for the free participant) set."""
        plan = real(*args, **kw)
        plan.bound = plan.value + above * solve_mod.tolerance(plan.value + pinned)
        return plan

    monkeypatch.setattr(solve_mod, "optimize_pairs", stand_in)
    result = solve_mod.solve(problem, time_limit=5.0, num_workers=1).to_dict()
    assert validate(data, result) == []
    assert result["status"] == status
