"""The two-index model is exact: its pairs and compatibility rows allow exactly the
allowed triples."""

import itertools
import math
import time

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from test_properties import brute_force, problems  # noqa: E402 (rootdir-less pytest import)

from matcher.candidates import broken_rules
from matcher.compact import greedy, plan_value, upper, widen
from matcher.mentorlag import MentorPrices, transport
from matcher.pairs import build_pairs, compatible
from matcher.schema import parse_problem
from matcher.solve import section3_score


def _caps(prob):
    return (np.array([pl.slots for pl in prob.placements], dtype=np.int64),
            np.array([m.capacity_hours for m in prob.mentors], dtype=np.int64),
            np.array([m.max_participants for m in prob.mentors], dtype=np.int64))


def _built(data):
    """(parsed problem, every pair of it, brute-force optimum, its tolerance)."""
    prob = parse_problem(data)
    pr = build_pairs(prob, list(range(len(prob.participants))), *_caps(prob))
    best = brute_force(data)
    return prob, pr, best, 1e-6 * max(1.0, abs(best))


def _truncated_pairs(prob):
    """The pairs with every participant keeping only its best placement for the search."""
    import matcher.pairs as pairs_module

    saved = pairs_module.MAX_RAW_TRIPLES
    pairs_module.MAX_RAW_TRIPLES = 0
    try:
        return build_pairs(prob, list(range(len(prob.participants))), *_caps(prob))
    finally:
        pairs_module.MAX_RAW_TRIPLES = saved


def _allowed_by_rows(pr, i):
    """(placement, mentor) combinations the rows allow for participant ``i``."""
    xs = [k for k in range(len(pr.x_item)) if pr.x_item[k] == i]
    out = set()
    for yi in np.flatnonzero(pr.y_item == i):
        rows = np.flatnonzero(pr.row_y == yi)
        ok = set(xs)
        for r in rows:
            part = set(pr.row_x[pr.row_ptr[r]:pr.row_ptr[r + 1]].tolist())
            ok = ok & part if pr.row_kind[r] == 0 else ok - part
        out |= {(int(pr.x_place[k]), int(pr.y_mentor[yi])) for k in ok}
    return out


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_rows_allow_exactly_the_worthwhile_allowed_triples(data):
    prob = parse_problem(data)
    pr = build_pairs(prob, list(range(len(prob.participants))), *_caps(prob))
    for i, p in enumerate(prob.participants):
        want = set()
        for (li, pl), (mj, m) in itertools.product(enumerate(prob.placements),
                                                   enumerate(prob.mentors)):
            if m.max_participants <= 0 or pl.slots <= 0 or m.capacity_hours < p.hours_min:
                continue
            if broken_rules(prob, p, pl, m, p.hours_min):
                continue
            top = p.hours_max if prob.weights.hours > 0 else p.hours_min
            if section3_score(prob, p, pl.id, m.id, top) > 0:
                want.add((li, mj))
        assert _allowed_by_rows(pr, i) == want
        assert {(li, mj) for li, mj in want} == {
            (li, mj) for li, mj in want if compatible(prob, pr, p.days, li, mj)}
    assert len(pr.t_x) == pr.triples
    assert (np.diff(pr.t_x) >= 0).all()  # mentor prices rely on this order


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_greedy_is_feasible_and_bounds_hold(data):
    prob = parse_problem(data)
    pr = build_pairs(prob, list(range(len(prob.participants))), *_caps(prob))
    plan = greedy(prob, pr)
    value = plan_value(pr, plan)
    best = brute_force(data)
    tol = 1e-6 * max(1.0, abs(best))
    assert value <= best + tol
    assert upper(pr) >= best - tol


def _plan_breaks(prob, pr, plan):
    """Rule violations of a plan ``item -> (x id, y id, hours)`` of the two-index model."""
    out = []
    slots, hours, count = {}, {}, {}
    for i, (xi, yi, h) in plan.items():
        p = prob.participants[i]
        pl, m = prob.placements[pr.x_place[xi]], prob.mentors[pr.y_mentor[yi]]
        if pr.x_item[xi] != i or pr.y_item[yi] != i:
            out.append(f"{p.id}: pair of another participant")
        out += [f"{p.id}: {b}" for b in broken_rules(prob, p, pl, m, h)]
        slots[pl.id] = slots.get(pl.id, 0) + 1
        hours[m.id] = hours.get(m.id, 0) + h
        count[m.id] = count.get(m.id, 0) + 1
    out += [f"{k}: slots" for k, v in slots.items()
            if v > prob.placements[prob.l_index[k]].slots]
    out += [f"{k}: hours or participants" for k in hours
            if hours[k] > prob.mentors[prob.m_index[k]].capacity_hours
            or count[k] > prob.mentors[prob.m_index[k]].max_participants]
    return out


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_mentor_prices_bound_the_optimum_and_repair_to_a_feasible_plan(data):
    prob = parse_problem(data)
    pr = build_pairs(prob, list(range(len(prob.participants))), *_caps(prob))
    best = brute_force(data)
    tol = 1e-6 * max(1.0, abs(best))
    mp = MentorPrices(pr)
    # Any nonnegative prices give a bound, not only the ones the search visits.
    rng = np.random.default_rng(len(pr.x_item))
    for scale in (0.0, 1.0, 30.0):
        mu = rng.random(len(pr.cap_hours)) * scale
        nu = rng.random(len(pr.cap_hours)) * scale / 5
        assert mp.evaluate(mu, nu)[0] >= best - tol
    priced = mp.run(0.0, time.monotonic() + 0.5)
    assert priced.bound >= best - tol
    assert _plan_breaks(prob, pr, priced.plan) == []
    assert priced.value == pytest.approx(plan_value(pr, priced.plan))
    assert priced.value <= best + tol


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_mentor_prices_bound_covers_placements_a_truncated_search_left_out(data):
    prob = parse_problem(data)
    pr = _truncated_pairs(prob)
    best = brute_force(data)
    tol = 1e-6 * max(1.0, abs(best))
    mp = MentorPrices(pr)
    rng = np.random.default_rng(len(pr.x_item))
    for scale in (0.0, 1.0, 30.0):  # the left-out pairs are priced too; any prices bound
        mu = rng.random(len(pr.cap_hours)) * scale
        nu = rng.random(len(pr.cap_hours)) * scale / 5
        assert mp.evaluate(mu, nu)[0] >= best - tol
    priced = mp.run(0.0, time.monotonic() + 0.3)
    assert priced.bound >= best - tol
    assert _plan_breaks(prob, pr, priced.plan) == []


