"""A proved bound and a good start from pricing the mentors (rule 10).

Relax rule 10 with prices ``mu[m] >= 0`` per participant and ``nu[m] >= 0`` per
hour of mentor ``m``. What is left (each participant at most one match, each
placement at most its slots) is a transportation problem: the arc (p, l) is worth

    A[p, l] + max over mentors m allowed with (p, l) of
              B[p, m] - mu[m] + max(lo * (coef - nu[m]), hi * (coef - nu[m]))

and OR-Tools' min-cost flow solves it exactly in milliseconds. By weak duality,
that flow's value plus ``mu . max_participants + nu . capacity_hours`` bounds
every solution, whatever the prices; arc values are rounded up to 1/SCALE so the
integer flow still bounds the float objective. Subgradient steps on the prices
tighten the bound. It has the strength of the LP relaxation of the triple model,
like relaxing every capacity row at once, but the slot rows are kept exact, so it gets there
in far fewer steps (measured on L: 430k after 5 s, against 433k after 40 s).

Every few steps the flow's choice of placements is repaired into a feasible plan
(:func:`repair`): the most valuable placement pairs first, each participant takes
its best priced mentor with room, at ``hours_min``; participants left
without a mentor are offered whatever remains; then every mentor's spare hours
go to its participants, highest hourly value first, up to ``hours_max``.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np
from ortools.graph.python import min_cost_flow

from .pairs import Dropped, Pairs, runs

# Arc values are integers in 1/SCALE units for the flow (rounded up for the bound).
SCALE = 1000.0
# Repair the flow's choice into a plan every this many steps (and on a new best bound).
REPAIR_EVERY = 4
# Polyak steps aimed at the best plan's value, this factor at first, halved after STALL
# steps without a better bound (measured on L, 4 s: 0.5/15 reach 430.4k; 0.5/5 stay
# at the first bound, 431.6k, because the first steps overshoot). With the tied mentors
# spread (tied_triples), XL at 60 s: 0.25 -> gap 1.96 %, 0.5 -> 1.70 %, 1.0 -> 1.60 %,
# 2.0 -> 1.62 %; L (which moves on to the LP after 20 % of its time) does not notice.
STEP0 = 1.0
STALL = 15
BACKOFF = 0.8


def transport(n_items: int, item: np.ndarray, place: np.ndarray, value: np.ndarray,
              slots: np.ndarray) -> tuple[float, np.ndarray]:
    """Best total ``value`` of arcs with each item once and each place within its slots.

    Returns (an upper bound on that best total: exact up to rounding each value up
    to 1/SCALE, the indices of the chosen arcs).
    """
    pos = np.flatnonzero(value > 0)
    if len(pos) == 0:
        return 0.0, pos
    items = np.unique(item[pos])
    places = np.unique(place[pos])
    node_i = np.searchsorted(items, item[pos])
    node_l = len(items) + np.searchsorted(places, place[pos])
    sink = len(items) + len(places)
    flow = min_cost_flow.SimpleMinCostFlow()
    one = np.ones(len(pos), dtype=np.int64)
    cost = -np.ceil(value[pos] * SCALE).astype(np.int64)
    arcs = flow.add_arcs_with_capacity_and_unit_cost(node_i, node_l, one, cost)
    k = len(items)
    flow.add_arcs_with_capacity_and_unit_cost(np.arange(k), np.full(k, sink),
                                              np.ones(k, dtype=np.int64),
                                              np.zeros(k, dtype=np.int64))
    flow.add_arcs_with_capacity_and_unit_cost(len(items) + np.arange(len(places)),
                                              np.full(len(places), sink),
                                              slots[places].astype(np.int64),
                                              np.zeros(len(places), dtype=np.int64))
    flow.set_nodes_supplies(np.r_[np.arange(k), sink], np.r_[np.ones(k, dtype=np.int64), -k])
    status = flow.solve()
    if status != flow.OPTIMAL:  # cannot happen for this network; never claim a bound
        return math.inf, np.zeros(0, dtype=np.int64)
    chosen = pos[flow.flows(arcs) > 0]
    return -flow.optimal_cost() / SCALE, chosen


@dataclass
class PricedPlan:
    bound: float
    plan: dict[int, tuple[int, int, int]]
    value: float
    stats: dict = field(default_factory=dict)


class MentorPrices:
    """Subgradient search over mentor prices; see the module docstring."""

    def __init__(self, pr: Pairs):
        self.pr = pr
        self.tx, self.ty = pr.t_x, pr.t_y  # sorted by x id (build_pairs)
        self.n_x = len(pr.x_item)
        self.start = np.searchsorted(self.tx, np.arange(self.n_x + 1))
        # Per triple only 4-byte ids are kept (XL has 8 M triples).
        self.tm = pr.y_mentor[self.ty].astype(np.int32)
        self.has = np.diff(self.start) > 0
        # For fill(): each participant's x ids and its best placement value.
        self.x_ptr = np.searchsorted(pr.x_item, np.arange(pr.n_items + 1))
        self.best_x = np.full(pr.n_items, -np.inf)
        np.maximum.at(self.best_x, pr.x_item, pr.x_val)
        # The prices of the best bound so far (a start for matcher.colgen).
        self.best_mu = np.zeros(len(pr.cap_hours))
        self.best_nu = np.zeros(len(pr.cap_hours))

    def arc_values(self, mu: np.ndarray, nu: np.ndarray) -> tuple[np.ndarray, np.ndarray,
                                                                  np.ndarray]:
        """Per x pair its priced value; per triple its priced value; per y pair its hours.

        A triple's priced value is its mentor pair's, so it is computed per y pair
        and then spread over the triples (one gather instead of five). The hours stay
        per y pair (``h_y[ty[k]]`` for triple k): spreading them too cost XL a second
        gather of 19 M values a step.
        """
        pr = self.pr
        rate = pr.coef[pr.y_item] - nu[pr.y_mentor]
        h_y = np.where(rate > 0, pr.hi[pr.y_item], pr.lo[pr.y_item])
        tv = (pr.y_val - mu[pr.y_mentor] + rate * h_y)[self.ty]
        best = np.full(self.n_x, -np.inf)
        if len(tv):
            best[self.has] = np.maximum.reduceat(tv, self.start[:-1][self.has])
        return pr.x_val + best, tv, h_y

    def evaluate(self, mu: np.ndarray, nu: np.ndarray):
        """The bound at these prices and what the flow chose.

        Returns (bound, chosen x ids, triple values, hours per y pair, mentors and
        hours that the chosen left-out pairs were priced with).
        """
        pr = self.pr
        arc, tv, h = self.arc_values(mu, nu)
        item, place, value = pr.x_item, pr.x_place, arc
        d = pr.dropped
        who = np.zeros(0, dtype=np.int64)
        if d is not None and len(d.item):
            extra, who = dropped_values(pr, d, mu, nu)
            item = np.concatenate([item, d.item])
            place = np.concatenate([place, d.place])
            value = np.concatenate([value, extra])
        flow, chosen = transport(pr.n_items, item, place, value, pr.slots)
        bound = flow + float(mu @ pr.cap_count) + float(nu @ pr.cap_hours)
        out = chosen[chosen >= self.n_x] - self.n_x
        return (bound, chosen[chosen < self.n_x], tv, h, who[out],
                pr.lo[d.item[out]] if len(out) else np.zeros(0, dtype=np.int64))

    def run(self, target: float, deadline: float,
            start: dict[int, tuple[int, int, int]] | None = None) -> PricedPlan:
        """Search prices until ``deadline``; return the best bound and best repaired plan."""
        pr = self.pr
        n_m = len(pr.cap_hours)
        mu, nu = np.zeros(n_m), np.zeros(n_m)
        cnt, hrs = pr.cap_count.astype(float), pr.cap_hours.astype(float)
        scale = max(1.0, float(pr.hi.mean())) if len(pr.hi) else 1.0
        best_bound = math.inf
        best_plan = dict(start or {})
        best_value = plan_value(pr, best_plan)
        step_scale, stall, steps, repairs = STEP0, 0, 0, 0
        last = math.inf
        t_repair = 0.0
        last_step = 0.0
        while time.monotonic() + last_step < deadline:  # a step must fit in what is left
            t_step = time.monotonic()
            bound, inside, tv, h, out_m, out_h = self.evaluate(mu, nu)
            steps += 1
            improved = bound < best_bound - 1e-9 * abs(bound)
            if improved:
                best_bound, stall = bound, 0
                self.best_mu, self.best_nu = mu, nu
            else:
                stall += 1
                if stall >= STALL:
                    step_scale, stall = step_scale / 2, 0
            if bound > last + 1e-9 * abs(bound):  # overshot: shorter steps at once
                step_scale *= BACKOFF
            last = bound
            if (improved or steps % REPAIR_EVERY == 1) and time.monotonic() < deadline:
                t = time.monotonic()
                plan = repair(pr, self, inside, tv)
                t_repair += time.monotonic() - t
                repairs += 1
                value = plan_value(pr, plan)
                if value > best_value:
                    best_plan, best_value = plan, value
            # The priced best mentors of each chosen placement pair, for the step.
            pick, wt = self.tied_triples(inside, tv)
            tm = np.concatenate([self.tm[pick], out_m])
            wt = np.concatenate([wt, np.ones(len(out_m))])
            used_h = np.concatenate([h[self.ty[pick]], out_h]).astype(float)
            g_c = cnt - np.bincount(tm, weights=wt, minlength=n_m)
            g_h = (hrs - np.bincount(tm, weights=used_h * wt, minlength=n_m)) / scale
            g_c = np.where((mu <= 0) & (g_c > 0), 0.0, g_c)
            g_h = np.where((nu <= 0) & (g_h > 0), 0.0, g_h)
            norm = float(g_c @ g_c + g_h @ g_h)
            if norm <= 0 or step_scale < 1e-6:
                break
            aim = max(target, best_value)
            step = step_scale * max(bound - aim, 1e-6 * abs(bound)) / norm
            mu = np.maximum(0.0, mu - step * g_c)
            nu = np.maximum(0.0, nu - step * g_h / scale)
            last_step = time.monotonic() - t_step
        stats = {"price_steps": steps, "price_repairs": repairs,
                 "price_repair_seconds": round(t_repair, 3)}
        if not math.isfinite(best_bound):
            return PricedPlan(math.inf, best_plan, best_value, stats)
        margin = 1e-9 * abs(best_bound) + 1e-6
        return PricedPlan(best_bound + margin, best_plan, best_value, stats)

    def tied_triples(self, xs: np.ndarray, tv: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Every best-valued triple of each x id in ``xs``, weighted 1 / (number tied).

        The flow's chosen pair may use any of its tied mentors, so the subgradient
        spreads its use over all of them (an average of subgradients is one). Counting
        only the first of them, as before, made an unpriced mentor look overused while
        its tied colleagues sat idle; measured with spreading: XL's priced plan 2.117 M ->
        2.171 M after 15 s and the 60 s gap 3.6 % -> 1.8 %; L after 1.6 s bound 431.4 k
        -> 430.7 k, plan 419.0 k -> 422.8 k.
        """
        if len(xs) == 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        lens = self.start[xs + 1] - self.start[xs]
        idx = runs(self.start[xs], lens)
        grp = np.repeat(np.arange(len(xs)), lens)
        vals = tv[idx]
        best = np.full(len(xs), -np.inf)
        np.maximum.at(best, grp, vals)
        tied = vals >= best[grp] - 1e-9 * np.maximum(1.0, np.abs(best[grp]))
        n_tied = np.bincount(grp[tied], minlength=len(xs))
        return idx[tied], 1.0 / n_tied[grp[tied]]


