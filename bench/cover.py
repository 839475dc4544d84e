"""Baselines for substitute cover (spec section 5): greedy and an exact HiGHS MIP."""

from __future__ import annotations

import time

import numpy as np

from bench.baselines import RESULT_FORMAT
from bench.feasible import pair_ok
from bench.rules import cover_score

_COVER_RULES = ("rule 3", "rule 4", "rule 6", "rule 7")


def cover_options(cover: dict):
    """Participants to cover and, for each, the allowed (substitute, max hours, base score).

    Base score is the section-5 score at c = hours_min; each further hour adds 2 * priority.
    """
    P = {p["id"]: p for p in cover["participants"]}
    L = {pl["id"]: pl for pl in cover["placements"]}
    absent = set(cover["absent"])
    known = cover.get("known") or {}
    todo = [a for a in cover["assignments"] if a["mentor"] in absent]
    spare, count = {}, {}
    for m in cover["mentors"]:
        spare[m["id"]], count[m["id"]] = m["capacity_hours"], m["max_participants"]
    for a in cover["assignments"]:
        spare[a["mentor"]] -= a["hours"]
        count[a["mentor"]] -= 1
    spare = {k: max(0, v) for k, v in spare.items()}
    opts = []
    for a in todo:
        p, pl = P[a["participant"]], L[a["placement"]]
        row = []
        if p["hours_min"] <= a["hours"]:
            for s in cover["mentors"]:
                if s["id"] in absent or spare[s["id"]] < p["hours_min"] or count[s["id"]] < 1:
                    continue
                if any(b.startswith(_COVER_RULES) for b in pair_ok(p, pl, s)):
                    continue
                base = cover_score(p, pl, s, p["hours_min"], known.get(p["id"], []))
                row.append((s["id"], base))
        opts.append((a, p, pl, row))
    return opts, spare, count


def _cover_result(cover: dict, chosen: dict, opts, status: str, bound: float, t0: float,
                  **extra) -> dict:
    known = cover.get("known") or {}
    M = {m["id"]: m for m in cover["mentors"]}
    matches, unmatched = [], []
    for a, p, pl, row in opts:
        pid = p["id"]
        if pid in chosen:
            sid, c = chosen[pid]
            s = M[sid]
            who = ("colleague at the workplace" if s["employer"] == pl["employer"]
                   else "external support person")
            matches.append({"participant": pid, "placement": pl["id"], "mentor": sid,
                            "hours": int(c), "score": cover_score(p, pl, s, c, known.get(pid, [])),
                            "reasons": [who]})
        else:
            why = ("no substitute has the skills, a shared day, reach and spare hours"
                   if not row else "every allowed substitute's spare hours went to others")
            if p["hours_min"] > a["hours"]:
                why = "assigned hours are below the participant's hours_min"
            unmatched.append({"participant": pid, "reasons": [why]})
    obj = float(sum(x["score"] for x in matches))
    if bound < obj <= bound + 1e-6 * max(1.0, abs(obj)):
        bound = obj
    return {"format": RESULT_FORMAT, "status": status, "objective": obj, "bound": bound,
            "seconds": time.perf_counter() - t0, "matches": matches, "unmatched": unmatched,
            **extra}


def greedy_cover(cover: dict, *, time_limit: float | None = None, num_workers: int = 1) -> dict:
    """Highest priority first; each takes the best substitute with hours left."""
    t0 = time.perf_counter()
    opts, spare, count = cover_options(cover)
    chosen = {}
    bound = 0.0
    for a, p, _, row in sorted(opts, key=lambda o: -o[1].get("priority", 1)):
        prio, hmin = p.get("priority", 1), p["hours_min"]
        if row:
            bound += max(b for _, b in row) + 2 * prio * (a["hours"] - hmin)
        best, arg = -np.inf, None
        for sid, base in row:
            if count[sid] < 1 or spare[sid] < hmin:
                continue
            c = min(a["hours"], spare[sid])
            if base + 2 * prio * (c - hmin) > best:
                best, arg = base + 2 * prio * (c - hmin), (sid, c)
        if arg is not None and best > 0:
            chosen[p["id"]] = arg
            spare[arg[0]] -= arg[1]
            count[arg[0]] -= 1
    return _cover_result(cover, chosen, opts, "FEASIBLE", bound, t0, solver="greedy")


def mip_cover(cover: dict, *, time_limit: float = 60.0, num_workers: int = 1) -> dict:
    """x[p, s] binary, hours c = hours_min * x + z with 0 <= z <= (assigned - hours_min) * x."""
    import highspy

    t0 = time.perf_counter()
    opts, spare, count = cover_options(cover)
    trip = [(k, sid, base) for k, (_, _, _, row) in enumerate(opts) for sid, base in row]
    if not trip:
        return _cover_result(cover, {}, opts, "OPTIMAL", 0.0, t0, solver="highs-mip")
    subs = sorted({sid for _, sid, _ in trip})
    six = {s: j for j, s in enumerate(subs)}
    K, S = len(opts), len(subs)
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", int(num_workers))
    h.setOptionValue("time_limit", float(time_limit))
    h.setOptionValue("mip_rel_gap", 1e-7)
    inf = highspy.kHighsInf
    for k, _sid, _base in trip:
        a, p = opts[k][0], opts[k][1]
        span = a["hours"] - p["hours_min"]
        h.addVar(0, 1)
        h.addVar(0, span)
    for t, (k, _sid, base) in enumerate(trip):
        prio = opts[k][1].get("priority", 1)
        h.changeColCost(2 * t, base)
        h.changeColCost(2 * t + 1, 2 * prio)
        h.changeColIntegrality(2 * t, highspy.HighsVarType.kInteger)
    h.changeObjectiveSense(highspy.ObjSense.kMaximize)

    def row(cols, vals, hi):
        h.addRow(-inf, hi, len(cols), np.array(cols, dtype=np.int32), np.array(vals, dtype=float))

    for k in range(K):
        row([2 * t for t, x in enumerate(trip) if x[0] == k], [1.0] * sum(
            1 for x in trip if x[0] == k), 1)
    for j in range(S):
        ts = [t for t, x in enumerate(trip) if six[x[1]] == j]
        row([2 * t for t in ts], [1.0] * len(ts), count[subs[j]])
        cols = [c for t in ts for c in (2 * t, 2 * t + 1)]
        vals = [v for t in ts for v in (float(opts[trip[t][0]][1]["hours_min"]), 1.0)]
        row(cols, vals, spare[subs[j]])
    for t, (k, _, _) in enumerate(trip):
        span = opts[k][0]["hours"] - opts[k][1]["hours_min"]
        row([2 * t + 1, 2 * t], [1.0, -float(span)], 0)
    h.run()
    x = np.asarray(h.getSolution().col_value)
    chosen = {}
    for t, (k, sid, _) in enumerate(trip):
        if x[2 * t] > 0.5:
            p = opts[k][1]
            chosen[p["id"]] = (sid, int(p["hours_min"] + np.floor(x[2 * t + 1] + 1e-6)))
    optimal = h.getModelStatus() == highspy.HighsModelStatus.kOptimal
    return _cover_result(cover, chosen, opts, "OPTIMAL" if optimal else "FEASIBLE",
                         h.getInfo().mip_dual_bound, t0, solver="highs-mip")
