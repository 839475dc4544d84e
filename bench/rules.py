"""Solver-independent checks used by the benchmark and its tests.

`check_problem` applies the section-1/6 field rules; `check_result` the hard
rules of section 2 and the result rules of section 4; `check_cover_result` the
rules of section 5. They exist so the bench can check the baselines (and the
matcher) without trusting any solver, in the spirit of `matcher.validate`.
"""

from __future__ import annotations

from bench.feasible import DAYS, dist, pair_ok, score, weights_of

_TOL = 1e-6


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= _TOL * max(1.0, abs(a), abs(b))


def _is_int(x) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


def _is_num(x) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool)


def _check_common(rec: dict, name: str, errs: list[str]) -> None:
    days = rec.get("days")
    if not isinstance(days, list) or not days or any(d not in DAYS for d in days):
        errs.append(f"{name}.days: must be a non-empty subset of {' '.join(DAYS)}")
    loc = rec.get("location")
    if not isinstance(loc, dict) or not _is_num(loc.get("lat")) or not _is_num(loc.get("lon")):
        errs.append(f"{name}.location: needs numeric lat and lon")
    elif not (-90 <= loc["lat"] <= 90 and -180 <= loc["lon"] <= 180):
        errs.append(f"{name}.location: lat/lon out of range")


def _check_ids(records: list, kind: str, errs: list[str]) -> set[str]:
    seen: set[str] = set()
    for i, r in enumerate(records):
        rid = r.get("id")
        if not isinstance(rid, str) or not rid:
            errs.append(f"{kind}[{i}].id: must be a non-empty string")
        elif rid in seen:
            errs.append(f"{rid}.id: duplicate")
        seen.add(rid)
    return seen


def _check_participant(p: dict, lids: set, mids: set, errs: list[str]) -> None:
    n = p.get("id")
    hmin, hmax = p.get("hours_min"), p.get("hours_max")
    if not (_is_int(hmin) and _is_int(hmax) and 2 <= hmin <= hmax <= 20):
        errs.append(f"{n}.hours_min: must be integers with 2 <= hours_min <= hours_max <= 20")
    prio = p.get("priority", 1)
    if not (_is_int(prio) and 1 <= prio <= 5):
        errs.append(f"{n}.priority: must be an integer 1-5")
    areas = p.get("areas")
    if not isinstance(areas, list) or len(set(areas)) != len(areas):
        errs.append(f"{n}.areas: must be a list of unique areas")
    t = p.get("max_travel_km")
    if not (_is_num(t) and t >= 0):
        errs.append(f"{n}.max_travel_km: must be a number >= 0")
    _check_common(p, n, errs)
    if p.get("current_mentor") not in (None, *mids):
        errs.append(f"{n}.current_mentor: names no mentor")
    if p.get("current_placement") not in (None, *lids):
        errs.append(f"{n}.current_placement: names no placement")
    for x in p.get("excluded_mentors") or []:
        if x not in mids:
            errs.append(f"{n}.excluded_mentors: {x} names no mentor")
    for x in p.get("excluded_placements") or []:
        if x not in lids:
            errs.append(f"{n}.excluded_placements: {x} names no placement")
    pin = p.get("pinned")
    if pin is not None:
        if pin.get("placement") not in lids or pin.get("mentor") not in mids:
            errs.append(f"{n}.pinned: names no placement or mentor")
        if not _is_int(pin.get("hours")):
            errs.append(f"{n}.pinned.hours: must be an integer")


def check_problem(problem: dict) -> list[str]:
    """Every field-rule violation of a section-1 problem, as 'record.field: message'."""
    errs: list[str] = []
    P, L, M = (problem.get(k) for k in ("participants", "placements", "mentors"))
    if not all(isinstance(x, list) for x in (P, L, M)):
        return ["problem: participants, placements and mentors must be lists"]
    _check_ids(P, "participants", errs)
    lids, mids = _check_ids(L, "placements", errs), _check_ids(M, "mentors", errs)
    for p in P:
        _check_participant(p, lids, mids, errs)
    for pl in L:
        n = pl.get("id")
        if not isinstance(pl.get("employer"), str) or not pl["employer"]:
            errs.append(f"{n}.employer: must be a non-empty string")
        if not (_is_int(pl.get("slots")) and pl["slots"] >= 1):
            errs.append(f"{n}.slots: must be an integer >= 1")
        if not isinstance(pl.get("area"), str):
            errs.append(f"{n}.area: must be a string")
        _check_common(pl, n, errs)
    for m in M:
        n = m.get("id")
        if "employer" not in m or not (m["employer"] is None or isinstance(m["employer"], str)):
            errs.append(f"{n}.employer: must be an employer id or null")
        if not (_is_int(m.get("capacity_hours")) and 0 <= m["capacity_hours"] <= 60):
            errs.append(f"{n}.capacity_hours: must be an integer 0-60")
        if not (_is_int(m.get("max_participants")) and m["max_participants"] >= 0):
            errs.append(f"{n}.max_participants: must be an integer >= 0")
        if not (_is_num(m.get("max_travel_km")) and m["max_travel_km"] >= 0):
            errs.append(f"{n}.max_travel_km: must be a number >= 0")
        _check_common(m, n, errs)
    for k, v in (problem.get("weights") or {}).items():
        if not (_is_num(v) and v >= 0):
            errs.append(f"weights.{k}: must be a number >= 0")
    return errs