def test_transport_is_the_exact_best_assignment_within_slots():
    # Two people, one place with one slot and one with two: brute force agrees.
    item = np.array([0, 0, 1, 1, 2])
    place = np.array([0, 1, 0, 1, 0])
    value = np.array([5.0, 4.0, 6.0, 1.0, 2.5])
    slots = np.array([1, 2])
    got, chosen = transport(3, item, place, value, slots)
    assert got == pytest.approx(10.0)
    assert sorted(chosen.tolist()) == [1, 2]
    # A value that is not a multiple of 1/SCALE still gives a bound above the exact best.
    got, _ = transport(1, np.array([0]), np.array([0]), np.array([1.00001]), np.array([1]))
    assert got >= 1.00001


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_truncated_search_keeps_a_valid_bound_and_never_claims_optimal(data):
    import matcher.pairs as pairs_module
    from matcher import solve_dict, validate

    saved = pairs_module.MAX_RAW_TRIPLES
    pairs_module.MAX_RAW_TRIPLES = 0  # every participant keeps only its best placement
    try:
        result = solve_dict(data, time_limit=2.0, num_workers=1)
    finally:
        pairs_module.MAX_RAW_TRIPLES = saved
    assert validate(data, result) == []
    best = brute_force(data)
    tol = 1e-6 * max(1.0, abs(best))
    assert result["objective"] <= best + tol
    assert result["bound"] >= best - tol
    if result["status"] == "OPTIMAL":  # only when nothing was left out
        assert abs(result["objective"] - best) <= tol


def test_an_attribute_no_placement_requires_does_not_hide_the_open_placement():
    """Regression: tags on the superset side that nobody asks for are ignored."""
    from matcher import solve_dict, validate

    data = {"participants": [{"id": "p0", "hours_min": 2, "hours_max": 2, "days": ["mon"],
                              "areas": [], "attributes": ["a"], "max_travel_km": 2,
                              "location": {"lat": 55.6, "lon": 12.5}}],
            "placements": [{"id": "l0", "employer": "e1", "area": "x", "slots": 1,
                            "days": ["mon"], "requirements": ["b"],
                            "location": {"lat": 55.6, "lon": 12.5}},
                           {"id": "l1", "employer": "e1", "area": "x", "slots": 1,
                            "days": ["mon"], "location": {"lat": 55.6, "lon": 12.5}}],
            "mentors": [{"id": "m0", "employer": "e1", "capacity_hours": 4,
                         "max_participants": 1, "days": ["mon"], "max_travel_km": 0,
                         "location": {"lat": 55.6, "lon": 12.5}}]}
    result = solve_dict(data, time_limit=2.0, num_workers=1)
    assert validate(data, result) == []
    assert [(m["placement"], m["mentor"]) for m in result["matches"]] == [("l1", "m0")]
    assert result["status"] == "OPTIMAL"


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_highs_mip_of_the_two_index_model_finds_the_brute_force_optimum(data):
    from matcher.highs import HighsForm

    prob, pr, best, tol = _built(data)
    if len(pr.x_item) == 0:
        assert best <= tol
        return
    form = HighsForm(pr)
    x, bound = form.mip(10.0)
    assert abs(float(form.c @ x) - best) <= 1e-5 * max(1.0, abs(best))
    assert bound >= best - tol
    assert form.lp_bound(10.0) >= best - tol


@pytest.mark.parametrize("master,workers", [("pdlp", 1), ("ipm", 1), ("pdlp", 2)])
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_solve_through_prices_and_windows_is_valid_and_bounded(master, workers, data):
    """The large-model path (prices, the LP by either master solver, the knapsack bound
    before the windows or, with two workers, in a thread beside them) on instances small
    enough to check."""
    import matcher.compact as compact
    from matcher import solve_dict, validate

    saved = (compact.PRICES_FROM, compact.WHOLE_MODEL_PAIRS, compact.LP_MASTER,
             compact.KNAP_MIN_SECONDS)
    # Every phase runs, the mentor-knapsack bound too (it is skipped below 0.2 s).
    compact.PRICES_FROM, compact.WHOLE_MODEL_PAIRS, compact.KNAP_MIN_SECONDS = 0, 0, 0.0
    compact.LP_MASTER = master
    try:
        result = solve_dict(data, time_limit=1.0, num_workers=workers)
    finally:
        (compact.PRICES_FROM, compact.WHOLE_MODEL_PAIRS, compact.LP_MASTER,
         compact.KNAP_MIN_SECONDS) = saved
    assert validate(data, result) == []
    stats = result.get("stats", {})
    if stats.get("lp_rounds"):  # the LP ran, so the knapsack bound did too (and is checked)
        assert stats["knap_thread"] is (workers == 2)
    best = brute_force(data)
    tol = 1e-6 * max(1.0, abs(best))
    assert result["objective"] <= best + tol
    assert result["bound"] >= best - tol
    assert result["status"] != "OPTIMAL" or abs(result["objective"] - best) <= tol


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_priced_values_of_left_out_pairs_are_upper_values(data):
    """Every allowed match through a left-out placement pair is worth at most its priced value."""
    from matcher.mentorlag import dropped_values

    prob = parse_problem(data)
    pr = _truncated_pairs(prob)
    d = pr.dropped
    if d is None:  # only when there was nothing to leave out
        assert pr.raw_triples == 0
        return
    rng = np.random.default_rng(len(d.item))
    mu = rng.random(len(prob.mentors)) * 20
    nu = rng.random(len(prob.mentors)) * 4
    got, who = dropped_values(pr, d, mu, nu)
    assert ((who >= 0) == np.isfinite(got)).all()
    for k, (i, li) in enumerate(zip(d.item.tolist(), d.place.tolist(), strict=True)):
        p, pl = prob.participants[i], prob.placements[li]
        for mj, m in enumerate(prob.mentors):
            if m.max_participants <= 0:
                continue
            for h in range(p.hours_min, p.hours_max + 1):
                if m.capacity_hours < h or broken_rules(prob, p, pl, m, h):
                    continue
                priced = section3_score(prob, p, pl.id, m.id, h) - mu[mj] - nu[mj] * h
                assert priced <= got[k] + 1e-6 * max(1.0, abs(priced))


def _lp_run(data, master, with_start):
    """Column generation from zero prices to the end on a small instance: (problem,
    pairs, brute-force optimum, its tolerance, the generator, its result), or None when
    no match is allowed."""
    from matcher.colgen import ColumnGeneration

    prob, pr, best, tol = _built(data)
    if len(pr.x_item) == 0:
        return None
    zeros = np.zeros(len(pr.cap_hours))
    cg = ColumnGeneration(pr, MentorPrices(pr), master)
    lp = cg.run(zeros, zeros, time.monotonic() + 10.0,
                greedy(prob, pr) if with_start else None, stop_gap=0.0)
    return prob, pr, best, tol, cg, lp


def _assert_rounded(prob, pr, lp, most):
    """The LP's rounded plan breaks no rule, is worth what it says, and at most ``most``."""
    assert _plan_breaks(prob, pr, lp.plan) == []
    assert lp.value == pytest.approx(plan_value(pr, lp.plan))
    assert lp.value <= most


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_column_generation_reaches_the_lp_bound_and_rounds_to_a_feasible_plan(data):
    ran = _lp_run(data, "ipm", with_start=False)
    if ran is None:
        return
    prob, pr, best, tol, cg, lp = ran
    assert lp.converged  # these models are tiny: the LP is finished well within 10 s
    assert lp.bound >= best - tol
    assert cg.x_value >= best - tol  # the finished LP relaxes the problem
    # At the LP optimum the transportation bound meets the LP (up to the 1/1000
    # rounding per arc and the interior-point tolerance).
    assert lp.bound <= cg.x_value * (1 + 1e-6) + 1e-3 * pr.n_items + 1e-6
    _assert_rounded(prob, pr, lp, best + tol)


