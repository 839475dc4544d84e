"""Two baselines the matcher is measured against: a greedy heuristic and an exact MIP.

Both read a section-1 problem dict and return a section-4 result dict, built
from the same rules 1-8 candidate enumeration (`bench.feasible`).

The MIP (HiGHS) has one binary x per allowed triple and one continuous z in
[0, hours_max - hours_min] for the hours above the minimum, so that
hours = hours_min * x + z. Continuous hours lose nothing: with x fixed, each z
sits in one mentor-capacity row only, so the hours LP is totally unimodular
with integer data and has an integral optimum. The reported bound is HiGHS's
dual bound for that model, which is also a bound for integer hours.
"""

from __future__ import annotations

import time

import numpy as np

from bench.feasible import (
    Candidates,
    Enumerator,
    dist,
    enumerate_candidates,
    no_candidate_reason,
    pin_conflicts,
    score,
    weights_of,
)

RESULT_FORMAT = "mentor-match-result/1"


def _match(problem: dict, i: int, li: int, mj: int, h: int, w: dict) -> dict:
    p = problem["participants"][i]
    l, m = problem["placements"][li], problem["mentors"][mj]
    areas = p.get("areas") or []
    reasons = [f"{l['area']} is wish {areas.index(l['area']) + 1} of {len(areas)}"
               if areas else "any area wished"]
    if m["id"] == p.get("current_mentor"):
        reasons.append(f"keeps current mentor {m['id']}")
    if p.get("pinned"):
        reasons.append("confirmed (pinned) match")
    reasons.append(f"{dist(p, l):.1f} km")
    return {"participant": p["id"], "placement": l["id"], "mentor": m["id"], "hours": int(h),
            "score": score(p, l, m, int(h), w), "reasons": reasons}


def _result(problem: dict, chosen: dict[int, tuple[int, int, int]], n_opt: np.ndarray,
            status: str, bound: float, t0: float, **extra) -> dict:
    """Assemble a section-4 result; every participant once, unmatched with a reason.

    `n_opt[i]` is how many triples participant i is allowed (0 = none at all).
    """
    w = weights_of(problem)
    matches, unmatched = [], []
    for i, p in enumerate(problem["participants"]):
        if i in chosen:
            matches.append(_match(problem, i, *chosen[i], w))
        elif n_opt[i]:
            n = int(n_opt[i])
            unmatched.append({"participant": p["id"], "reasons": [
                f"all {n} allowed placement-mentor pairs are full "
                "(placement slots or mentor hours/participants) or went to other participants"]})
        else:
            unmatched.append({"participant": p["id"], "reasons": [no_candidate_reason(problem, p)]})
    obj = float(sum(x["score"] for x in matches))
    if bound < obj <= bound + 1e-6 * max(1.0, abs(obj)):
        bound = obj  # the solver's bound is only good to its tolerance
    return {"format": RESULT_FORMAT, "status": status, "objective": obj,
            "bound": bound, "seconds": time.perf_counter() - t0,
            "matches": matches, "unmatched": unmatched, **extra}


def _pins(problem: dict) -> dict[int, tuple[int, int, int]]:
    lix = {l["id"]: k for k, l in enumerate(problem["placements"])}
    mix = {m["id"]: k for k, m in enumerate(problem["mentors"])}
    return {i: (lix[p["pinned"]["placement"]], mix[p["pinned"]["mentor"]], p["pinned"]["hours"])
            for i, p in enumerate(problem["participants"]) if p.get("pinned")}


def _infeasible(problem: dict, conflicts: list[dict], t0: float) -> dict:
    return {"format": RESULT_FORMAT, "status": "INFEASIBLE", "objective": 0.0, "bound": 0.0,
            "seconds": time.perf_counter() - t0, "matches": [],
            "unmatched": [{"participant": p["id"], "reasons": ["pinned matches conflict"]}
                          for p in problem["participants"]], "conflicts": conflicts}


