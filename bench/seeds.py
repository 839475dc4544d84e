"""The matcher against the exact HiGHS MIPs on several instances of one size.

    python -m bench.seeds --size M --seeds 1,2,3,4,5 --time-limit 60

bench/run.py measures one instance per size (seed 1); one instance says little about
"faster than HiGHS", because the time to prove an optimum varies several-fold between
instances of the same size. This runs each solver once per seed, each in its own
process (bench.run.run_once), and writes the table into docs/benchmarks.md between
this script's own markers (below bench/run.py's part, which it keeps).
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import statistics
import sys
from pathlib import Path

from bench.generate import generate
from bench.run import KEEP_MARKER, ROOT, machine, run_once

BEGIN = "<!-- bench/seeds.py: begin -->"
END = "<!-- bench/seeds.py: end -->"
SOLVERS = ("matcher", "mip-pair", "mip")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--size", default="M")
    ap.add_argument("--seeds", default="1,2,3,4,5")
    ap.add_argument("--time-limit", type=float, default=60.0)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--data", type=Path, default=ROOT / "test-artifacts" / "bench")
    a = ap.parse_args(argv)
    a.data.mkdir(parents=True, exist_ok=True)
    seeds = [int(s) for s in a.seeds.split(",")]
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    rows = []
    for seed in seeds:
        path = a.data / f"{a.size}-{seed}-match.json"
        path.write_text(json.dumps(generate(a.size, seed)))
        row = {"seed": seed}
        for solver in SOLVERS:
            out = a.data / f"{a.size}-{seed}-{solver}.seeds.json"
            rec = run_once(solver, "match", path, out, a.time_limit, a.workers)
            res = rec.get("result") or {}
            row[solver] = {"wall": rec["wall"], "seconds": res.get("seconds"),
                           "status": res.get("status", "NO RESULT"),
                           "objective": res.get("objective"), "bound": res.get("bound")}
            print(f"seed {seed} {solver}: {rec['wall']:.2f} s {row[solver]['status']}",
                  file=sys.stderr, flush=True)
        rows.append(row)
    write(rows, a, argv, load)
    return 0


def _cell(r: dict) -> str:
    if r["status"] == "NO RESULT":
        return "no result"
    gap = ""
    if r["status"] != "OPTIMAL" and r["bound"]:
        gap = f", gap {(r['bound'] - r['objective']) / max(1.0, abs(r['bound'])):.3%}"
    return f"{r['seconds']:.2f} s {r['status']}{gap}"


def write(rows: list[dict], a, argv: list[str], load: str) -> None:
    cmd = "python -m bench.seeds " + " ".join(shlex.quote(x) for x in argv)
    lines = [f"| seed | {' | '.join(SOLVERS)} | same objective |",
             "|---|" + "---|" * (len(SOLVERS) + 1)]
    for r in rows:
        objs = {round(r[s]["objective"], 4) for s in SOLVERS
                if r[s]["status"] == "OPTIMAL" and r[s]["objective"] is not None}
        lines.append(f"| {r['seed']} | " + " | ".join(_cell(r[s]) for s in SOLVERS)
                     + f" | {'yes' if len(objs) <= 1 else 'NO'} |")
    med = {s: statistics.median(r[s]["seconds"] for r in rows if r[s]["seconds"] is not None)
           for s in SOLVERS if any(r[s]["seconds"] is not None for r in rows)}
    lines.append("| median | " + " | ".join(f"{med[s]:.2f} s" if s in med else "—"
                                             for s in SOLVERS) + " | |")
    section = f"""{BEGIN}
## {a.size} on several instances (bench/seeds.py)

Solver seconds (the time each solver reported, one run each, own process), status and,
when not proved, the gap to its own bound; time limit {a.time_limit:g} s. Machine:
{machine()}; load average {load} (1 / 5 / 15 min) at the start.

```
{cmd}
```

{chr(10).join(lines)}
{END}
"""
    target = ROOT / "docs" / "benchmarks.md"
    text = target.read_text()
    if BEGIN in text:
        text = text[:text.index(BEGIN)] + section.rstrip("\n") + text[text.index(END) + len(END):]
    elif KEEP_MARKER in text:
        text = text.rstrip("\n") + "\n\n" + section
    else:
        text = text.rstrip("\n") + "\n\n" + KEEP_MARKER + "\n\n" + section
    target.write_text(text)


if __name__ == "__main__":
    raise SystemExit(main())