def test_column_generation_stopped_by_the_clock_keeps_a_bound_and_the_start():
    from matcher.colgen import ColumnGeneration

    data = {"participants": [{"id": f"p{k}", "hours_min": 2, "hours_max": 4, "days": ["mon"],
                              "areas": [], "max_travel_km": 5,
                              "location": {"lat": 55.6, "lon": 12.5}} for k in range(3)],
            "placements": [{"id": "l0", "employer": "e1", "area": "x", "slots": 2,
                            "days": ["mon"], "location": {"lat": 55.6, "lon": 12.5}}],
            "mentors": [{"id": "m0", "employer": "e1", "capacity_hours": 6,
                         "max_participants": 2, "days": ["mon"], "max_travel_km": 0,
                         "location": {"lat": 55.6, "lon": 12.5}}]}
    prob = parse_problem(data)
    pr = build_pairs(prob, [0, 1, 2], *_caps(prob))
    mp = MentorPrices(pr)
    start = greedy(prob, pr)
    zeros = np.zeros(1)
    lp = ColumnGeneration(pr, mp, "ipm").run(zeros, zeros, time.monotonic() - 1.0, start)
    assert lp.stats["lp_rounds"] == 0 and not lp.converged
    assert lp.plan == start and lp.bound == math.inf
    done = ColumnGeneration(pr, mp, "ipm").run(zeros, zeros, time.monotonic() + 10.0, start,
                                        stop_gap=0.0)
    # two matches at 2 + 4 hours (or 3 + 3): 2 * 100 + 6 hours, no travel
    assert done.converged and done.value == pytest.approx(206.0)
    assert done.bound == pytest.approx(206.0, abs=1e-2)


def test_the_first_highs_object_prints_nothing_on_standard_output():
    """``matcher solve`` without --out writes its result to standard output."""
    import subprocess
    import sys

    code = ("import highspy; from matcher.colgen import _quiet_highs; "
            "_quiet_highs(highspy); print('result')")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout == "result\n"


@pytest.mark.parametrize("seed", [0, 1])
def test_column_generation_finds_the_lp_optimum_of_every_allowed_triple(seed):
    """Against the LP over every allowed triple, written out in full for scipy's HiGHS:
    the columns left out of the master must not matter once generation converges."""
    import scipy.sparse as sp
    from generate import generate
    from scipy.optimize import linprog

    from matcher.colgen import ColumnGeneration

    prob = parse_problem(generate(300, 90, 120, seed=seed))
    pr = build_pairs(prob, list(range(len(prob.participants))), *_caps(prob))
    mp = MentorPrices(pr)
    t = np.arange(len(mp.tx))
    xi, yi = mp.tx[t].astype(np.int64), mp.ty[t].astype(np.int64)
    i, li, mj = pr.x_item[xi], pr.x_place[xi], pr.y_mentor[yi]
    n_p, n_l, n_m, n = pr.n_items, len(pr.slots), len(pr.cap_hours), len(t)
    cols, rows, vals, cost = [], [], [], []
    for k, hours in enumerate((pr.lo[i], pr.hi[i])):  # both ends of the hours
        c = k * n + t
        cols += [c] * 4
        rows += [i, n_p + li, n_p + n_l + mj, n_p + n_l + n_m + mj]
        vals += [np.ones(n)] * 3 + [hours.astype(float)]
        cost.append(pr.x_val[xi] + pr.y_val[yi] + pr.coef[i] * hours)
    A = sp.csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
                      shape=(n_p + n_l + 2 * n_m, 2 * n))
    b = np.concatenate([np.ones(n_p), pr.slots, pr.cap_count, pr.cap_hours]).astype(float)
    full = linprog(-np.concatenate(cost), A_ub=A, b_ub=b, bounds=(0, 1), method="highs")
    assert full.status == 0
    zeros = np.zeros(n_m)
    cg = ColumnGeneration(pr, mp, "ipm")
    lp = cg.run(zeros, zeros, time.monotonic() + 60.0, stop_gap=0.0)
    assert lp.converged and lp.stats["lp_rounds"] > 1
    assert cg.h.getNumCol() < 2 * n / 3  # it did not need every column
    assert cg.x_value == pytest.approx(-full.fun, rel=1e-6)
    assert -full.fun - 1e-6 <= lp.bound <= -full.fun * (1 + 1e-6) + 1e-3 * n_p
    assert _plan_breaks(prob, pr, lp.plan) == []


def m_exact_lp(seed):
    """A generated M problem, its pairs, and column generation run to the exact LP
    optimum with the interior-point master (the generation and its result)."""
    from generate import generate

    from matcher.colgen import ColumnGeneration

    prob = parse_problem(generate(300, 90, 120, seed=seed))
    pr = build_pairs(prob, list(range(len(prob.participants))), *_caps(prob))
    zeros = np.zeros(len(pr.cap_hours))
    cg = ColumnGeneration(pr, MentorPrices(pr), "ipm")
    lp = cg.run(zeros, zeros, time.monotonic() + 60.0, stop_gap=0.0)
    assert lp.converged
    return prob, pr, cg, lp


@pytest.mark.parametrize("seed", [0, 1])
def test_pdlp_master_brings_the_bound_close_to_the_lp_and_never_below_it(seed):
    """The master solved inexactly by PDLP: its duals still give a proved bound (never
    below the LP optimum of every allowed triple), within 0.1 % of that optimum, and well
    below the zero-price bound (fails if the PDLP duals' sign or rows are mixed up)."""
    from matcher.colgen import ColumnGeneration

    prob, pr, exact, ref = m_exact_lp(seed)
    zeros = np.zeros(len(pr.cap_hours))
    mp = MentorPrices(pr)
    free = mp.evaluate(zeros, zeros)[0]
    cg = ColumnGeneration(pr, mp, "pdlp")
    lp = cg.run(zeros, zeros, time.monotonic() + 60.0, stop_gap=0.0)
    assert lp.stats["lp_master_solver"] == "pdlp" and lp.stats["lp_rounds"] > 1
    assert exact.x_value - 1e-6 * exact.x_value <= lp.bound <= exact.x_value * 1.001
    assert free - lp.bound > 10 * (lp.bound - exact.x_value)
    _assert_rounded(prob, pr, lp, exact.x_value + 1e-6)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_pdlp_column_generation_bounds_the_optimum_and_rounds_to_a_feasible_plan(data):
    ran = _lp_run(data, "pdlp", with_start=True)
    if ran is None:
        return
    prob, pr, best, tol, _, lp = ran
    assert lp.bound >= best - tol
    _assert_rounded(prob, pr, lp, best + tol)


