"""The two-index model is exact: its pairs and compatibility rows allow exactly the allowed triples."""

import itertools
import math
import time

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from test_properties import brute_force, problems  # noqa: E402 (rootdir-less pytest import)

from matcher.candidates import broken_rules
from matcher.compact import greedy, plan_value, upper
from matcher.mentorlag import MentorPrices, transport
from matcher.pairs import build_pairs, compatible
from matcher.schema import parse_problem
from matcher.solve import section3_score


def _caps(prob):
    return (np.array([pl.slots for pl in prob.placements], dtype=np.int64),
            np.array([m.capacity_hours for m in prob.mentors], dtype=np.int64),
            np.array([m.max_participants for m in prob.mentors], dtype=np.int64))


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

    prob = parse_problem(data)
    pr = build_pairs(prob, list(range(len(prob.participants))), *_caps(prob))
    best = brute_force(data)
    tol = 1e-6 * max(1.0, abs(best))
    if len(pr.x_item) == 0:
        assert best <= tol
        return
    form = HighsForm(pr)
    x, bound = form.mip(10.0)
    assert abs(float(form.c @ x) - best) <= 1e-5 * max(1.0, abs(best))
    assert bound >= best - tol
    assert form.lp_bound(10.0) >= best - tol


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_solve_through_prices_and_windows_is_valid_and_bounded(data):
    """The large-model path (prices, then windows) on instances small enough to check."""
    import matcher.compact as compact
    from matcher import solve_dict, validate

    saved = compact.PRICES_FROM, compact.WHOLE_MODEL_PAIRS
    compact.PRICES_FROM, compact.WHOLE_MODEL_PAIRS = 0, 0
    try:
        result = solve_dict(data, time_limit=1.0, num_workers=1)
    finally:
        compact.PRICES_FROM, compact.WHOLE_MODEL_PAIRS = saved
    assert validate(data, result) == []
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
    for k, (i, li) in enumerate(zip(d.item.tolist(), d.place.tolist())):
        p, pl = prob.participants[i], prob.placements[li]
        for mj, m in enumerate(prob.mentors):
            if m.max_participants <= 0:
                continue
            for h in range(p.hours_min, p.hours_max + 1):
                if m.capacity_hours < h or broken_rules(prob, p, pl, m, h):
                    continue
                priced = section3_score(prob, p, pl.id, m.id, h) - mu[mj] - nu[mj] * h
                assert priced <= got[k] + 1e-6 * max(1.0, abs(priced))
