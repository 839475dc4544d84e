"""Why a participant got what it got: match reasons and the rule that left no option."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .candidates import Index, area_bonus_rank, colleague, placement_fits
from .explain import Reason
from .geo import haversine_km
from .schema import Mentor, Participant, Placement, Problem, day_names


@dataclass
class Usage:
    """Capacity used by a solution (pins included)."""

    slots: np.ndarray
    hours: np.ndarray
    count: np.ndarray

    def placement_full(self, pl_index: int, pl: Placement) -> bool:
        return self.slots[pl_index] >= pl.slots

    def mentor_full(self, mj: int, m: Mentor, p: Participant) -> bool:
        return (self.count[mj] >= m.max_participants
                or self.hours[mj] + p.hours_min > m.capacity_hours)


def match_reasons(problem: Problem, index: Index, p: Participant, li: int, mj: int, h: int,
                  usage: Usage, proved: bool) -> list[Reason]:
    """Reasons for one match: wish, continuity, skills, mentor kind, travel, hours."""
    pl, m = problem.placements[li], problem.mentors[mj]
    out = [Reason("pinned")] if p.pinned else []
    if p.areas:
        out.append(Reason("area_wish", {"area": pl.area, "rank": p.areas.index(pl.area) + 1
                                        if pl.area in p.areas else 0, "of": len(p.areas)}))
    else:
        out.append(Reason("any_area", {"area": pl.area}))
    if m.id == p.current_mentor:
        out.append(Reason("keeps_mentor", {"mentor": m.id}))
    if pl.id == p.current_placement:
        out.append(Reason("keeps_placement", {"placement": pl.id}))
    if p.needs:
        out.append(Reason("mentor_skills", {"skills": sorted(p.needs)}))
    if colleague(m, pl):
        out.append(Reason("colleague_mentor"))
    else:
        km = round(index.external_km[li].get(mj, 0.0), 1)
        out.append(Reason("external_mentor", {"km": km}))
    out.append(Reason("travel", {"km": round(haversine_km(p.lat, p.lon, pl.lat, pl.lon), 1)}))
    if h < p.hours_max and not p.pinned:
        params = {"hours": h, "min": p.hours_min, "max": p.hours_max}
        if problem.weights.hours == 0:
            out.append(Reason("hours_unweighted", {"hours": h}))
        elif usage.hours[mj] >= m.capacity_hours:
            out.append(Reason("hours_capped", {**params, "mentor": m.id,
                                               "capacity": m.capacity_hours}))
        elif not proved:
            out.append(Reason("hours_short", params))
    return out


def unmatched_reasons(problem: Problem, index: Index, p: Participant,
                      usage: Usage) -> list[Reason]:
    """The first rule, in a fixed order, that leaves ``p`` without any option."""
    places = problem.placements
    near = index.placements_near(p)
    km = float(p.max_travel_km)
    wished = [(li, d) for li, d in near if area_bonus_rank(p, places[li].area) is not None]
    if not wished:
        if p.areas and not any(pl.area in p.areas for pl in places):
            return [Reason("no_area_anywhere", {"areas": list(p.areas)})]
        if p.areas:
            return [Reason("no_placement_in_reach", {"km": km, "areas": list(p.areas)})]
        return [Reason("no_placement_near", {"km": km})]
    fit = [(li, d) for li, d in wished if places[li].requirements <= p.attributes]
    if not fit:
        missing = sorted(set().union(*(places[li].requirements for li, _ in wished))
                         - p.attributes)
        return [Reason("requirements", {"n": len(wished), "missing": missing,
                                        **_the_one(places, wished)})]
    allowed = [(li, d) for li, d in fit if places[li].id not in p.excluded_placements]
    if not allowed:
        return [Reason("excluded_placements", {"n": len(fit), **_the_one(places, fit)})]
    open_ = [(li, d) for li, d in allowed if placement_fits(p, places[li])]
    if not open_:
        return [Reason("no_common_day_placement", {"n": len(allowed), "days": day_names(p.days),
                                                   **_the_one(places, allowed)})]
    return _mentor_stage(problem, index, p, open_, usage)


def _the_one(places, found) -> dict:
    """``{"placement": id}`` when ``found`` (placement indexes, or (index, km) pairs) holds
    one placement, for a reason that says "the only placement that fits" to name it."""
    if len(found) != 1:
        return {}
    li = found[0][0] if isinstance(found[0], tuple) else found[0]
    return {"placement": places[int(li)].id}


class _Arrays:
    """Per-problem numpy views for the mentor and capacity stages (built once per Index)."""

    def __init__(self, problem: Problem, index: Index):
        from .pairs import _Tags

        mentors, places = problem.mentors, problem.placements
        self.at = [np.array(lst, dtype=np.int64) for lst in index.mentors_at]
        self.tags = _Tags([m.skills for m in mentors])
        self.skills = self.tags.encode([m.skills for m in mentors], False)
        self.mdays = np.array([m.days for m in mentors], dtype=np.int64)
        self.ldays = np.array([pl.days for pl in places], dtype=np.int64)
        self.slots = np.array([pl.slots for pl in places], dtype=np.int64)
        self.max_p = np.array([m.max_participants for m in mentors], dtype=np.int64)
        self.cap = np.array([m.capacity_hours for m in mentors], dtype=np.int64)


def _arrays(problem: Problem, index: Index) -> _Arrays:
    got = getattr(index, "_diagnose_arrays", None)
    if got is None:
        got = index._diagnose_arrays = _Arrays(problem, index)
    return got


def _mentor_stage(problem: Problem, index: Index, p: Participant, open_: list,
                  usage: Usage) -> list[Reason]:
    """Mentor rules 3, 4, 7 and worth, over (placement, mentor) combinations as arrays."""
    from .pairs import _subset

    mentors, places = problem.mentors, problem.placements
    ar = _arrays(problem, index)
    skills = sorted(p.needs)
    lis = np.array([li for li, _ in open_], dtype=np.int64)
    ds = np.array([d for _, d in open_], dtype=float)
    cnt = np.array([len(ar.at[li]) for li in lis], dtype=np.int64)
    L = np.repeat(lis, cnt)
    D = np.repeat(ds, cnt)
    MJ = np.concatenate([ar.at[li] for li in lis]) if len(lis) else np.zeros(0, dtype=np.int64)
    need = ar.tags.encode([p.needs], True)
    ok = _subset(np.repeat(need, len(MJ), axis=0), ar.skills[MJ]) if len(MJ) else \
        np.zeros(0, dtype=bool)
    if not ok.any():
        n, one = len(open_), _the_one(places, open_)
        if p.needs and not any(p.needs <= m.skills for m in mentors):
            return [Reason("no_mentor_skills", {"skills": skills})]
        if p.needs:
            return [Reason("no_mentor_at_placements", {"skills": skills, "n": n, **one})]
        return [Reason("no_mentor_near", {"n": n, **one})]
    ok &= (p.days & ar.ldays[L] & ar.mdays[MJ]) != 0
    if not ok.any():
        return [Reason("no_common_day_mentor", {"n": len(open_), "days": day_names(p.days),
                                                **_the_one(places, open_)})]
    if p.excluded_mentors:
        dayed_mentors = np.unique(MJ[ok])  # only needed for this reason (measured: costly)
        ex = np.array([problem.m_index[mid] for mid in p.excluded_mentors], dtype=np.int64)
        ok &= ~np.isin(MJ, ex)
        if not ok.any():
            return [Reason("excluded_mentors", {"n": len(dayed_mentors)})]
    w = problem.weights
    top = w.hours * p.priority * (p.hours_max if w.hours else p.hours_min)
    rank = _ranks(p, places, lis, cnt)
    cur_m = problem.m_index.get(p.current_mentor, -1) if p.current_mentor else -1
    cur_l = problem.l_index.get(p.current_placement, -1) if p.current_placement else -1
    const = p.priority * (w.match + w.area * rank + w.keep_mentor * (MJ == cur_m)
                          + w.keep_placement * (L == cur_l)) - w.travel_km * D
    n_triples = int(ok.sum())
    ok &= const + top > 0
    if not ok.any():
        return [Reason("not_worth_travel", {"n": n_triples})]
    return _capacity_stage_arrays(problem, ar, p, L[ok], MJ[ok], usage)


def _ranks(p: Participant, places, lis: np.ndarray, cnt: np.ndarray) -> np.ndarray:
    per = np.array([area_bonus_rank(p, places[li].area) for li in lis], dtype=float)
    return np.repeat(per, cnt)


def _capacity_stage_arrays(problem: Problem, ar: _Arrays, p: Participant, L: np.ndarray,
                           MJ: np.ndarray, usage: Usage) -> list[Reason]:
    """Which capacity stood in the way, over the worthwhile combinations ``(L, MJ)``."""
    pl_full_t = usage.slots[L] >= ar.slots[L]
    m_full_t = (usage.count[MJ] >= ar.max_p[MJ]) | (usage.hours[MJ] + p.hours_min > ar.cap[MJ])
    free = ~pl_full_t & ~m_full_t
    if free.any():
        return [Reason("not_chosen", {"n": int(free.sum())})]
    pl_all, m_all = np.unique(L), np.unique(MJ)
    pl_full = pl_all[usage.slots[pl_all] >= ar.slots[pl_all]]
    m_full = m_all[(usage.count[m_all] >= ar.max_p[m_all])
                   | (usage.hours[m_all] + p.hours_min > ar.cap[m_all])]
    if len(pl_full) == len(pl_all) and (len(m_full) < len(m_all) or not len(m_full)):
        return [Reason("placements_full", {"n": len(pl_all),
                                           **_the_one(problem.placements, pl_all)})]
    if len(m_full) == len(m_all):
        if p.needs:
            return [Reason("mentors_full", {"n": len(m_all), "skills": sorted(p.needs)})]
        return [Reason("mentors_full_any", {"n": len(m_all)})]
    return [Reason("capacity_mixed", {"places": len(pl_full), "mentors": len(m_full),
                                      **_the_one(problem.placements, pl_full)})]