def test_an_unknown_master_solver_is_refused():
    from matcher.colgen import ColumnGeneration

    prob = parse_problem({"participants": [], "placements": [], "mentors": []})
    pr = build_pairs(prob, [], *_caps(prob))
    with pytest.raises(ValueError, match="master"):
        ColumnGeneration(pr, MentorPrices(pr), "simplex")


def test_column_generation_stops_once_the_bound_is_close_to_the_lp():
    from generate import generate

    from matcher.colgen import ColumnGeneration

    prob = parse_problem(generate(300, 90, 120, seed=1))
    pr = build_pairs(prob, list(range(len(prob.participants))), *_caps(prob))
    zeros = np.zeros(len(pr.cap_hours))
    full = ColumnGeneration(pr, MentorPrices(pr), "ipm")
    exact = full.run(zeros, zeros, time.monotonic() + 60.0, stop_gap=0.0)
    cg = ColumnGeneration(pr, MentorPrices(pr), "ipm")
    early = cg.run(zeros, zeros, time.monotonic() + 60.0, stop_gap=0.05)
    assert exact.converged and not early.converged
    assert early.stats["lp_rounds"] < exact.stats["lp_rounds"]
    assert exact.bound - 1e-6 <= early.bound <= cg.x_value * 1.05 + 1e-6


def test_a_problem_without_any_allowed_match_is_proved_optimal_at_zero():
    from matcher import solve_dict, validate

    data = {"participants": [{"id": "p0", "hours_min": 2, "hours_max": 2, "days": ["mon"],
                              "areas": ["kitchen"], "max_travel_km": 2,
                              "location": {"lat": 55.6, "lon": 12.5}}],
            "placements": [{"id": "l0", "employer": "e1", "area": "retail", "slots": 1,
                            "days": ["mon"], "location": {"lat": 55.6, "lon": 12.5}}],
            "mentors": [{"id": "m0", "employer": "e1", "capacity_hours": 4,
                         "max_participants": 1, "days": ["mon"], "max_travel_km": 0,
                         "location": {"lat": 55.6, "lon": 12.5}}]}
    result = solve_dict(data, time_limit=2.0, num_workers=1)
    assert validate(data, result) == []
    assert result["status"] == "OPTIMAL"
    assert result["objective"] == 0.0 and 0.0 <= result["bound"] <= 1e-6


@pytest.mark.parametrize("seed", [0, 1])
def test_pairs_built_in_small_chunks_are_the_pairs_built_at_once(seed):
    """Chunks hold whole participants and finish their own pairs, rows and triples."""
    from generate import generate

    import matcher.pairs as pairs_module

    prob = parse_problem(generate(300, 90, 120, seed=seed))
    whole = build_pairs(prob, list(range(len(prob.participants))), *_caps(prob))
    saved = pairs_module.CHUNK_TRIPLES
    pairs_module.CHUNK_TRIPLES = 50  # far fewer than one participant's combinations
    try:
        chunked = build_pairs(prob, list(range(len(prob.participants))), *_caps(prob))
    finally:
        pairs_module.CHUNK_TRIPLES = saved
    assert whole.triples > 1000
    for name in ("x_item", "x_place", "x_val", "y_item", "y_mentor", "y_val", "t_x", "t_y"):
        assert np.array_equal(getattr(whole, name), getattr(chunked, name)), name

    def rows(pr):  # the same rows, in any order
        return sorted((int(y), int(k), tuple(pr.row_x[pr.row_ptr[r]:pr.row_ptr[r + 1]]))
                      for r, (y, k) in enumerate(zip(pr.row_y, pr.row_kind, strict=True)))

    assert rows(whole) == rows(chunked) and len(rows(whole)) > 100
    assert chunked.t_x.dtype == np.int32 and chunked.t_y.dtype == np.int32
    # t_x is sorted, as the mentor prices need
    assert np.all(np.diff(chunked.t_x) >= 0)


def test_the_subgradient_spreads_a_chosen_pair_over_its_tied_mentors():
    from generate import generate

    prob = parse_problem(generate(300, 90, 120, seed=0))
    pr = build_pairs(prob, list(range(len(prob.participants))), *_caps(prob))
    mp = MentorPrices(pr)
    xs = np.flatnonzero(np.diff(mp.start) > 1)[:40]  # pairs with several mentors
    assert len(xs) == 40
    tv = np.round(np.random.default_rng(0).random(len(mp.tx)) * 3)  # many exact ties
    pick, wt = mp.tied_triples(xs, tv)
    owner = np.searchsorted(mp.start, pick, side="right") - 1
    assert set(owner.tolist()) == set(xs.tolist())
    assert np.allclose(np.bincount(owner, weights=wt, minlength=len(mp.start))[xs], 1.0)
    for x in xs.tolist():
        seg = tv[mp.start[x]:mp.start[x + 1]]
        mine = pick[owner == x]
        assert len(mine) == int((seg == seg.max()).sum()) and np.all(tv[mine] == seg.max())


def test_exclusions_remove_exactly_the_excluded_pairs():
    """Rule 7, vectorised: what an exclusion names goes, nothing else does."""
    from dataclasses import replace

    from generate import generate

    prob = parse_problem(generate(300, 90, 120, seed=1))
    everyone = list(range(len(prob.participants)))
    before = build_pairs(prob, everyone, *_caps(prob))

    def triples(pr):
        return {(int(pr.x_item[a]), int(pr.x_place[a]), int(pr.y_mentor[b]))
                for a, b in zip(pr.t_x.tolist(), pr.t_y.tolist(), strict=True)}

    old = triples(before)
    rng = np.random.default_rng(3)
    picked = [sorted(old)[k] for k in rng.choice(len(old), 40, replace=False)]
    parts = list(prob.participants)
    gone_l, gone_m = set(), set()
    for k, (i, li, mj) in enumerate(picked):
        p = parts[i]
        if k % 2:
            parts[i] = replace(p, excluded_mentors=p.excluded_mentors
                               | {prob.mentors[mj].id})
            gone_m.add((i, mj))
        else:
            parts[i] = replace(p, excluded_placements=p.excluded_placements
                               | {prob.placements[li].id})
            gone_l.add((i, li))
    after = triples(build_pairs(replace(prob, participants=parts), everyone, *_caps(prob)))
    want = {(i, li, mj) for i, li, mj in old if (i, li) not in gone_l and (i, mj) not in gone_m}
    assert after == want and len(want) < len(old)


