"""Benchmark the matcher, the greedy heuristic and the HiGHS MIP in one run.

    python -m bench.run --sizes S,M,L --time-limit 120 --repeats 3

Each solve runs in its own process: wall seconds are measured around it and
peak RSS comes from os.wait4's rusage of that child. Medians over repeats are
reported. Results are checked with bench.rules (and matcher.validate when the
matcher is present). Writes docs/benchmarks.md, docs/benchmarks.png and
docs/benchmarks.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shlex
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.generate import SIZES, generate, make_cover
from bench.rules import check_cover_result, check_result
from bench.solve_one import MISSING, matcher_api

ROOT = Path(__file__).resolve().parent.parent
SOLVERS = ("matcher", "greedy", "mip", "mip-pair")
MEM_LIMIT = 16 * 2**30  # a runaway model must not take the machine down


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEM_LIMIT, MEM_LIMIT))


def run_once(solver: str, kind: str, problem: Path, out: Path, time_limit: float,
             workers: int) -> dict:
    """One solve in a child process: wall seconds, peak RSS (MB), exit status, result."""
    cmd = [sys.executable, "-m", "bench.solve_one", "--solver", solver, "--kind", kind,
           "--problem", str(problem), "--time-limit", str(time_limit),
           "--workers", str(workers), "--out", str(out)]
    out.unlink(missing_ok=True)
    t0 = time.perf_counter()
    child = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                             preexec_fn=_limit_memory)
    # Hard stop well past the solver's own limit: model building is not covered by it.
    deadline = t0 + 1.5 * time_limit + 60
    status, usage, killed = 0, None, False
    while usage is None:
        pid, status, ru = os.wait4(child.pid, os.WNOHANG)
        if pid:
            usage = ru
        elif time.perf_counter() > deadline and not killed:
            # os.kill, not Popen.kill: Popen's poll() would reap the child and lose its rusage.
            os.kill(child.pid, signal.SIGKILL)
            killed = True
        else:
            time.sleep(0.05)
    wall = time.perf_counter() - t0
    child.returncode = os.waitstatus_to_exitcode(status)
    err = child.stderr.read().decode(errors="replace") if child.stderr else ""
    child.stderr.close()
    rec = {"wall": wall, "rss_mb": usage.ru_maxrss / 1024, "exit": child.returncode,
           "killed": killed, "stderr": err[-500:]}
    if child.returncode == 0 and out.exists():
        rec["result"] = json.loads(out.read_text())
    return rec


def summarise(problem: dict, kind: str, runs: list[dict], time_limit: float) -> dict:
    """Median wall/RSS over repeats, and the figures of the median-time run; every run's
    result is checked, and each run's gap is kept (``gaps``, in the order run) and named
    in the note when they differ: a 10 s solve's plan varies from run to run."""
    ok = [r for r in runs if "result" in r]
    row = {"wall": statistics.median(r["wall"] for r in runs),
           "rss_mb": statistics.median(r["rss_mb"] for r in runs), "repeats": len(runs)}
    if not ok:
        last = runs[-1]
        why = (f"no result: killed at the hard stop ({1.5 * time_limit + 60:g} s)"
               if last["killed"] else
               "out of memory" if "MemoryError" in last["stderr"] else
               f"exit {last['exit']}: {last['stderr'].strip().splitlines()[-1:]}")
        row.update(status="NO RESULT", note=why)
        return row
    gaps = [_gap(r["result"]) for r in ok]
    errs = [e for r in ok for e in _check(problem, kind, r["result"])]
    mid = sorted(range(len(ok)), key=lambda i: ok[i]["wall"])[len(ok) // 2]
    res = ok[mid]["result"]
    notes = []
    if res.get("solution_found") is False:
        notes.append(f"no solution within {time_limit:g} s (pinned matches only)")
    if max(gaps) - min(gaps) > 5e-7:
        notes.append("gaps of the runs " + " / ".join(f"{g:.3%}" for g in gaps))
    if notes:
        row["note"] = "; ".join(notes)
    row.update(status=res["status"], objective=res["objective"], bound=res["bound"],
               gap=gaps[mid], gaps=gaps, matched=len(res["matches"]),
               solver_seconds=res.get("seconds"), violations=len(errs), errors=errs[:5])
    return row


def _gap(res: dict) -> float:
    return (res["bound"] - res["objective"]) / max(1.0, abs(res["bound"]))


def _check(problem: dict, kind: str, res: dict) -> list[str]:
    """What ``res`` breaks: bench.rules' checks, and matcher.validate's where it exists."""
    errs = (check_cover_result if kind == "cover" else check_result)(problem, res)
    validate = getattr(__import__("matcher"), "validate", None) if matcher_api(kind) else None
    if validate is not None and kind == "match":
        errs += validate(problem, res)
    return errs


def bench_size(size: str, args, data: Path) -> list[dict]:
    problem = generate(size, args.seed)
    cover = make_cover(problem, args.seed)
    rows = []
    limit = args.size_limits.get(size, args.time_limit)
    for kind, prob in (("match", problem), ("cover", cover)):
        path = data / f"{size}-{args.seed}-{kind}.json"
        path.write_text(json.dumps(prob, ensure_ascii=False))
        for solver in args.solvers:
            if kind == "cover" and solver == "mip-pair":
                continue  # ten participants: one exact cover MIP is enough
            mip_ = solver.startswith("mip")
            if mip_ and kind == "match" and size not in args.mip_sizes:
                rows.append({"size": size, "kind": kind, "solver": solver, "status": "skipped",
                             "note": "not attempted at this size (--mip-sizes)"})
                continue
            runs = []
            for rep in range(args.mip_repeats if mip_ else args.repeats):
                out = data / f"{size}-{kind}-{solver}-{rep}.result.json"
                rec = run_once(solver, kind, path, out, limit, args.workers)
                runs.append(rec)
                print(f"{size} {kind} {solver} #{rep}: {rec['wall']:.2f} s, exit {rec['exit']}",
                      file=sys.stderr, flush=True)
                if rec["exit"] == MISSING:
                    break
                if rec.get("result", {}).get("solution_found") is False or "result" not in rec:
                    break  # hit the cap without a solution: repeating only burns the cap again
            if runs[0]["exit"] == MISSING:
                rows.append({"size": size, "kind": kind, "solver": solver,
                             "status": "n/a", "note": "matcher.solve_dict not on this branch"})
                continue
            row = summarise(prob, kind, runs, limit)
            rows.append({"size": size, "kind": kind, "solver": solver, "limit": limit, **row})
    return rows


def _fmt(x, spec: str) -> str:
    return "—" if x is None else format(x, spec)


def table(rows: list[dict], kind: str) -> str:
    head = ("| size | solver | limit s | status | runs | wall s | solver s | peak RSS MB "
            "| objective | bound | gap | matched | checks | note |\n"
            "|---|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|")
    lines = [head]
    for r in (r for r in rows if r["kind"] == kind):
        lines.append("| " + " | ".join([
            r["size"], r["solver"], _fmt(r.get("limit"), "g"), r["status"],
            _fmt(r.get("repeats"), "d"),
            _fmt(r.get("wall"), ".2f"),
            _fmt(r.get("solver_seconds"), ".2f"), _fmt(r.get("rss_mb"), ".0f"),
            _fmt(r.get("objective"), ".1f"), _fmt(r.get("bound"), ".1f"),
            _fmt(r.get("gap"), ".2%"), _fmt(r.get("matched"), "d"),
            "—" if "violations" not in r else ("ok" if not r["violations"]
                                               else f"{r['violations']} violations"),
            r.get("note", "")]) + " |")
    return "\n".join(lines)


KEEP_MARKER = "<!-- bench/run.py keeps everything from here on -->"


def machine() -> str:
    cpu = next((ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text()
                .splitlines() if ln.startswith("model name")), platform.processor())
    import highspy  # noqa: F401
    import ortools

    return (f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, "
            f"OR-Tools {ortools.__version__}, highspy from {Path(highspy.__file__).parent.name}"
            f" {_version('highspy')}, {platform.system()} {platform.release()}")


def _version(pkg: str) -> str:
    from importlib.metadata import version

    return version(pkg)


# The gap targets of issue 3 drawn on the plot (share of the bound).
GAP_TARGETS = {"L": 0.001, "XL": 0.01}
# Gaps below this are drawn at it on the plot's log scale (a proved optimum has gap 0).
GAP_FLOOR = 1e-6


def plot(rows: list[dict], path: Path) -> None:
    """Two panels per size and solver: the solver's own seconds as bars, with the child
    process's wall seconds as a mark above each (imports and start-up, which a running
    worker pays once), and the gap on a log scale, proved optima at GAP_FLOOR, with the
    issue's gap targets as dashed lines."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    match = [r for r in rows if r["kind"] == "match" and "wall" in r]
    sizes = [s for s in SIZES if any(r["size"] == s for r in match)]
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(11, 4.2))
    width = 0.8 / len(SOLVERS)
    for k, solver in enumerate(SOLVERS):
        rs = {r["size"]: r for r in match if r["solver"] == solver}
        xs = [i + k * width for i, s in enumerate(sizes) if s in rs]
        if not xs:
            continue
        bars = a1.bar(xs, [rs[s].get("solver_seconds") or rs[s]["wall"]
                           for s in sizes if s in rs], width, label=solver)
        a1.scatter(xs, [rs[s]["wall"] for s in sizes if s in rs], marker="_", s=160,
                   linewidths=2, color=bars.patches[0].get_facecolor(), zorder=3)
        got = [s for s in sizes if rs.get(s, {}).get("gap") is not None]
        a2.bar([i + k * width for i, s in enumerate(sizes) if s in got],
               [max(GAP_FLOOR, rs[s]["gap"]) * 100 for s in got], width, label=solver)
    for size, target in GAP_TARGETS.items():
        if size in sizes:
            i = sizes.index(size)
            a2.hlines(100 * target, i - width, i + len(SOLVERS) * width, colors="black",
                      linestyles="dashed", linewidth=1)
            a2.annotate(f"target {100 * target:g} %", (i + 1.5 * width, 100 * target),
                        textcoords="offset points", xytext=(0, 3), fontsize=8)
    a1.set_title("solver seconds (bars) and process wall seconds (marks), log")
    a2.set_title(f"gap to proved bound, %, log (proved optimal drawn at {100 * GAP_FLOOR:g} %)")
    for ax in (a1, a2):
        ax.set_xticks([i + 1.5 * width for i in range(len(sizes))], sizes)
        ax.set_yscale("log")
        ax.title.set_fontsize(9)
    a1.legend(fontsize=8, loc="upper left")  # the same colours in both panels
    fig.tight_layout()
    fig.savefig(path, dpi=120)


def write_docs(rows: list[dict], args, argv: list[str]) -> None:
    docs = ROOT / "docs"
    docs.mkdir(exist_ok=True)
    cmd = "python -m bench.run " + " ".join(shlex.quote(a) for a in argv)
    sizes = ", ".join(f"{s} = {SIZES[s][0]:,} participants / {SIZES[s][1]:,} placements / "
                      f"{SIZES[s][2]:,} mentors" for s in args.sizes)
    note = ("" if matcher_api("match") else
            "\nThe matcher rows say n/a: `matcher.solve_dict` did not exist on the branch "
            "this was run on. Re-run the command after merging to fill them in.\n")
    text = f"""# Benchmarks

How these figures were made: `bench/run.py` generates one instance per size with
`bench/generate.py` (seed {args.seed}; {sizes}), then solves it with each solver
{args.repeats} times ({args.mip_repeats} for the MIPs), each solve in its own process.
**wall s** is the median wall time of the child process (start-up, JSON load, model
build and solve); **solver s** is the time the solver itself reported; **peak RSS** is
the child's max resident set (os.wait4 rusage), median. Objective, bound and matched
count come from the median-time run; where the runs' gaps differ, the note lists each
run's gap in the order run. gap = (bound − objective) / max(1, |bound|). The
greedy's bound is the capacity-free bound (each participant's best score at hours_max),
so its gap is an upper estimate. **mip** is HiGHS on one binary per allowed
(participant, placement, mentor) triple; **mip-pair** is the same problem with binaries
per (participant, placement) and (participant, mentor) pair (exactly the same solutions,
far fewer columns; see bench/mip.py). Both are exact, their bound is HiGHS's dual
bound (or the capacity-free one when lower), and both are capped at
{args.time_limit:g} s including model building; a solve that ends without a solution is
not repeated (**runs** says how many were made). **checks** = every run's result
obeys every hard rule of sections 2 and 4 (bench/rules.py).

