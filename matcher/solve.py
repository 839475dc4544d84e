"""The public solve: pins, options, optimisation, exact scores, reasons."""

from __future__ import annotations

import math
import numbers
import time
from dataclasses import dataclass, field

import numpy as np

from .candidates import Index, broken_rules
from .compact import optimize_pairs
from .diagnose import Usage, match_reasons, unmatched_reasons
from .explain import Reason, reason_fields
from .geo import haversine_km
from .pairs import build_pairs
from .schema import Participant, Problem, collect_problem

RESULT_FORMAT = "mentor-match-result/1"
# The least share of the combinations' part of the reasons' reserve (reasons_reserve).
RESERVE_FLOOR = 0.1
# What a solve's budget must be (is_time_limit, is_workers; check_budget, the command
# line's options and the service's settings say it in these words).
TIME_LIMIT_RULE = "must be a finite number of seconds above 0"
WORKERS_RULE = "must be a whole number of at least 1"


def tolerance(value: float) -> float:
    """Equality of numbers in the contract: 1e-6 x max(1, |value|)."""
    return 1e-6 * max(1.0, abs(value))


def reported_bound(objective: float, bound: float) -> float:
    """The bound a result reports for a plan worth ``objective``: the search's proved
    ``bound`` with a margin for the floating point of the exact rescoring, never below
    the objective."""
    return max(objective, bound + 1e-9 * max(1.0, abs(objective)))


def meets(bound: float, objective: float) -> bool:
    """Whether a proved upper ``bound`` proves ``objective`` optimal: the two are equal
    as the contract counts numbers (:func:`tolerance`)."""
    return bound - objective <= tolerance(objective)


def section3_score(problem: Problem, p: Participant, placement_id: str, mentor_id: str,
                   hours: int) -> float:
    """The section-3 score of one match, exactly as the contract writes it."""
    w = problem.weights
    pl = problem.placements[problem.l_index[placement_id]]
    k = len(p.areas)
    area = (k - p.areas.index(pl.area)) if k > 0 else 0
    return (p.priority * (w.match + w.area * area
                          + w.keep_mentor * (mentor_id == p.current_mentor)
                          + w.keep_placement * (placement_id == p.current_placement))
            + w.hours * p.priority * hours
            - w.travel_km * haversine_km(p.lat, p.lon, pl.lat, pl.lon))


@dataclass
class Match:
    participant: str
    placement: str
    mentor: str
    hours: int
    score: float
    reasons: list[Reason]


@dataclass
class Unmatched:
    participant: str
    reasons: list[Reason]


@dataclass
class Result:
    """A solve's outcome; :meth:`to_dict` gives the section-4 result file."""

    status: str
    objective: float | None
    bound: float | None
    seconds: float
    matches: list[Match] = field(default_factory=list)
    unmatched: list[Unmatched] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    conflicts: list[dict] = field(default_factory=list)
    stats: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        out = {"format": RESULT_FORMAT, "status": self.status, "objective": self.objective,
               "bound": self.bound, "seconds": round(self.seconds, 3),
               "matches": [{"participant": m.participant, "placement": m.placement,
                            "mentor": m.mentor, "hours": m.hours, "score": m.score,
                            **reason_fields(m.reasons)} for m in self.matches],
               "unmatched": [{"participant": u.participant, **reason_fields(u.reasons)}
                             for u in self.unmatched]}
        if self.errors:
            out["errors"] = list(self.errors)
        if self.status == "INFEASIBLE":
            out["conflicts"] = list(self.conflicts)
        if self.stats:
            out["stats"] = dict(self.stats)
        return out


def invalid_result(errors: list[str], seconds: float) -> Result:
    """The result of a file that broke field rules: nothing solved."""
    return Result("INVALID", None, None, seconds, errors=errors)


def pin_conflicts(problem: Problem) -> list[dict]:
    """Pins that break rules 1-8 on their own or rules 9-10 together."""
    out = []
    slots: dict[str, list[str]] = {}
    hours: dict[str, list[tuple[str, int]]] = {}
    for p in problem.participants:
        pin = p.pinned
        if pin is None:
            continue
        pl = problem.placements[problem.l_index[pin.placement]]
        m = problem.mentors[problem.m_index[pin.mentor]]
        broken = broken_rules(problem, p, pl, m, pin.hours)
        if broken:
            out.append({"records": [p.id, pl.id, m.id], "reason": "; ".join(broken)})
        slots.setdefault(pl.id, []).append(p.id)
        hours.setdefault(m.id, []).append((p.id, pin.hours))
    for lid, pids in slots.items():
        pl = problem.placements[problem.l_index[lid]]
        if len(pids) > pl.slots:
            out.append({"records": [lid, *pids],
                        "reason": f"rule 9: {len(pids)} pinned, {pl.slots} slots"})
    for mid, got in hours.items():
        m = problem.mentors[problem.m_index[mid]]
        total = sum(h for _, h in got)
        if total > m.capacity_hours or len(got) > m.max_participants:
            out.append({"records": [mid, *(pid for pid, _ in got)],
                        "reason": f"rule 10: pinned {len(got)} participants and {total} hours, "
                                  f"capacity {m.max_participants} participants and "
                                  f"{m.capacity_hours} hours"})
    return out