def test_pair_reduced_costs_are_the_best_triple_of_each_pair_and_prune_keeps_the_plan():
    """Windows run on the pairs whose best triple the LP prices at -delta or better."""
    from generate import generate

    from matcher.colgen import ColumnGeneration
    from matcher.compact import prune, subset

    prob = parse_problem(generate(300, 90, 120, seed=2))
    pr = build_pairs(prob, list(range(len(prob.participants))), *_caps(prob))
    mp = MentorPrices(pr)
    zeros = np.zeros(len(pr.cap_hours))
    cg = ColumnGeneration(pr, mp, "ipm")
    start = greedy(prob, pr)
    cg.run(zeros, zeros, time.monotonic() + 60.0, start, stop_gap=0.0)
    pi, sigma, mu, nu = cg.duals
    rc_x, rc_y = cg.pair_reduced_costs()
    # Brute force over every triple and both hours ends.
    xi, yi = mp.tx.astype(np.int64), mp.ty.astype(np.int64)
    i, li, mj = pr.x_item[xi], pr.x_place[xi], pr.y_mentor[yi]
    per_end = [pr.x_val[xi] + pr.y_val[yi] + (pr.coef[i] - nu[mj]) * h - mu[mj] - pi[i]
               - sigma[li] for h in (pr.lo[i], pr.hi[i])]
    rc = np.maximum(*per_end)
    want_x = np.full(len(pr.x_item), -np.inf)
    np.maximum.at(want_x, xi, rc)
    want_y = np.full(len(pr.y_item), -np.inf)
    np.maximum.at(want_y, yi, rc)
    assert np.allclose(rc_x, want_x) and np.allclose(rc_y, want_y)
    assert (rc_x < -3).any()  # something to prune on this instance

    sub, xs, ys = prune(pr, cg, 3.0, start)
    plan_x = {x for x, _, _ in start.values()}
    plan_y = {y for _, y, _ in start.values()}
    assert set(xs.tolist()) == set(np.flatnonzero(want_x >= -3).tolist()) | plan_x
    assert set(ys.tolist()) == set(np.flatnonzero(want_y >= -3).tolist()) | plan_y
    # Every compatibility row of the pruned model is its full row cut to the kept pairs.
    full_rows = {(int(pr.row_y[r]), int(pr.row_kind[r])): set(
        pr.row_x[pr.row_ptr[r]:pr.row_ptr[r + 1]].tolist()) for r in range(len(pr.row_y))}
    kept_x = set(xs.tolist())
    assert len(sub.row_y) == sum(1 for y, _ in full_rows if y in set(ys.tolist()))
    for r in range(len(sub.row_y)):
        key = (int(ys[sub.row_y[r]]), int(sub.row_kind[r]))
        got = {int(xs[k]) for k in sub.row_x[sub.row_ptr[r]:sub.row_ptr[r + 1]]}
        assert got == full_rows[key] & kept_x
    # Nothing pruned: the same model.
    same = subset(pr, np.arange(len(pr.x_item)), np.arange(len(pr.y_item)), pr.slots,
                  pr.cap_hours, pr.cap_count)
    for name in ("x_item", "y_item", "row_y", "row_kind", "row_ptr", "row_x"):
        assert np.array_equal(getattr(same, name), getattr(pr, name))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_windows_given_time_reach_the_optimum_of_a_small_model(data):
    """Windows grow when a round finds nothing; a window over every participant is the
    whole model solved exactly, so with time enough the plan is the optimum."""
    import matcher.compact as compact

    prob, pr, best, tol = _built(data)
    saved = compact.WINDOW
    compact.WINDOW = 1  # windows of 1, 2, 4, ... participants
    try:
        stats = {}
        plan = compact.improve_windows(prob, pr, greedy(prob, pr), time.monotonic() + 20.0,
                                       stats)
    finally:
        compact.WINDOW = saved
    assert _plan_breaks(prob, pr, plan) == []
    assert plan_value(pr, plan) == pytest.approx(best, abs=tol + 1e-6)
    if len(np.unique(pr.x_item)) > 1:
        assert stats["window_size"] > 1


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems(), st.data())
def test_a_window_sees_what_the_rest_of_the_plan_leaves(data, draw):
    """A window's capacities are the whole model's less what the participants outside it
    use in the plan, and its own optimum put back beside them breaks no rule (fails if
    the window counts its own participants' use, or nobody's)."""
    from matcher.compact import PairModel, restrict

    prob, pr, _, _ = _built(data)
    plan = greedy(prob, pr)
    inside = draw.draw(st.sets(st.sampled_from(range(pr.n_items))), label="window")
    items = np.array(sorted(inside), dtype=np.int64)
    sub, xs, ys = restrict(pr, items, plan)
    slots, hours, count = pr.slots.copy(), pr.cap_hours.copy(), pr.cap_count.copy()
    for i, (xi, yi, h) in plan.items():
        if i not in inside:
            slots[pr.x_place[xi]] -= 1
            hours[pr.y_mentor[yi]] -= h
            count[pr.y_mentor[yi]] -= 1
    assert sub.slots.tolist() == slots.tolist()
    assert sub.cap_hours.tolist() == hours.tolist()
    assert sub.cap_count.tolist() == count.tolist()
    assert set(pr.x_item[xs].tolist()) <= inside and set(pr.y_item[ys].tolist()) <= inside
    if len(xs):
        got, _, _ = PairModel(sub).solve(5.0, 1)
        assert got is not None
        merged = {i: m for i, m in plan.items() if i not in inside}
        merged.update(widen(got, xs, ys))
        assert _plan_breaks(prob, pr, merged) == []


_S_BUILT = {}


def _bench_s(seed):
    """A bench S instance (60 / 40 / 35), its pairs and the greedy plan, built once."""
    if seed not in _S_BUILT:
        from bench.generate import generate

        prob = parse_problem(generate("S", seed))
        pr = build_pairs(prob, list(range(len(prob.participants))), *_caps(prob))
        _S_BUILT[seed] = (prob, pr, greedy(prob, pr))
    return _S_BUILT[seed]


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 3), st.data())
def test_a_mentor_chain_frees_who_could_trade_that_mentor(seed, draw):
    """A chain window holds the mentor's own participants first, then participants who
    could have it (the unmatched before the matched), each matched one followed by the
    participants of its present mentor; it stops only when full or when every candidate
    is in. Fails if the chain skips the mentor's own participants, follows the wrong
    mentor, puts matched candidates first or stops early."""
    from matcher.compact import _MentorChains

    prob, pr, plan = _bench_s(seed)
    chains = _MentorChains(pr, plan, seed=draw.draw(st.integers(0, 2**16), label="rng"))
    m = draw.draw(st.sampled_from(sorted(set(pr.y_mentor.tolist()))), label="mentor")
    size = draw.draw(st.integers(1, 30), label="size")
    part = chains.grow(m, size).tolist()

    assert len(part) == len(set(part)) and len(part) <= size
    mentor_of = {i: int(pr.y_mentor[yi]) for i, (_, yi, _) in plan.items()}
    own = [i for i in plan if mentor_of[i] == m]
    could = set(pr.y_item[pr.y_mentor == m].tolist())
    if len(own) >= size:
        assert len(part) == size and set(part) <= set(own)
        return
    assert set(part[:len(own)]) == set(own)
    # After the mentor's own: candidates, each followed by its present mentor's people.
    followers, seen_matched = set(), False
    for i in part[len(own):]:
        if i in followers:
            continue
        assert i in could
        if i in plan:
            seen_matched = True
            followers |= {j for j in plan if mentor_of[j] == mentor_of[i]} - {i}
        else:
            assert not seen_matched, "an unmatched candidate after a matched one"
    if len(part) < size:
        assert could <= set(part)


