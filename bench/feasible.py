"""Distances, scores and the rules 1-8 candidate enumeration shared by the baselines.

The enumeration indexes instead of crossing every participant with every
placement and mentor: placements are bucketed by area and filtered by a
vectorised distance check, and each placement carries the list of mentors who
may work there (its colleague-mentors plus the external mentors in reach).
That keeps the L and XL instances to seconds of Python.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

R_EARTH_KM = 6371.0
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DEFAULT_WEIGHTS = {
    "match": 100.0,
    "area": 10.0,
    "keep_mentor": 50.0,
    "keep_placement": 30.0,
    "hours": 1.0,
    "travel_km": 1.0,
}


def haversine(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km (Earth radius 6371.0 km, as the spec says)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * R_EARTH_KM * math.asin(min(1.0, math.sqrt(a)))


def dist(a: dict, b: dict) -> float:
    """Haversine distance between two records' `location`s."""
    return haversine(a["location"]["lat"], a["location"]["lon"],
                     b["location"]["lat"], b["location"]["lon"])


def haversine_many(lat: float, lon: float, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    """Vectorised haversine from one point to many (same formula as `haversine`)."""
    p1, p2 = math.radians(lat), np.radians(lats)
    dp, dl = p2 - p1, np.radians(lons - lon)
    a = np.sin(dp / 2) ** 2 + math.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * R_EARTH_KM * np.arcsin(np.minimum(1.0, np.sqrt(a)))


def weights_of(problem: dict) -> dict:
    """The section-3 weights with defaults filled in and unknown keys dropped."""
    given = problem.get("weights") or {}
    return {k: float(given.get(k, v)) for k, v in DEFAULT_WEIGHTS.items()}


def day_mask(days: list[str]) -> int:
    return sum(1 << DAYS.index(d) for d in days)


def base_score(p: dict, pl: dict, m: dict, d_pl: float, w: dict) -> float:
    """Section-3 score without the hours term."""
    areas = p.get("areas") or []
    k = len(areas)
    area = (k - areas.index(pl["area"])) if k and pl["area"] in areas else 0
    prio = p.get("priority", 1)
    keep_m = w["keep_mentor"] if m["id"] == p.get("current_mentor") else 0.0
    keep_l = w["keep_placement"] if pl["id"] == p.get("current_placement") else 0.0
    return prio * (w["match"] + w["area"] * area + keep_m + keep_l) - w["travel_km"] * d_pl


def score(p: dict, pl: dict, m: dict, hours: int, w: dict) -> float:
    """The full section-3 score of one match."""
    return base_score(p, pl, m, dist(p, pl), w) + w["hours"] * p.get("priority", 1) * hours


def pair_ok(p: dict, pl: dict, m: dict) -> list[str]:
    """Which of rules 1-7 the triple (p, pl, m) breaks; empty means allowed."""
    bad = []
    if p.get("areas") and pl["area"] not in p["areas"]:
        bad.append("rule 1: area not wished")
    if not set(pl.get("requirements") or []) <= set(p.get("attributes") or []):
        bad.append("rule 2: placement requirement missing")
    if not set(p.get("needs") or []) <= set(m.get("skills") or []):
        bad.append("rule 3: mentor lacks a needed skill")
    if not set(p["days"]) & set(pl["days"]) & set(m["days"]):
        bad.append("rule 4: no shared day")
    if dist(p, pl) > p["max_travel_km"]:
        bad.append("rule 5: placement too far")
    if not (m["employer"] is not None and m["employer"] == pl["employer"]):
        if m["employer"] is not None or dist(m, pl) > m["max_travel_km"]:
            bad.append("rule 6: mentor not at employer and not in reach")
    if m["id"] in (p.get("excluded_mentors") or []):
        bad.append("rule 7: mentor excluded")
    if pl["id"] in (p.get("excluded_placements") or []):
        bad.append("rule 7: placement excluded")
    return bad


@dataclass
class Candidates:
    """Feasible triples as parallel arrays, sorted by participant index."""

    p: np.ndarray  # participant index
    pl: np.ndarray  # placement index
    m: np.ndarray  # mentor index
    dist: np.ndarray  # km participant -> placement
    base: np.ndarray  # section-3 score without the hours term
    hour_coef: np.ndarray  # w.hours * priority
    hmin: np.ndarray
    hmax: np.ndarray

    def __len__(self) -> int:
        return len(self.p)


def _mentors_per_placement(problem: dict) -> list[np.ndarray]:
    """Rule 6 for every placement: colleague-mentors plus external mentors in reach."""
    mentors = problem["mentors"]
    by_employer: dict[str, list[int]] = {}
    ext = []
    for j, m in enumerate(mentors):
        if m["employer"] is None:
            ext.append(j)
        else:
            by_employer.setdefault(m["employer"], []).append(j)
    ext_a = np.array(ext, dtype=np.int64)
    ext_lat = np.array([mentors[j]["location"]["lat"] for j in ext], dtype=float)
    ext_lon = np.array([mentors[j]["location"]["lon"] for j in ext], dtype=float)
    ext_reach = np.array([mentors[j]["max_travel_km"] for j in ext], dtype=float)
    out = []
    for pl in problem["placements"]:
        own = by_employer.get(pl["employer"], [])
        if len(ext_a):
            d = haversine_many(pl["location"]["lat"], pl["location"]["lon"], ext_lat, ext_lon)
            near = ext_a[d <= ext_reach]
        else:
            near = ext_a
        out.append(np.concatenate([np.array(own, dtype=np.int64), near]))
    return out


class Enumerator:
    """Indexes a problem once, then lists any participant's allowed triples as arrays.

    Triples whose participant's hours_min exceeds the mentor's capacity_hours, or
    whose mentor takes no participants, can never be part of a solution (rules
    8 and 10), so they are left out. Pins are not checked here: see `pin_conflicts`.
    """

    def __init__(self, problem: dict):
        self.problem = problem
        L, M = problem["placements"], problem["mentors"]
        self.w = weights_of(problem)
        self.l_lat = np.array([pl["location"]["lat"] for pl in L], dtype=float)
        self.l_lon = np.array([pl["location"]["lon"] for pl in L], dtype=float)
        self.l_mask = np.array([day_mask(pl["days"]) for pl in L], dtype=np.int64)
        self.l_req = [frozenset(pl.get("requirements") or []) for pl in L]
        by_area: dict[str, list[int]] = {}
        for i, pl in enumerate(L):
            by_area.setdefault(pl["area"], []).append(i)
        self.by_area = {a: np.array(ix, dtype=np.int64) for a, ix in by_area.items()}
        self.all_l = np.arange(len(L), dtype=np.int64)
        self.m_mask = np.array([day_mask(m["days"]) for m in M], dtype=np.int64)
        self.m_cap = np.array([m["capacity_hours"] if m["max_participants"] > 0 else -1
                               for m in M])
        self.m_skills = [frozenset(m.get("skills") or []) for m in M]
        self.m_ix = {m["id"]: j for j, m in enumerate(M)}
        self.l_ix = {pl["id"]: i for i, pl in enumerate(L)}
        self.per_l = _mentors_per_placement(problem)
        self._qual: dict[frozenset, np.ndarray] = {}

    def _qualified(self, needs: frozenset) -> np.ndarray:
        if needs not in self._qual:
            self._qual[needs] = np.array([needs <= s for s in self.m_skills], dtype=bool)
        return self._qual[needs]

    def for_participant(self, i: int):
        """(placements, mentors, km p->l, score without the hours term) of p's triples."""
        p, w = self.problem["participants"][i], self.w
        areas = p.get("areas") or []
        pool = (np.concatenate([self.by_area.get(a, self.all_l[:0]) for a in areas])
                if areas else self.all_l)
        d = haversine_many(p["location"]["lat"], p["location"]["lon"],
                           self.l_lat[pool], self.l_lon[pool])
        pmask = day_mask(p["days"])
        keep = (d <= p["max_travel_km"]) & ((self.l_mask[pool] & pmask) != 0)
        pool, d = pool[keep], d[keep]
        qual = self._qualified(frozenset(p.get("needs") or []))
        attrs = set(p.get("attributes") or [])
        ex_l = {self.l_ix[x] for x in p.get("excluded_placements") or [] if x in self.l_ix}
        ex_m = [self.m_ix[x] for x in p.get("excluded_mentors") or [] if x in self.m_ix]
        prio = p.get("priority", 1)
        cur_m = self.m_ix.get(p.get("current_mentor"), -1)
        cur_l = self.l_ix.get(p.get("current_placement"), -1)
        L = self.problem["placements"]
        out_l, out_m, out_d, out_b = [], [], [], []
        for li, dl in zip(pool.tolist(), d.tolist(), strict=True):
            if li in ex_l or not self.l_req[li] <= attrs:
                continue
            ms = self.per_l[li]
            ok = qual[ms] & ((self.m_mask[ms] & (pmask & int(self.l_mask[li]))) != 0)
            ok &= self.m_cap[ms] >= p["hours_min"]
            ms = ms[ok]
            if ex_m:
                ms = ms[~np.isin(ms, ex_m)]
            if not len(ms):
                continue
            k = len(areas)
            area = (k - areas.index(L[li]["area"])) if k else 0
            c = prio * (w["match"] + w["area"] * area + w["keep_placement"] * (li == cur_l))
            c -= w["travel_km"] * dl
            out_l.append(np.full(len(ms), li, dtype=np.int64))
            out_m.append(ms)
            out_d.append(np.full(len(ms), dl))
            out_b.append(c + prio * w["keep_mentor"] * (ms == cur_m))
        if not out_l:
            e = np.zeros(0, dtype=np.int64)
            return e, e, np.zeros(0), np.zeros(0)
        return (np.concatenate(out_l), np.concatenate(out_m), np.concatenate(out_d),
                np.concatenate(out_b))


def enumerate_candidates(problem: dict) -> Candidates:
    """All allowed triples of all participants (see `Enumerator`), by participant."""
    P = problem["participants"]
    en = Enumerator(problem)
    parts = [en.for_participant(i) for i in range(len(P))]
    n = np.array([len(x[0]) for x in parts], dtype=np.int64)
    pi = np.repeat(np.arange(len(P), dtype=np.int64), n)
    cat = [np.concatenate([x[k] for x in parts]) if parts else np.zeros(0) for k in range(4)]
    prio = np.array([p.get("priority", 1) for p in P], dtype=float)
    hmin = np.array([p["hours_min"] for p in P], dtype=np.int64)
    hmax = np.array([p["hours_max"] for p in P], dtype=np.int64)
    return Candidates(p=pi, pl=cat[0].astype(np.int64), m=cat[1].astype(np.int64),
                      dist=cat[2], base=cat[3], hour_coef=en.w["hours"] * prio[pi],
                      hmin=hmin[pi], hmax=hmax[pi])


def pin_conflicts(problem: dict) -> list[dict]:
    """Conflicts among pinned matches (rules 1-8 each, 9-10 together), spec section 6."""
    L = {pl["id"]: pl for pl in problem["placements"]}
    M = {m["id"]: m for m in problem["mentors"]}
    out = []
    slots: dict[str, list[str]] = {}
    hours: dict[str, list[tuple[str, int]]] = {}
    for p in problem["participants"]:
        pin = p.get("pinned")
        if not pin:
            continue
        pl, m, h = L[pin["placement"]], M[pin["mentor"]], pin["hours"]
        for why in pair_ok(p, pl, m):
            out.append({"records": [p["id"], pl["id"], m["id"]], "reason": f"pin breaks {why}"})
        if not p["hours_min"] <= h <= p["hours_max"]:
            out.append({"records": [p["id"]], "reason": "pin breaks rule 8: hours out of range"})
        slots.setdefault(pl["id"], []).append(p["id"])
        hours.setdefault(m["id"], []).append((p["id"], h))
    for lid, ps in slots.items():
        if len(ps) > L[lid]["slots"]:
            out.append({"records": [lid, *ps], "reason": "pins exceed the placement's slots"})
    for mid, ph in hours.items():
        m = M[mid]
        if sum(h for _, h in ph) > m["capacity_hours"] or len(ph) > m["max_participants"]:
            out.append({"records": [mid, *(p for p, _ in ph)],
                        "reason": "pins exceed the mentor's hours or participants"})
    return out


def no_candidate_reason(problem: dict, p: dict) -> str:
    """A reason a consultant can act on, for a participant with no allowed triple."""
    L, M = problem["placements"], problem["mentors"]
    near = [pl for pl in L if dist(p, pl) <= p["max_travel_km"]]
    if not near:
        return f"no placement within {p['max_travel_km']:g} km"
    areas = p.get("areas") or []
    if areas:
        near = [pl for pl in near if pl["area"] in areas]
        if not near:
            return f"no placement within {p['max_travel_km']:g} km offers {', '.join(areas)}"
    attrs = set(p.get("attributes") or [])
    fit = [pl for pl in near if set(pl.get("requirements") or []) <= attrs]
    if not fit:
        return "every placement in reach requires " + ", ".join(
            sorted({r for pl in near for r in pl.get("requirements") or []} - attrs))
    ex = set(p.get("excluded_placements") or [])
    fit = [pl for pl in fit if pl["id"] not in ex and set(pl["days"]) & set(p["days"])]
    if not fit:
        return "no placement in reach shares a day with the participant (or all are excluded)"
    needs = set(p.get("needs") or [])
    skilled = [m for m in M if needs <= set(m.get("skills") or [])]
    if not skilled:
        return "no mentor has the skills " + ", ".join(sorted(needs))
    return ("no mentor with the needed skills can work at a placement in reach "
            "on a shared day with enough hours")
