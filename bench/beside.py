"""What runs beside CP-SAT on whole models: `matcher solve` with each arm, same run.

    python -m bench.beside --seeds 1,2,3,4,5,6,7,8 --limits 10,30 --arms none,windows

Generates bench M instances (300 participants / 90 placements / 120 mentors, whole
models: CP-SAT searches them in one piece) and solves each with ``MATCHER_BESIDE`` set
to each arm (``none``: CP-SAT alone; ``windows``: the LP's plan and windows in a thread
beside it, matcher.compact._WindowsBeside), one process a solve, the arms rotating
which goes first. Prints a markdown table per time limit (status, seconds, gap per arm)
and the medians over the seeds. Every result is checked by ``matcher.validate``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
from pathlib import Path

from bench.generate import generate
from bench.run import run_once
from matcher import validate


def _solve(data: dict, problem: Path, out: Path, limit: float, arm: str) -> dict:
    """One solve in its own process (bench.run.run_once) with MATCHER_BESIDE=arm."""
    os.environ["MATCHER_BESIDE"] = arm  # the child inherits it
    rec = run_once("matcher", "match", problem, out, limit, 2)
    if "result" not in rec:
        raise SystemExit(f"{arm}: no result ({rec['stderr'].strip()[-200:]})")
    r = rec["result"]
    gap = (r["bound"] - r["objective"]) / max(1.0, abs(r["bound"]))
    return {"status": r["status"], "seconds": r["seconds"], "wall": rec["wall"], "gap": gap,
            "valid": validate(data, r) == []}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seeds", default="1,2,3,4,5,6,7,8")
    ap.add_argument("--limits", default="10,30")
    ap.add_argument("--arms", default="none,windows")
    args = ap.parse_args(argv)
    seeds = [int(s) for s in args.seeds.split(",")]
    arms = args.arms.split(",")
    with tempfile.TemporaryDirectory() as tmp:
        for limit in [float(x) for x in args.limits.split(",")]:
            print(f"\n### M, time limit {limit:g} s\n")
            print("| seed | " + " | ".join(f"{a}: status | s | gap" for a in arms) + " |")
            print("|---:|" + "---|---:|---:|" * len(arms))
            rows = []
            for k, seed in enumerate(seeds):
                data = generate("M", seed)
                problem = Path(tmp, f"M{seed}.json")
                problem.write_text(json.dumps(data))
                order = arms[k % len(arms):] + arms[:k % len(arms)]
                got = {a: _solve(data, problem, Path(tmp, f"r-{a}.json"), limit, a)
                       for a in order}
                if not all(g["valid"] for g in got.values()):
                    raise SystemExit(f"seed {seed}: a result breaks the contract")
                print(f"| {seed} | " + " | ".join(
                    f"{got[a]['status']} | {got[a]['seconds']:.2f} | {got[a]['gap']:.4%}"
                    for a in arms) + " |", flush=True)
                rows.append(got)
            for a in arms:
                print(f"\n{a}: median seconds "
                      f"{statistics.median(r[a]['seconds'] for r in rows):.2f}, "
                      f"median gap {statistics.median(r[a]['gap'] for r in rows):.4%}, "
                      f"largest gap {max(r[a]['gap'] for r in rows):.4%}, "
                      f"proved {sum(r[a]['status'] == 'OPTIMAL' for r in rows)} "
                      f"of {len(rows)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
