"""Random tiny instances: every result valid, never above the brute-force optimum."""

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matcher import solve_dict, validate
from matcher.candidates import broken_rules
from matcher.schema import parse_problem
from matcher.solve import section3_score

DAYS = ["mon", "tue", "wed"]
loc = st.fixed_dictionaries({"lat": st.floats(55.6, 55.7), "lon": st.floats(12.5, 12.6)})
days = st.lists(st.sampled_from(DAYS), min_size=1, max_size=3, unique=True)
tags = st.lists(st.sampled_from(["a", "b"]), max_size=2, unique=True)


@st.composite
def problems(draw):
    n_p, n_l, n_m = draw(st.integers(1, 3)), draw(st.integers(1, 2)), draw(st.integers(1, 2))
    parts = []
    for i in range(n_p):
        hmin = draw(st.integers(2, 5))
        parts.append({"id": f"p{i}", "hours_min": hmin, "hours_max": hmin + draw(st.integers(0, 3)),
                      "priority": draw(st.integers(1, 5)), "days": draw(days),
                      "areas": draw(st.lists(st.sampled_from(["x", "y"]), max_size=2, unique=True)),
                      "needs": draw(tags), "attributes": draw(tags), "location": draw(loc),
                      "max_travel_km": draw(st.sampled_from([2, 5, 20])),
                      "current_mentor": draw(
                          st.sampled_from([None] + [f"m{j}" for j in range(n_m)]))})
    places = [{"id": f"l{j}", "employer": draw(st.sampled_from(["e1", "e2"])),
               "area": draw(st.sampled_from(["x", "y"])), "slots": draw(st.integers(1, 2)),
               "days": draw(days), "requirements": draw(tags), "location": draw(loc)}
              for j in range(n_l)]
    mentors = [{"id": f"m{j}", "employer": draw(st.sampled_from([None, "e1", "e2"])),
                "skills": draw(tags), "capacity_hours": draw(st.integers(0, 12)),
                "max_participants": draw(st.integers(0, 2)), "days": draw(days),
                "location": draw(loc), "max_travel_km": draw(st.sampled_from([1, 10]))}
               for j in range(n_m)]
    return {"participants": parts, "placements": places, "mentors": mentors}


def brute_force(data):
    """Best objective by trying every assignment (tiny instances only)."""
    prob = parse_problem(data)
    per_p = []
    for p in prob.participants:
        opts = [None]
        for pl, m in itertools.product(prob.placements, prob.mentors):
            for h in range(p.hours_min, p.hours_max + 1):
                if not broken_rules(prob, p, pl, m, h):
                    opts.append((pl, m, h))
        per_p.append(opts)
    best = 0.0
    for combo in itertools.product(*per_p):
        slots, hours, count, total = {}, {}, {}, 0.0
        for p, c in zip(prob.participants, combo, strict=True):
            if c is None:
                continue
            pl, m, h = c
            slots[pl.id] = slots.get(pl.id, 0) + 1
            hours[m.id] = hours.get(m.id, 0) + h
            count[m.id] = count.get(m.id, 0) + 1
            total += section3_score(prob, p, pl.id, m.id, h)
        if all(slots[k] <= pl.slots for pl in prob.placements for k in [pl.id] if k in slots) and \
                all(hours[m.id] <= m.capacity_hours and count[m.id] <= m.max_participants
                    for m in prob.mentors if m.id in hours):
            best = max(best, total)
    return best


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_results_are_valid_and_optimal_only_when_optimal(data):
    result = solve_dict(data, time_limit=2.0, num_workers=1)
    assert validate(data, result) == []
    best = brute_force(data)
    tol = 1e-6 * max(1.0, abs(best))
    assert result["objective"] <= best + tol
    assert result["bound"] >= best - tol
    if result["status"] == "OPTIMAL":
        assert abs(result["objective"] - best) <= tol
