"""The exact MIP baseline on HiGHS, in two equivalent formulations.

"triple": one binary x[p,l,m] per allowed triple and a continuous z[p,l,m] in
[0, hours_max - hours_min] with z <= span * x, so hours = hours_min * x + z.

"pair": binaries a[p,l] and b[p,m] for the allowed (participant, placement)
and (participant, mentor) pairs, with sum_l a[p,l] = sum_m b[p,m] <= 1 and
a[p,l] <= sum of b[p,m] over the mentors allowed with (p,l) (and the mirror
row for b). As each participant takes at most one placement and one mentor,
those rows force the chosen pair of pairs to be an allowed triple, so the
integer solutions are exactly those of "triple". Scores split exactly: the
placement part on a, the keep-mentor and hours part on b. It has ~15x fewer
columns on L, whose triple model HiGHS cannot even start to solve in 120 s.

Continuous hours lose nothing: with the binaries fixed, each z sits in one
mentor-capacity row only, so the hours LP is totally unimodular with integer
data and has an integral optimum. The bound is HiGHS's dual bound, or the
capacity-free bound of `bench.baselines._trivial_bound` when that is lower.
"""

from __future__ import annotations

import time

import numpy as np
import scipy.sparse as sp

from bench.baselines import _infeasible, _pinned_score, _pins, _result, _trivial_bound
from bench.feasible import Candidates, enumerate_candidates, pin_conflicts, weights_of


def _capacities(problem: dict, pins: dict):
    """Slots, mentor hours and mentor participants left after the pinned matches."""
    slots = np.array([pl["slots"] for pl in problem["placements"]], dtype=float)
    cap = np.array([m["capacity_hours"] for m in problem["mentors"]], dtype=float)
    maxp = np.array([m["max_participants"] for m in problem["mentors"]], dtype=float)
    for li, mj, h in pins.values():
        slots[li] -= 1
        cap[mj] -= h
        maxp[mj] -= 1
    return slots, cap, maxp


def _triple_model(problem: dict, c: Candidates, pins: dict):
    """Rows: participant <= 1, placement <= slots, mentor count/hours, z <= span * x."""
    nP, nL, nM = (len(problem[k]) for k in ("participants", "placements", "mentors"))
    T = len(c)
    slots, cap, maxp = _capacities(problem, pins)
    span = (c.hmax - c.hmin).astype(float)
    tx, tz = np.arange(T), T + np.arange(T)
    r_l, r_mn, r_mh, r_link = nP, nP + nL, nP + nL + nM, nP + nL + 2 * nM
    rows = np.concatenate([c.p, r_l + c.pl, r_mn + c.m, r_mh + c.m, r_mh + c.m,
                           r_link + tx, r_link + tx])
    cols = np.concatenate([tx, tx, tx, tx, tz, tz, tx])
    vals = np.concatenate([np.ones(3 * T), c.hmin.astype(float), np.ones(T), np.ones(T), -span])
    A = sp.csc_matrix((vals, (rows, cols)), shape=(r_link + T, 2 * T))
    upper = np.concatenate([np.ones(nP), slots, maxp, cap, np.zeros(T)])
    lower = np.full(len(upper), -np.inf)
    cost = np.concatenate([c.base + c.hour_coef * c.hmin, c.hour_coef])
    col_up = np.concatenate([np.ones(T), span])

    def decode(x):
        out = {}
        for t in np.flatnonzero(x[:T] > 0.5).tolist():
            hours = int(c.hmin[t] + np.floor(x[T + t] + 1e-6))
            out[int(c.p[t])] = (int(c.pl[t]), int(c.m[t]), hours)
        return out

    return A, lower, upper, cost, col_up, T, decode


