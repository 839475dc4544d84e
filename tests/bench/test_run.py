"""bench/run.py's summary of repeated runs: every run checked, every run's gap kept."""

import copy

from bench.baselines import greedy
from bench.generate import generate
from bench.run import summarise


def _run(result: dict, wall: float) -> dict:
    return {"wall": wall, "rss_mb": 100.0, "exit": 0, "killed": False, "stderr": "",
            "result": result}


def test_every_runs_gap_is_kept_and_named_when_they_differ():
    problem = generate("S", 1)
    res = greedy(problem)
    looser = copy.deepcopy(res)
    looser["bound"] = res["bound"] + 0.01 * abs(res["bound"])
    row = summarise(problem, "match", [_run(res, 3.0), _run(looser, 1.0), _run(res, 2.0)], 10)
    gap = (res["bound"] - res["objective"]) / abs(res["bound"])
    loose = (looser["bound"] - res["objective"]) / abs(looser["bound"])
    assert row["gaps"] == [gap, loose, gap]  # in the order run
    assert row["gap"] == gap  # the median-time run's (2.0 s)
    assert row["note"] == f"gaps of the runs {gap:.3%} / {loose:.3%} / {gap:.3%}"
    assert row["violations"] == 0


def test_equal_gaps_leave_the_note_empty():
    problem = generate("S", 1)
    res = greedy(problem)
    row = summarise(problem, "match", [_run(res, 1.0), _run(copy.deepcopy(res), 2.0)], 10)
    assert "note" not in row


def test_a_broken_result_is_counted_whichever_run_it_is():
    problem = generate("S", 1)
    res = greedy(problem)
    broken = copy.deepcopy(res)
    broken["matches"].append(dict(broken["matches"][0]))  # one participant matched twice
    # The broken run is the slowest, so not the one whose figures the row shows.
    row = summarise(problem, "match", [_run(res, 1.0), _run(res, 2.0), _run(broken, 9.0)], 10)
    assert row["violations"] > 0
    assert row["errors"]
