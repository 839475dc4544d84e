"""Matcher at region scale: seconds, peak memory, objective, bound, gap, matched.

Usage: .venv/bin/python bench/matcher_scale.py [M L XL COVER ...] [--repeat N]

Each run happens in its own subprocess (peak RSS is that process's ru_maxrss),
on problems from tests/matcher/generate.py (seed 0). Sizes and time limits:
M 300/90/120 at 10 s, L 2,000/600/800 at 10 s, XL 10,000/3,000/4,000 at 60 s,
REGION 450/3,000/4,000 at 30 s;
COVER is one absent mentor with 10 participants on the L problem. HIGHS_M and
HIGHS_L solve the same two-index model as an exact MIP on HiGHS (highspy), for
the comparison "faster than an exact MIP". The figures are medians over the
repeats; timing on a shared machine is noisy.

Measured 2026-11-30 (one run each, loaded 2-core machine), before -> after the
hours-scaled Lagrangian step, the CP-SAT skip on a spent budget and vectorised reasons:
M 3.0 s -> 1.1 s OPTIMAL; L 9.7 s gap 27.1 % -> 9.2 s gap 15.5 % (bound 588k -> 554k);
REGION 28.7 s gap 0.17 % 662 MB -> 28.1 s gap 0.002 % 669 MB (at a 10 s limit: 9.2 s);
XL 57-75 s gap 31-32 % 1.17 GB -> 49.5 s gap 26.5 % 1.18 GB (truncated: trivial bound);
XL at a 10 s limit 16.4 s -> 10.6 s (reasons 7.9 s -> 4.1 s).
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SIZES = {"M": ((300, 90, 120), 10.0), "L": ((2000, 600, 800), 10.0),
         "XL": ((10000, 3000, 4000), 60.0),
         # Region scale: one consultant's participants against a region's records.
         "REGION": ((450, 3000, 4000), 30.0)}

HIGHS = r"""
import json, math, resource, sys, time
sys.path.insert(0, {root!r})
sys.path.insert(0, {tests!r})
import numpy as np
from generate import generate
from matcher.highs import HighsForm
from matcher.pairs import build_pairs
from matcher.schema import parse_problem
"""

HIGHS_TAIL = r"""
name, n, limit = {name!r}, {n!r}, {limit!r}
t = time.monotonic()
prob = parse_problem(generate(*n, seed=0))
caps = (np.array([pl.slots for pl in prob.placements]),
        np.array([m.capacity_hours for m in prob.mentors]),
        np.array([m.max_participants for m in prob.mentors]))
pr = build_pairs(prob, list(range(len(prob.participants))), *caps)
form = HighsForm(pr)
x, bound = form.mip(limit - (time.monotonic() - t))
obj = float(form.c @ x) if x is not None else 0.0
print(json.dumps({{"seconds": time.monotonic() - t,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "status": "MIP", "objective": obj, "bound": bound,
                  "gap": (bound - obj) / max(1.0, abs(obj)),
                  "matched": int(round(x[:len(pr.x_item)].sum())) if x is not None else 0}}))
"""

CHILD = r"""
import json, resource, sys, time
sys.path.insert(0, {root!r})
sys.path.insert(0, {tests!r})
from generate import generate
from matcher import cover_dict, solve_dict
name, n, limit = {name!r}, {n!r}, {limit!r}
data = generate(*n, seed=0)
if name == "COVER":
    m = data["mentors"][0]
    m.update(capacity_hours=60, max_participants=10)
    data.update(format="mentor-cover/1", absent=[m["id"]], known={{}},
                assignments=[{{"participant": p["id"], "placement": data["placements"][k]["id"],
                               "mentor": m["id"], "hours": p["hours_min"]}}
                              for k, p in enumerate(data["participants"][:10])])
    t = time.monotonic()
    r = cover_dict(data, time_limit=limit)
else:
    t = time.monotonic()
    r = solve_dict(data, time_limit=limit)
sec = time.monotonic() - t
obj, bound = r["objective"], r["bound"]
print(json.dumps({{"seconds": sec,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "status": r["status"], "objective": obj, "bound": bound,
                  "gap": (bound - obj) / max(1.0, abs(obj)), "matched": len(r["matches"]),
                  "stats": r.get("stats", {{}})}}))
"""


def run(name: str) -> dict:
    if name.startswith("HIGHS_"):
        n, limit = SIZES[name[6:]]
        fill = {"root": str(ROOT), "tests": str(ROOT / "tests" / "matcher"), "name": name,
                "n": n, "limit": limit}
        code = HIGHS.format(**fill) + HIGHS_TAIL.format(**fill)
    else:
        n, limit = SIZES.get(name, ((2000, 600, 800), 5.0))
        code = CHILD.format(root=str(ROOT), tests=str(ROOT / "tests" / "matcher"), name=name,
                            n=n, limit=limit)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=limit * 5 + 120)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str]) -> None:
    repeat = 3
    if "--repeat" in argv:
        k = argv.index("--repeat")
        repeat = int(argv[k + 1])
        argv = argv[:k] + argv[k + 2:]
    names = argv or ["M", "L", "XL", "COVER"]
    for name in names:
        runs = [run(name) for _ in range(repeat if name != "XL" else 1)]
        med = {key: statistics.median(r[key] for r in runs)
               for key in ("seconds", "rss_mb", "objective", "bound", "gap", "matched")}
        print(f"{name:5s} runs={len(runs)} status={[r['status'] for r in runs]} "
              f"seconds={med['seconds']:.2f} rss_mb={med['rss_mb']:.0f} "
              f"objective={med['objective']:.3f} bound={med['bound']:.3f} "
              f"gap={100 * med['gap']:.3f}% matched={med['matched']:.0f}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
