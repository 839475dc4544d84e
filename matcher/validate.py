"""Check any result against the contract without the solver.

Written apart from the solver on purpose (it re-implements the rules and the
scores from the text of docs/matching-model.md), so a solver bug cannot hide
behind a shared helper.
"""

from __future__ import annotations

import math

from .geo import haversine_km
from .schema import DEFAULT_WEIGHTS, collect_cover, collect_problem

STATUSES = {"OPTIMAL", "FEASIBLE", "INFEASIBLE", "INVALID"}


def check_problem(problem: dict) -> list[str]:
    """Return every field error of a problem dict (empty when it is valid)."""
    return collect_problem(problem)[1]


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-6 * max(1.0, abs(a), abs(b))


def _number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _common(result: dict, want_ids: list[str], out: list[str]) -> bool:
    """Checks every result shares; return False when the rest cannot be checked."""
    if not isinstance(result, dict):
        out.append("result: not an object")
        return False
    if result.get("format") != "mentor-match-result/1":
        out.append("result.format: must be mentor-match-result/1")
    if result.get("status") not in STATUSES:
        out.append(f"result.status: unknown {result.get('status')!r}")
        return False
    if not _number(result.get("seconds")):
        out.append("result.seconds: missing")
    matches, unmatched = result.get("matches"), result.get("unmatched")
    if not isinstance(matches, list) or not isinstance(unmatched, list):
        out.append("result: matches and unmatched must be lists")
        return False
    seen = [m.get("participant") for m in matches] + [u.get("participant") for u in unmatched]
    if sorted(map(str, seen)) != sorted(want_ids):
        out.append("result: every participant must appear exactly once in matches or unmatched")
    for m in matches:
        if not isinstance(m.get("reasons"), list):
            out.append(f"{m.get('participant')}: match without a reasons list")
    for u in unmatched:
        if not isinstance(u.get("reasons"), list) or not u.get("reasons"):
            out.append(f"{u.get('participant')}: unmatched without a reason")
    return True


def _totals(result: dict, scores: list[float], out: list[str]) -> None:
    objective, bound = result.get("objective"), result.get("bound")
    if not _number(objective) or not _number(bound):
        out.append("result: objective and bound must be numbers")
        return
    if not _close(objective, sum(m.get("score", 0.0) for m in result["matches"])):
        out.append("result.objective: not the sum of the match scores")
    if not _close(objective, sum(scores)):
        out.append(f"result.objective: {objective} but the matches score {sum(scores)}")
    if bound < objective - 1e-6 * max(1.0, abs(objective)):
        out.append(f"result.bound: {bound} is below the objective {objective}")
    if result["status"] == "OPTIMAL" and bound - objective > 1e-6 * max(1.0, abs(objective)):
        out.append("result.status: OPTIMAL but bound - objective exceeds the tolerance")


def _match_rules(p: dict, pl: dict, m: dict, h, out: list[str]) -> None:
    """Rules 1-8 for one match, read straight from the dicts."""
    pid = p["id"]
    areas = p.get("areas") or []
    if areas and pl["area"] not in areas:
        out.append(f"{pid}: rule 1, area {pl['area']} not wished")
    if not set(pl.get("requirements") or []) <= set(p.get("attributes") or []):
        out.append(f"{pid}: rule 2, requirements of {pl['id']} not met")
    if not set(p.get("needs") or []) <= set(m.get("skills") or []):
        out.append(f"{pid}: rule 3, mentor {m['id']} lacks skills")
    if not set(p["days"]) & set(pl["days"]) & set(m["days"]):
        out.append(f"{pid}: rule 4, no common day")
    loc, lloc, mloc = p["location"], pl["location"], m["location"]
    if haversine_km(loc["lat"], loc["lon"], lloc["lat"], lloc["lon"]) > p["max_travel_km"]:
        out.append(f"{pid}: rule 5, {pl['id']} too far")
    same = m.get("employer") is not None and m.get("employer") == pl["employer"]
    near = m.get("employer") is None and haversine_km(
        mloc["lat"], mloc["lon"], lloc["lat"], lloc["lon"]) <= m["max_travel_km"]
    if not (same or near):
        out.append(f"{pid}: rule 6, mentor {m['id']} neither colleague nor in reach")
    if m["id"] in (p.get("excluded_mentors") or []) or pl["id"] in (
            p.get("excluded_placements") or []):
        out.append(f"{pid}: rule 7, excluded")
    if not (isinstance(h, int) and p["hours_min"] <= h <= p["hours_max"]):
        out.append(f"{pid}: rule 8, hours {h!r} outside {p['hours_min']}-{p['hours_max']}")