def _infeasible(problem: Problem, conflicts: list[dict], seconds: float) -> Result:
    records = sorted({r for c in conflicts for r in c["records"]})
    why = [Reason("infeasible", {"records": records})]
    return Result("INFEASIBLE", 0.0, 0.0, seconds, [],
                  [Unmatched(p.id, why) for p in problem.participants], conflicts=conflicts)


def is_time_limit(value: object) -> bool:
    """Whether ``value`` is a time limit a solve can keep: a finite number of seconds
    above 0 (a negative, zero or NaN limit would return the greedy plan at once, an
    infinite one a broken deadline)."""
    return (isinstance(value, numbers.Real) and not isinstance(value, bool)
            and math.isfinite(value) and value > 0)


def is_workers(value: object) -> bool:
    """Whether ``value`` is a worker count: a whole number of at least 1 (CP-SAT reads 0
    as every core)."""
    return isinstance(value, numbers.Integral) and not isinstance(value, bool) and value >= 1


def check_budget(time_limit: float, num_workers: int) -> None:
    """Raise ``ValueError`` naming the argument when a solve's budget is not one
    (:func:`is_time_limit`, :func:`is_workers`)."""
    if not is_time_limit(time_limit):
        raise ValueError(f"time_limit: {TIME_LIMIT_RULE}, got {time_limit!r}")
    if not is_workers(num_workers):
        raise ValueError(f"num_workers: {WORKERS_RULE}, got {num_workers!r}")


def reasons_reserve(time_limit: float, n_participants: int, n_free: int, raw_triples: int,
                    slots: int, mentor_places: int) -> float:
    """Seconds kept back from the search for the reasons, which come after it.

    Their cost grows with the participants and, for each unmatched one, with the
    (placement, mentor) combinations in its reach. Measured: L 0.17 s (reserve 0.63 s),
    XL 1.9 s idle and 4.3 s on a loaded machine (reserve 5.7 s), where a third of the
    participants cannot be matched for want of slots or mentors. The combinations'
    part is scaled by three times the share that cannot be matched (``n_free`` against
    the free ``slots`` and ``mentor_places``), at least a tenth: the demo region's
    large caseload (453 participants, 13.2 M combinations, room for all) spent 0.02 s
    on its reasons and kept back 1.56 s of a 10 s limit before.
    """
    short = max(0, n_free - min(slots, mentor_places)) / max(1, n_free)
    share = min(1.0, max(RESERVE_FLOOR, 3 * short))
    return min(0.02 * time_limit + 1e-4 * n_participants + 1e-7 * raw_triples * share,
               0.4 * time_limit)


def warm() -> None:
    """Compile every numba kernel a solve uses, or load it from numba's disk cache: the
    compiled moves (:func:`matcher.localsearch.warm`) and the knapsack bound's
    (:func:`matcher.knapsack.warm`). The worker calls this before it forks its jobs and
    ``matcher solve`` before its clock starts, so that no solve spends its time limit on
    them."""
    from . import knapsack, localsearch

    localsearch.warm()
    knapsack.warm()


def pins_and_free(problem: Problem) -> tuple[dict, Usage, list[int], tuple]:
    """The pinned matches (participant -> (placement, mentor, hours)), what they use, the
    free participants, and the (slots, hours, participant counts) left for those."""
    n_l, n_m = len(problem.placements), len(problem.mentors)
    usage = Usage(np.zeros(n_l, dtype=np.int64), np.zeros(n_m, dtype=np.int64),
                  np.zeros(n_m, dtype=np.int64))
    chosen = {}
    for i, p in enumerate(problem.participants):
        if p.pinned:
            li, mj = problem.l_index[p.pinned.placement], problem.m_index[p.pinned.mentor]
            chosen[i] = (li, mj, p.pinned.hours)
            usage.slots[li] += 1
            usage.hours[mj] += p.pinned.hours
            usage.count[mj] += 1
    free = [i for i, p in enumerate(problem.participants) if not p.pinned]
    caps = (np.array([pl.slots for pl in problem.placements], dtype=np.int64) - usage.slots,
            np.array([m.capacity_hours for m in problem.mentors], dtype=np.int64) - usage.hours,
            np.array([m.max_participants for m in problem.mentors], dtype=np.int64)
            - usage.count)
    return chosen, usage, free, caps


