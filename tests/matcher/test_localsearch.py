"""The compiled moves (matcher.localsearch): plans stay within every rule, only improve,
never pass the optimum, and end where no single move gains; ejections and the hours
handed out again find what single moves cannot."""

import numpy as np
import pytest
from generate import generate
from hypothesis import HealthCheck, given, settings
from test_pairs import _built, _caps, _plan_breaks  # noqa: E402 (rootdir-less pytest import)
from test_properties import problems  # noqa: E402

from matcher import compact
from matcher.compact import greedy, plan_value
from matcher.localsearch import LocalSearch, sub_triples
from matcher.pairs import build_pairs
from matcher.schema import parse_problem


def _pairs(data):
    prob = parse_problem(data)
    return prob, build_pairs(prob, list(range(len(prob.participants))), *_caps(prob))


def _search(pr):
    return LocalSearch(pr, pr.t_x.astype(np.int64), pr.t_y.astype(np.int64))


def _best_hours_value(pr, plan):
    """``plan``'s value with each mentor's hours handed out best, by trying every split
    (a reference written apart from the kernel's greedy fill)."""
    import itertools

    by_mentor = {}
    for i, (_, yi, _) in plan.items():
        by_mentor.setdefault(int(pr.y_mentor[yi]), []).append(i)
    total = sum(float(pr.x_val[xi] + pr.y_val[yi]) for xi, yi, _ in plan.values())
    for m, items in by_mentor.items():
        best = -np.inf
        for hs in itertools.product(*[range(int(pr.lo[i]), int(pr.hi[i]) + 1) for i in items]):
            if sum(hs) <= pr.cap_hours[m]:
                best = max(best, sum(float(pr.coef[i]) * h for i, h in zip(items, hs, strict=True)))
        total += best
    return total


def _feasible(pr, plan):
    used_l = np.bincount([pr.x_place[x] for x, _, _ in plan.values()], minlength=len(pr.slots))
    ms = [pr.y_mentor[y] for _, y, _ in plan.values()]
    lo = [pr.lo[i] for i in plan]
    n = len(pr.cap_hours)
    return ((used_l <= pr.slots).all()
            and (np.bincount(ms, minlength=n) <= pr.cap_count).all()
            and (np.bincount(ms, weights=lo, minlength=n) <= pr.cap_hours).all())


def _single_moves(pr, plan):
    """Every plan that differs from ``plan`` in one participant only (another allowed
    triple, or out of the plan), with hours at ``hours_min``, that keeps capacities."""
    options = {}
    for xi, yi in zip(pr.t_x.tolist(), pr.t_y.tolist(), strict=True):
        options.setdefault(int(pr.x_item[xi]), []).append((xi, yi))
    for i in range(pr.n_items):
        others = {j: v for j, v in plan.items() if j != i}
        if i in plan:
            yield others
        for xi, yi in options.get(i, []):
            new = dict(others)
            new[i] = (xi, yi, int(pr.lo[i]))
            if _feasible(pr, new):
                yield new


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_moves_keep_every_rule_only_improve_and_never_pass_the_optimum(data):
    prob, pr, best, tol = _built(data)
    if len(pr.t_x) == 0:
        return
    for start in ({}, greedy(prob, pr)):
        got, gain, _ = _search(pr).improve(dict(start))
        assert _plan_breaks(prob, pr, got) == []
        assert plan_value(pr, got) >= plan_value(pr, start) - 1e-9
        assert plan_value(pr, got) <= best + tol
        # The gain it reports is what the moves made, the hours handed out best.
        assert plan_value(pr, got) == pytest.approx(_best_hours_value(pr, start) + gain,
                                                    abs=1e-6)


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_scarce_slots_and_mentors_are_never_overfilled(seed):
    # Twice as many participants as slots: most moves must make room first.
    prob, pr = _pairs(generate(120, 15, 25, seed=seed))
    for start in ({}, greedy(prob, pr)):
        got, _, _ = _search(pr).improve(dict(start))
        assert _plan_breaks(prob, pr, got) == []
        assert plan_value(pr, got) >= plan_value(pr, start) - 1e-9


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_no_single_move_gains_after_the_moves(seed):
    prob, pr = _pairs(generate(40, 12, 14, seed=seed))
    got, gain, _ = _search(pr).improve({})
    assert gain > 0 and _plan_breaks(prob, pr, got) == []
    value = plan_value(pr, got)
    assert value == pytest.approx(_best_hours_value(pr, got), abs=1e-6)
    assert max(_best_hours_value(pr, new) for new in _single_moves(pr, got)) <= value + 1e-6


def _data(participants, placements, mentors):
    base_p = {"hours_min": 2, "hours_max": 2, "priority": 1, "days": ["mon"], "areas": ["x"],
              "needs": [], "attributes": [], "location": {"lat": 55.6, "lon": 12.5},
              "max_travel_km": 20}
    base_l = {"employer": "e1", "area": "x", "slots": 1, "days": ["mon"], "requirements": [],
              "location": {"lat": 55.6, "lon": 12.5}}
    base_m = {"employer": None, "skills": [], "capacity_hours": 10, "max_participants": 1,
              "days": ["mon"], "location": {"lat": 55.6, "lon": 12.5}, "max_travel_km": 10}
    return {"participants": [{**base_p, **p} for p in participants],
            "placements": [{**base_l, **pl} for pl in placements],
            "mentors": [{**base_m, **m} for m in mentors]}