def _score(w: dict, p: dict, pl: dict, m: dict, h: int) -> float:
    areas = p.get("areas") or []
    k = len(areas)
    r = areas.index(pl["area"]) if pl["area"] in areas else k
    loc, lloc = p["location"], pl["location"]
    prio = p.get("priority") or 1
    return (prio * (w["match"] + w["area"] * (k - r if k > 0 else 0)
                    + w["keep_mentor"] * (m["id"] == p.get("current_mentor"))
                    + w["keep_placement"] * (pl["id"] == p.get("current_placement")))
            + w["hours"] * prio * h
            - w["travel_km"] * haversine_km(loc["lat"], loc["lon"], lloc["lat"], lloc["lon"]))


def _lookup(problem: dict) -> tuple[dict, dict, dict]:
    return ({p["id"]: p for p in problem["participants"]},
            {p["id"]: p for p in problem["placements"]},
            {m["id"]: m for m in problem["mentors"]})


def validate(problem: dict, result: dict) -> list[str]:
    """Return every way ``result`` breaks the contract for ``problem`` (empty = valid).

    Parameters
    ----------
    problem : dict
        The problem as given to the solver.
    result : dict
        A section-4 result.

    Returns
    -------
    list of str
        One line per violation.
    """
    errors = check_problem(problem)
    if errors:
        ok = isinstance(result, dict) and result.get("status") == "INVALID" and result.get(
            "errors")
        return [] if ok else ["result: the problem is invalid but the result is not INVALID"]
    out: list[str] = []
    parts, places, mentors = _lookup(problem)
    if not _common(result, list(parts), out):
        return out
    if result["status"] == "INVALID":
        return out + ["result.status: INVALID for a valid problem"]
    if result["status"] == "INFEASIBLE":
        if not result.get("conflicts"):
            out.append("result.conflicts: an INFEASIBLE result must name the conflicts")
        return out
    w = {**DEFAULT_WEIGHTS, **{k: v for k, v in (problem.get("weights") or {}).items()
                               if k in DEFAULT_WEIGHTS}}
    used_slots: dict[str, int] = {}
    used_hours: dict[str, int] = {}
    used_count: dict[str, int] = {}
    scores = []
    for mt in result["matches"]:
        p, pl, m = parts.get(mt.get("participant")), places.get(mt.get("placement")), \
            mentors.get(mt.get("mentor"))
        if not (p and pl and m):
            out.append(f"match {mt}: names unknown records")
            continue
        h = mt.get("hours")
        _match_rules(p, pl, m, h, out)
        if not isinstance(h, int):
            continue
        pin = p.get("pinned")
        if pin and (pin["placement"], pin["mentor"], pin["hours"]) != (pl["id"], m["id"], h):
            out.append(f"{p['id']}: rule 11, pinned match moved")
        score = _score(w, p, pl, m, h)
        scores.append(score)
        if not _number(mt.get("score")) or not _close(mt["score"], score):
            out.append(f"{p['id']}: score {mt.get('score')} but section 3 gives {score}")
        used_slots[pl["id"]] = used_slots.get(pl["id"], 0) + 1
        used_hours[m["id"]] = used_hours.get(m["id"], 0) + h
        used_count[m["id"]] = used_count.get(m["id"], 0) + 1
    for u in result["unmatched"]:
        if (parts.get(u.get("participant")) or {}).get("pinned"):
            out.append(f"{u['participant']}: rule 11, pinned participant left unmatched")
    _capacities(places, mentors, used_slots, used_hours, used_count, out)
    _totals(result, scores, out)
    return out


