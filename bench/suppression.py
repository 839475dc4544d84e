"""How often the dashboard's suppression still lets a "<5" be worked out.

Random tables of people counts (2-5 rows by 2-5 teams, with each row's and each team's
total, as the dashboard's figures are by team and add up to totals) are suppressed by
web.dashboard.suppress.protect, and then attacked: for each "<5" cell, a linear program
finds the least and the most it can be, given every shown figure, every sum, that each
"<5" is 1-4 and each other hidden cell at least 0. Equal least and most: pinned down.

    .venv/bin/python -m bench.suppression [--tables 400] [--seed 1]

Rules side by side in the same run, each with the attacker its marks allow: "<5" alone
(before), one hidden cell per sum, the labelled rules, and the rule in use (one mark; any
sum whose hidden cells must all be 1, or a hidden cell alone).
"""

from __future__ import annotations

import argparse
import random
import time

import numpy as np
from scipy.optimize import linprog

from web.dashboard import suppress

ALL = "all"
VALUES = (0, 0, 1, 2, 3, 5, 6, 8, 12, 20)  # a third of the cells "<5", a fifth empty


def grid(table: list[list[int]]):
    counts = {}
    for r, row in enumerate(table):
        counts.update({(r, t): n for t, n in enumerate(row)})
        counts[(r, ALL)] = sum(row)
    teams = [*range(len(table[0])), ALL]
    for t in teams:
        counts[("total", t)] = sum(counts[(r, t)] for r in range(len(table)))
    rows = [*range(len(table)), "total"]
    lines = [[(r, t) for t in teams] for r in rows] + [[(r, t) for r in rows] for t in teams]
    return counts, lines


def pinned(counts, lines, hidden, labelled: bool = False) -> int:
    """How many "<5" cells the shown figures and the sums pin down to one value."""
    cells = sorted(hidden, key=repr)
    at = {c: i for i, c in enumerate(cells)}
    a_eq, b_eq = [], []
    for line in lines:  # the parts add up to the last cell, the total
        row, rhs = np.zeros(len(cells)), 0.0
        for c, sign in [(c, 1) for c in line[:-1]] + [(line[-1], -1)]:
            if c in at:
                row[at[c]] += sign
            else:
                rhs -= sign * counts[c]
        if row.any():
            a_eq.append(row)
            b_eq.append(rhs)
    # One mark for every hidden cell: each is 1 or more (a 0 is shown). Labelled ("<5" and
    # "skjult", the first versions): a "<5" is 1-4, a "skjult" 5 or more.
    bounds = [((1, 4) if suppress.is_suppressed(counts[c]) else (5, None)) if labelled
              else (1, None) for c in cells]
    n = 0
    for c in cells:
        if not suppress.is_suppressed(counts[c]):
            continue
        o = np.zeros(len(cells))
        o[at[c]] = 1
        lo = linprog(o, A_eq=a_eq, b_eq=b_eq, bounds=bounds).fun
        hi = -linprog(-o, A_eq=a_eq, b_eq=b_eq, bounds=bounds).fun
        n += hi - lo < 1e-6
    return n


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tables", type=int, default=400)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    in_use = suppress._gives_away
    def extremes(line, hidden, counts):
        inside = [counts[c] for c in line if c in hidden]
        return len(inside) == 1 or (bool(inside) and all(map(suppress.is_suppressed, inside))
                                    and sum(inside) in (len(inside), 4 * len(inside)))

    def labelled_bounds(line, hidden, counts):  # the second version: "skjult" is 5 or more
        inside = [counts[c] for c in line if c in hidden]
        total, least = sum(inside), [1 if suppress.is_suppressed(n) else 5 for n in inside]
        most = [4 if suppress.is_suppressed(n) else None for n in inside]
        for i in range(len(inside)):
            others = most[:i] + most[i + 1:]
            lo = least[i] if None in others else max(least[i], total - sum(others))
            hi = total - (sum(least) - least[i])
            if most[i] is not None:
                hi = min(hi, most[i])
            if lo >= hi:
                return True
        return False

    rules = {  # name: (rule, the attacker knows "<5" from "skjult")
        "primary only, marked \"<5\" (before)": (lambda line, hidden, counts: False, True),
        "one hidden cell per sum, \"<5\" and \"skjult\"": (
            lambda line, hidden, counts: sum(c in hidden for c in line) == 1, True),
        "one, or all at 1 or all at 4, \"<5\" and \"skjult\" (first version)": (
            extremes, True),
        "any cell left one value, \"<5\" and \"skjult\" (second version)": (
            labelled_bounds, True),
        "in use: one mark, no sum of hidden cells that must all be 1": (in_use, False),
    }
    print("| rule | tables with a cell pinned down | \"<5\" cells pinned down "
          "| cells hidden beyond \"<5\" | ms per table (median) |")
    print("|---|---|---|---|---|")
    for name, (rule, labelled) in rules.items():
        suppress._gives_away = rule
        rng = random.Random(args.seed)
        tables = bad = small = found = extra = 0
        ms = []
        for _ in range(args.tables):
            w, h = rng.randint(2, 5), rng.randint(2, 5)
            table = [[rng.choice(VALUES) for _ in range(w)] for _ in range(h)]
            counts, lines = grid(table)
            t0 = time.perf_counter()
            hidden = suppress.protect(counts, lines)
            ms.append(1000 * (time.perf_counter() - t0))
            n_small = sum(map(suppress.is_suppressed, counts.values()))
            if not n_small:
                continue
            k = pinned(counts, lines, hidden, labelled)
            tables, small, found = tables + 1, small + n_small, found + k
            bad += bool(k)
            extra += len(hidden) - n_small
        ms.sort()
        print(f"| {name} | {bad} of {tables} | {found} of {small} | {extra} "
              f"| {ms[len(ms) // 2]:.3f} |")
    suppress._gives_away = in_use


if __name__ == "__main__":
    main()
