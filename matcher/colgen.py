"""The LP bound by column generation, and a plan rounded from the LP.

:mod:`matcher.mentorlag` prices the mentors by subgradient steps; every step gives a
proved bound, but the steps crawl towards the LP optimum (on L: 430.7 k after 4 s,
429.0 k after 20 s, against an LP optimum of 428.2 k). Column generation reaches the
LP optimum itself. The master LP has a row per participant (at most one match), per
placement (slots), and per mentor (participants, hours); its columns are allowed
triples at ``hours_min`` or at ``hours_max`` (every hour count between is a mix of
the two, and the score is linear in the hours). HiGHS solves the master by interior
point without crossover (measured on L: 0.5 s a solve, against 1 s for the dual
simplex warm-started from the last basis); the columns with the best reduced cost
under its duals are added, a few per participant, until none is left.

The master's value is no bound (it lacks columns). The bound is the transportation
problem of :class:`matcher.mentorlag.MentorPrices` at the master's mentor duals: any
non-negative prices give a proved bound there, so an LP stopped by the clock is
safe, and at the LP optimum both meet.

The LP solution is then rounded into a plan: every participant's LP triples, the
heaviest first across all participants, each taken when its placement and mentor
still have room at ``hours_min``; then ``fill`` and ``top_up`` as in the repair.
(On L this gave 424.8 k where repairing the flow at the same duals gave 420.1 k.)
"""

from __future__ import annotations

import math
import os
import sys
import time
from dataclasses import dataclass, field

import numpy as np

from .mentorlag import MentorPrices, fill, plan_value, take, top_up
from .pairs import Pairs

# Columns added per participant and round (measured on L: 2 reaches the LP optimum in
# 11 rounds and 7 s; 1 needs 16 rounds, 3 adds columns the LP does not use).
PER_ITEM = 2
# Reduced costs below this count as zero.
EPS = 1e-6
# Stop once the proved bound is this close (relative) to the master's value, which is at
# most the LP optimum: the last rounds gain less bound than the windows gain plan in
# the same time (L: the last two rounds, ~1 s, move the bound by 0.02 %; windows move
# the plan by ~0.1 % a second).
STOP_GAP = 2e-4


@dataclass
class LpPlan:
    bound: float  # proved: the transportation bound at the best duals found
    plan: dict[int, tuple[int, int, int]]
    value: float
    converged: bool  # no column with a positive reduced cost was left
    stats: dict = field(default_factory=dict)


