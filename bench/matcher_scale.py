"""Matcher at region scale: seconds, peak memory, objective, bound, gap, matched.

Usage: .venv/bin/python bench/matcher_scale.py [M L XL COVER ...] [--repeat N]

Each run happens in its own subprocess (peak RSS is that process's ru_maxrss),
on problems from tests/matcher/generate.py (seed 0). Sizes and time limits:
M 300/90/120 at 10 s, L 2,000/600/800 at 10 s, XL 10,000/3,000/4,000 at 60 s;
COVER is one absent mentor with 10 participants on the L problem. The figures
are medians over the repeats; timing on a shared machine is noisy.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SIZES = {"M": ((300, 90, 120), 10.0), "L": ((2000, 600, 800), 10.0),
         "XL": ((10000, 3000, 4000), 60.0)}

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
print(json.dumps({{"seconds": sec, "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "status": r["status"], "objective": obj, "bound": bound,
                  "gap": (bound - obj) / max(1.0, abs(obj)), "matched": len(r["matches"]),
                  "stats": r.get("stats", {{}})}}))
"""


def run(name: str) -> dict:
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
