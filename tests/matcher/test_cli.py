"""The matcher command line."""

import copy
import json

import pytest

from matcher import validate
from matcher.cli import main


def test_solve_writes_result(tmp_path, tiny):
    src, out = tmp_path / "p.json", tmp_path / "r.json"
    src.write_text(json.dumps(tiny))
    assert main(["solve", str(src), "--out", str(out), "--time-limit", "5", "--workers", "1"]) == 0
    result = json.loads(out.read_text())
    assert result["status"] == "OPTIMAL" and validate(tiny, result) == []
    assert main(["validate", str(src), "--result", str(out)]) == 0


def test_invalid_file_exits_2_with_every_error(tmp_path, tiny, capsys):
    tiny["participants"][0]["hours_min"] = 30
    tiny["placements"][1]["slots"] = 0
    src, out = tmp_path / "p.json", tmp_path / "r.json"
    src.write_text(json.dumps(tiny))
    assert main(["solve", str(src), "--out", str(out)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err == ["p1.hours_min: must be an integer between 2 and 20",
                   "l2.slots: must be an integer >= 1"]
    assert json.loads(out.read_text())["status"] == "INVALID"
    assert main(["validate", str(src)]) == 2


def test_solve_help_points_to_the_spec(capsys):
    with pytest.raises(SystemExit):
        main(["solve", "--help"])
    assert "docs/matching-model.md" in capsys.readouterr().out


def test_solve_loads_the_compiled_kernels_before_the_solve(tmp_path, tiny, monkeypatch):
    import importlib

    from matcher import cli

    solve = importlib.import_module("matcher.solve")  # the module, not the function

    calls = []
    monkeypatch.setattr(solve, "warm", lambda: calls.append("warm"))
    real = cli.solve_dict
    monkeypatch.setattr(cli, "solve_dict",
                        lambda *a, **k: calls.append("solve") or real(*a, **k))
    src, out = tmp_path / "p.json", tmp_path / "r.json"
    src.write_text(json.dumps(tiny))
    assert main(["solve", str(src), "--out", str(out), "--time-limit", "2"]) == 0
    assert calls == ["warm", "solve"]
    # A file that cannot be read is reported before anything is loaded.
    calls.clear()
    assert main(["solve", str(tmp_path / "missing.json")]) == 2
    assert calls == []


def test_solve_to_stdout_is_the_result_alone(tmp_path):
    """`matcher solve` without --out writes the result JSON to stdout and nothing else:
    HiGHS (the mentor patterns' master beside CP-SAT) prints a banner there the first
    time a process makes one (``matcher.solve.warm`` makes one before the clock), so
    that one is made with stdout silenced."""
    import subprocess
    import sys

    from generate import generate

    data = generate(120, 40, 50, seed=1)
    src = tmp_path / "p.json"
    src.write_text(json.dumps(data))
    run = subprocess.run([sys.executable, "-m", "matcher.cli", "solve", str(src),
                          "--time-limit", "3", "--workers", "2"],
                         capture_output=True, text=True, check=True)
    result = json.loads(run.stdout)
    assert validate(data, result) == []


@pytest.mark.parametrize("command", ["solve", "cover"])
@pytest.mark.parametrize(("option", "value", "rule"), [
    ("--time-limit", "-1", "must be a finite number of seconds above 0"),
    ("--time-limit", "0", "must be a finite number of seconds above 0"),
    ("--time-limit", "nan", "must be a finite number of seconds above 0"),
    ("--time-limit", "inf", "must be a finite number of seconds above 0"),
    ("--time-limit", "ten", "must be a finite number of seconds above 0"),
    ("--workers", "0", "must be a whole number of at least 1"),
    ("--workers", "-2", "must be a whole number of at least 1"),
    ("--workers", "1.5", "must be a whole number of at least 1"),
])
def test_a_budget_that_is_not_one_exits_2_naming_the_option(tmp_path, tiny, capsys, command,
                                                            option, value, rule):
    """Before, a negative, zero or NaN limit returned the greedy plan at once, an infinite
    one a plan from a broken deadline, and 0 workers meant every core to CP-SAT."""
    src, out = tmp_path / "p.json", tmp_path / "r.json"
    src.write_text(json.dumps(tiny))
    with pytest.raises(SystemExit) as exit_:
        main([command, str(src), "--out", str(out), option, value])
    assert exit_.value.code == 2
    assert f"argument {option}: {rule}, got '{value}'" in capsys.readouterr().err
    assert not out.exists()  # nothing solved, nothing written


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"time_limit": -1.0}, "time_limit: must be a finite number of seconds above 0, got -1.0"),
    ({"time_limit": float("inf")}, "time_limit: must be a finite number"),
    ({"time_limit": "10"}, "time_limit: must be a finite number"),
    ({"num_workers": 0}, "num_workers: must be a whole number of at least 1, got 0"),
    ({"num_workers": 2.0}, "num_workers: must be a whole number of at least 1"),
])
def test_the_library_refuses_a_budget_that_is_not_one(tiny, kwargs, message):
    from matcher import cover_dict, solve_dict

    cover = dict(copy.deepcopy(tiny), format="mentor-cover/1", absent=["m2"], assignments=[
        {"participant": "p3", "placement": "l2", "mentor": "m2", "hours": 8}])
    for call, data in ((solve_dict, tiny), (cover_dict, cover)):
        with pytest.raises(ValueError, match=message):
            call(data, **kwargs)


@pytest.mark.parametrize("command", ["solve", "cover"])
def test_an_out_that_cannot_be_written_exits_2_before_solving(tmp_path, tiny, capsys,
                                                              monkeypatch, command):
    """Before, the solve ran its time and then ended in a traceback."""
    import matcher.cli as cli

    src = tmp_path / "p.json"
    src.write_text(json.dumps(tiny))
    solved = []
    monkeypatch.setattr(cli, "solve_dict", lambda *a, **k: solved.append(1))
    monkeypatch.setattr(cli, "cover_dict", lambda *a, **k: solved.append(1))
    for out, why in ((tmp_path / "no" / "r.json", "No such file or directory"),
                     (tmp_path, "Is a directory")):
        assert main([command, str(src), "--out", str(out)]) == 2
        assert capsys.readouterr().err == f"{out}: cannot write ({why})\n"
    assert solved == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.json"]