def test_mentor_chains_find_trades_on_bench_s():
    """On bench S instances the chains both follow mentors and meet unmatched
    candidates (so the properties above are exercised, not vacuous)."""
    from matcher.compact import _MentorChains

    followed = unmatched = 0
    for seed in (1, 2, 3):
        _, pr, plan = _bench_s(seed)
        chains = _MentorChains(pr, plan)
        for m in chains.mentors.tolist():
            part = chains.grow(m, 25).tolist()
            could = set(pr.y_item[pr.y_mentor == m].tolist())
            followed += any(i not in could for i in part)
            unmatched += any(i not in plan for i in part)
    assert followed > 0 and unmatched > 0


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(0.0, 1000.0), min_size=2, max_size=3))
def test_window_kinds_share_time_by_their_gain_per_second(rates):
    """Each kind is tried once first; then, at steady rates, each kind's share of the
    time follows its share of the gain per second, never below FLOOR (fails if the rule
    favours the slower kind or starves one)."""
    from matcher.compact import FLOOR, _next_kind

    kinds = ["sweep", "chain", "pattern"][:len(rates)]
    rate, spent = {}, dict.fromkeys(kinds, 0.0)
    for kind, r in zip(kinds, rates, strict=True):
        assert _next_kind(rate, spent) == kind
        rate[kind] = r
    for _ in range(3000):
        spent[_next_kind(rate, spent)] += 0.01
    total = sum(rates)
    for kind, r in rate.items():
        want = 1.0 if total == 0 else max(FLOOR, r / total)
        want /= sum(1.0 if total == 0 else max(FLOOR, v / total) for v in rates)
        assert spent[kind] / sum(spent.values()) == pytest.approx(want, abs=0.01)


def test_a_kind_left_out_gets_no_turn():
    """Only the kinds offered are chosen (the pattern kind is left out while the guide
    has no mentor), however far behind its share it is."""
    from matcher.compact import _next_kind

    rate = {"sweep": 1.0, "chain": 1.0, "pattern": 50.0}
    spent = {"sweep": 5.0, "chain": 5.0, "pattern": 0.0}
    assert _next_kind(rate, spent) == "pattern"
    assert _next_kind(rate, spent, ["sweep", "chain"]) in ("sweep", "chain")


@pytest.mark.parametrize("n,size", [(1, 1), (7, 3), (80, 25), (100, 25)])
def test_sweep_windows_cover_every_order_whole_and_shifted(n, size):
    """A round of sweep windows cuts each order into consecutive windows twice, once
    from its start and once shifted by half a window, and ``round`` counts at least
    that many windows."""
    from matcher.compact import _Sweeps

    orders = [np.arange(n), np.arange(n)[::-1]]
    sw = _Sweeps(orders, size)
    got = list(sw.take(sw.round(n)))
    assert all(0 < len(w) <= size for w in got)
    per_cut, k = [], 0
    for order in orders:
        for shift in (0, size // 2):
            cut = []
            while sum(len(w) for w in cut) < n:
                cut.append(got[k])
                k += 1
            assert np.concatenate(cut).tolist() == order.tolist()
            assert len(cut[0]) == (size - shift if shift and n > size - shift else min(n, size))
            per_cut.append(len(cut))
    assert sum(per_cut) <= sw.round(n)


def test_mentor_chains_follow_the_plan_as_windows_change_it():
    """After ``moved``, a chain sees the changed plan exactly as a chain built on it
    (fails if ``moved`` misses a participant that left or gained a match)."""
    from matcher.compact import _MentorChains

    _, pr, plan = _bench_s(1)
    chains = _MentorChains(pr, plan, seed=7)
    changed = dict(plan)
    gone = sorted(changed)[::3]
    for i in gone:
        del changed[i]
    chains.moved(changed, gone)
    fresh = _MentorChains(pr, changed, seed=7)
    assert np.array_equal(chains.mentor_of, fresh.mentor_of)
    assert (chains.mentor_of[gone] == -1).all()
    for m in fresh.mentors.tolist():
        assert chains.grow(m, 25).tolist() == fresh.grow(m, 25).tolist()


def _guide_on(seed, rng):
    """A pattern guide over bench S instance ``seed`` at random prices, its pairs and the
    greedy plan."""
    from matcher.compact import _PatternGuide
    from matcher.knapsack import MentorKnapsacks

    _, pr, plan = _bench_s(seed)
    kn = MentorKnapsacks(pr)
    kn.best_prices = (rng.uniform(0, 40, pr.n_items), rng.uniform(0, 40, len(pr.slots)))
    return _PatternGuide(kn), pr, plan


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 3), st.integers(0, 2**31), st.floats(0.2, 1.0))
def test_pattern_losses_add_up_to_the_bound_less_the_plan(seed, rng_seed, share):
    """At any prices the knapsacks' Lagrangian value less the plan's value is exactly
    the mentors' losses plus the prices of unmatched participants and idle slots, every
    loss is >= 0, and a pruned sub-model (the windows' ids) gives the same losses (fails
    if a match's worth misses its hours, a price, or reads ids of the wrong model)."""
    from matcher.compact import narrow, subset

    rng = np.random.default_rng(rng_seed)
    guide, pr, plan = _guide_on(seed, rng)
    pi, sigma = guide.kn.best_prices
    loss, _ = guide.losses(pr, plan)
    assert loss.min() >= -1e-9
    used = np.bincount([pr.x_place[xi] for xi, _, _ in plan.values()],
                       minlength=len(pr.slots))
    idle = sum(pi[i] for i in range(pr.n_items) if i not in plan)
    gap = guide.kn.evaluate(pi, sigma)[0] - plan_value(pr, plan)
    assert loss.sum() + idle + sigma @ (pr.slots - used) == pytest.approx(gap, abs=1e-6)

    keep_x, keep_y = rng.random(len(pr.x_item)) < share, rng.random(len(pr.y_item)) < share
    for xi, yi, _ in plan.values():
        keep_x[xi] = keep_y[yi] = True
    xs, ys = np.flatnonzero(keep_x), np.flatnonzero(keep_y)
    sub = subset(pr, xs, ys, pr.slots, pr.cap_hours, pr.cap_count)
    assert guide.losses(sub, narrow(plan, xs, ys))[0] == pytest.approx(loss, abs=1e-9)


