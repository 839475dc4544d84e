"""Run one solver on one problem file in its own process (so run.py can read its peak RSS).

    python -m bench.solve_one --solver greedy --problem P.json --out R.json
    python -m bench.solve_one --solver mip-pair --problem P.json --time-limit 120 --out R.json
    python -m bench.solve_one --solver mip --kind cover --problem C.json --out R.json

Exit status 0 = result written; 3 = the matcher is not importable or lacks the API.

Before the matcher solves a matching problem it loads its compiled kernels
(``matcher.solve.warm``, where the branch has it), as ``matcher solve`` and the worker do
before their clocks start; the wall time includes that.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from pathlib import Path

MISSING = 3


def matcher_api(kind: str):
    """`matcher.solve_dict` / `matcher.cover_dict`, or None when this branch has no solver yet."""
    try:
        import matcher
    except ImportError:
        return None
    return getattr(matcher, "solve_dict" if kind == "match" else "cover_dict", None)


def solver_fn(name: str, kind: str):
    if name == "matcher":
        return matcher_api(kind)
    if kind == "cover":
        from bench.cover import greedy_cover, mip_cover

        return {"greedy": greedy_cover, "mip": mip_cover, "mip-pair": mip_cover}[name]
    from bench.baselines import greedy, mip, mip_pair

    return {"greedy": greedy, "mip": mip, "mip-pair": mip_pair}[name]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--solver", choices=["matcher", "greedy", "mip", "mip-pair"], required=True)
    ap.add_argument("--kind", choices=["match", "cover"], default="match")
    ap.add_argument("--problem", type=Path, required=True)
    ap.add_argument("--time-limit", type=float, default=120.0)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--out", type=Path, required=True)
    a = ap.parse_args(argv)
    fn = solver_fn(a.solver, a.kind)
    if fn is None:
        print("matcher has no solve_dict/cover_dict on this branch", file=sys.stderr)
        return MISSING
    problem = json.loads(a.problem.read_text())
    if a.solver == "matcher" and a.kind == "match":
        warm = getattr(importlib.import_module("matcher.solve"), "warm", None)
        if warm is not None:
            warm()
    result = fn(problem, time_limit=a.time_limit, num_workers=a.workers)
    a.out.write_text(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
