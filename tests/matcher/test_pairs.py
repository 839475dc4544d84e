"""The two-index model is exact: its pairs and compatibility rows allow exactly the allowed triples."""

import itertools
import math

import numpy as np
from hypothesis import HealthCheck, given, settings
from test_properties import brute_force, problems  # noqa: E402 (rootdir-less pytest import)

from matcher.candidates import broken_rules
from matcher.compact import greedy, plan_value, upper
from matcher.lagrange import lagrangian_bound
from matcher.pairs import build_pairs, compatible
from matcher.schema import parse_problem
from matcher.solve import section3_score


def _caps(prob):
    return (np.array([pl.slots for pl in prob.placements], dtype=np.int64),
            np.array([m.capacity_hours for m in prob.mentors], dtype=np.int64),
            np.array([m.max_participants for m in prob.mentors], dtype=np.int64))


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
    lag = lagrangian_bound(pr, value, math.inf, 200)
    assert lag >= best - tol


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
