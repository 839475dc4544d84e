"""The two-index model as a HiGHS LP/MIP: beside CP-SAT on whole models
(:class:`HighsBeside`), and for comparison (bench/matcher_scale.py HIGHS_*).

Not used for large models: measured, the compact LP is tight (M: 0.85 % above the
optimum) but HiGHS did not finish the L relaxation within 60 s on 2 loaded cores.

Columns: x pairs, y pairs, extra hours e (one per y pair of a mentor whose hours
can run out). The bound is checked by weak duality with HiGHS's duals (LP), or
taken from HiGHS's MIP dual bound, with a relative safety margin for floating point.
"""

from __future__ import annotations

import math
import threading
import time

import highspy
import numpy as np
from scipy.sparse import coo_matrix

from .colgen import _quiet_highs
from .compact import binding_mentors
from .pairs import Pairs

# HiGHS stops when its plan is within this share of its bound (CP-SAT's is 2e-7).
MIP_GAP = 1e-7


class HighsForm:
    """Matrices of the two-index model."""

    def __init__(self, pr: Pairs):
        self.pr = pr
        n_x, n_y = len(pr.x_item), len(pr.y_item)
        bind = binding_mentors(pr)
        span = (pr.hi - pr.lo)
        e_y = np.flatnonzero(bind[pr.y_mentor] & (span[pr.y_item] > 0))
        self.e_y = e_y
        self.n_x, self.n_y = n_x, n_y
        n_e = len(e_y)
        self.n = n_x + n_y + n_e
        base = np.where(bind[pr.y_mentor], pr.lo[pr.y_item], pr.hi[pr.y_item])
        self.base = base
        self.c = np.concatenate([pr.x_val, pr.y_val + pr.coef[pr.y_item] * base,
                                 pr.coef[pr.y_item[e_y]]])
        self.ub = np.concatenate([np.ones(n_x + n_y), span[pr.y_item[e_y]].astype(float)])
        rows, cols, vals, lo, hi = [], [], [], [], []
        r = 0

        def add(rr, cc, vv, lo_, hi_):
            nonlocal r
            rows.append(np.asarray(rr) + r)
            cols.append(np.asarray(cc))
            vals.append(np.asarray(vv, dtype=float))
            lo.append(np.asarray(lo_, dtype=float))
            hi.append(np.asarray(hi_, dtype=float))
            r += len(lo_)

        items, xr = np.unique(pr.x_item, return_inverse=True)
        yr = np.searchsorted(items, pr.y_item)
        k = len(items)
        # sum x - sum y == 0 and sum x <= 1
        add(np.concatenate([xr, yr]), np.concatenate([np.arange(n_x), n_x + np.arange(n_y)]),
            np.concatenate([np.ones(n_x), -np.ones(n_y)]), np.zeros(k), np.zeros(k))
        add(xr, np.arange(n_x), np.ones(n_x), np.full(k, -np.inf), np.ones(k))
        # compatibility rows
        nr = len(pr.row_y)
        lens = np.diff(pr.row_ptr)
        rr = np.repeat(np.arange(nr), lens)
        sign = np.where(pr.row_kind[rr] == 0, -1.0, 1.0)
        add(np.concatenate([np.arange(nr), rr]),
            np.concatenate([n_x + pr.row_y, pr.row_x]),
            np.concatenate([np.ones(nr), sign]), np.full(nr, -np.inf),
            np.where(pr.row_kind == 0, 0.0, 1.0))
        # slots and participant counts
        pl, xr2 = np.unique(pr.x_place, return_inverse=True)
        add(xr2, np.arange(n_x), np.ones(n_x), np.full(len(pl), -np.inf),
            pr.slots[pl].astype(float))
        ms, yr2 = np.unique(pr.y_mentor, return_inverse=True)
        add(yr2, n_x + np.arange(n_y), np.ones(n_y), np.full(len(ms), -np.inf),
            pr.cap_count[ms].astype(float))
        # hours of binding mentors, and e <= span * y
        by = np.flatnonzero(bind[pr.y_mentor])
        bm, byr = np.unique(pr.y_mentor[by], return_inverse=True)
        er = np.searchsorted(bm, pr.y_mentor[e_y])
        add(np.concatenate([byr, er]), np.concatenate([n_x + by, n_x + n_y + np.arange(n_e)]),
            np.concatenate([pr.lo[pr.y_item[by]].astype(float), np.ones(n_e)]),
            np.full(len(bm), -np.inf), pr.cap_hours[bm].astype(float))
        add(np.concatenate([np.arange(n_e), np.arange(n_e)]),
            np.concatenate([n_x + n_y + np.arange(n_e), n_x + e_y]),
            np.concatenate([np.ones(n_e), -span[pr.y_item[e_y]].astype(float)]),
            np.full(n_e, -np.inf), np.zeros(n_e))
        self.A = coo_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
                            shape=(r, self.n)).tocsr()
        self.row_lo, self.row_hi = np.concatenate(lo), np.concatenate(hi)

    def _highs(self, time_limit: float, integer: bool,
               h: highspy.Highs | None = None) -> highspy.Highs:
        h = _quiet_highs(highspy) if h is None else h
        h.setOptionValue("time_limit", max(0.05, float(time_limit)))
        h.setOptionValue("threads", 1)
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = self.n, self.A.shape[0]
        lp.col_cost_ = self.c
        lp.col_lower_ = np.zeros(self.n)
        lp.col_upper_ = self.ub
        lp.row_lower_, lp.row_upper_ = self.row_lo, self.row_hi
        a = self.A.tocsc()
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = a.indptr.astype(np.int32)
        lp.a_matrix_.index_ = a.indices.astype(np.int32)
        lp.a_matrix_.value_ = a.data
        lp.sense_ = highspy.ObjSense.kMaximize
        if integer:
            lp.integrality_ = [highspy.HighsVarType.kInteger] * self.n
        h.passModel(lp)
        return h

    def lp_bound(self, time_limit: float) -> float:
        """A proved upper bound from the LP relaxation; ``inf`` if it did not finish."""
        h = self._highs(time_limit, False)
        h.run()
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return math.inf
        d = np.asarray(h.getSolution().row_dual)
        # Lagrangian (weak duality) bound, whatever sign convention the duals use:
        # for multipliers u >= 0 on rows with an upper side and u <= 0 on rows with a
        # lower side, max c.x <= sum(u * side) + sum(ub * max(c - A'u, 0)).
        best = math.inf
        for u in (d, -d):
            u = np.where(u > 0, np.where(np.isfinite(self.row_hi), u, 0.0),
                         np.where(np.isfinite(self.row_lo), u, 0.0))
            side = np.where(u > 0, self.row_hi, np.where(u < 0, self.row_lo, 0.0))
            red = self.c - self.A.T @ u
            best = min(best, float(u @ side) + float(np.maximum(red, 0.0) @ self.ub))
        if not math.isfinite(best):
            return math.inf
        return best + 1e-9 * abs(best) + 1e-6

    def mip(self, time_limit: float) -> tuple[np.ndarray | None, float]:
        """Solve as a MIP: (solution columns or None, proved bound)."""
        h = self._highs(time_limit, True)
        h.setOptionValue("mip_rel_gap", 1e-7)
        h.run()
        info = h.getInfo()
        bound = info.mip_dual_bound
        sol = h.getSolution()
        x = np.asarray(sol.col_value) if info.primal_solution_status == 2 else None
        b = bound + 1e-9 * abs(bound) + 1e-6 if math.isfinite(bound) else math.inf
        return x, b

    def plan(self, x: np.ndarray) -> dict[int, tuple[int, int, int]] | None:
        """HiGHS' columns as a plan ``item -> (x id, y id, hours)``, or None when they are
        not integral or, rounded, break a row or a column bound. The data are integers, so
        the check is exact: a plan that passes keeps every rule of the model."""
        v = np.round(np.asarray(x, dtype=float))
        if len(v) != self.n or np.abs(v - x).max(initial=0.0) > 1e-5:
            return None
        ax = self.A @ v
        if ((v < 0) | (v > self.ub)).any() or (ax < self.row_lo).any() or (
                ax > self.row_hi).any():
            return None
        pr, n_x, n_y = self.pr, self.n_x, self.n_y
        xs = np.flatnonzero(v[:n_x] > 0.5)
        ys = np.flatnonzero(v[n_x:n_x + n_y] > 0.5)
        y_of = dict(zip(pr.y_item[ys].tolist(), ys.tolist(), strict=True))
        extra = dict(zip(self.e_y.tolist(), v[n_x + n_y:].astype(np.int64).tolist(),
                         strict=True))
        plan = {}
        for xi in xs.tolist():
            yi = y_of[int(pr.x_item[xi])]
            plan[int(pr.x_item[xi])] = (xi, yi, int(self.base[yi]) + extra.get(yi, 0))
        return plan

    def solution(self, plan: dict[int, tuple[int, int, int]]) -> highspy.HighsSolution:
        """``plan`` as HiGHS' columns, to start its search from."""
        col = np.zeros(self.n)
        hours = {}
        for xi, yi, h in plan.values():
            col[xi] = col[self.n_x + yi] = 1.0
            hours[yi] = h
        for k, yi in enumerate(self.e_y.tolist()):
            if yi in hours:
                col[self.n_x + self.n_y + k] = hours[yi] - self.base[yi]
        sol = highspy.HighsSolution()
        sol.col_value = col.tolist()
        sol.value_valid = True
        return sol

    def margin(self, bound: float) -> float:
        """What HiGHS' MIP bound may be short by: its dual feasibility tolerance on every
        column at its upper bound, plus its own relative gap."""
        return 1e-7 * float(self.ub.sum()) + MIP_GAP * abs(bound) + 1e-6


