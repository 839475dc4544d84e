"""bench/solve_one.py: one solver, one file, in the bench's child process."""

import importlib
import json

import pytest

from bench import solve_one
from bench.generate import generate


@pytest.mark.parametrize(("solver", "kind", "warmed"), [
    ("matcher", "match", True), ("greedy", "match", False)])
def test_the_matcher_loads_its_kernels_before_it_solves(tmp_path, monkeypatch, solver,
                                                         kind, warmed):
    solve = importlib.import_module("matcher.solve")  # the module, not the function
    calls = []
    monkeypatch.setattr(solve, "warm", lambda: calls.append("warm"))
    src, out = tmp_path / "p.json", tmp_path / "r.json"
    src.write_text(json.dumps(generate("S", 1)))
    assert solve_one.main(["--solver", solver, "--kind", kind, "--problem", str(src),
                           "--time-limit", "2", "--out", str(out)]) == 0
    assert calls == (["warm"] if warmed else [])
    assert json.loads(out.read_text())["status"] in ("OPTIMAL", "FEASIBLE")