def dropped_values(pr: Pairs, d: Dropped, mu: np.ndarray,
                   nu: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Priced upper values of the placement pairs a truncated search left out, and the
    mentor that gives each (for the subgradient; -1 where none can).

    For every mentor ``m`` and participant p with ``c = coef[p] >= 0``:
    ``max(lo (c - nu), hi (c - nu)) - mu <= hi c - lo nu - mu``, so a pair's mentor
    part is at most its unpriced best (``d.value``) plus the largest
    ``-mu[m] - lo nu[m]`` among the mentors that may go with the placement; mentors
    whose hours are below ``lo`` cannot take p at all. Computed once per distinct
    ``hours_min``, over placements, never over the left-out triples. (Restricting
    the mentors to each class of needs was measured on XL: 0.08 % lower bound for
    a step five times slower.)
    """
    lo_of = pr.lo[d.item]
    out = np.full(len(d.item), -np.inf)
    who = np.full(len(d.item), -1, dtype=np.int64)
    n_l = len(d.mentor_ptr) - 1
    has = np.diff(d.mentor_ptr) > 0
    seg = np.repeat(np.arange(n_l), np.diff(d.mentor_ptr))
    for lo in np.unique(lo_of).tolist():
        val = -mu[d.mentor] - lo * nu[d.mentor]
        ok = pr.cap_hours[d.mentor] >= lo
        val = np.where(ok, val, -np.inf)
        best = np.full(n_l, -np.inf)
        arg = np.full(n_l, -1, dtype=np.int64)
        if len(val):
            best[has] = np.maximum.reduceat(val, d.mentor_ptr[:-1][has])
            top = np.flatnonzero((val == best[seg]) & ok)
            arg[seg[top[::-1]]] = d.mentor[top[::-1]]  # the first best mentor wins
        sel = lo_of == lo
        out[sel] = d.value[sel] + best[d.place[sel]]
        who[sel] = arg[d.place[sel]]
    return out, who


def plan_value(pr: Pairs, plan: dict[int, tuple[int, int, int]]) -> float:
    """Section-3 value of a plan ``item -> (x id, y id, hours)``."""
    return sum(float(pr.x_val[xi] + pr.y_val[yi] + pr.coef[pr.x_item[xi]] * h)
               for xi, yi, h in plan.values())


def repair(pr: Pairs, mp: MentorPrices, xs: np.ndarray,
           tv: np.ndarray) -> dict[int, tuple[int, int, int]]:
    """A feasible plan from the flow's placement pairs ``xs`` (see the module docstring).

    The most valuable placement pairs choose their mentor first; ties go to the one
    with fewer mentor options. (Fewest options first was measured against it, same
    prices: L 421.4k vs 422.5k after 4 s and 421.4k vs 423.0k after 6 s of pricing,
    XL 2.053M vs 2.085M after 15 s; only after 2 s on L was it ahead, 419.0k vs 417.1k.)
    """
    slots = pr.slots.astype(np.int64).copy()
    count = pr.cap_count.astype(np.int64).copy()
    hours = pr.cap_hours.astype(np.int64).copy()
    plan: dict[int, tuple[int, int, int]] = {}
    start, ty, tm = mp.start, mp.ty, mp.tm
    n_opts = start[xs + 1] - start[xs]
    for xi in xs[np.lexsort((n_opts, -pr.x_val[xs]))].tolist():
        i = int(pr.x_item[xi])
        li = int(pr.x_place[xi])
        if slots[li] <= 0:
            continue
        lo = int(pr.lo[i])
        a, b = int(start[xi]), int(start[xi + 1])
        seg = np.arange(a, b)
        ms = tm[seg]
        ok = (count[ms] > 0) & (hours[ms] >= lo)
        if not ok.any():
            continue
        seg = seg[ok]
        k = int(seg[np.argmax(tv[seg])])
        take(plan, (slots, count, hours), i, xi, int(ty[k]), li, int(tm[k]), lo)
    fill(pr, mp, plan, slots, count, hours)
    top_up(pr, plan, hours)
    return plan


def take(plan: dict, caps: tuple[np.ndarray, np.ndarray, np.ndarray], i: int, xi: int,
         yi: int, li: int, mj: int, hours: int) -> None:
    """Plan participant ``i`` on (x ``xi``, y ``yi``) at ``hours``; take it off
    ``caps`` = (slots, mentor participants, mentor hours)."""
    plan[i] = (xi, yi, hours)
    caps[0][li] -= 1
    caps[1][mj] -= 1
    caps[2][mj] -= hours


def fill(pr: Pairs, mp: MentorPrices, plan: dict, slots: np.ndarray, count: np.ndarray,
         hours: np.ndarray) -> None:
    """Offer every unplanned participant its best remaining triple at ``hours_min``."""
    x_ptr, best_x = mp.x_ptr, mp.best_x
    free = np.flatnonzero(np.isfinite(best_x))
    free = free[[int(i) not in plan for i in free]]
    for i in free[np.argsort(-(best_x[free] + pr.coef[free] * pr.lo[free]),
                             kind="stable")].tolist():
        a, b = int(mp.start[x_ptr[i]]), int(mp.start[x_ptr[i + 1]])
        if a == b:
            continue
        seg = np.arange(a, b)
        xs = mp.tx[seg]
        ms = mp.tm[seg]
        lo = int(pr.lo[i])
        val = pr.x_val[xs] + pr.y_val[mp.ty[seg]] + pr.coef[i] * lo
        ok = (slots[pr.x_place[xs]] > 0) & (count[ms] > 0) & (hours[ms] >= lo) & (val > 0)
        if not ok.any():
            continue
        k = int(seg[ok][np.argmax(val[ok])])
        xi = int(mp.tx[k])
        take(plan, (slots, count, hours), i, xi, int(mp.ty[k]), int(pr.x_place[xi]),
             int(mp.tm[k]), lo)


def top_up(pr: Pairs, plan: dict, hours: np.ndarray) -> None:
    """Spare mentor hours to planned participants, highest hourly value first.

    With the matches fixed this is optimal: every extra hour of a participant is
    worth its ``coef`` and uses one hour of its own mentor only.
    """
    order = sorted(plan, key=lambda i: -float(pr.coef[i]))
    for i in order:
        xi, yi, h = plan[i]
        if pr.coef[i] <= 0:
            continue
        mj = int(pr.y_mentor[yi])
        add = int(min(int(pr.hi[i]) - h, hours[mj]))
        if add > 0:
            plan[i] = (xi, yi, h + add)
            hours[mj] -= add
