"""The time limit holds: phases stop when the budget is spent (no tight timing asserts)."""

import pytest
from generate import generate

from matcher import solve_dict, validate


def test_spent_budget_skips_cp_sat_and_keeps_a_valid_answer():
    problem = generate(300, 90, 120, seed=1)
    result = solve_dict(problem, time_limit=1e-3, num_workers=1)
    assert validate(problem, result) == []
    assert result["stats"]["cp_sat"] == "skipped"
    assert result["status"] == "FEASIBLE"
    assert result["bound"] >= result["objective"]
    assert len(result["matches"]) > 0  # the greedy plan stands


def test_moderately_large_instance_honours_a_small_limit():
    problem = generate(1000, 300, 400, seed=2)
    limit = 2.0
    result = solve_dict(problem, time_limit=limit, num_workers=1)
    assert validate(problem, result) == []
    stats = result["stats"]
    assert stats["cp_sat"] in ("whole", "windows", "skipped")
    # Coarse: a generous multiple, never a tight timing assertion.
    assert stats["optimize_seconds"] < 5 * limit
    assert result["seconds"] < 5 * limit


def test_reasons_reserve_follows_who_cannot_be_matched():
    """The time kept back for the reasons: the combinations' part in full where a third
    or more cannot be matched for want of slots or mentors (XL), a tenth of it where
    there is room for everyone (the region caseload), at most 0.4 of the limit (fails
    if the share is ignored, inverted or unbounded)."""
    from matcher.solve import reasons_reserve

    full = 0.02 * 10 + 1e-4 * 453 + 1e-7 * 13_167_564
    room = reasons_reserve(10, 453, 453, 13_167_564, 5621, 6945)
    assert room == pytest.approx(0.02 * 10 + 1e-4 * 453 + 1e-7 * 13_167_564 * 0.1)
    assert room < full / 3
    assert reasons_reserve(10, 453, 453, 13_167_564, 300, 6945) == full  # 153 without a slot
    assert reasons_reserve(10, 453, 453, 13_167_564, 6000, 150) == full  # 303 without a mentor
    short = reasons_reserve(10, 453, 453, 13_167_564, 423, 6945)  # 30 short: 3 x 6.6 %
    assert short == pytest.approx(0.02 * 10 + 1e-4 * 453 + 1e-7 * 13_167_564 * 3 * 30 / 453)
    assert reasons_reserve(1, 10_000, 10_000, 31_400_000, 100, 100) == 0.4