Machine: {machine()}. Solver threads: {args.workers}. Time limit: {args.time_limit:g} s.
Load average when the run started: {args.load}; the machine was shared with other
work, so treat seconds as indicative and compare solvers within one size.
{note}
Command:

```
{cmd}
```

## Matching (section 4)

{table(rows, "match")}

## Substitute cover (section 5): one absent support person with 10 participants

{table(rows, "cover")}

![solver and wall seconds, and gap to the bound, per size and solver](benchmarks.png)

Both scales are logarithmic. The dashed lines are the L and XL gap targets.
"""
    # Figures from the other benchmarks (cover in the app, faults, load test) are kept below
    # this marker; only the part above it is this script's to rewrite.
    target = docs / "benchmarks.md"
    old = target.read_text() if target.exists() else ""
    if KEEP_MARKER in old:
        text = text.rstrip("\n") + "\n\n" + old[old.index(KEEP_MARKER):]
    target.write_text(text)
    (docs / "benchmarks.json").write_text(json.dumps(
        {"command": cmd, "rows": [{k: v for k, v in r.items() if k != "errors"} for r in rows]},
        indent=1))
    plot(rows, docs / "benchmarks.png")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="S,M,L,XL")
    ap.add_argument("--solvers", default=",".join(SOLVERS))
    ap.add_argument("--time-limit", type=float, default=120.0)
    ap.add_argument("--size-time-limits", default="", help="per size, e.g. L=10,XL=60 "
                    "(the targets are judged at these limits)")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--mip-repeats", type=int, default=None,
                    help="repeats for the MIPs (default: --repeats)")
    ap.add_argument("--mip-sizes", default=None, help="sizes to run the MIPs on (default: all)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--data", type=Path, default=ROOT / "test-artifacts" / "bench")
    args = ap.parse_args(argv)
    args.sizes = [s.strip() for s in args.sizes.split(",")]
    args.solvers = [s.strip() for s in args.solvers.split(",")]
    args.mip_sizes = args.sizes if args.mip_sizes is None else args.mip_sizes.split(",")
    pairs = (item.split("=") for item in args.size_time_limits.split(",") if item)
    args.size_limits = {size: float(seconds) for size, seconds in pairs}
    args.mip_repeats = args.repeats if args.mip_repeats is None else args.mip_repeats
    args.data.mkdir(parents=True, exist_ok=True)
    args.load = " / ".join(f"{x:.1f}" for x in os.getloadavg()) + " (1 / 5 / 15 min)"
    rows = []
    for size in args.sizes:
        rows += bench_size(size, args, args.data)
        write_docs(rows, args, argv)  # after every size, so a long run leaves figures behind
    print(table(rows, "match"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
