"""LP relaxation bound (HiGHS through scipy), valid for the true float objective."""

from __future__ import annotations

import math

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import coo_matrix, vstack

from .candidates import Options


def lp_bound(opts: Options, sel: np.ndarray, time_limit: float) -> float:
    """Upper bound of the best value of options ``sel``; ``inf`` if the LP does not finish.

    Variables: ``x_t`` in [0, 1] and extra hours ``g_t`` in [0, hi - lo] with
    ``g_t <= (hi - lo) x_t``; rows: one match per item, slots, mentor count and
    hours. Any integer solution is feasible here, so the LP optimum bounds it.
    """
    n = len(sel)
    if n == 0:
        return 0.0
    item, place, mentor = opts.item[sel], opts.place[sel], opts.mentor[sel]
    lo, hi = opts.lo[item], opts.hi[item]
    span = (hi - lo).astype(float)
    cols = np.arange(n)
    blocks, rhs = [], []
    for key, cap in ((item, None), (place, opts.slots), (mentor, opts.cap_count)):
        uniq, row = np.unique(key, return_inverse=True)
        blocks.append(coo_matrix((np.ones(n), (row, cols)), shape=(len(uniq), 2 * n)))
        rhs.append(np.ones(len(uniq)) if cap is None else cap[uniq].astype(float))
    uniq, row = np.unique(mentor, return_inverse=True)
    blocks.append(coo_matrix((np.concatenate([lo.astype(float), np.ones(n)]),
                              (np.concatenate([row, row]), np.concatenate([cols, cols + n]))),
                             shape=(len(uniq), 2 * n)))
    rhs.append(opts.cap_hours[uniq].astype(float))
    blocks.append(coo_matrix((np.concatenate([-span, np.ones(n)]),
                              (np.concatenate([cols, cols]), np.concatenate([cols, cols + n]))),
                             shape=(n, 2 * n)))
    rhs.append(np.zeros(n))
    value = opts.const[sel] + opts.coef[item] * lo
    c = -np.concatenate([value, opts.coef[item]])
    bounds = np.column_stack([np.zeros(2 * n), np.concatenate([np.ones(n), span])])
    res = linprog(c, A_ub=vstack(blocks).tocsr(), b_ub=np.concatenate(rhs), bounds=bounds,
                  method="highs-ds", options={"time_limit": max(0.1, time_limit)})
    if res.status != 0:
        return math.inf
    # Weak duality with the duals HiGHS returns gives a bound that does not depend
    # on primal accuracy; keep a relative safety margin for floating point.
    y = np.maximum(-res.ineqlin.marginals, 0.0)
    b = np.concatenate(rhs)
    dual = float(y @ b) + float(np.maximum(-c - vstack(blocks).tocsr().T @ y, 0.0)
                                @ bounds[:, 1])
    best = max(-res.fun, dual) if math.isfinite(dual) else -res.fun
    return min(dual, best) * (1 + 1e-9) + 1e-6 if math.isfinite(dual) else math.inf
