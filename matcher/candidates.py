"""Feasible (participant, placement, mentor) combinations, built through indexes.

Only combinations that pass rules 1-8 are built: placements come from a
spatial grid around each participant, mentors from a per-placement list
(colleagues of the employer plus external mentors whose reach covers the
placement). The cross product is never formed.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from .geo import Grid, haversine_km
from .pairs import _within
from .schema import Mentor, Participant, Placement, Problem


def colleague(m: Mentor, pl: Placement) -> bool:
    """Rule 6, first half: a null employer equals nothing."""
    return m.employer is not None and m.employer == pl.employer


class Index:
    """Spatial and employer indexes over one problem's placements and mentors."""

    def __init__(self, problem: Problem):
        self.problem = problem
        places, mentors = problem.placements, problem.mentors
        self.placement_grid = Grid([(pl.lat, pl.lon) for pl in places])
        by_employer: dict[str, list[int]] = defaultdict(list)
        self.external_km: list[dict[int, float]] = [{} for _ in places]
        self.l_lat = np.array([pl.lat for pl in places], dtype=float)
        self.l_lon = np.array([pl.lon for pl in places], dtype=float)
        for j, m in enumerate(mentors):
            if m.employer is not None:
                by_employer[m.employer].append(j)
                continue
            for li, d in self._near(m.lat, m.lon, m.max_travel_km):
                self.external_km[li][j] = d
        self.mentors_at = [by_employer.get(pl.employer, []) + list(self.external_km[li])
                           for li, pl in enumerate(places)]

    def placements_near(self, p: Participant) -> list[tuple[int, float]]:
        """Placements within ``p.max_travel_km`` (rule 5) with their distance."""
        return self._near(p.lat, p.lon, p.max_travel_km)

    def _near(self, lat: float, lon: float, km: float) -> list[tuple[int, float]]:
        """Placements within ``km`` of a point, in grid order, vectorised (measured: the
        per-pair Python haversine took 8 of XL's 16 s of reasons); border cases are
        decided with the contract's exact :func:`haversine_km` by ``_within``."""
        idx = np.fromiter(self.placement_grid.near(lat, lon, km), dtype=np.int64)
        if not len(idx):
            return []
        n = len(idx)
        ok, d = _within(np.full(n, float(lat)), np.full(n, float(lon)), self.l_lat[idx],
                        self.l_lon[idx], np.full(n, float(km)))
        return list(zip(idx[ok].tolist(), d[ok].tolist(), strict=True))


def area_bonus_rank(p: Participant, area: str) -> int | None:
    """Return ``k - r`` for rule 1 and the area term, or None when the area is not wished."""
    if not p.areas:
        return 0
    try:
        return len(p.areas) - p.areas.index(area)
    except ValueError:
        return None


def placement_fits(p: Participant, pl: Placement) -> bool:
    """Rules 1, 2, the placement half of 4, and the placement half of 7."""
    return (area_bonus_rank(p, pl.area) is not None and pl.requirements <= p.attributes
            and bool(p.days & pl.days) and pl.id not in p.excluded_placements)


def mentor_fits(p: Participant, pl: Placement, m: Mentor) -> bool:
    """Rules 3, 4 and the mentor half of 7 (rule 6 is in the placement's mentor list)."""
    return (p.needs <= m.skills and bool(p.days & pl.days & m.days)
            and m.id not in p.excluded_mentors)


def broken_rules(problem: Problem, p: Participant, pl: Placement, m: Mentor, h: int) -> list[str]:
    """Return the rules 1-8 that the match ``(p, pl, m, h)`` breaks, in words."""
    return [f"rule {n}: {text}" for n, text in rule_breaks(problem, p, pl, m, h)]