class ColumnGeneration:
    """The master LP over a growing set of (triple, hours end) columns."""

    def __init__(self, pr: Pairs, mp: MentorPrices):
        import highspy

        self.hs = highspy
        self.pr, self.mp = pr, mp
        self.t_x = mp.tx.astype(np.int64)
        self.t_y = mp.ty.astype(np.int64)
        self.t_item = pr.x_item[self.t_x]
        self.t_place = pr.x_place[self.t_x]
        self.t_mentor = mp.tm.astype(np.int64)
        self.base = pr.x_val[self.t_x] + pr.y_val[self.t_y]
        self.lo = pr.lo[self.t_item].astype(float)
        self.hi = pr.hi[self.t_item].astype(float)
        self.coef = pr.coef[self.t_item]
        self.n_p, self.n_l, self.n_m = pr.n_items, len(pr.slots), len(pr.cap_hours)
        self.have = np.zeros((len(self.t_x), 2), dtype=bool)  # [triple, at hi]
        self.col_t: list[np.ndarray] = []
        self.col_hi: list[np.ndarray] = []
        h = _quiet_highs(highspy)
        h.setOptionValue("threads", 1)
        h.setOptionValue("solver", "ipm")
        h.setOptionValue("run_crossover", "off")
        h.changeObjectiveSense(highspy.ObjSense.kMaximize)
        n_rows = self.n_p + self.n_l + 2 * self.n_m
        upper = np.concatenate([np.ones(self.n_p), pr.slots, pr.cap_count,
                                pr.cap_hours]).astype(float)
        empty_i = np.zeros(0, dtype=np.int32)
        h.addRows(n_rows, np.full(n_rows, -highspy.kHighsInf), upper, 0, empty_i, empty_i,
                  np.zeros(0))
        self.h = h
        self.x = np.zeros(0)  # the last finished LP solution, per column
        self.x_value = None

    def add(self, t: np.ndarray, at_hi: np.ndarray) -> int:
        """Add the columns (triple ``t``, at ``hours_max`` if ``at_hi``) not yet in."""
        new = ~self.have[t, at_hi.astype(np.int64)]
        t, at_hi = t[new], at_hi[new]
        if not len(t):
            return 0
        self.have[t, at_hi.astype(np.int64)] = True
        self.col_t.append(t)
        self.col_hi.append(at_hi)
        hours = np.where(at_hi, self.hi[t], self.lo[t])
        cost = self.base[t] + self.coef[t] * hours
        n = len(t)
        rows = np.stack([self.t_item[t], self.n_p + self.t_place[t],
                         self.n_p + self.n_l + self.t_mentor[t],
                         self.n_p + self.n_l + self.n_m + self.t_mentor[t]], 1).ravel()
        vals = np.stack([np.ones(n), np.ones(n), np.ones(n), hours], 1).ravel()
        self.h.addCols(n, cost, np.zeros(n), np.ones(n), len(rows),
                       (np.arange(n) * 4).astype(np.int32), rows.astype(np.int32), vals)
        return n

    def reduced(self, pi, sigma, mu, nu) -> tuple[np.ndarray, np.ndarray]:
        """Per triple: its best reduced cost over the two hours ends, and which end."""
        rate = self.coef - nu[self.t_mentor]
        at_hi = (rate > 0) & (self.hi > self.lo)
        hours = np.where(at_hi, self.hi, self.lo)
        rc = (self.base + rate * hours - mu[self.t_mentor] - pi[self.t_item]
              - sigma[self.t_place])
        return rc, at_hi

    def price(self, pi, sigma, mu, nu, k: int = PER_ITEM) -> int:
        """Add the ``k`` columns of best positive reduced cost of every participant."""
        rc, at_hi = self.reduced(pi, sigma, mu, nu)
        pos = np.flatnonzero(rc > EPS)
        if not len(pos):
            return 0
        order = pos[np.lexsort((-rc[pos], self.t_item[pos]))]
        items = self.t_item[order]
        rank = np.arange(len(order)) - np.searchsorted(items, items)
        sel = order[rank < k]
        return self.add(sel, at_hi[sel])

    def solve_master(self, deadline: float) -> tuple[tuple[np.ndarray, ...], bool] | None:
        """Solve the master until ``deadline``; return its duals (pi, sigma, mu, nu) and
        whether the LP finished (else the clock stopped it)."""
        left = deadline - time.monotonic()
        if left <= 0:
            return None
        # HiGHS counts its time limit over every run of this object (HiGHS #1331).
        self.h.setOptionValue("time_limit", self.h.getRunTime() + left)
        self.h.run()
        sol = self.h.getSolution()
        d = np.maximum(np.asarray(sol.row_dual, dtype=float), 0.0)
        if len(d) != self.n_p + self.n_l + 2 * self.n_m or not np.isfinite(d).all():
            return None
        finished = self.h.getModelStatus() == self.hs.HighsModelStatus.kOptimal
        if finished:
            # Rounding needs a finished LP; a solve stopped by the clock still has
            # non-negative duals, and those still give a proved bound.
            self.x = np.asarray(sol.col_value, dtype=float)
            self.x_value = float(self.h.getInfo().objective_function_value)
        a, b, c = self.n_p, self.n_p + self.n_l, self.n_p + self.n_l + self.n_m
        return (d[:a], d[a:b], d[b:c], d[c:]), finished

    def columns(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(triple, at hours_max, value in the last finished LP) of every column."""
        t = np.concatenate(self.col_t) if self.col_t else np.zeros(0, dtype=np.int64)
        hi = np.concatenate(self.col_hi) if self.col_hi else np.zeros(0, dtype=bool)
        n = min(len(t), len(self.x))  # columns added after it are at 0
        return t[:n], hi[:n], self.x[:n]

    def run(self, mu: np.ndarray, nu: np.ndarray, deadline: float,
            start: dict[int, tuple[int, int, int]] | None = None,
            stop_gap: float = STOP_GAP) -> LpPlan:
        """Generate columns from prices ``mu``, ``nu`` until converged, until the bound is
        within ``stop_gap`` of the LP, or until ``deadline``."""
        pr = self.pr
        zeros_p, zeros_l = np.zeros(self.n_p), np.zeros(self.n_l)
        self.price(zeros_p, zeros_l, mu, nu)
        if start:
            pairs = np.array([xi * len(pr.y_item) + yi for xi, yi, _ in start.values()],
                             dtype=np.int64)
            keys = self.t_x * len(pr.y_item) + self.t_y
            sel = np.flatnonzero(np.isin(keys, pairs))
            self.add(sel, np.zeros(len(sel), dtype=bool))
            sel = sel[self.hi[sel] > self.lo[sel]]
            self.add(sel, np.ones(len(sel), dtype=bool))
        best_bound, best_mu, best_nu = math.inf, mu, nu
        rounds, converged = 0, False
        t_lp = 0.0
        while time.monotonic() < deadline:
            t = time.monotonic()
            solved = self.solve_master(deadline)
            t_lp += time.monotonic() - t
            if solved is None:
                break
            rounds += 1
            (pi, sigma, mu_d, nu_d), finished = solved
            if time.monotonic() >= deadline:
                break
            bound = self.mp.evaluate(mu_d, nu_d)[0]
            if bound < best_bound:
                best_bound, best_mu, best_nu = bound, mu_d, nu_d
            if finished and best_bound - self.x_value <= stop_gap * abs(best_bound):
                # (before pricing: adding columns resets the model status) A bound that
                # meets the master proves the master is the LP optimum.
                converged = best_bound - self.x_value <= 1e-9 * max(1.0, abs(best_bound))
                break
            if self.price(pi, sigma, mu_d, nu_d) == 0:
                converged = finished
                break
        plan = round_lp(pr, self.mp, *self.columns()) if len(self.x) else dict(start or {})
        value = plan_value(pr, plan)
        start_value = plan_value(pr, start) if start else -math.inf
        if start_value > value:
            plan, value = dict(start), start_value
        stats = {"lp_rounds": rounds, "lp_columns": int(self.h.getNumCol()),
                 "lp_seconds": round(t_lp, 3), "lp_converged": converged,
                 "lp_master": self.x_value and round(self.x_value, 6)}
        self.best_mu, self.best_nu = best_mu, best_nu
        if not math.isfinite(best_bound):
            return LpPlan(math.inf, plan, value, converged, stats)
        margin = 1e-9 * abs(best_bound) + 1e-6
        return LpPlan(best_bound + margin, plan, value, converged, stats)


def _quiet_highs(highspy):
    """A silent HiGHS object. The first one of a process prints a banner straight to
    file descriptor 1, which is where ``matcher solve`` writes its result without
    ``--out``; so descriptor 1 points at /dev/null while it is made."""
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 1)
            h = highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)
    h.setOptionValue("output_flag", False)
    return h


def round_lp(pr: Pairs, mp: MentorPrices, col_t: np.ndarray, col_hi: np.ndarray,
             x: np.ndarray) -> dict[int, tuple[int, int, int]]:
    """A feasible plan from the LP solution (see the module docstring)."""
    used = x > 1e-6
    t, at = np.unique(col_t[used], return_inverse=True)
    mass = np.bincount(at, weights=x[used])  # both hours ends of a triple together
    slots = pr.slots.astype(np.int64).copy()
    count = pr.cap_count.astype(np.int64).copy()
    hours = pr.cap_hours.astype(np.int64).copy()
    xs, ys = mp.tx[t].astype(np.int64), mp.ty[t].astype(np.int64)
    value = pr.x_val[xs] + pr.y_val[ys]
    plan: dict[int, tuple[int, int, int]] = {}
    for k in np.lexsort((-value, -mass)).tolist():
        i = int(pr.x_item[xs[k]])
        if i in plan:
            continue
        li, mj, lo = int(pr.x_place[xs[k]]), int(mp.tm[t[k]]), int(pr.lo[i])
        if slots[li] > 0 and count[mj] > 0 and hours[mj] >= lo:
            take(plan, (slots, count, hours), i, int(xs[k]), int(ys[k]), li, mj, lo)
    fill(pr, mp, plan, slots, count, hours)
    top_up(pr, plan, hours)
    return plan
