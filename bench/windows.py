"""Window variants from the same start: how docs/solver.md section 4 compares them.

    python -m bench.windows --size L --seeds 1,3,4,5 --seconds 5 --arms full,no-guide,no-cap

A 10 s `matcher solve` on L depends mostly on the LP's rounded start, which varies with
timing, so two solves say little about a change to the windows. This builds one
instance's pairs, runs the mentor prices, the LP and the knapsack steps once
(matcher.compact._large_bound, then 3 s more of knapsack steps), and then runs
``improve_windows`` for ``--seconds`` from that same plan and the same prices in each
arm, one after the other in this process. It prints each arm's gain over the start and
its window counts; every plan is checked against the contract's rules.

Arms: ``full`` (as `matcher solve`: the compiled moves from each of the LP's roundings,
the best of them, then windows), ``no-moves`` (windows from the LP's plan),
``moves-best`` (the moves from the LP's best rounding only), ``no-ruin`` (no ruin and
recreate beside the windows), ``ruin-N`` (as ``full`` with N participants taken out at
a time instead of RUIN_SIZE), ``window-N`` (as ``full`` with windows of N participants
at first instead of WINDOW), ``floor-N`` (as ``full`` with each kind of turn given at
least N % of the time instead of FLOOR), ``no-guide`` (no chains
from the knapsack's prices), ``no-cap`` (no cap on a window's CP-SAT run, only WINDOW_SECONDS),
``no-cycle`` (the windows end when the largest size stalls instead of starting the
sizes over; differs only once they stall, after a minute or more on L),
``no-unmatched`` (the guide names only mentors, not unmatched participants).
"""

from __future__ import annotations

import argparse
import re
import time

import numpy as np

from bench.generate import generate
from matcher import compact, localsearch
from matcher.localsearch import LocalSearch, sub_triples
from matcher.mentorlag import plan_value
from matcher.pairs import build_pairs
from matcher.schema import parse_problem
from matcher.solve import pins_and_free, warm

# The matcher.compact settings the arms change, put back after the run.
SETTINGS = ("KNAP_THREAD", "WINDOW_CAP", "WINDOW_CYCLE", "UNMATCHED_GUIDE", "RUIN", "WINDOW",
            "FLOOR")
ARMS = ("full", "no-moves", "moves-best", "no-ruin", "no-guide", "no-cap", "no-cycle",
        "no-unmatched")


def _free_pairs(problem):
    """The pairs of the participants without a pin, the pins' use taken off (as in
    ``matcher.solve``)."""
    _, _, free, caps = pins_and_free(problem)
    return build_pairs(problem, free, *caps)


def _broken(pr, plan) -> int:
    """Capacity rows the plan breaks (windows must never break one)."""
    got = np.array(list(plan.values()), dtype=np.int64).reshape(-1, 3)
    mentor = pr.y_mentor[got[:, 1]]
    n_m = len(pr.cap_hours)
    return int((np.bincount(pr.x_place[got[:, 0]], minlength=len(pr.slots)) > pr.slots).sum()
               + (np.bincount(mentor, minlength=n_m) > pr.cap_count).sum()
               + (np.bincount(mentor, weights=got[:, 2], minlength=n_m) > pr.cap_hours).sum())


def run(size: str, seed: int, seconds: float, arms: list[str]) -> None:
    problem = parse_problem(generate(size, seed))
    pr = _free_pairs(problem)
    saved = {name: getattr(compact, name) for name in SETTINGS}
    compact.KNAP_THREAD = False  # the steps run now, not beside the windows
    ruin_size = localsearch.RUIN_SIZE
    try:
        start = compact.greedy(problem, pr)
        t0 = time.monotonic()
        start, _, cg, knap = compact._large_bound(pr, t0 + 6.5, 1, start, compact.upper(pr),
                                                  {}, t0)
        value = plan_value(pr, start)
        kb = knap.kn.run(knap.pi, knap.sigma, time.monotonic() + 3.0, value)
        print(f"{size} seed {seed}: start {value:,.1f}, knapsack bound {kb.bound:,.1f}")
        starts = [start] + [p for p in cg.roundings if p is not start and p]
        sub, xs, ys = compact.prune(pr, cg, compact.PRUNE_SHARE * value / len(start), *starts)
        moves = LocalSearch(sub, *sub_triples(pr, xs, ys))
        warm()  # compile or load the kernels first
        for arm in arms:
            compact.WINDOW_CAP = 0.0 if arm == "no-cap" else saved["WINDOW_CAP"]
            compact.WINDOW_CYCLE = arm != "no-cycle" and saved["WINDOW_CYCLE"]
            compact.UNMATCHED_GUIDE = arm != "no-unmatched" and saved["UNMATCHED_GUIDE"]
            guide = None if arm == "no-guide" else compact._PatternGuide(knap.kn)
            stats: dict = {}
            t_arm = time.monotonic()
            moves.rng = np.random.default_rng(0)  # the same moves in every arm
            localsearch.RUIN_SIZE = int(arm[5:]) if arm.startswith("ruin-") else ruin_size
            compact.WINDOW = int(arm[7:]) if arm.startswith("window-") else saved["WINDOW"]
            compact.FLOOR = int(arm[6:]) / 100 if arm.startswith("floor-") else saved["FLOOR"]
            compact.RUIN = arm not in ("no-ruin", "no-moves") and saved["RUIN"]
            plan = compact.moves_and_windows(
                problem, sub, [compact.narrow(p, xs, ys)
                               for p in (starts[:1] if arm == "moves-best" else starts)],
                None if arm == "no-moves" else moves, t_arm + seconds, stats, guide)
            print(f"  {arm:9s} +{plan_value(sub, plan) - value:,.0f} in {seconds:g} s "
                  f"(ended after {time.monotonic() - t_arm:.1f} s), "
                  f"{stats['windows']} windows ({stats['windows_improved']} better, "
                  f"sizes started over {stats['window_cycles']} times), "
                  f"seconds by kind {stats['window_seconds']}, "
                  f"gains by kind {stats['window_gains']}, "
                  f"moves {stats.get('moves_seconds', 0):.2f} s from "
                  f"{stats.get('moves_starts', 0)} starts, "
                  f"ruin {stats.get('ruin_kept', 0)} of {stats.get('ruin_tries', 0)} kept, "
                  f"broken capacity rows {_broken(sub, plan)}")
    finally:
        for name, value in saved.items():
            setattr(compact, name, value)
        localsearch.RUIN_SIZE = ruin_size


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--size", default="L")
    ap.add_argument("--seeds", default="1")
    ap.add_argument("--seconds", type=float, default=5.0)
    ap.add_argument("--arms", default=",".join(ARMS))
    args = ap.parse_args(argv)
    arms = args.arms.split(",")
    unknown = sorted(a for a in set(arms) - set(ARMS)
                     if not re.fullmatch(r"(ruin|window|floor)-\d+", a))
    if unknown:
        ap.error(f"--arms: unknown {', '.join(unknown)} (choose from {', '.join(ARMS)})")
    for seed in (int(s) for s in args.seeds.split(",")):
        run(args.size, seed, args.seconds, arms)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