def test_the_guide_lists_the_mentors_that_lose_with_their_best_patterns():
    """``worst`` holds exactly the mentors losing more than LOSS_MIN, each with its best
    pattern's participants, and the unmatched participants priced above LOSS_MIN, each
    with the mentor of its best option; the largest part of the gap (loss or price)
    first (on the bench S instances at random prices both kinds occur, so this is not
    vacuous; fails if either kind is missing, mixed up or out of order)."""
    import dataclasses

    from matcher.compact import LOSS_MIN, _PatternGuide
    from matcher.knapsack import MentorKnapsacks

    listed = unmatched = 0
    for seed in (1, 2, 3):
        rng = np.random.default_rng(seed)
        _, pr, plan = _bench_s(seed)
        # Mentor parts of different worth (bench S has none), so the best option counts.
        pr = dataclasses.replace(pr, y_val=rng.uniform(0, 5, len(pr.y_val)))
        kn = MentorKnapsacks(pr)
        kn.best_prices = (rng.uniform(0, 40, pr.n_items), rng.uniform(0, 40, len(pr.slots)))
        guide = _PatternGuide(kn)
        loss, ys = guide.losses(pr, plan)
        pi = guide.kn.best_prices[0]
        part = {}  # (mentor, first) -> its part of the gap
        for m in np.flatnonzero(loss > LOSS_MIN).tolist():
            first = tuple(sorted(pr.y_item[ys[pr.y_mentor[ys] == m]].tolist()))
            part[(m, first)] = loss[m]
        for i in range(pr.n_items):
            mine = np.flatnonzero(pr.y_item == i)
            if i in plan or pi[i] <= LOSS_MIN or not len(mine):
                continue
            best_x = pr.x_val[pr.x_item == i].max()
            worth = [pr.y_val[y] + pr.coef[i] * pr.hi[i] + best_x for y in mine]
            m = int(pr.y_mentor[mine[int(np.argmax(worth))]])
            part[(m, (i,))] = max(part.get((m, (i,)), 0.0), pi[i])
            unmatched += 1
        worst = [(m, tuple(sorted(first))) for m, first in guide.worst(pr, plan)]
        assert sorted(worst) == sorted(part)
        assert all(part[a] >= part[b] for a, b in itertools.pairwise(worst))
        listed += len(worst)
    assert listed > unmatched > 0

class _FixedGuide:
    """A guide that always names the same mentors and patterns, and counts its calls."""

    def __init__(self, worst):
        self.list, self.calls = worst, 0

    def worst(self, pr, plan):
        self.calls += 1
        return list(self.list)


def test_guided_chains_take_the_guides_mentors_worst_first_and_each_only_once():
    """Guided windows grow the guide's mentors in its order, pattern members right after
    the mentor's own participants; the same (mentor, pattern, participants) is not grown
    again; with nothing new the guide rests GUIDE_WAIT turns; once a window moves a
    mentor's participants, that mentor is new again (fails if a failed window is
    retried for ever, or a changed one never)."""
    from matcher.compact import GUIDE_WAIT, _MentorChains

    _, pr, plan = _bench_s(1)
    mentor_of = {i: int(pr.y_mentor[yi]) for i, (_, yi, _) in plan.items()}
    m1, m2 = sorted(set(mentor_of.values()))[:2]
    first = [i for i in range(pr.n_items) if mentor_of.get(i) not in (m1, None)][:2]
    guide = _FixedGuide([(m1, first), (m2, [])])
    chains = _MentorChains(pr, plan, seed=3, guide=guide)
    assert chains.ready(plan)
    got = list(chains.guided_windows(25, 3))
    assert len(got) == 2 and not chains.pending  # only what the guide named
    own = sorted(i for i, m in mentor_of.items() if m == m1)
    assert sorted(got[0][:len(own)].tolist()) == own
    assert got[0][len(own)] == first[0] and first[1] in got[0].tolist()
    own2 = {i for i, m in mentor_of.items() if m == m2}
    assert set(got[1][:len(own2)].tolist()) == own2
    assert chains.guided == 2 and guide.calls == 1
    for _ in range(GUIDE_WAIT + 1):
        assert not chains.ready(plan)  # nothing new, then resting
        assert guide.calls == 2
    assert not chains.ready(plan) and guide.calls == 3
    changed = dict(plan)
    gone = [i for i, m in mentor_of.items() if m == m1][:1]
    del changed[gone[0]]
    chains.moved(changed, gone)
    for _ in range(GUIDE_WAIT):
        assert not chains.ready(changed)
    assert chains.ready(changed)  # m1 has other participants now: grown again
    assert [w[0] for w in chains.pending] == [m1]


def test_random_chains_and_guided_kind_only_when_the_guide_has_mentors():
    """improve_windows offers the pattern kind only while the guide has mentors: with a
    guide that never names one, no guided window is grown and the plan still improves
    by the other kinds."""
    import matcher.compact as compact

    prob, pr, plan = _bench_s(2)
    guide = _FixedGuide([])
    stats = {}
    got = compact.improve_windows(prob, pr, dict(plan), time.monotonic() + 1.0, stats, guide)
    assert stats["windows_guided"] == 0 and guide.calls >= 1
    assert stats["window_seconds"]["pattern"] == 0.0
    assert plan_value(pr, got) >= plan_value(pr, plan)
    # Each kind's gain is counted, and together they are the plan's gain.
    assert stats["window_gains"]["pattern"] == 0.0
    assert sum(stats["window_gains"].values()) == pytest.approx(
        plan_value(pr, got) - plan_value(pr, plan), abs=0.01)


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 3), st.data())
def test_a_guided_chain_takes_the_pattern_before_other_candidates(seed, draw):
    """With pattern members given, a chain holds the mentor's own participants, then
    each pattern member with the participants of its present mentor, and only then
    other candidates (fails if the pattern is ignored or put after the candidates)."""
    from matcher.compact import _MentorChains

    prob, pr, plan = _bench_s(seed)
    chains = _MentorChains(pr, plan, seed=draw.draw(st.integers(0, 2**16), label="rng"))
    m = draw.draw(st.sampled_from(sorted(set(pr.y_mentor.tolist()))), label="mentor")
    first = draw.draw(st.lists(st.sampled_from(range(pr.n_items)), unique=True,
                               max_size=6), label="pattern")
    part = chains.grow(m, 1000, first).tolist()
    mentor_of = {i: int(pr.y_mentor[yi]) for i, (_, yi, _) in plan.items()}
    own = [i for i in plan if mentor_of[i] == m]
    assert set(part[:len(own)]) == set(own) and set(first) <= set(part)
    allowed = set(own)
    last = max((part.index(i) for i in first), default=len(own) - 1)
    for i in part[len(own):last + 1]:
        assert i in first or i in allowed, "a candidate before the pattern's end"
        if i in first and i in plan:
            allowed |= {j for j in plan if mentor_of[j] == mentor_of[i]}


def test_guided_windows_keep_the_plan_valid_and_never_worse():
    """Windows with the guide (knapsack prices from a few steps) on bench S: guided
    windows are grown, and the plan stays valid and at least as good as its start."""
    import matcher.compact as compact
    from matcher.knapsack import MentorKnapsacks

    for seed in (1, 2):
        prob, pr, plan = _bench_s(seed)
        kn = MentorKnapsacks(pr)
        start = plan_value(pr, plan)
        kn.run(np.zeros(pr.n_items), np.zeros(len(pr.slots)), time.monotonic() + 0.3, start)
        got, guided = dict(plan), 0
        # On a loaded machine the sweeps can take all of 1.5 s before the guide's turn (seen
        # with the suite and a second one running): go on from the plan reached with twice
        # the time, rather than fail for want of it (no timed assertion).
        for k in range(5):
            stats = {}
            got = compact.improve_windows(prob, pr, got, time.monotonic() + 1.5 * 2 ** k,
                                          stats, compact._PatternGuide(kn))
            assert _plan_breaks(prob, pr, got) == []
            assert plan_value(pr, got) >= start - 1e-9
            guided += stats["windows_guided"]
            if guided:
                break
        assert guided > 0