class HighsBeside:
    """HiGHS' MIP on the same pair model, in a thread beside CP-SAT on a whole model.

    CP-SAT searches with one worker (two stall its LP search on 2 cores, see
    matcher.compact), so the second core is idle while it proves; HiGHS' branch and
    bound is a different search and proves some models first (bench M seeds, one
    thread each, measured: CP-SAT first on 1-4, HiGHS' plan better on 6 after 60 s).
    It starts ``after`` seconds, when CP-SAT has not finished by then (most small
    models are proved sooner: a cancel reaches HiGHS only after its presolve, so a
    HiGHS started early would hold up the solves CP-SAT proves in a few seconds), and
    stops at ``deadline``. When it proves its plan
    optimal it stops CP-SAT; when CP-SAT finishes first it is cancelled. The solve
    keeps the better plan and the lower bound of the two.
    """

    def __init__(self, pr: Pairs, start: dict[int, tuple[int, int, int]], deadline: float,
                 after: float):
        self.form: HighsForm | None = None
        self.pr, self.start, self.deadline, self.after = pr, start, deadline, after
        self.h = _quiet_highs(highspy)  # here: it may print to descriptor 1 when made
        self.h.HandleUserInterrupt = True
        self.started = False
        self.result: tuple | None = None  # (plan or None, bound, proved)
        self.error: str | None = None
        self._lock = threading.Lock()
        self._done = threading.Event()  # CP-SAT has finished
        self._stop_cp = None
        self.seconds = 0.0  # HiGHS' own run, from its start until it returned
        self._thread = threading.Thread(target=self._run, name="highs-beside", daemon=True)
        self._thread.start()

    def cp_started(self, solver) -> None:
        """Called with CP-SAT's solver before it searches: HiGHS stops it on a proof."""
        with self._lock:
            self._stop_cp = solver.stop_search
            if self.result is not None and self.result[2]:
                solver.parameters.max_time_in_seconds = 0.001

    def _run(self) -> None:
        try:
            if self._done.wait(max(0.0, self.after)):
                return
            form = HighsForm(self.pr)
            if form.n == 0:  # nothing to choose: the empty plan is the optimum
                with self._lock:
                    self.form, self.result = form, ({}, 0.0, True)
                    if self._stop_cp is not None:
                        self._stop_cp()
                return
            # HiGHS overruns its time limit by up to ~0.5 s (measured on M).
            h = form._highs(self.deadline - time.monotonic() - 0.5, True, self.h)
            h.setOptionValue("mip_rel_gap", MIP_GAP)
            if self.start:
                h.setSolution(form.solution(self.start))
            with self._lock:
                if self._done.is_set() or time.monotonic() >= self.deadline:
                    return
                self.started = True
            t_run = time.monotonic()
            h.solve()
            self.seconds = time.monotonic() - t_run
            info = h.getInfo()
            bound = float(info.mip_dual_bound)
            bound = bound + form.margin(bound) if math.isfinite(bound) else math.inf
            plan = None
            if info.primal_solution_status == 2:
                plan = form.plan(np.asarray(h.getSolution().col_value, dtype=float))
            proved = bool(plan is not None and h.getModelStatus()
                          == highspy.HighsModelStatus.kOptimal)
            with self._lock:
                self.form = form
                self.result = (plan, bound, proved)
                if proved and self._stop_cp is not None:
                    self._stop_cp()
        except Exception as exc:  # the CP-SAT result stands; the stats say why
            self.error = type(exc).__name__

    def finish(self) -> tuple | None:
        """CP-SAT has finished: cancel HiGHS, wait for it to stop (it must not outlive
        the solve: a process that exits while HiGHS runs is aborted), and return its
        (plan or None, bound, proved), or None when it never started. HiGHS checks for
        the cancel in its search, not in presolve: measured on M, up to 1.8 s after it
        starts."""
        with self._lock:
            self._done.set()
            if self.started and self.result is None:
                self.h.cancelSolve()
        self._thread.join()
        return self.result
