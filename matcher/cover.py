"""Substitute cover (docs/matching-model.md section 5)."""

from __future__ import annotations

import time

import numpy as np

from .candidates import Options, colleague
from .explain import Reason
from .geo import haversine_km
from .optimize import optimize
from .schema import CoverProblem, Mentor, Participant, Placement, collect_cover, day_names
from .solve import Match, Result, Unmatched, check_budget, invalid_result, meets, reported_bound


def cover_score(p: Participant, pl: Placement, s: Mentor, known: frozenset[str], c: int) -> float:
    """Section-5 score of substitute ``s`` covering ``c`` hours at ``pl``."""
    travel = 0.0 if colleague(s, pl) else haversine_km(s.lat, s.lon, pl.lat, pl.lon)
    return (p.priority * (100 + 40 * colleague(s, pl) + 30 * (s.id in known))
            + 2 * p.priority * c - 1.0 * travel)


def substitute_fits(p: Participant, pl: Placement, s: Mentor) -> bool:
    """Rules 3, 4, 6 and 7 for a substitute at the assigned placement."""
    reach = colleague(s, pl) or (
        s.employer is None and haversine_km(s.lat, s.lon, pl.lat, pl.lon) <= s.max_travel_km)
    return (reach and p.needs <= s.skills and bool(p.days & pl.days & s.days)
            and s.id not in p.excluded_mentors and pl.id not in p.excluded_placements)


def _spare(cp: CoverProblem) -> tuple[np.ndarray, np.ndarray]:
    """Spare hours (never below 0) and spare participant places per mentor."""
    prob = cp.problem
    hours = np.array([m.capacity_hours for m in prob.mentors], dtype=np.int64)
    count = np.array([m.max_participants for m in prob.mentors], dtype=np.int64)
    for a in cp.assignments:
        mj = prob.m_index[a.mentor]
        hours[mj] -= a.hours
        count[mj] -= 1
    return np.maximum(hours, 0), np.maximum(count, 0)


def _diagnose(cp: CoverProblem, p: Participant, pl: Placement, hours: int,
              spare: tuple[np.ndarray, np.ndarray], used: dict[int, tuple[int, int]]) -> Reason:
    """The first rule that leaves ``p`` without a substitute."""
    if hours < p.hours_min:
        return Reason("cover_hours_low", {"hours": hours, "min": p.hours_min})
    if pl.id in p.excluded_placements:
        return Reason("cover_placement_excluded", {"placement": pl.id})
    mentors = [(j, s) for j, s in enumerate(cp.problem.mentors) if s.id not in cp.absent]
    if not mentors:  # "no mentor has the skills" would name no skills
        return Reason("cover_nobody_free", {})
    skilled = [(j, s) for j, s in mentors if p.needs <= s.skills]
    skills = sorted(p.needs)
    if not skilled:
        return Reason("no_mentor_skills", {"skills": skills})
    near = [(j, s) for j, s in skilled if colleague(s, pl) or (
        s.employer is None and haversine_km(s.lat, s.lon, pl.lat, pl.lon) <= s.max_travel_km)]
    if not near:
        return Reason("no_mentor_at_placements" if skills else "no_mentor_near",
                      {"skills": skills, "n": 1, "placement": pl.id} if skills
                      else {"n": 1, "placement": pl.id})
    dayed = [(j, s) for j, s in near if p.days & pl.days & s.days]
    if not dayed:
        return Reason("no_common_day_mentor", {"n": 1, "days": day_names(p.days),
                                               "placement": pl.id})
    fit = [j for j, s in dayed if s.id not in p.excluded_mentors]
    if not fit:
        return Reason("excluded_mentors", {"n": len(dayed)})
    worth = [j for j in fit if cover_score(p, pl, cp.problem.mentors[j], frozenset(), hours) > 0]
    if not worth:
        return Reason("not_worth_travel", {"n": len(fit)})
    free = [j for j in worth if spare[1][j] - used.get(j, (0, 0))[0] > 0
            and spare[0][j] - used.get(j, (0, 0))[1] >= p.hours_min]
    if free:
        return Reason("not_chosen", {"n": len(free)})
    if skills:
        return Reason("mentors_full", {"n": len(worth), "skills": skills})
    return Reason("mentors_full_any", {"n": len(worth)})


