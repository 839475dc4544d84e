"""The LP's plan and windows beside CP-SAT on whole models (matcher.compact._WindowsBeside):
the solve keeps the better plan, a plan that meets CP-SAT's bound stops CP-SAT, and the
thread never outlives the solve."""

import math
import threading
import time

import pytest
from generate import generate
from test_pairs import _caps  # noqa: E402 (rootdir-less pytest import)

from matcher import compact, solve_dict, validate
from matcher.compact import PairModel, _WindowsBeside, greedy, plan_value
from matcher.pairs import build_pairs
from matcher.schema import parse_problem


class _FakeSolver:
    """What the beside thread uses of CP-SAT's solver."""

    def __init__(self):
        self.stopped = threading.Event()
        self.best_bound_callback = None
        self.parameters = type("P", (), {"max_time_in_seconds": 60.0})()

    def stop_search(self):
        self.stopped.set()


def _cp_sat_finding_nothing(most=math.inf):
    """A stand-in for ``PairModel.solve``: it finds no plan and proves no bound, and
    returns when the beside thread stops it, or after ``most`` seconds (or its limit)."""

    def solve(self, time_limit, workers, gap=2e-7, window=False, started=None):
        fake = _FakeSolver()
        if started is not None:
            started(fake)
        fake.stopped.wait(min(time_limit, most))
        return None, float("inf"), False

    return solve


def _pairs(n_p=120, n_l=40, n_m=50, seed=1):
    prob = parse_problem(generate(n_p, n_l, n_m, seed=seed))
    return prob, build_pairs(prob, list(range(len(prob.participants))), *_caps(prob))


def test_a_plan_that_meets_cp_sats_bound_stops_cp_sat(monkeypatch):
    # Without the mentor patterns' bound, which on this model is the optimum itself and
    # would prove the plan from beside on its own (the last test here).
    monkeypatch.setattr(compact, "PATTERNS", False)
    prob, pr = _pairs()
    model = PairModel(pr)
    beside = _WindowsBeside(prob, pr, model, greedy(prob, pr), time.monotonic() + 3.0)
    beside._thread.join()  # the LP's plan and the windows, to the end
    assert beside.error is None
    fake = _FakeSolver()
    beside.cp_started(fake)
    value = beside.value
    assert value > plan_value(pr, greedy(prob, pr))  # the LP and windows improved on it
    # CP-SAT minimises the negated, scaled objective: a bound of b there is -b / scale.
    fake.best_bound_callback(-(value + 50.0) * model.scale)
    assert not fake.stopped.is_set()  # 50 points short of the bound: not a proof
    fake.best_bound_callback(-value * model.scale)
    assert fake.stopped.is_set()
    plan, got, lp_bound = beside.finish()
    assert got == value and plan_value(pr, plan) == pytest.approx(value)
    assert lp_bound >= value


def test_solve_keeps_the_plan_from_beside_when_cp_sat_finds_none(monkeypatch):
    """CP-SAT replaced by one that finds no plan and reports no bound: the solve's plan
    comes from beside (the LP's rounding and windows), is valid, beats the greedy
    start, and stays below the proved optimum (fails if that plan is dropped)."""
    data = generate(120, 40, 50, seed=2)
    monkeypatch.setattr(compact, "BESIDE", False)
    reference = solve_dict(data, time_limit=30.0, num_workers=2)
    assert reference["status"] == "OPTIMAL"
    greedy_only = solve_dict(data, time_limit=1e-3, num_workers=2)
    assert greedy_only["stats"]["cp_sat"] == "skipped"

    monkeypatch.setattr(compact.PairModel, "solve", _cp_sat_finding_nothing(3.0))
    monkeypatch.setattr(compact, "BESIDE", True)
    result = solve_dict(data, time_limit=4.0, num_workers=2)
    assert validate(data, result) == []
    assert "error" not in result["stats"]["beside"]
    assert result["objective"] > greedy_only["objective"] + 1.0
    assert result["objective"] <= reference["objective"] + 1e-6
    assert result["bound"] >= reference["objective"] - 1e-6  # the LP's bound, proved
    assert result["bound"] < greedy_only["bound"]


def test_beside_ends_with_the_solve_and_one_worker_runs_none():
    data = generate(120, 40, 50, seed=3)
    result = solve_dict(data, time_limit=10.0, num_workers=2)
    assert validate(data, result) == []
    assert "beside" in result["stats"]
    assert not any(t.name == "windows-beside" for t in threading.enumerate())
    single = solve_dict(data, time_limit=10.0, num_workers=1)
    assert "beside" not in single["stats"]
    assert single["status"] == result["status"] == "OPTIMAL"
    assert single["objective"] == pytest.approx(result["objective"], rel=1e-6)


def test_the_mentor_patterns_bound_proves_a_plan_from_beside(monkeypatch):
    """CP-SAT replaced by one that finds no plan and reports no bound: on bench M seed 4
    the mentor patterns' bound (PatternMaster, after the LP beside) is the optimum, and
    the plan from beside that reaches it is OPTIMAL with no help from CP-SAT. Without
    the patterns only the LP's bound, 0.25 % above, is left (MATCHER_PATTERNS=0)."""
    from bench.generate import generate as bench_generate

    data = bench_generate("M", 4)
    monkeypatch.setattr(compact.PairModel, "solve", _cp_sat_finding_nothing())
    # The windows beside end within STOP_GAP of the bound, leaving the last bit to CP-SAT,
    # which here proves nothing: when the plan of the patterns' columns is a hair below
    # the optimum (their MIP holds only the columns the master generated, which vary
    # with the LP's timing), that stop would end the test FEASIBLE for want of CP-SAT.
    monkeypatch.setattr(compact, "STOP_GAP", 0.0)
    result = solve_dict(data, time_limit=20.0, num_workers=2)
    assert validate(data, result) == []
    beside = result["stats"]["beside"]
    assert "error" not in beside, beside
    assert beside["pattern_converged"] and beside["pattern_bound"] < beside["lp_bound"]
    assert result["status"] == "OPTIMAL", (result["objective"], result["bound"], beside)
    assert result["bound"] - result["objective"] <= 2e-7 * result["bound"]
    monkeypatch.setattr(compact, "PATTERNS", False)
    without = solve_dict(data, time_limit=3.0, num_workers=2)
    assert without["status"] == "FEASIBLE" and "pattern_bound" not in without["stats"]["beside"]
    assert without["bound"] > result["bound"] + 50.0
