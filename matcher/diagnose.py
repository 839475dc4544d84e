"""Why a participant got what it got: match reasons and the rule that left no option."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .candidates import (Index, area_bonus_rank, colleague, mentor_fits, placement_fits,
                         triple_const)
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


def unmatched_reasons(problem: Problem, index: Index, p: Participant, usage: Usage,
                      proved: bool) -> list[Reason]:
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
        return [Reason("requirements", {"n": len(wished), "missing": missing})]
    allowed = [(li, d) for li, d in fit if places[li].id not in p.excluded_placements]
    if not allowed:
        return [Reason("excluded_placements", {"n": len(fit)})]
    open_ = [(li, d) for li, d in allowed if placement_fits(p, places[li])]
    if not open_:
        return [Reason("no_common_day_placement", {"n": len(allowed),
                                                   "days": day_names(p.days)})]
    return _mentor_stage(problem, index, p, open_, usage, proved)


def _mentor_stage(problem: Problem, index: Index, p: Participant, open_: list, usage: Usage,
                  proved: bool) -> list[Reason]:
    mentors, places = problem.mentors, problem.placements
    skills = sorted(p.needs)
    reach = [(li, d, mj) for li, d in open_ for mj in index.mentors_at[li]]
    skilled = [(li, d, mj) for li, d, mj in reach if p.needs <= mentors[mj].skills]
    if not skilled:
        n = len(open_)
        if p.needs and not any(p.needs <= m.skills for m in mentors):
            return [Reason("no_mentor_skills", {"skills": skills})]
        if p.needs:
            return [Reason("no_mentor_at_placements", {"skills": skills, "n": n})]
        return [Reason("no_mentor_near", {"n": n})]
    dayed = [t for t in skilled if p.days & places[t[0]].days & mentors[t[2]].days]
    if not dayed:
        return [Reason("no_common_day_mentor", {"n": len(open_), "days": day_names(p.days)})]
    triples = [t for t in dayed if mentor_fits(p, places[t[0]], mentors[t[2]])]
    if not triples:
        return [Reason("excluded_mentors", {"n": len({t[2] for t in dayed})})]
    top = problem.weights.hours * p.priority * (p.hours_max if problem.weights.hours else
                                                p.hours_min)
    worth = [t for t in triples if triple_const(problem, p, t[0], t[2], area_bonus_rank(
        p, places[t[0]].area), t[1]) + top > 0]
    if not worth:
        return [Reason("not_worth_travel", {"n": len(triples)})]
    return _capacity_stage(problem, p, worth, usage, proved)


def _capacity_stage(problem: Problem, p: Participant, worth: list, usage: Usage,
                    proved: bool) -> list[Reason]:
    places, mentors = problem.placements, problem.mentors
    free = [t for t in worth if not usage.placement_full(t[0], places[t[0]])
            and not usage.mentor_full(t[2], mentors[t[2]], p)]
    if free:
        return [Reason("not_chosen", {"n": len(free)})]
    pl_all = {t[0] for t in worth}
    m_all = {t[2] for t in worth}
    pl_full = {li for li in pl_all if usage.placement_full(li, places[li])}
    m_full = {mj for mj in m_all if usage.mentor_full(mj, mentors[mj], p)}
    if len(pl_full) == len(pl_all) and (len(m_full) < len(m_all) or not m_full):
        return [Reason("placements_full", {"n": len(pl_all)})]
    if len(m_full) == len(m_all):
        if p.needs:
            return [Reason("mentors_full", {"n": len(m_all), "skills": sorted(p.needs)})]
        return [Reason("mentors_full_any", {"n": len(m_all)})]
    return [Reason("capacity_mixed", {"places": len(pl_full), "mentors": len(m_full)})]