def _mentor_of(prob, pr, plan):
    return {prob.participants[i].id: prob.mentors[pr.y_mentor[yi]].id
            for i, (_, yi, _) in plan.items()}


def _plan(prob, pr, want):
    """A plan in pair ids from ``{participant id: (placement id, mentor id, hours)}``."""
    ids = [p.id for p in prob.participants]
    out = {}
    for pid, (lid, mid, h) in want.items():
        i = ids.index(pid)
        xi = next(x for x in np.flatnonzero(pr.x_item == i)
                  if prob.placements[pr.x_place[x]].id == lid)
        yi = next(y for y in np.flatnonzero(pr.y_item == i)
                  if prob.mentors[pr.y_mentor[y]].id == mid)
        out[i] = (int(xi), int(yi), h)
    return out


def test_an_unmatched_participant_takes_a_mentor_whose_participant_moves_on():
    # p1 has m1, the only mentor with the skill p2 needs; m2 is free. No single move
    # gains: p2 finds no mentor with room, and p1 moving to m2 alone gains nothing.
    data = _data([{"id": "p1"}, {"id": "p2", "needs": ["addiction"]}],
                 [{"id": "l1", "slots": 2}],
                 [{"id": "m1", "skills": ["addiction"]}, {"id": "m2"}])
    prob, pr = _pairs(data)
    start = _plan(prob, pr, {"p1": ("l1", "m1", 2)})
    assert max(_best_hours_value(pr, new) for new in _single_moves(pr, start)) \
        <= plan_value(pr, start) + 1e-9
    got, gain, _ = _search(pr).improve(start)
    assert _mentor_of(prob, pr, got) == {"p1": "m2", "p2": "m1"}
    assert gain > 0 and _plan_breaks(prob, pr, got) == []


def test_a_full_placement_is_given_up_to_an_unmatched_participant_who_gains_more():
    # One slot; p2 (priority 5) only fits l1, p1 fits l1 and l2: p1 makes room.
    data = _data([{"id": "p1", "areas": ["x", "y"]}, {"id": "p2", "priority": 5}],
                 [{"id": "l1"}, {"id": "l2", "area": "y"}],
                 [{"id": "m1"}, {"id": "m2"}])
    prob, pr = _pairs(data)
    start = _plan(prob, pr, {"p1": ("l1", "m1", 2)})
    got, gain, _ = _search(pr).improve(start)
    place = {prob.participants[i].id: prob.placements[pr.x_place[xi]].id
             for i, (xi, _, _) in got.items()}
    assert place == {"p1": "l2", "p2": "l1"} and gain > 0


def test_a_move_that_frees_hours_for_the_mentors_other_participant():
    # m1's 5 hours are shared by p1 and p2 (2-4 hours each); m2 has 4 hours for one.
    # p1 moving to m2 gives both all 4 of their hours: p2's come from m1's hours part.
    data = _data([{"id": "p1", "hours_min": 2, "hours_max": 4},
                  {"id": "p2", "hours_min": 2, "hours_max": 4}],
                 [{"id": "l1", "slots": 2}],
                 [{"id": "m1", "capacity_hours": 5, "max_participants": 2},
                  {"id": "m2", "capacity_hours": 4}])
    prob, pr = _pairs(data)
    start = _plan(prob, pr, {"p1": ("l1", "m1", 2), "p2": ("l1", "m1", 3)})
    assert (pr.coef > 0).all()
    got, gain, _ = _search(pr).improve(start)
    assert _mentor_of(prob, pr, got) == {"p1": "m2", "p2": "m1"}
    assert sorted(h for _, _, h in got.values()) == [4, 4] and gain > 0


def test_moves_take_the_windows_start_and_keep_the_plan_valid(monkeypatch):
    """In the windows of a large model: the moves run first, say what they gained, and
    the solve's plan is valid."""
    monkeypatch.setattr(compact, "PRICES_FROM", 10)
    monkeypatch.setattr(compact, "WHOLE_MODEL_PAIRS", 10)
    from matcher import solve_dict, validate

    data = generate(150, 45, 60, seed=4)
    result = solve_dict(data, time_limit=4.0)
    assert validate(data, result) == []
    assert result["stats"]["moves_passes"] >= 1
    assert result["stats"]["moves_gain"] >= 0


def test_sub_triples_keep_only_those_with_both_pairs_in_the_sub_model():
    prob, pr = _pairs(generate(40, 12, 14, seed=5))
    xs = np.arange(0, len(pr.x_item), 2)
    ys = np.arange(len(pr.y_item))
    tx, ty = sub_triples(pr, xs, ys)
    want = {(int(np.searchsorted(xs, x)), int(y)) for x, y in zip(pr.t_x, pr.t_y, strict=True)
            if x % 2 == 0}
    assert set(zip(tx.tolist(), ty.tolist(), strict=True)) == want