def cover(cp: CoverProblem, time_limit: float = 5.0, num_workers: int = 2) -> Result:
    """Find substitutes for the participants of absent mentors.

    Parameters
    ----------
    cp : CoverProblem
        From :func:`matcher.schema.collect_cover`.
    time_limit : float
        Seconds for the whole call.
    num_workers : int
        CP-SAT search workers.

    Returns
    -------
    Result
        One entry per participant to cover: a match with the substitute and
        cover hours, or unmatched with a reason. Never ``INFEASIBLE``.

    Raises
    ------
    ValueError
        For a time limit or worker count that is not one
        (:func:`matcher.solve.check_budget`).
    """
    check_budget(time_limit, num_workers)
    t0 = time.monotonic()
    prob = cp.problem
    todo = [a for a in cp.assignments if a.mentor in cp.absent]
    n = len(prob.participants)
    lo = np.array([p.hours_min for p in prob.participants], dtype=np.int64)
    hi = lo.copy()
    coef = np.array([2.0 * p.priority for p in prob.participants])
    spare_hours, spare_count = _spare(cp)
    it, pl_, mt, cs = [], [], [], []
    for a in todo:
        i, li = prob.p_index[a.participant], prob.l_index[a.placement]
        p, pl = prob.participants[i], prob.placements[li]
        hi[i] = a.hours
        if a.hours < p.hours_min:
            continue
        known = cp.known.get(p.id, frozenset())
        for j, s in enumerate(prob.mentors):
            if s.id in cp.absent or spare_count[j] <= 0 or spare_hours[j] < p.hours_min:
                continue
            if not substitute_fits(p, pl, s):
                continue
            c = cover_score(p, pl, s, known, 0)
            if c + coef[i] * a.hours > 0:
                it.append(i), pl_.append(li), mt.append(j), cs.append(c)
    big = np.full(len(prob.placements), len(todo) + 1, dtype=np.int64)
    opts = Options(np.array(it, dtype=np.int64), np.array(pl_, dtype=np.int64),
                   np.array(mt, dtype=np.int64), np.array(cs, dtype=np.float64),
                   lo, hi, coef, big, spare_hours, spare_count)
    plan = optimize(opts, n, t0 + time_limit * 0.95, num_workers)
    used: dict[int, tuple[int, int]] = {}
    for t, h in plan.chosen.values():
        j = int(opts.mentor[t])
        c, hh = used.get(j, (0, 0))
        used[j] = (c + 1, hh + h)
    matches, unmatched = [], []
    for a in todo:
        i = prob.p_index[a.participant]
        p, pl = prob.participants[i], prob.placements[prob.l_index[a.placement]]
        if i in plan.chosen:
            t, h = plan.chosen[i]
            s = prob.mentors[int(opts.mentor[t])]
            known = cp.known.get(p.id, frozenset())
            why = [Reason("colleague_mentor") if colleague(s, pl) else Reason(
                "external_mentor", {"km": round(haversine_km(s.lat, s.lon, pl.lat, pl.lon), 1)})]
            if s.id in known:
                why.append(Reason("known_substitute"))
            if p.needs:
                why.append(Reason("mentor_skills", {"skills": sorted(p.needs)}))
            why.append(Reason("cover_hours", {"hours": h, "assigned": a.hours}))
            matches.append(Match(p.id, pl.id, s.id, h, cover_score(p, pl, s, known, h), why))
        else:
            why = _diagnose(cp, p, pl, a.hours, (spare_hours, spare_count), used)
            unmatched.append(Unmatched(p.id, [why]))
    objective = sum(m.score for m in matches)
    bound = reported_bound(objective, plan.bound)
    status = "OPTIMAL" if meets(bound, objective) else "FEASIBLE"
    return Result(status, objective, bound, time.monotonic() - t0, matches, unmatched,
                  stats={**plan.stats, "to_cover": len(todo)})


def cover_dict(cover_problem: dict, *, time_limit: float = 5.0, num_workers: int = 2) -> dict:
    """Solve a cover problem dict and return the result dict.

    Parameters
    ----------
    cover_problem : dict
        A cover problem as in docs/matching-model.md section 5.
    time_limit : float
        Seconds for the whole call.
    num_workers : int
        CP-SAT search workers.

    Returns
    -------
    dict
        The result (format ``mentor-match-result/1``); ``INVALID`` with
        ``errors`` for a bad cover problem.

    Raises
    ------
    ValueError
        From :func:`cover`, for a time limit or worker count that is not one.
    """
    t0 = time.monotonic()
    parsed, errors = collect_cover(cover_problem)
    if errors:
        return invalid_result(errors, time.monotonic() - t0).to_dict()
    return cover(parsed, time_limit=time_limit, num_workers=num_workers).to_dict()