def rule_breaks(problem: Problem, p: Participant, pl: Placement, m: Mentor,
                h: int) -> list[tuple[int, str]]:
    """The rules (section 2's numbers) that ``(p, pl, m, h)`` breaks, each with its detail."""
    out = []
    if area_bonus_rank(p, pl.area) is None:
        out.append((1, f"{pl.area} is not among the wished areas"))
    if not pl.requirements <= p.attributes:
        out.append((2, "requires " + ", ".join(sorted(pl.requirements - p.attributes))))
    if not p.needs <= m.skills:
        out.append((3, "mentor lacks " + ", ".join(sorted(p.needs - m.skills))))
    if not p.days & pl.days & m.days:
        out.append((4, "no common day"))
    d = haversine_km(p.lat, p.lon, pl.lat, pl.lon)
    if d > p.max_travel_km:
        out.append((5, f"placement is {d:.1f} km away, more than {p.max_travel_km:g} km"))
    if not colleague(m, pl):
        dm = haversine_km(m.lat, m.lon, pl.lat, pl.lon)
        if m.employer is not None or dm > m.max_travel_km:
            out.append((6, "mentor neither works at the employer nor reaches the placement"))
    if m.id in p.excluded_mentors or pl.id in p.excluded_placements:
        out.append((7, "excluded"))
    if not p.hours_min <= h <= p.hours_max:
        out.append((8, f"{h} hours is outside {p.hours_min}-{p.hours_max}"))
    return out


@dataclass
class Options:
    """Feasible options as parallel arrays, ready for the optimiser.

    An option is an item (participant) with a placement and a mentor; its value
    at ``h`` hours is ``const + coef[item] * h`` with ``lo[item] <= h <= hi[item]``.
    """

    item: np.ndarray
    place: np.ndarray
    mentor: np.ndarray
    const: np.ndarray
    lo: np.ndarray
    hi: np.ndarray
    coef: np.ndarray
    slots: np.ndarray
    cap_hours: np.ndarray
    cap_count: np.ndarray


def triple_const(problem: Problem, p: Participant, li: int, mj: int, rank: int, d: float) -> float:
    """The part of a section-3 score that does not depend on the hours."""
    w = problem.weights
    pl, m = problem.placements[li], problem.mentors[mj]
    keep = (w.keep_mentor * (m.id == p.current_mentor)
            + w.keep_placement * (pl.id == p.current_placement))
    return p.priority * (w.match + w.area * rank + keep) - w.travel_km * d


def build_options(problem: Problem, index: Index, items: list[int], slots: np.ndarray,
                  cap_hours: np.ndarray, cap_count: np.ndarray) -> Options:
    """Build every option of the participants ``items`` that could ever be worth taking."""
    w = problem.weights
    places, mentors = problem.placements, problem.mentors
    lo = np.array([p.hours_min for p in problem.participants], dtype=np.int64)
    coef = np.array([w.hours * p.priority for p in problem.participants])
    hi = np.where(coef > 0, [p.hours_max for p in problem.participants], lo).astype(np.int64)
    it, pl_, mt, cs = [], [], [], []
    for pi in items:
        p = problem.participants[pi]
        top = coef[pi] * hi[pi]
        for li, d in index.placements_near(p):
            pl = places[li]
            if slots[li] <= 0 or not placement_fits(p, pl):
                continue
            rank = area_bonus_rank(p, pl.area)
            for mj in index.mentors_at[li]:
                m = mentors[mj]
                if cap_count[mj] <= 0 or cap_hours[mj] < p.hours_min or not mentor_fits(p, pl, m):
                    continue
                c = triple_const(problem, p, li, mj, rank, d)
                if c + top <= 0:
                    continue  # never worth more than leaving the participant unmatched
                it.append(pi)
                pl_.append(li)
                mt.append(mj)
                cs.append(c)
    return Options(np.array(it, dtype=np.int64), np.array(pl_, dtype=np.int64),
                   np.array(mt, dtype=np.int64), np.array(cs, dtype=np.float64),
                   lo, hi, coef, slots, cap_hours, cap_count)
