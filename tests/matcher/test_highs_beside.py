"""HiGHS beside CP-SAT on whole models (matcher.highs.HighsBeside): its plans keep every
rule, its proof is a proof, it stops CP-SAT when it proves first, and the solve keeps
the better plan of the two."""

import threading
import time

import numpy as np
import pytest
from generate import generate
from hypothesis import HealthCheck, given, settings
from test_pairs import _built, _caps, _plan_breaks  # noqa: E402 (rootdir-less pytest import)
from test_properties import problems  # noqa: E402

from matcher import compact, solve_dict, validate
from matcher.compact import plan_value
from matcher.highs import HighsBeside, HighsForm
from matcher.pairs import build_pairs
from matcher.schema import parse_problem


class _FakeSolver:
    """What HighsBeside needs of CP-SAT's solver: stop_search and the time limit."""

    def __init__(self):
        self.stopped = threading.Event()
        self.parameters = type("P", (), {"max_time_in_seconds": 60.0})()

    def stop_search(self):
        self.stopped.set()


def _run_to_end(pr, start=None, seconds=30.0):
    """HiGHS beside a CP-SAT that never finishes: its own result, and the fake solver."""
    fake = _FakeSolver()
    beside = HighsBeside(pr, start or {}, time.monotonic() + seconds, 0.0)
    beside.cp_started(fake)
    beside._thread.join()
    return beside, beside.finish(), fake


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_highs_plan_keeps_every_rule_and_its_proof_is_the_optimum(data):
    prob, pr, best, tol = _built(data)
    beside, got, fake = _run_to_end(pr)
    assert beside.error is None
    plan, bound, proved = got
    assert _plan_breaks(prob, pr, plan) == []
    assert proved
    assert plan_value(pr, plan) == pytest.approx(best, abs=tol)
    assert bound >= best - tol
    # A proof stops CP-SAT, or (proved before CP-SAT started) gives it no time.
    assert fake.stopped.is_set() or fake.parameters.max_time_in_seconds <= 0.01


def _m_pairs(seed=1):
    prob = parse_problem(generate(120, 40, 50, seed=seed))
    return prob, build_pairs(prob, list(range(len(prob.participants))), *_caps(prob))


def test_highs_start_and_its_plan_round_trip_and_broken_columns_are_refused():
    prob, pr = _m_pairs()
    start = compact.greedy(prob, pr)
    form = HighsForm(pr)
    col = np.asarray(form.solution(start).col_value)
    assert form.plan(col) == start
    assert plan_value(pr, form.plan(col)) == pytest.approx(plan_value(pr, start))
    # A second placement for a matched participant (and its mentor pair twice over).
    i, (xi, yi, _) = next((i, m) for i, m in start.items()
                          if (pr.x_item == i).sum() > 1)
    other = next(k for k in np.flatnonzero(pr.x_item == i) if k != xi)
    bad = col.copy()
    bad[other] = 1.0
    assert form.plan(bad) is None
    # Not integral.
    bad = col.copy()
    bad[xi] = 0.5
    assert form.plan(bad) is None
    # One participant more than a placement has slots (each with a mentor pair).
    with_y = np.bincount(pr.y_item, minlength=pr.n_items) > 0
    for li in range(len(pr.slots)):
        ks = [k for k in np.flatnonzero(pr.x_place == li) if with_y[pr.x_item[k]]]
        firsts = {int(pr.x_item[k]): k for k in ks}
        if len(firsts) > pr.slots[li]:
            break
    else:
        pytest.fail("no placement with more candidates than slots")
    bad = np.zeros(form.n)
    for it, k in list(firsts.items())[:int(pr.slots[li]) + 1]:
        bad[k] = bad[form.n_x + np.flatnonzero(pr.y_item == it)[0]] = 1.0
    assert form.plan(bad) is None


def test_cancelled_before_its_start_highs_never_runs():
    _, pr = _m_pairs()
    beside = HighsBeside(pr, {}, time.monotonic() + 30.0, 5.0)
    t = time.monotonic()
    assert beside.finish() is None
    assert not beside.started
    assert time.monotonic() - t < 4.0  # it did not wait for its start


def test_solve_takes_the_highs_plan_when_cp_sat_finds_none(monkeypatch):
    """CP-SAT replaced by one that finds nothing and waits to be stopped: the solve's
    plan, bound and OPTIMAL status come from HiGHS, and the result is valid (fails if
    the HiGHS result is dropped, not combined, or does not stop CP-SAT)."""
    data = generate(120, 40, 50, seed=2)
    monkeypatch.setattr(compact, "HIGHS_BESIDE", False)
    reference = solve_dict(data, time_limit=30.0, num_workers=2)
    assert reference["status"] == "OPTIMAL"

    def no_plan(self, time_limit, workers, gap=2e-7, window=False, started=None):
        fake = _FakeSolver()
        if started is not None:
            started(fake)
        assert fake.stopped.wait(time_limit)
        return None, float("inf"), False

    monkeypatch.setattr(compact.PairModel, "solve", no_plan)
    monkeypatch.setattr(compact, "HIGHS_BESIDE", True)
    monkeypatch.setattr(compact, "HIGHS_AFTER", 0.0)
    result = solve_dict(data, time_limit=30.0, num_workers=2)
    assert validate(data, result) == []
    assert result["status"] == "OPTIMAL"
    assert result["stats"]["highs_beside"]["proved"] is True
    assert result["objective"] == pytest.approx(reference["objective"], rel=1e-6)
    assert result["bound"] == pytest.approx(reference["bound"], rel=1e-6)


def test_one_worker_runs_no_highs(monkeypatch):
    monkeypatch.setattr(compact, "HIGHS_AFTER", 0.0)
    result = solve_dict(generate(60, 20, 25, seed=3), time_limit=10.0, num_workers=1)
    assert "highs_beside" not in result["stats"]
