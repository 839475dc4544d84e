"""The two-index model as a HiGHS LP/MIP, for comparison (bench/matcher_scale.py HIGHS_*).

Not on the solve path: measured, the compact LP is tight (M: 0.85 % above the
optimum) but HiGHS did not finish the L relaxation within 60 s on 2 loaded cores.

Columns: x pairs, y pairs, extra hours e (one per y pair of a mentor whose hours
can run out). The bound is checked by weak duality with HiGHS's duals (LP), or
taken from HiGHS's MIP dual bound, with a relative safety margin for floating point.
"""

from __future__ import annotations

import math

import highspy
import numpy as np
from scipy.sparse import coo_matrix

from .compact import binding_mentors
from .pairs import Pairs


class HighsForm:
    """Matrices of the two-index model."""

    def __init__(self, pr: Pairs):
        self.pr = pr
        n_x, n_y = len(pr.x_item), len(pr.y_item)
        bind = binding_mentors(pr)
        span = (pr.hi - pr.lo)
        e_y = np.flatnonzero(bind[pr.y_mentor] & (span[pr.y_item] > 0))
        self.e_y = e_y
        n_e = len(e_y)
        self.n = n_x + n_y + n_e
        base = np.where(bind[pr.y_mentor], pr.lo[pr.y_item], pr.hi[pr.y_item])
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

    def _highs(self, time_limit: float, integer: bool) -> highspy.Highs:
        h = highspy.Highs()
        h.setOptionValue("output_flag", False)
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