@settings(max_examples=100, deadline=None)
@given(st.lists(st.floats(0.0, 3.0), min_size=30, max_size=250),
       st.sampled_from([0.0, 2.0, 5.0]))
@example([0.3] * 150 + [0.01] * 100, 5.0)
def test_a_window_may_take_a_multiple_of_the_recent_median(durations, factor):
    """Until a quarter of the sample is in (or with the factor 0) a window gets
    WINDOW_SECONDS; then the factor times the median of the last CAP_SAMPLE runs,
    within [CAP_FLOOR, WINDOW_SECONDS] (fails if the cap reads all runs instead of the
    recent ones, starts too early or leaves its bounds)."""
    import matcher.compact as compact

    saved = compact.WINDOW_CAP
    compact.WINDOW_CAP = factor
    try:
        cap = compact._WindowCap()
        for k, d in enumerate(durations):
            recent = durations[max(0, k - compact.CAP_SAMPLE):k]
            if factor == 0 or len(recent) < compact.CAP_SAMPLE // 4:
                want = compact.WINDOW_SECONDS
            else:
                want = min(compact.WINDOW_SECONDS,
                           max(compact.CAP_FLOOR, factor * float(np.median(recent))))
            assert cap.seconds() == pytest.approx(want)
            cap.took(d)
    finally:
        compact.WINDOW_CAP = saved


def test_window_sizes_double_then_start_over_only_while_larger_ones_moved_the_plan(
        monkeypatch):
    """Sizes double from WINDOW to WINDOW_MAX as each stalls; when the largest stalls,
    they start over if any window improved the plan since the smallest last stalled,
    and end (None) if none did, or at once without WINDOW_CYCLE (fails if the sizes
    never start over, start over after a cycle that found nothing, or ignore the
    item count)."""
    import matcher.compact as compact

    monkeypatch.setattr(compact, "WINDOW_CYCLE", True)
    sizes = compact._Sizes(1000)
    assert sizes.size == compact.WINDOW == 25 and compact.WINDOW_MAX == 100
    # gained: windows that improved the plan so far, when each size stalls
    assert [sizes.stalled(g) for g in (7, 9, 9)] == [50, 100, 25]  # 50 moved the plan
    assert sizes.cycles == 1
    assert [sizes.stalled(g) for g in (12, 12, 12)] == [50, 100, None]  # 50, 100 did not
    sizes = compact._Sizes(1000)
    assert [sizes.stalled(g) for g in (7, 7, 7)] == [50, 100, None]  # only 25 moved it
    sizes = compact._Sizes(1000)
    assert [sizes.stalled(g) for g in (7, 7, 8, 8, 8, 8)] == [50, 100, 25, 50, 100, None]
    sizes = compact._Sizes(40)  # every item fits in a window of 50: the largest size
    assert [sizes.stalled(g) for g in (3, 4, 4, 4)] == [50, 25, 50, None]
    assert compact._Sizes(20).stalled(5) is None  # one window holds every item
    sizes = compact._Sizes(1000, base=10)  # dense models start smaller, and start over there
    assert [sizes.stalled(g) for g in (1, 2, 2, 3, 4, 5)] == [20, 40, 80, 100, 10, 20]
    monkeypatch.setattr(compact, "WINDOW_CYCLE", False)
    sizes = compact._Sizes(1000)
    assert [sizes.stalled(g) for g in (1, 2, 3)] == [50, 100, None]


def test_windows_start_smaller_where_participants_have_many_options():
    """WINDOW participants a window while each has at most about DENSE_PAIRS pairs (L has
    17 in the windows' model, XL about 29), fewer where they have more, never below
    WINDOW_MIN (fails if density is ignored, inverted or unbounded)."""
    import dataclasses

    import matcher.compact as compact

    _, pr, _ = _bench_s(1)

    def sized(per, n=100):
        k = int(per * n)
        x = np.zeros(k // 2, dtype=np.int64)
        y = np.zeros(k - k // 2, dtype=np.int64)
        return compact.window_size(dataclasses.replace(pr, x_item=x, y_item=y), n)

    assert compact.WINDOW == 25 and compact.DENSE_PAIRS == 40 and compact.WINDOW_MIN == 10
    assert sized(17) == sized(29) == sized(40) == 25
    assert sized(50) == 20  # 25 * 40 / 50
    assert sized(80) == 12
    assert sized(125) == sized(1000) == 10


def test_a_solve_whose_windows_are_done_returns_before_its_time_limit(monkeypatch):
    """On bench S through the large-model path with two workers, the windows are done
    long before a 60 s limit (out of moves, or the plan within STOP_GAP of the bound);
    the knapsack thread is then asked to settle, so the solve returns with a settled,
    valid bound instead of waiting for the deadline (fails, after 60 s, if the request
    to settle is not passed on)."""
    import matcher.compact as compact
    from bench.generate import generate
    from matcher import solve_dict, validate

    monkeypatch.setattr(compact, "PRICES_FROM", 0)
    monkeypatch.setattr(compact, "WHOLE_MODEL_PAIRS", 0)
    data = generate("S", 1)
    result = solve_dict(data, time_limit=60.0, num_workers=2)
    assert validate(data, result) == []
    stats = result["stats"]
    assert stats["cp_sat"] == "windows" and stats["knap_thread"] and stats["knap_settled"]
    assert stats["windows_ended"] in ("gap", "stalled")
    assert result["objective"] <= result["bound"]


def test_windows_end_once_the_plan_is_within_the_stop_gap_of_the_bound():
    """The windows stop as soon as the plan is within STOP_GAP of the best bound known:
    at once when the start is that close, after improving it when the bound allows more,
    and never with no bound (fails if the bound is not read, or read only between
    turns: a turn is 20 windows)."""
    import matcher.compact as compact

    prob, pr, plan = _bench_s(1)
    start = plan_value(pr, plan)
    stats = {}
    got = compact.improve_windows(prob, pr, dict(plan), time.monotonic() + 5.0, stats,
                                  bound=lambda: start * (1 + compact.STOP_GAP / 2))
    assert stats["windows_ended"] == "gap" and stats["windows"] == 0 and got == plan
    # The optimum of bench S 1 is above the start: the windows find it, then stop.
    stats = {}
    best = plan_value(pr, compact.improve_windows(prob, pr, dict(plan),
                                                  time.monotonic() + 5.0, stats))
    assert best > start and stats["windows_ended"] == "stalled"
    calls = []

    def bound():
        calls.append(1)
        return best

    stats = {}
    got = compact.improve_windows(prob, pr, dict(plan), time.monotonic() + 5.0, stats,
                                  bound=bound)
    assert stats["windows_ended"] == "gap"
    assert plan_value(pr, got) >= best * (1 - compact.STOP_GAP) - 1e-9
    assert len(calls) >= stats["windows"] + 1  # read before every window
    assert _plan_breaks(prob, pr, got) == []