def test_a_plan_outside_the_triples_is_refused():
    prob, pr = _pairs(generate(20, 8, 8, seed=6))
    i = int(pr.x_item[0])
    yi = int(np.flatnonzero(pr.y_item != i)[0])  # another participant's mentor pair
    with pytest.raises(ValueError, match="not an allowed triple"):
        _search(pr).improve({i: (0, yi, int(pr.lo[i]))})


class _ScriptedMoves:
    """Stands in for LocalSearch: each start turns into the plan given for it."""

    def __init__(self, after, seconds=0.0):
        self.after, self.seconds, self.starts = after, seconds, []

    def improve(self, plan, deadline):
        import time

        time.sleep(self.seconds)
        self.starts.append(plan)
        return self.after[id(plan)], 0.0, 1


def test_the_moves_keep_the_best_plan_after_them_not_the_best_start():
    import time

    prob, pr = _pairs(generate(40, 12, 14, seed=1))
    full = greedy(prob, pr)
    worth = sorted(full, key=lambda i: plan_value(pr, {i: full[i]}))
    good = {i: full[i] for i in worth[1:]}  # all but the least valuable match
    poor = {i: full[i] for i in worth[:1]}  # that one only
    assert plan_value(pr, full) > plan_value(pr, good) > plan_value(pr, poor) > 0
    # The better start ends lower after its moves than the poorer one does.
    low, high = dict(poor), dict(full)
    moves = _ScriptedMoves({id(good): low, id(poor): high})
    stats = {}
    best = compact._moves_first(pr, [poor, good], moves, time.monotonic() + 10, stats)
    assert moves.starts == [good, poor]  # the most valuable start first
    assert best is high and stats["moves_starts"] == 2
    # Once the moves have used MOVES_SHARE of the time, the other starts are left out,
    # and a start the moves made worse is kept as it was.
    moves = _ScriptedMoves({id(good): low, id(poor): high}, seconds=0.05)
    best = compact._moves_first(pr, [poor, good], moves, time.monotonic() + 0.2, stats)
    assert moves.starts == [good] and best is good and stats["moves_starts"] == 1


def test_warm_compiles_the_kernels_for_the_types_a_solve_uses():
    # In a fresh interpreter, so that no other test has compiled anything yet.
    import subprocess
    import sys

    code = """
import sys
sys.path.insert(0, "tests/matcher")
import numpy as np
from generate import generate
from matcher import _lskernel, knapsack
from matcher.compact import greedy
from matcher.localsearch import LocalSearch
from matcher.pairs import build_pairs
from matcher.schema import parse_problem
from matcher.solve import warm
from test_pairs import _caps
def counts():
    return [len(_lskernel.search.signatures), len(_lskernel.ruin_recreate.signatures)] + [
        len(k.signatures) for k in knapsack._compiled()]
warm()
print(*counts())
prob = parse_problem(generate(40, 12, 14, seed=1))
pr = build_pairs(prob, list(range(len(prob.participants))), *_caps(prob))
ls = LocalSearch(pr, pr.t_x.astype("int64"), pr.t_y.astype("int64"))
plan = ls.improve(greedy(prob, pr))[0]
ls.ruin(plan, __import__("time").monotonic() + 0.05)
kn = knapsack.MentorKnapsacks(pr)
kn.evaluate(np.ones(pr.n_items), np.ones(len(pr.slots)))
print(*counts())
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=str(__import__("pathlib").Path(__file__).parents[2]))
    # The solve found warm's kernels: no kernel was compiled again for other types.
    assert out.stdout.split() == ["1"] * 5 + ["1"] * 5


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
@pytest.mark.parametrize("focus", [False, True])
def test_ruin_and_recreate_keeps_every_rule_and_its_gain_is_the_plans(seed, focus):
    import time

    prob, pr = _pairs(generate(120, 15, 25, seed=seed))
    ls = _search(pr)
    start, _, _ = ls.improve(greedy(prob, pr))  # no single move gains any more
    # With a focus: half the tries from these mentors (one no two could have is left out).
    mentors = np.unique(pr.y_mentor)[:3] if focus else None
    got, gain, tries, kept = ls.ruin(dict(start), time.monotonic() + 0.3, focus=mentors)
    assert tries > 0 and _plan_breaks(prob, pr, got) == []
    # Every try that is not kept is undone exactly: the plan is worth what it was plus
    # the gains of the tries kept, each mentor's hours handed out best.
    assert plan_value(pr, got) == pytest.approx(plan_value(pr, start) + gain, abs=1e-6)
    assert gain >= 0 and (gain > 0) == (kept > 0)


def test_ruin_and_recreate_finds_what_the_moves_cannot():
    import time

    gains = []
    for seed in (1, 2, 3):  # participants compete for slots and mentors here
        prob, pr = _pairs(generate(300, 40, 60, seed=seed))
        ls = _search(pr)
        start, _, _ = ls.improve(greedy(prob, pr))
        got, gain, _, _ = ls.ruin(dict(start), time.monotonic() + 0.3)
        gains.append(plan_value(pr, got) - plan_value(pr, start))
    assert all(g > 1e-6 for g in gains), gains