def solve(problem: Problem, time_limit: float = 10.0, num_workers: int = 2) -> Result:
    """Solve a parsed problem.

    Parameters
    ----------
    problem : Problem
        From :func:`matcher.schema.parse_problem`.
    time_limit : float
        Seconds for the whole call; the best solution found so far is returned.
    num_workers : int
        CP-SAT search workers.

    Returns
    -------
    Result
        ``OPTIMAL`` only when the bound proves it, else ``FEASIBLE`` with a
        proved bound; ``INFEASIBLE`` when pins conflict.

    Raises
    ------
    ValueError
        For a time limit or worker count that is not one (:func:`check_budget`).
    """
    check_budget(time_limit, num_workers)
    t0 = time.monotonic()
    conflicts = pin_conflicts(problem)
    if conflicts:
        return _infeasible(problem, conflicts, time.monotonic() - t0)
    chosen, usage, free, caps = pins_and_free(problem)
    index = Index(problem)
    pairs = build_pairs(problem, free, *caps)
    t_built = time.monotonic()
    reserve = reasons_reserve(time_limit, len(problem.participants), len(free),
                              pairs.raw_triples, int(np.maximum(caps[0], 0).sum()),
                              int(np.maximum(caps[2], 0).sum()))
    plan = optimize_pairs(problem, pairs, t0 + time_limit - reserve, num_workers)
    for i, (xi, yi, h) in plan.chosen.items():
        li, mj = int(pairs.x_place[xi]), int(pairs.y_mentor[yi])
        chosen[i] = (li, mj, h)
        usage.slots[li] += 1
        usage.hours[mj] += h
        usage.count[mj] += 1
    t_plan = time.monotonic()
    result = _assemble(problem, index, chosen, usage, plan)
    result.stats.update(plan.stats, build_seconds=round(t_built - t0, 3),
                        assemble_seconds=round(time.monotonic() - t_plan, 3),
                        participants=len(problem.participants))
    result.seconds = time.monotonic() - t0
    return result


def _assemble(problem: Problem, index: Index, chosen: dict, usage: Usage, plan) -> Result:
    """Exact scores, objective, bound and reasons for a chosen set of matches.

    OPTIMAL when the proved bound meets the objective (:func:`meets`), whichever part of
    the search proved it: CP-SAT, or a plan from the windows that reached the LP's or
    the mentor patterns' bound."""
    scores = {i: section3_score(problem, problem.participants[i],
                                problem.placements[li].id, problem.mentors[mj].id, h)
              for i, (li, mj, h) in sorted(chosen.items())}
    objective = sum(scores.values())
    pinned_total = sum(s for i, s in scores.items() if problem.participants[i].pinned)
    # The plan's bound covers the free participants; pins contribute exactly their scores.
    bound = reported_bound(objective, pinned_total + plan.bound)
    optimal = meets(bound, objective)
    matches, unmatched = [], []
    for i, p in enumerate(problem.participants):
        if i in chosen:
            li, mj, h = chosen[i]
            why = match_reasons(problem, index, p, li, mj, h, usage, optimal)
            matches.append(Match(p.id, problem.placements[li].id, problem.mentors[mj].id, h,
                                 scores[i], why))
        else:
            unmatched.append(Unmatched(p.id, unmatched_reasons(problem, index, p, usage)))
    return Result("OPTIMAL" if optimal else "FEASIBLE", objective, bound, 0.0, matches,
                  unmatched)


def solve_dict(problem: dict, *, time_limit: float = 10.0, num_workers: int = 2) -> dict:
    """Solve a problem dict and return the section-4 result dict.

    Parameters
    ----------
    problem : dict
        A problem as in docs/matching-model.md section 1.
    time_limit : float
        Seconds for the whole call.
    num_workers : int
        CP-SAT search workers.

    Returns
    -------
    dict
        The result; an ``INVALID`` result with ``errors`` when the problem
        breaks field rules (this function does not raise for a bad problem).

    Raises
    ------
    ValueError
        From :func:`solve`, for a time limit or worker count that is not one.
    """
    t0 = time.monotonic()
    parsed, errors = collect_problem(problem)
    if errors:
        return invalid_result(errors, time.monotonic() - t0).to_dict()
    return solve(parsed, time_limit=time_limit, num_workers=num_workers).to_dict()