def _pinned_score(problem: dict, pins: dict) -> float:
    w = weights_of(problem)
    return float(sum(score(problem["participants"][i], problem["placements"][li],
                           problem["mentors"][mj], h, w) for i, (li, mj, h) in pins.items()))


def _trivial_bound(problem: dict, cand: Candidates, pins: dict) -> float:
    """Each participant's best score at hours_max, ignoring every capacity: a valid bound."""
    best = np.zeros(len(problem["participants"]))
    if len(cand):
        np.maximum.at(best, cand.p, cand.base + cand.hour_coef * cand.hmax)
    for i in pins:
        best[i] = 0.0
    return float(best.sum()) + _pinned_score(problem, pins)


def greedy(problem: dict, *, time_limit: float | None = None, num_workers: int = 1) -> dict:
    """Participants by priority (desc, then file order); each takes its best still-feasible
    (placement, mentor, hours), with as many hours as the mentor has left up to hours_max.

    Triples are enumerated one participant at a time, so memory stays flat on XL.
    `bound` is each participant's best score with no capacities at all (greedy proves
    nothing better); `time_limit` and `num_workers` are accepted for a uniform API.
    """
    t0 = time.perf_counter()
    conflicts = pin_conflicts(problem)
    if conflicts:
        return _infeasible(problem, conflicts, t0)
    P, L, M = problem["participants"], problem["placements"], problem["mentors"]
    en = Enumerator(problem)
    pins = _pins(problem)
    slots = np.array([l["slots"] for l in L], dtype=np.int64)
    cap = np.array([m["capacity_hours"] for m in M], dtype=np.int64)
    left = np.array([m["max_participants"] for m in M], dtype=np.int64)
    for li, mj, h in pins.values():
        slots[li] -= 1
        cap[mj] -= h
        left[mj] -= 1
    bound = _pinned_score(problem, pins)
    n_opt = np.zeros(len(P), dtype=np.int64)
    chosen = dict(pins)
    hc = en.w["hours"]
    order = sorted((i for i in range(len(P)) if i not in pins),
                   key=lambda i: (-P[i].get("priority", 1), i))
    for i in order:
        ls, ms, _, base = en.for_participant(i)
        n_opt[i] = len(ls)
        if not len(ls):
            continue
        prio, hmin, hmax = P[i].get("priority", 1), P[i]["hours_min"], P[i]["hours_max"]
        bound += max(0.0, float(base.max()) + hc * prio * hmax)
        ok = (slots[ls] > 0) & (left[ms] > 0) & (cap[ms] >= hmin)
        if not ok.any():
            continue
        hours = np.minimum(hmax, cap[ms])
        s = np.where(ok, base + hc * prio * hours, -np.inf)
        t = int(np.argmax(s))
        if s[t] <= 0:
            continue
        li, mj, h = int(ls[t]), int(ms[t]), int(hours[t])
        slots[li] -= 1
        cap[mj] -= h
        left[mj] -= 1
        chosen[i] = (li, mj, h)
    return _result(problem, chosen, n_opt, "FEASIBLE", bound, t0, solver="greedy",
                   triples=int(n_opt.sum()))


