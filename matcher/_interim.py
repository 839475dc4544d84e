"""Interim greedy solver used only until the CP-SAT matcher lands; obeys rules 1–10."""

from __future__ import annotations

import math
import time


def _dist(a, b):
    p1, p2 = math.radians(a["lat"]), math.radians(b["lat"])
    dp, dl = p2 - p1, math.radians(b["lon"] - a["lon"])
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def solve_dict(problem: dict, *, time_limit: float = 10.0, num_workers: int = 2) -> dict:
    t0 = time.monotonic()
    w = {"match": 100, "area": 10, "keep_mentor": 50, "keep_placement": 30, "hours": 1,
         "travel_km": 1.0, **(problem.get("weights") or {})}
    slots = {pl["id"]: pl["slots"] for pl in problem["placements"]}
    cap = {m["id"]: m["capacity_hours"] for m in problem["mentors"]}
    ppl = {m["id"]: m["max_participants"] for m in problem["mentors"]}
    matches, unmatched = [], []
    for p in sorted(problem["participants"], key=lambda p: -p.get("priority", 1)):
        best = None
        for pl in problem["placements"]:
            areas = p.get("areas") or []
            if (areas and pl["area"] not in areas) or slots[pl["id"]] < 1:
                continue
            if not set(pl.get("requirements", [])) <= set(p.get("attributes", [])):
                continue
            d = _dist(p["location"], pl["location"])
            if d > p["max_travel_km"] or pl["id"] in p.get("excluded_placements", []):
                continue
            for m in problem["mentors"]:
                if m["id"] in p.get("excluded_mentors", []) or ppl[m["id"]] < 1:
                    continue
                if not set(p.get("needs", [])) <= set(m.get("skills", [])):
                    continue
                if not set(p["days"]) & set(pl["days"]) & set(m["days"]):
                    continue
                if m["employer"] != pl["employer"] and (
                        m["employer"] is not None or _dist(m["location"], pl["location"]) > m["max_travel_km"]):
                    continue
                h = min(p["hours_max"], cap[m["id"]])
                if h < p["hours_min"]:
                    continue
                k = len(areas)
                r = areas.index(pl["area"]) if areas else 0
                pr = p.get("priority", 1)
                score = pr * (w["match"] + w["area"] * (k - r if k else 0)
                              + w["keep_mentor"] * (m["id"] == p.get("current_mentor"))
                              + w["keep_placement"] * (pl["id"] == p.get("current_placement"))) \
                    + w["hours"] * pr * h - w["travel_km"] * d
                if best is None or score > best[0]:
                    best = (score, pl, m, h, d)
        if best is None:
            unmatched.append({"participant": p["id"], "reasons": ["no feasible placement and mentor"],
                              "reasons_da": ["ingen mulig plads og mentor"],
                              "reason_codes": [{"code": "no_option", "params": {}}]})
            continue
        score, pl, m, h, d = best
        slots[pl["id"]] -= 1
        cap[m["id"]] -= h
        ppl[m["id"]] -= 1
        matches.append({"participant": p["id"], "placement": pl["id"], "mentor": m["id"], "hours": h,
                        "score": score, "reasons": [f"{d:.1f} km"], "reasons_da": [f"{d:.1f} km"],
                        "reason_codes": [{"code": "distance", "params": {"km": round(d, 1)}}]})
    obj = sum(m["score"] for m in matches)
    return {"format": "mentor-match-result/1", "status": "FEASIBLE", "objective": obj,
            "bound": obj * 2 + 1e9, "seconds": time.monotonic() - t0, "matches": matches,
            "unmatched": unmatched}