def _pair_model(problem: dict, c: Candidates, pins: dict):
    """Rows: participant <= 1, sum a = sum b, a/b linking, slots, mentor count/hours, z <= ub*b."""
    P = problem["participants"]
    nP, nL, nM = len(P), len(problem["placements"]), len(problem["mentors"])
    slots, cap, maxp = _capacities(problem, pins)
    w = weights_of(problem)
    pl_key, pl_of = np.unique(c.p * nL + c.pl, return_inverse=True)
    pm_key, pm_of = np.unique(c.p * nM + c.m, return_inverse=True)
    A_, B_ = len(pl_key), len(pm_key)
    a_p, a_l = pl_key // nL, pl_key % nL
    b_p, b_m = pm_key // nM, pm_key % nM
    prio = np.array([p.get("priority", 1) for p in P], dtype=float)
    hmin = np.array([p["hours_min"] for p in P], dtype=float)
    span = np.array([p["hours_max"] - p["hours_min"] for p in P], dtype=float)
    m_ix = {m["id"]: j for j, m in enumerate(problem["mentors"])}
    cur = np.array([m_ix.get(p.get("current_mentor"), -1) for p in P])
    keep_m = w["keep_mentor"] * prio[c.p] * (c.m == cur[c.p])
    a_cost = np.zeros(A_)
    a_cost[pl_of] = c.base - keep_m  # the same for every mentor of a (p, l) pair
    b_keep = w["keep_mentor"] * prio[b_p] * (b_m == cur[b_p])
    b_cost = b_keep + w["hours"] * prio[b_p] * hmin[b_p]
    z_cost = w["hours"] * prio[b_p]
    z_up = np.maximum(0.0, np.minimum(span[b_p], cap[b_m] - hmin[b_p]))
    ca, cb, cz = np.arange(A_), A_ + np.arange(B_), A_ + B_ + np.arange(B_)
    r = np.cumsum([0, nP, nP, A_, B_, nL, nM, nM, B_])  # row block starts
    blocks = [  # (rows, cols, vals)
        (r[0] + a_p, ca, 1.0),                       # sum_l a <= 1
        (r[1] + a_p, ca, 1.0), (r[1] + b_p, cb, -1.0),  # sum_l a - sum_m b = 0
        (r[2] + np.arange(A_), ca, 1.0), (r[2] + pl_of, A_ + pm_of, -1.0),  # a <= sum b
        (r[3] + np.arange(B_), cb, 1.0), (r[3] + pm_of, pl_of, -1.0),       # b <= sum a
        (r[4] + a_l, ca, 1.0),                       # slots
        (r[5] + b_m, cb, 1.0),                       # mentor participants
        (r[6] + b_m, cb, hmin[b_p]), (r[6] + b_m, cz, 1.0),  # mentor hours
        (r[7] + np.arange(B_), cz, 1.0), (r[7] + np.arange(B_), cb, -z_up),  # z <= ub * b
    ]
    rows = np.concatenate([b[0] for b in blocks])
    cols = np.concatenate([b[1] for b in blocks])
    vals = np.concatenate([np.broadcast_to(np.asarray(b[2], dtype=float), b[0].shape)
                           for b in blocks])
    A = sp.csc_matrix((vals, (rows, cols)), shape=(r[8], A_ + 2 * B_))
    A.sum_duplicates()
    inf = np.inf
    lower = np.concatenate([np.full(nP, -inf), np.zeros(nP), np.full(A_ + B_ + nL + 2 * nM + B_,
                                                                      -inf)])
    upper = np.concatenate([np.ones(nP), np.zeros(nP + A_ + B_), slots, maxp, cap, np.zeros(B_)])
    cost = np.concatenate([a_cost, b_cost, z_cost])
    col_up = np.concatenate([np.ones(A_ + B_), z_up])

    def decode(x):
        out = {}
        la = {int(a_p[k]): int(a_l[k]) for k in np.flatnonzero(x[:A_] > 0.5)}
        for k in np.flatnonzero(x[A_:A_ + B_] > 0.5).tolist():
            i = int(b_p[k])
            out[i] = (la[i], int(b_m[k]), int(hmin[i] + np.floor(x[A_ + B_ + k] + 1e-6)))
        return out

    return A, lower, upper, cost, col_up, A_ + B_, decode


def solve(problem: dict, *, time_limit: float = 120.0, num_workers: int = 1,
          formulation: str = "triple", rel_gap: float = 1e-7) -> dict:
    """Solve to proved optimality or until `time_limit` seconds (model building included)."""
    import highspy

    t0 = time.perf_counter()
    conflicts = pin_conflicts(problem)
    if conflicts:
        return _infeasible(problem, conflicts, t0)
    cand = enumerate_candidates(problem)
    pins = _pins(problem)
    keep = ~np.isin(cand.p, list(pins)) if pins else np.ones(len(cand), dtype=bool)
    sub = Candidates(*(getattr(cand, f)[keep] for f in Candidates.__dataclass_fields__))
    build_model = {"triple": _triple_model, "pair": _pair_model}[formulation]
    A, lower, upper, cost, col_up, n_int, decode = build_model(problem, sub, pins)
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", int(num_workers))
    h.setOptionValue("mip_rel_gap", rel_gap)
    h.setOptionValue("mip_abs_gap", 1e-7)
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = len(cost), A.shape[0]
    lp.sense_ = highspy.ObjSense.kMaximize
    lp.col_cost_ = cost
    lp.col_lower_ = np.zeros(len(cost))
    lp.col_upper_ = col_up
    lp.row_lower_ = np.where(np.isinf(lower), -highspy.kHighsInf, lower)
    lp.row_upper_ = upper
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = A.indptr
    lp.a_matrix_.index_ = A.indices
    lp.a_matrix_.value_ = A.data
    lp.integrality_ = ([highspy.HighsVarType.kInteger] * n_int
                       + [highspy.HighsVarType.kContinuous] * (len(cost) - n_int))
    h.passModel(lp)
    build = time.perf_counter() - t0
    h.setOptionValue("time_limit", max(1.0, time_limit - build))
    if len(cost):
        h.run()
    ms = h.getModelStatus()
    info = h.getInfo()
    found = info.primal_solution_status == 2  # kSolutionStatusFeasible
    chosen = dict(pins)
    if found and len(cost):
        chosen.update(decode(np.asarray(h.getSolution().col_value)))
    # Both are proved bounds; HiGHS's is weaker than the capacity-free one until its
    # root LP is solved, which on L may not happen within the limit.
    dual = _pinned_score(problem, pins) + (info.mip_dual_bound if len(cost) else 0.0)
    bound = min(dual if np.isfinite(dual) else np.inf, _trivial_bound(problem, cand, pins))
    n_opt = np.bincount(cand.p, minlength=len(problem["participants"]))
    res = _result(problem, chosen, n_opt, "FEASIBLE", bound, t0,
                  solver=f"highs-mip-{formulation}", triples=len(cand),
                  highs_status=h.modelStatusToString(ms), columns=len(cost), rows=A.shape[0],
                  solution_found=bool(found or not len(cost)), build_seconds=build)
    optimal = not len(cost) or ms == highspy.HighsModelStatus.kOptimal
    if optimal and res["bound"] - res["objective"] <= 1e-6 * max(1.0, abs(res["bound"])):
        res["status"] = "OPTIMAL"
    return res