def _mip_matrix(problem: dict, cand: Candidates, pins: dict):
    """Rows: participant <= 1, placement <= slots, mentor count/hours, z <= span * x."""
    import scipy.sparse as sp

    P, L, M = problem["participants"], problem["placements"], problem["mentors"]
    T = len(cand)
    nP, nL, nM = len(P), len(L), len(M)
    slots = np.array([l["slots"] for l in L], dtype=float)
    cap = np.array([m["capacity_hours"] for m in M], dtype=float)
    maxp = np.array([m["max_participants"] for m in M], dtype=float)
    for li, mj, h in pins.values():
        slots[li] -= 1
        cap[mj] -= h
        maxp[mj] -= 1
    span = (cand.hmax - cand.hmin).astype(float)
    tx = np.arange(T)
    tz = T + tx
    r_p, r_l, r_mn, r_mh = 0, nP, nP + nL, nP + nL + nM
    r_link = nP + nL + 2 * nM
    rows = np.concatenate([r_p + cand.p, r_l + cand.l, r_mn + cand.m, r_mh + cand.m,
                           r_mh + cand.m, r_link + tx, r_link + tx])
    cols = np.concatenate([tx, tx, tx, tx, tz, tz, tx])
    vals = np.concatenate([np.ones(3 * T), cand.hmin.astype(float), np.ones(T),
                           np.ones(T), -span])
    A = sp.csc_matrix((vals, (rows, cols)), shape=(r_link + T, 2 * T))
    upper = np.concatenate([np.ones(nP), slots, maxp, cap, np.zeros(T)])
    col_cost = np.concatenate([cand.base + cand.hour_coef * cand.hmin, cand.hour_coef])
    col_up = np.concatenate([np.ones(T), span])
    return A, upper, col_cost, col_up


def mip(problem: dict, *, time_limit: float = 120.0, num_workers: int = 1,
        rel_gap: float = 1e-7) -> dict:
    """Exact MIP on HiGHS over the allowed triples, capped at `time_limit` seconds overall."""
    import highspy

    t0 = time.perf_counter()
    conflicts = pin_conflicts(problem)
    if conflicts:
        return _infeasible(problem, conflicts, t0)
    cand = enumerate_candidates(problem)
    pins = _pins(problem)
    keep = ~np.isin(cand.p, list(pins)) if pins else np.ones(len(cand), dtype=bool)
    sub = Candidates(*(getattr(cand, f)[keep] for f in Candidates.__dataclass_fields__))
    A, upper, cost, col_up = _mip_matrix(problem, sub, pins)
    T = len(sub)
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", int(num_workers))
    h.setOptionValue("mip_rel_gap", rel_gap)
    h.setOptionValue("mip_abs_gap", 1e-7)
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = 2 * T, A.shape[0]
    lp.sense_ = highspy.ObjSense.kMaximize
    lp.col_cost_ = cost
    lp.col_lower_ = np.zeros(2 * T)
    lp.col_upper_ = col_up
    lp.row_lower_ = np.full(A.shape[0], -highspy.kHighsInf)
    lp.row_upper_ = upper
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = A.indptr
    lp.a_matrix_.index_ = A.indices
    lp.a_matrix_.value_ = A.data
    lp.integrality_ = [highspy.HighsVarType.kInteger] * T + [highspy.HighsVarType.kContinuous] * T
    h.passModel(lp)
    build = time.perf_counter() - t0
    h.setOptionValue("time_limit", max(1.0, time_limit - build))
    h.run()
    ms = h.getModelStatus()
    info = h.getInfo()
    chosen = dict(pins)
    pinned_obj = _pinned_score(problem, pins)
    found = info.primal_solution_status == 2  # kSolutionStatusFeasible
    if found and T:
        x = np.asarray(h.getSolution().col_value)
        for t in np.flatnonzero(x[:T] > 0.5).tolist():
            hours = int(sub.hmin[t] + np.floor(x[T + t] + 1e-6))
            chosen[int(sub.p[t])] = (int(sub.l[t]), int(sub.m[t]), hours)
    bound = pinned_obj + (info.mip_dual_bound if T else 0.0)
    if not np.isfinite(bound):
        bound = _trivial_bound(problem, cand, pins)
    n_opt = np.bincount(cand.p, minlength=len(problem["participants"]))
    res = _result(problem, chosen, n_opt, "FEASIBLE", bound, t0, solver="highs-mip",
                  triples=len(cand), highs_status=h.modelStatusToString(ms),
                  solution_found=bool(found or not T), build_seconds=build)
    gap = res["bound"] - res["objective"]
    if ms == highspy.HighsModelStatus.kOptimal and gap <= 1e-6 * max(1.0, abs(res["bound"])):
        res["status"] = "OPTIMAL"
    return res
