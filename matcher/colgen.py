"""The LP bound by column generation, and a plan rounded from the LP.

:mod:`matcher.mentorlag` prices the mentors by subgradient steps; every step gives a
proved bound, but the steps crawl towards the LP optimum (on L: 430.7 k after 4 s,
429.0 k after 20 s, against an LP optimum of 428.2 k). Column generation reaches the
LP optimum itself. The master LP has a row per participant (at most one match), per
placement (slots), and per mentor (participants, hours); its columns are allowed
triples at ``hours_min`` or at ``hours_max`` (every hour count between is a mix of
the two, and the score is linear in the hours). The master is solved by OR-Tools' PDLP
(a first-order method) to a relative accuracy of 1e-3, warm-started from the last
round, and four times finer whenever its duals price nothing new; HiGHS' interior
point (exact, ``master="ipm"``) took 0.5 s a round on L and 10 s on XL, where PDLP takes
0.1 s and 0.3-1.4 s. The columns with the best reduced cost under the duals are added,
the best triple of two placement pairs per participant, until none is left.

The master's value is no bound (it lacks columns). The bound is the transportation
problem of :class:`matcher.mentorlag.MentorPrices` at the master's mentor duals: any
non-negative prices give a proved bound there, so an LP stopped by the clock is
safe, and at the LP optimum both meet.

The LP solution is then rounded into a plan: the LP's triples in some order, each
taken when its participant is free and its placement and mentor still have room at
``hours_min``; then ``fill`` and ``top_up`` as in the repair. Three orders are tried
(:func:`round_lp`): the best of them is the LP's plan, and the compiled moves of
:mod:`matcher.localsearch` start from each. (On L the heaviest-first order gave 424.8 k
where repairing the flow at the same duals gave 420.1 k.)
"""

from __future__ import annotations

import math
import os
import sys
import time
from dataclasses import dataclass, field

import numpy as np

from .mentorlag import MentorPrices, fill, plan_value, take, top_up
from .pairs import Pairs, runs

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
# Relative accuracy of a PDLP master (measured on XL: 1e-3 solves a round in 0.3-1.4 s
# warm-started and brings the bound within 0.07 % of the LP in 9 rounds).
PDLP_EPS = float(os.environ.get("MATCHER_PDLP_EPS", "1e-3"))
# When pricing finds nothing at a PDLP master's duals, the master is solved again four
# times finer, down to this accuracy.
PDLP_EPS_MIN = 1e-5


@dataclass
class LpPlan:
    bound: float  # proved: the transportation bound at the best duals found
    plan: dict[int, tuple[int, int, int]]
    value: float
    converged: bool  # no column with a positive reduced cost was left
    stats: dict = field(default_factory=dict)


