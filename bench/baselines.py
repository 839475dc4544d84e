"""Two baselines the matcher is measured against: a greedy heuristic and an exact MIP.

Both read a section-1 problem dict and return a section-4 result dict, built
from the same rules 1-8 candidate enumeration (`bench.feasible`). The MIP
itself lives in `bench.mip`.
"""

from __future__ import annotations

import time

import numpy as np

from bench.feasible import (
    Candidates,
    Enumerator,
    dist,
    no_candidate_reason,
    pin_conflicts,
    score,
    weights_of,
)

RESULT_FORMAT = "mentor-match-result/1"


def _match(problem: dict, i: int, li: int, mj: int, h: int, w: dict) -> dict:
    p = problem["participants"][i]
    pl, m = problem["placements"][li], problem["mentors"][mj]
    areas = p.get("areas") or []
    reasons = [f"{pl['area']} is wish {areas.index(pl['area']) + 1} of {len(areas)}"
               if areas else "any area wished"]
    if m["id"] == p.get("current_mentor"):
        reasons.append(f"keeps current mentor {m['id']}")
    if p.get("pinned"):
        reasons.append("confirmed (pinned) match")
    reasons.append(f"{dist(p, pl):.1f} km")
    return {"participant": p["id"], "placement": pl["id"], "mentor": m["id"], "hours": int(h),
            "score": score(p, pl, m, int(h), w), "reasons": reasons}


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
    lix = {pl["id"]: k for k, pl in enumerate(problem["placements"])}
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
    slots = np.array([pl["slots"] for pl in L], dtype=np.int64)
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


def mip(problem: dict, *, time_limit: float = 120.0, num_workers: int = 1,
        formulation: str = "triple") -> dict:
    """Exact MIP on HiGHS; see `bench.mip.solve`."""
    from bench.mip import solve

    return solve(problem, time_limit=time_limit, num_workers=num_workers,
                 formulation=formulation)


def mip_pair(problem: dict, *, time_limit: float = 120.0, num_workers: int = 1) -> dict:
    """Exact MIP on HiGHS, pair formulation; see `bench.mip.solve`."""
    return mip(problem, time_limit=time_limit, num_workers=num_workers, formulation="pair")