def check_result(problem: dict, result: dict) -> list[str]:
    """Every hard-rule (section 2) and result-rule (section 4) violation of a result."""
    errs: list[str] = []
    P = {p["id"]: p for p in problem["participants"]}
    L = {pl["id"]: pl for pl in problem["placements"]}
    M = {m["id"]: m for m in problem["mentors"]}
    w = weights_of(problem)
    seen: dict[str, int] = {}
    slots: dict[str, int] = {}
    hours: dict[str, int] = {}
    count: dict[str, int] = {}
    total = 0.0
    for x in result["matches"]:
        pid = x["participant"]
        seen[pid] = seen.get(pid, 0) + 1
        p, pl, m, h = P[pid], L[x["placement"]], M[x["mentor"]], x["hours"]
        errs += [f"{pid}: {why}" for why in pair_ok(p, pl, m)]
        if not (_is_int(h) and p["hours_min"] <= h <= p["hours_max"]):
            errs.append(f"{pid}: rule 8: hours {h} outside {p['hours_min']}-{p['hours_max']}")
        pin = p.get("pinned")
        if pin and (pin["placement"], pin["mentor"], pin["hours"]) != (pl["id"], m["id"], h):
            errs.append(f"{pid}: rule 11: pin not kept")
        slots[pl["id"]] = slots.get(pl["id"], 0) + 1
        hours[m["id"]] = hours.get(m["id"], 0) + h
        count[m["id"]] = count.get(m["id"], 0) + 1
        s = score(p, pl, m, h, w)
        if not _close(s, x["score"]):
            errs.append(f"{pid}: score {x['score']} != recomputed {s}")
        total += s
    for u in result["unmatched"]:
        seen[u["participant"]] = seen.get(u["participant"], 0) + 1
        if not u.get("reasons"):
            errs.append(f"{u['participant']}: unmatched without a reason")
        if P[u["participant"]].get("pinned"):
            errs.append(f"{u['participant']}: rule 11: pinned participant left unmatched")
    errs += [f"{pid}: listed {seen.get(pid, 0)} times" for pid in P if seen.get(pid, 0) != 1]
    errs += [f"{lid}: rule 9: {n} > {L[lid]['slots']} slots" for lid, n in slots.items()
             if n > L[lid]["slots"]]
    errs += [f"{mid}: rule 10: {h} h > capacity" for mid, h in hours.items()
             if h > M[mid]["capacity_hours"]]
    errs += [f"{mid}: rule 10: {n} participants > max" for mid, n in count.items()
             if n > M[mid]["max_participants"]]
    if not _close(total, result["objective"]):
        errs.append(f"objective {result['objective']} != sum of scores {total}")
    if result["bound"] + _TOL * max(1.0, abs(total)) < total:
        errs.append(f"bound {result['bound']} below objective {total}")
    return errs


def cover_score(p: dict, pl: dict, s: dict, c: int, known: list[str]) -> float:
    """Section-5 score of covering p at pl by substitute s for c hours."""
    colleague = s["employer"] is not None and s["employer"] == pl["employer"]
    val = p.get("priority", 1) * (100 + 40 * colleague + 30 * (s["id"] in known))
    val += 2 * p.get("priority", 1) * c
    return val - (0.0 if colleague else dist(s, pl))


def check_cover_result(cover: dict, result: dict) -> list[str]:
    """Every section-5 rule a cover result breaks."""
    errs: list[str] = []
    P = {p["id"]: p for p in cover["participants"]}
    L = {pl["id"]: pl for pl in cover["placements"]}
    M = {m["id"]: m for m in cover["mentors"]}
    absent = set(cover["absent"])
    asg = {a["participant"]: a for a in cover["assignments"]}
    todo = {pid for pid, a in asg.items() if a["mentor"] in absent}
    own_h: dict[str, int] = {}
    own_n: dict[str, int] = {}
    for a in cover["assignments"]:
        own_h[a["mentor"]] = own_h.get(a["mentor"], 0) + a["hours"]
        own_n[a["mentor"]] = own_n.get(a["mentor"], 0) + 1
    used_h: dict[str, int] = {}
    used_n: dict[str, int] = {}
    total = 0.0
    listed = [x["participant"] for x in result["matches"]]
    listed += [u["participant"] for u in result["unmatched"]]
    if sorted(listed) != sorted(todo):
        errs.append("result must list exactly the participants to cover, once each")
    for x in result["matches"]:
        pid = x["participant"]
        p, a, s, c = P[pid], asg[pid], M[x["mentor"]], x["hours"]
        pl = L[a["placement"]]
        if x["placement"] != pl["id"]:
            errs.append(f"{pid}: placement must be the assigned one")
        why = [b for b in pair_ok(p, pl, s) if b.split(":")[0] in ("rule 3", "rule 4", "rule 6")]
        why += [b for b in pair_ok(p, pl, s) if b == "rule 7: mentor excluded"]
        errs += [f"{pid}: {b}" for b in why]
        if s["id"] in absent:
            errs.append(f"{pid}: substitute {s['id']} is absent")
        if not (_is_int(c) and p["hours_min"] <= c <= a["hours"]):
            errs.append(f"{pid}: cover hours {c} outside {p['hours_min']}-{a['hours']}")
        used_h[s["id"]] = used_h.get(s["id"], 0) + c
        used_n[s["id"]] = used_n.get(s["id"], 0) + 1
        sc = cover_score(p, pl, s, c, (cover.get("known") or {}).get(pid, []))
        if not _close(sc, x["score"]):
            errs.append(f"{pid}: score {x['score']} != recomputed {sc}")
        total += sc
    for sid, h in used_h.items():
        spare = max(0, M[sid]["capacity_hours"] - own_h.get(sid, 0))
        if h > spare:
            errs.append(f"{sid}: covers {h} h > spare {spare} h")
        if used_n[sid] + own_n.get(sid, 0) > M[sid]["max_participants"]:
            errs.append(f"{sid}: own plus covered participants exceed max_participants")
    if not _close(total, result["objective"]):
        errs.append(f"objective {result['objective']} != sum of scores {total}")
    return errs