class ColumnGeneration:
    """The master LP over a growing set of (triple, hours end) columns.

    ``master`` is how the master is solved: ``"pdlp"`` (OR-Tools' first-order PDLP to
    a relative accuracy of ``PDLP_EPS``, warm-started from the last round; what
    :func:`matcher.compact.optimize_pairs` uses) or ``"ipm"`` (HiGHS interior point,
    exact enough to prove that generation converged to the LP optimum; the tests
    check the pricing against it). Either way the bound is the transportation bound
    at the master's mentor duals, so an inexact master costs bound quality, never
    correctness.

    Nothing is kept per triple beyond what :class:`MentorPrices` holds (XL has 19 M):
    reduced costs are computed per mentor pair and per placement pair.
    """

    def __init__(self, pr: Pairs, mp: MentorPrices, master: str = "pdlp"):
        if master not in ("ipm", "pdlp"):
            raise ValueError(f"unknown master solver {master!r}")
        self.pr, self.mp, self.master = pr, mp, master
        self.eps = PDLP_EPS
        self.n_p, self.n_l, self.n_m = pr.n_items, len(pr.slots), len(pr.cap_hours)
        self.n_rows = self.n_p + self.n_l + 2 * self.n_m
        self.upper = np.concatenate([np.ones(self.n_p), pr.slots, pr.cap_count,
                                     pr.cap_hours]).astype(float)
        self.have = np.zeros((len(mp.tx), 2), dtype=bool)  # [triple, at hi]
        self.col_t: list[np.ndarray] = []
        self.col_hi: list[np.ndarray] = []
        self.col_cost: list[np.ndarray] = []
        self.col_rows: list[np.ndarray] = []
        self.col_vals: list[np.ndarray] = []
        self.n_cols = 0
        self.x = np.zeros(0)  # the last finished LP solution, per column
        self.x_value = None
        self.duals = None  # (pi, sigma, mu, nu) of the last master solved
        self.roundings: list[dict] = []  # the plans the finished LP rounds into
        self.h = None
        self._warm: tuple[np.ndarray, np.ndarray] | None = None  # PDLP (x, y)
        if master == "ipm":
            import highspy

            self.hs = highspy
            h = _quiet_highs(highspy)
            h.setOptionValue("threads", 1)
            h.setOptionValue("solver", "ipm")
            h.setOptionValue("run_crossover", "off")
            h.changeObjectiveSense(highspy.ObjSense.kMaximize)
            empty_i = np.zeros(0, dtype=np.int32)
            h.addRows(self.n_rows, np.full(self.n_rows, -highspy.kHighsInf), self.upper,
                      0, empty_i, empty_i, np.zeros(0))
            self.h = h

    def add(self, t: np.ndarray, at_hi: np.ndarray) -> int:
        """Add the columns (triple ``t``, at ``hours_max`` if ``at_hi``) not yet in."""
        pr, mp = self.pr, self.mp
        t = np.asarray(t, dtype=np.int64)
        side = at_hi.astype(np.int64)
        new = ~self.have[t, side]
        t, at_hi, side = t[new], at_hi[new], side[new]
        t, first = np.unique(t * 2 + side, return_index=True)
        t, at_hi = t // 2, at_hi[first]
        if not len(t):
            return 0
        self.have[t, at_hi.astype(np.int64)] = True
        x, y = mp.tx[t].astype(np.int64), mp.ty[t].astype(np.int64)
        item, place, mentor = pr.x_item[x], pr.x_place[x], mp.tm[t].astype(np.int64)
        hours = np.where(at_hi, pr.hi[item], pr.lo[item]).astype(float)
        cost = pr.x_val[x] + pr.y_val[y] + pr.coef[item] * hours
        n = len(t)
        rows = np.stack([item, self.n_p + place, self.n_p + self.n_l + mentor,
                         self.n_p + self.n_l + self.n_m + mentor], 1).ravel()
        vals = np.stack([np.ones(n), np.ones(n), np.ones(n), hours], 1).ravel()
        self.col_t.append(t)
        self.col_hi.append(at_hi)
        self.n_cols += n
        if self.h is not None:
            self.h.addCols(n, cost, np.zeros(n), np.ones(n), len(rows),
                           (np.arange(n) * 4).astype(np.int32), rows.astype(np.int32), vals)
        else:
            self.col_cost.append(cost)
            self.col_rows.append(rows)
            self.col_vals.append(vals)
        return n

    def _reduced(self, pi, sigma, mu, nu):
        """Reduced costs at duals (pi, sigma, mu, nu), per pair.

        Returns (per placement pair the reduced cost of its best triple, per placement
        pair the mentor part of that triple, per triple its mentor part, per mentor pair
        whether its best hours are ``hours_max``, per placement pair its own part, per
        mentor pair its own part).
        """
        pr, mp = self.pr, self.mp
        rate = pr.coef[pr.y_item] - nu[pr.y_mentor]
        hi_y = (rate > 0) & (pr.hi[pr.y_item] > pr.lo[pr.y_item])
        h_y = np.where(hi_y, pr.hi[pr.y_item], pr.lo[pr.y_item])
        ry = pr.y_val + rate * h_y - mu[pr.y_mentor]
        v = ry[mp.ty]
        best = np.full(mp.n_x, -np.inf)
        if len(v):
            best[mp.has] = np.maximum.reduceat(v, mp.start[:-1][mp.has])
        rx = pr.x_val - pi[pr.x_item] - sigma[pr.x_place]
        return rx + best, best, v, hi_y, rx, ry

    def pair_reduced_costs(self) -> tuple[np.ndarray, np.ndarray]:
        """At the last master's duals: per placement pair and per mentor pair the
        reduced cost of its best triple (infinite before any master was solved)."""
        pr, mp = self.pr, self.mp
        if self.duals is None:
            return np.full(len(pr.x_item), np.inf), np.full(len(pr.y_item), np.inf)
        rc, _, v, _, rx, _ = self._reduced(*self.duals)
        best_y = np.full(len(pr.y_item), -np.inf)
        np.maximum.at(best_y, mp.ty, rx[mp.tx] + v)
        return rc, best_y

    def item_prices(self) -> tuple[np.ndarray, np.ndarray]:
        """(pi, sigma): the last master's slot duals, and per participant the value of
        its best triple at those slot duals and the mentor duals, so that no triple has
        a positive reduced cost. With the mentor duals that is a dual solution of the
        LP whatever the master's accuracy (the interior-point master's participant
        duals alone can be far off: on a generated M problem, a dual value 1,800 below
        the LP, and a triple priced 447 above its participant); the start of
        :mod:`matcher.knapsack`."""
        pi, sigma, mu, nu = self.duals
        rc = self._reduced(np.zeros_like(pi), sigma, mu, nu)[0]
        out = np.zeros(self.n_p)
        np.maximum.at(out, self.pr.x_item, rc)
        return out, sigma

    def price(self, pi, sigma, mu, nu, k: int = PER_ITEM) -> int:
        """Add, for every participant, the best triple of each of its ``k`` placement
        pairs of best positive reduced cost."""
        pr, mp = self.pr, self.mp
        rc, best, v, hi_y, _, _ = self._reduced(pi, sigma, mu, nu)
        pos = np.flatnonzero(rc > EPS)
        if not len(pos):
            return 0
        order = pos[np.lexsort((-rc[pos], pr.x_item[pos]))]
        items = pr.x_item[order]
        rank = np.arange(len(order)) - np.searchsorted(items, items)
        xs = order[rank < k]
        # The first best triple in each chosen pair's run of triples.
        lens = mp.start[xs + 1] - mp.start[xs]
        idx = runs(mp.start[xs], lens)
        grp = np.repeat(np.arange(len(xs)), lens)
        top = np.flatnonzero(v[idx] >= best[xs][grp])
        _, first = np.unique(grp[top], return_index=True)
        t = idx[top[first]]
        return self.add(t, hi_y[mp.ty[t]])

    def add_plan(self, plan: dict[int, tuple[int, int, int]]) -> None:
        """Add the columns of a plan (at both hours ends): the master starts feasible
        with that plan's value instead of from a handful of contested columns."""
        mp = self.mp
        if not plan:
            return
        xy = np.array([(xi, yi) for xi, yi, _ in plan.values()], dtype=np.int64)
        xs, ys = xy[:, 0], xy[:, 1]
        lens = mp.start[xs + 1] - mp.start[xs]
        idx = runs(mp.start[xs], lens)
        sel = idx[mp.ty[idx] == np.repeat(ys, lens)]
        self.add(sel, np.zeros(len(sel), dtype=bool))
        item = self.pr.x_item[mp.tx[sel]]
        sel = sel[self.pr.hi[item] > self.pr.lo[item]]
        self.add(sel, np.ones(len(sel), dtype=bool))

    def solve_master(self, deadline: float) -> tuple[tuple[np.ndarray, ...], bool] | None:
        """Solve the master until ``deadline``; return its duals (pi, sigma, mu, nu) and
        whether the LP finished (else the clock stopped it)."""
        left = deadline - time.monotonic()
        if left <= 0:
            return None
        if self.master == "pdlp":
            solved = self._solve_pdlp(left)
            if solved is None:
                return None
            d, finished = solved
        else:
            # HiGHS counts its time limit over every run of this object (HiGHS #1331).
            self.h.setOptionValue("time_limit", self.h.getRunTime() + left)
            self.h.run()
            sol = self.h.getSolution()
            d = np.maximum(np.asarray(sol.row_dual, dtype=float), 0.0)
            finished = self.h.getModelStatus() == self.hs.HighsModelStatus.kOptimal
            if finished:
                # Rounding needs a finished LP; a solve stopped by the clock still has
                # non-negative duals, and those still give a proved bound.
                self.x = np.asarray(sol.col_value, dtype=float)
                self.x_value = float(self.h.getInfo().objective_function_value)
        if len(d) != self.n_rows or not np.isfinite(d).all():
            return None
        a, b, c = self.n_p, self.n_p + self.n_l, self.n_p + self.n_l + self.n_m
        return (d[:a], d[a:b], d[b:c], d[c:]), finished

    def _solve_pdlp(self, seconds: float) -> tuple[np.ndarray, bool] | None:
        """The master by PDLP (minimising the negated objective), warm-started."""
        import scipy.sparse as sp
        from ortools.pdlp import solve_log_pb2, solvers_pb2
        from ortools.pdlp.python import pdlp

        n = self.n_cols
        cost = np.concatenate(self.col_cost)
        qp = pdlp.QuadraticProgram()
        qp.objective_vector = -cost
        qp.constraint_lower_bounds = np.full(self.n_rows, -np.inf)
        qp.constraint_upper_bounds = self.upper
        qp.variable_lower_bounds = np.zeros(n)
        qp.variable_upper_bounds = np.ones(n)
        qp.constraint_matrix = sp.csc_matrix(
            (np.concatenate(self.col_vals), np.concatenate(self.col_rows),
             np.arange(n + 1) * 4), shape=(self.n_rows, n))
        params = solvers_pb2.PrimalDualHybridGradientParams()
        crit = params.termination_criteria.simple_optimality_criteria
        crit.eps_optimal_relative = self.eps
        crit.eps_optimal_absolute = self.eps
        params.termination_criteria.time_sec_limit = seconds
        params.num_threads = 1
        params.verbosity_level = 0
        start = None
        if self._warm is not None:
            x0, y0 = self._warm
            start = pdlp.PrimalAndDualSolution()
            start.primal_solution = np.concatenate([x0, np.zeros(n - len(x0))])
            start.dual_solution = y0
        res = pdlp.primal_dual_hybrid_gradient(qp, params, initial_solution=start)
        x = np.clip(np.asarray(res.primal_solution, dtype=float), 0.0, 1.0)
        y = np.asarray(res.dual_solution, dtype=float)
        if len(x) != n or len(y) != self.n_rows:
            return None
        self._warm = (x, y)
        finished = (res.solve_log.termination_reason
                    == solve_log_pb2.TERMINATION_REASON_OPTIMAL)
        self.x, self.x_value = x, float(cost @ x)
        # Minimising -cost subject to A x <= u: the duals of the rows are <= 0.
        return np.maximum(-y, 0.0), finished

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
        self.price(np.zeros(self.n_p), np.zeros(self.n_l), mu, nu)
        if start:
            self.add_plan(start)
        best_bound = math.inf
        rounds, converged = 0, False
        t_lp = 0.0
        while time.monotonic() < deadline and self.n_cols:
            t = time.monotonic()
            solved = self.solve_master(deadline)
            t_lp += time.monotonic() - t
            if solved is None:
                break
            rounds += 1
            (pi, sigma, mu_d, nu_d), finished = solved
            self.duals = (pi, sigma, mu_d, nu_d)
            if time.monotonic() >= deadline:
                break
            bound = self.mp.evaluate(mu_d, nu_d)[0]
            best_bound = min(best_bound, bound)
            if finished and best_bound - self.x_value <= stop_gap * abs(best_bound):
                # (before pricing: adding columns resets the model status) A bound that
                # meets the master proves the master is the LP optimum.
                converged = best_bound - self.x_value <= 1e-9 * max(1.0, abs(best_bound))
                break
            if self.price(pi, sigma, mu_d, nu_d) == 0:
                if self.master == "pdlp" and self.eps > PDLP_EPS_MIN:
                    # Nothing to add at duals this rough: solve the same master finer.
                    self.eps /= 4
                    continue
                converged = finished and self.master == "ipm"
                break
        self.roundings = round_lp(pr, self.mp, *self.columns()) if len(self.x) else []
        plan = max(self.roundings, key=lambda p: plan_value(pr, p), default=dict(start or {}))
        value = plan_value(pr, plan)
        start_value = plan_value(pr, start) if start else -math.inf
        if start_value > value:
            plan, value = dict(start), start_value
        stats = {"lp_master_solver": self.master, "lp_rounds": rounds,
                 "lp_columns": int(self.n_cols), "lp_seconds": round(t_lp, 3),
                 "lp_converged": converged, "lp_eps": self.eps,
                 "lp_master": self.x_value and round(self.x_value, 6)}
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
             x: np.ndarray) -> list[dict[int, tuple[int, int, int]]]:
    """Feasible plans from the LP solution (see the module docstring), one for each of
    three orders of taking the LP's triples. Measured on L, three LP solutions: by LP
    weight alone 423.5 / 424.6 / 423.2 k; by weight times value 424.6 / 425.1 / 424.6 k;
    the triples the LP holds at one half or more first, each group by value, 424.6 /
    425.2 / 424.0 k. The best of them is not always the best start for what follows
    (:func:`matcher.compact._moves_first`), so all three are returned."""
    used = x > 1e-6
    t, at = np.unique(col_t[used], return_inverse=True)
    mass = np.bincount(at, weights=x[used])  # both hours ends of a triple together
    xs, ys = mp.tx[t].astype(np.int64), mp.ty[t].astype(np.int64)
    value = pr.x_val[xs] + pr.y_val[ys]
    return [_round(pr, mp, t, xs, ys, order)
            for order in (np.lexsort((-value, -mass)), np.argsort(-mass * value, kind="stable"),
                          np.lexsort((-value, -(mass >= 0.5).astype(np.int8))))]


def _round(pr: Pairs, mp: MentorPrices, t: np.ndarray, xs: np.ndarray, ys: np.ndarray,
           order: np.ndarray) -> dict[int, tuple[int, int, int]]:
    """Take triple ``t[k]`` in ``order`` at ``hours_min`` while its participant is free
    and its placement and mentor have room; then ``fill`` and ``top_up``."""
    slots = pr.slots.astype(np.int64).copy()
    count = pr.cap_count.astype(np.int64).copy()
    hours = pr.cap_hours.astype(np.int64).copy()
    plan: dict[int, tuple[int, int, int]] = {}
    for k in order.tolist():
        i = int(pr.x_item[xs[k]])
        if i in plan:
            continue
        li, mj, lo = int(pr.x_place[xs[k]]), int(mp.tm[t[k]]), int(pr.lo[i])
        if slots[li] > 0 and count[mj] > 0 and hours[mj] >= lo:
            take(plan, (slots, count, hours), i, int(xs[k]), int(ys[k]), li, mj, lo)
    fill(pr, mp, plan, slots, count, hours)
    top_up(pr, plan, hours)
    return plan