def _capacities(places: dict, mentors: dict, used_slots: dict, used_hours: dict,
                used_count: dict, out: list[str]) -> None:
    """Rules 9 and 10: no placement over its slots, no mentor over hours or count."""
    for lid, n in used_slots.items():
        if n > places[lid]["slots"]:
            out.append(f"{lid}: rule 9, {n} participants in {places[lid]['slots']} slots")
    for mid, h in used_hours.items():
        if h > mentors[mid]["capacity_hours"] or used_count[mid] > mentors[mid][
                "max_participants"]:
            out.append(f"{mid}: rule 10, {used_count[mid]} participants and {h} hours")


def validate_cover(cover_problem: dict, result: dict) -> list[str]:
    """Return every way a cover ``result`` breaks section 5 (empty = valid)."""
    cp, errors = collect_cover(cover_problem)
    if errors:
        ok = isinstance(result, dict) and result.get("status") == "INVALID"
        return [] if ok else ["result: the cover problem is invalid but the result is not"]
    parts, places, mentors = _lookup(cover_problem)
    todo = {a.participant: a for a in cp.assignments if a.mentor in cp.absent}
    out: list[str] = []
    if not _common(result, list(todo), out):
        return out
    spare_h = {m: mentors[m]["capacity_hours"] for m in mentors}
    spare_n = {m: mentors[m]["max_participants"] for m in mentors}
    for a in cp.assignments:
        spare_h[a.mentor] -= a.hours
        spare_n[a.mentor] -= 1
    spare_h = {m: max(0, h) for m, h in spare_h.items()}
    scores = []
    for mt in result["matches"]:
        a = todo.get(mt.get("participant"))
        s = mentors.get(mt.get("mentor"))
        if a is None or s is None or mt.get("placement") != a.placement:
            out.append(f"cover {mt}: wrong participant, mentor or placement")
            continue
        p, pl, c = parts[a.participant], places[a.placement], mt.get("hours")
        if s["id"] in cp.absent:
            out.append(f"{p['id']}: substitute {s['id']} is absent")
        rule_out: list[str] = []
        _match_rules(p, pl, s, c, rule_out)
        out.extend(x for x in rule_out if "rule 3" in x or "rule 4" in x or "rule 6" in x
                   or "rule 7" in x or "rule 8" in x)
        if not isinstance(c, int) or c > a.hours:
            out.append(f"{p['id']}: cover hours {c!r} above assigned {a.hours}")
            continue
        same = s.get("employer") is not None and s.get("employer") == pl["employer"]
        sl, ll = s["location"], pl["location"]
        travel = 0.0 if same else haversine_km(sl["lat"], sl["lon"], ll["lat"], ll["lon"])
        prio = p.get("priority") or 1
        score = (prio * (100 + 40 * same + 30 * (s["id"] in cp.known.get(p["id"], ())))
                 + 2 * prio * c - 1.0 * travel)
        scores.append(score)
        if not _number(mt.get("score")) or not _close(mt["score"], score):
            out.append(f"{p['id']}: cover score {mt.get('score')} but section 5 gives {score}")
        spare_h[s["id"]] -= c
        spare_n[s["id"]] -= 1
    for mid in mentors:
        if spare_h[mid] < 0 and any(m.get("mentor") == mid for m in result["matches"]):
            out.append(f"{mid}: covers exceed spare hours")
        if spare_n[mid] < 0 and any(m.get("mentor") == mid for m in result["matches"]):
            out.append(f"{mid}: covers exceed max_participants")
    _totals(result, scores, out)
    return out
