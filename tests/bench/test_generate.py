"""The generator writes valid, reproducible instances; the baselines obey the hard rules."""

import json

import pytest

from bench.baselines import greedy, mip, mip_pair
from bench.cover import greedy_cover, mip_cover
from bench.generate import generate, make_cover
from bench.rules import check_cover_result, check_problem, check_result

TINY = "/work/shared/spec/examples/tiny-problem.json"


@pytest.fixture(scope="session")
def small():
    return generate("S", 1)


@pytest.mark.parametrize("size", ["S", "M"])
@pytest.mark.parametrize("seed", [1, 2])
def test_generated_problem_obeys_field_rules(size, seed):
    problem = generate(size, seed)
    assert check_problem(problem) == []
    n_p, n_l, n_m, _ = {"S": (60, 40, 35, 0), "M": (300, 90, 120, 0)}[size]
    assert (len(problem["participants"]), len(problem["placements"]),
            len(problem["mentors"])) == (n_p, n_l, n_m)


def test_generator_is_deterministic_by_seed():
    a, b, c = generate("S", 7), generate("S", 7), generate("S", 8)
    assert json.dumps(a) == json.dumps(b)
    assert json.dumps(a) != json.dumps(c)


def test_generated_figures_follow_the_seed_documents(small):
    mids = [(p["hours_min"] + p["hours_max"]) / 2 for p in generate("M", 1)["participants"]]
    assert 5.5 <= sum(mids) / len(mids) <= 8.5  # 6-8 support hours a week on average
    external = sum(m["employer"] is None for m in small["mentors"]) / len(small["mentors"])
    assert 0.1 <= external <= 0.45  # most mentors are colleagues


def test_checker_rejects_a_broken_field(small):
    bad = json.loads(json.dumps(small))
    bad["participants"][0]["hours_min"] = 1
    bad["mentors"][1]["id"] = bad["mentors"][0]["id"]
    errs = check_problem(bad)
    assert any(e.startswith("p00001.hours_min") for e in errs)
    assert any("duplicate" in e for e in errs)


def test_baselines_reach_the_worked_example_optimum():
    with open(TINY) as f:
        problem = json.load(f)
    for solve in (mip, mip_pair):
        res = solve(problem, time_limit=10)
        assert res["status"] == "OPTIMAL"
        assert res["objective"] == pytest.approx(1131.677822, rel=1e-6)
        assert check_result(problem, res) == []


def test_greedy_and_mip_obey_the_hard_rules_and_greedy_is_not_better(small):
    g = greedy(small)
    m = mip(small, time_limit=20)
    assert check_result(small, g) == []
    assert check_result(small, m) == []
    assert m["status"] == "OPTIMAL"
    assert g["objective"] <= m["objective"] + 1e-6 * abs(m["objective"])
    assert m["objective"] <= g["bound"] + 1e-6 * abs(g["bound"])


def test_pair_formulation_reaches_the_same_optimum(small):
    triple, pair = mip(small, time_limit=20), mip_pair(small, time_limit=20)
    assert check_result(small, pair) == []
    assert pair["status"] == "OPTIMAL"
    assert pair["objective"] == pytest.approx(triple["objective"], rel=1e-6)


def test_cover_baselines_obey_section_5(small):
    cover = make_cover(small, 1)
    assert check_problem(cover) == []
    todo = [a for a in cover["assignments"] if a["mentor"] in cover["absent"]]
    assert len(todo) == 10
    g, m = greedy_cover(cover), mip_cover(cover)
    assert check_cover_result(cover, g) == []
    assert check_cover_result(cover, m) == []
    assert g["objective"] <= m["objective"] + 1e-6 * abs(m["objective"])


def test_result_checker_catches_broken_rules(small):
    res = greedy(small)
    broken = json.loads(json.dumps(res))
    broken["matches"][0]["hours"] = 25
    broken["matches"].append(dict(broken["matches"][1]))
    errs = check_result(small, broken)
    assert any("rule 8" in e for e in errs)
    assert any("listed 2 times" in e for e in errs)


def test_conflicting_pins_make_the_problem_infeasible(small):
    problem = json.loads(json.dumps(small))
    pinned = [p for p in problem["participants"] if p["pinned"]]
    assert pinned, "the generator pins a few confirmed matches"
    pin = dict(pinned[0]["pinned"], hours=pinned[0]["hours_max"] + 1)
    pinned[0]["pinned"] = pin
    for solve in (greedy, mip, mip_pair):
        res = solve(problem)
        assert res["status"] == "INFEASIBLE"
        assert any(pinned[0]["id"] in c["records"] for c in res["conflicts"])
