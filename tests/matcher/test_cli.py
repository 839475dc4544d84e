"""The matcher command line."""

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
