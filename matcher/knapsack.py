"""A tighter bound: each mentor's participants and hours as an exact knapsack.

The LP of :mod:`matcher.colgen` may share a participant between mentors to fill their
hours exactly (on L, 429 of 800 mentors serve a fractional number of participants);
an integer plan cannot. That sharing is the LP's gap: on M, where CP-SAT proves the
optimum, the LP is 0.05-0.55 % above it, and with the hours rows removed the LP *is*
the optimum on every seed measured. So this bound keeps each mentor's rows whole.

Relax rule 2 (each participant at most once) with prices ``pi[p] >= 0`` and rule 9
(slots) with ``sigma[l] >= 0``. What is left falls apart into one problem per mentor:
choose at most ``max_participants`` of its participants and their hours within
``capacity_hours``, each worth its best allowed placement's priced value

    w[p, m](h) = max over l allowed with (p, m) of (A[p, l] - sigma[l])
                 + B[p, m] + coef[p] * h - pi[p],     hours_min <= h <= hours_max

which a dynamic programme over (participants taken, hours used) solves exactly
(:func:`_best_patterns`). By weak duality, for any prices,

    sum(pi) + sigma . slots + sum over mentors of max(0, best pattern value)

bounds every plan: a plan's matches with one mentor are one of its patterns. At the
best prices this is the Dantzig-Wolfe bound of the mentor patterns, which is at least
as strong as the LP (each mentor's LP rows are the relaxation of its knapsack).
At the best prices (found offline by a 110 s column generation over patterns): on
bench M seeds 1 and 4 it *equals* the proved optimum (the LP is 0.55 % and 0.23 %
above), seed 2 0.11 % above (LP 0.38 %); on L, every participant free, 441,790
against the LP's 442,209.

:func:`matcher.compact.optimize_pairs` finds prices by deflected subgradient steps from
the LP's duals (:meth:`matcher.colgen.ColumnGeneration.item_prices`), aimed at the best
plan's value: a step takes 0.02 s on L (the programmes are compiled by numba and cached
on disk), 442,081 at the first step and 441,828 after 2 s on that L. docs/solver.md
section 3b has the figures.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from .pairs import Pairs

# Deflected subgradient steps (DEFLECT of the last direction kept), Polyak-sized towards
# the best plan's value times a factor that halves after a number of steps without a
# better bound and, in a long run, grows by GROW (up to STEP_MAX) after GROW_AFTER better
# bounds in a row. How fast the factor should shrink depends on how many steps the time
# allows (LONG_STEPS or more: a long run). The fastest of the first DECIDE_AFTER steps
# tells: the first steps beside the windows can be slowed down by the windows' start
# (on L1 once 0.5-0.7 s each, against 0.03-0.05 s after), and until then the steps
# follow the short runs' schedule. LONG_STEPS is well below what L gets (a 10 s L1 solve
# makes 126-220 steps; with 150, three of seven fell back to the short schedule) and
# twice what XL gets:
# - long runs (L, 200-650 steps in 6 s): factor 1.0, halved after 15 steps, growing.
#   Measured from the same LP duals against the exact bound of the mentor patterns
#   (column generation over patterns to convergence, 20 s and more), after 6 s on L seeds
#   1 / 3 / 4 / 5 the steps stopped 18-23 / 21-29 / 57-73 / 15-21 above it, against
#   37-43 / 118-136 / 82-91 / 79-83 with the short runs' schedule; on seeds 3 and 5 that
#   factor had shrunk to nothing after 2 s;
# - short runs (XL: 35-70 steps): factor 0.5, halved after 5 steps, never growing. On XL
#   seed 1 growth was ahead after 67 steps (848 above 2.21 M against 1,146) but behind
#   after 35 (1,646 against 1,357), and a 60 s XL solve gets 35-40 steps; starting at 1.0
#   or halving after 8 steps was behind at both.
# docs/solver.md section 3b has the figures.
LONG_STEPS = 100
DECIDE_AFTER = 3


@dataclass(frozen=True)
class Schedule:
    step0: float  # the first factor
    stall: int  # steps without a better bound before it halves
    grow_after: int  # better bounds in a row before it grows (0: never)


SCHEDULES = {"long": Schedule(1.0, 15, 3), "short": Schedule(0.5, 5, 0)}
GROW = 1.5
STEP_MAX = 2.0
DEFLECT = 0.3
# Once asked to settle (the windows are done before the deadline), the steps end after
# SETTLE_STALLS times the run's stall count of steps without a better bound by more than
# SETTLE_GAIN of it: the factor has halved four times and the steps still found nothing.
# With growth the bound can sit still a long while and move after: bench M seed 0
# settled at 47,618 after 20 steps, and after 45 (three halvings), where the same steps
# reach 47,559.
SETTLE_STALLS = 4
SETTLE_GAIN = 1e-6


def _kernel():
    """The compiled dynamic programme (numba is imported and the kernels compiled, or
    loaded from their on-disk cache, on first use only)."""
    return _compiled()[0]


def _compiled():
    global _KERNELS
    if _KERNELS is None:
        import numba

        jit = numba.njit(cache=True, nogil=True)
        _KERNELS = (jit(_best_patterns), jit(_best_placements), jit(_group))
    return _KERNELS


_KERNELS = None


def warm() -> None:
    """Compile the kernels now, or load them from numba's disk cache (about 1.9 s the
    first time on a machine, 0.1-0.2 s after), for the array types a solve passes: one
    mentor pair with one triple. See :func:`matcher.solve.warm`."""
    _highs()  # HiGHS' banner, out of the way (PatternMaster)
    patterns, placements, group = _compiled()
    one32 = np.zeros(1, dtype=np.int32)
    y_start, t_x = group(one32, one32, 1)
    placements(y_start, t_x, np.ones(1), np.zeros(1, dtype=np.int64), np.zeros(1))
    two = np.full(1, 2, dtype=np.int64)
    patterns(np.array([0, 1], dtype=np.int64), np.ones(1), two, two + 1, np.ones(1),
             np.full(1, 10, dtype=np.int64), two, 2, 10, 1)


def _group(t_y, t_x, n_y):
    """The x ids of the triples grouped by y id (stable), and where each group starts:
    a counting sort, so that nothing of 8 bytes per triple is made (XL has 19 M)."""
    start = np.zeros(n_y + 1, dtype=np.int64)
    for k in range(len(t_y)):
        start[t_y[k] + 1] += 1
    for y in range(n_y):
        start[y + 1] += start[y]
    pos = start[:-1].copy()
    out = np.empty(len(t_x), dtype=t_x.dtype)
    for k in range(len(t_y)):
        y = t_y[k]
        out[pos[y]] = t_x[k]
        pos[y] += 1
    return start, out


def _best_placements(y_start, t_x, x_val, x_place, sigma):
    """Per mentor pair ``y`` (triples ``y_start[y]:y_start[y + 1]`` of ``t_x``) the best
    priced placement value ``x_val - sigma`` and its x id (-inf and -1 with none).
    One pass, nothing per triple kept (XL has 19 M)."""
    n_y = len(y_start) - 1
    best = np.full(n_y, -np.inf)
    arg = np.full(n_y, -1, dtype=np.int64)
    for y in range(n_y):
        for k in range(y_start[y], y_start[y + 1]):
            x = t_x[k]
            v = x_val[x] - sigma[x_place[x]]
            if v > best[y]:
                best[y] = v
                arg[y] = x
    return best, arg


# One compiled loop nest: numba cannot call plain helpers, so it stays whole.
def _best_patterns(mptr, w, lo, hi, coef, cap_hours, cap_count, km, hm, most):  # noqa: C901
    """Per mentor ``m`` the best pattern of its items ``mptr[m]:mptr[m + 1]``.

    Item ``j`` at ``h`` hours (``lo[j] <= h <= hi[j]``) is worth
    ``w[j] + coef[j] * (h - lo[j])``; a pattern takes at most ``cap_count[m]`` items and
    ``cap_hours[m]`` hours. Returns (best value per mentor, 0 for the empty pattern;
    hours of each item in its mentor's best pattern, -1 when not in it).
    ``km``/``hm`` bound the counts and hours of every mentor, ``most`` its items.
    """
    n_m = len(mptr) - 1
    val = np.zeros(n_m)
    take = np.full(len(w), -1, dtype=np.int64)
    neg = -1e300
    f = np.empty((km + 1, hm + 1))
    choice = np.empty((most, km + 1, hm + 1), dtype=np.int16)
    for m in range(n_m):
        a, b = mptr[m], mptr[m + 1]
        if a == b:
            continue
        k, c_h = cap_count[m], cap_hours[m]
        f[:k + 1, :c_h + 1] = neg
        f[0, 0] = 0.0
        for j in range(a, b):
            choice[j - a, :k + 1, :c_h + 1] = -1
            lj, r, wj = lo[j], coef[j], w[j]
            uj = min(hi[j], c_h)
            if lj > c_h:
                continue
            for c in range(min(k - 1, j - a), -1, -1):
                for used in range(0, c_h - lj + 1):
                    base = f[c, used]
                    if base <= neg:
                        continue
                    for h in range(lj, min(uj, c_h - used) + 1):
                        v = base + wj + r * (h - lj)
                        if v > f[c + 1, used + h]:
                            f[c + 1, used + h] = v
                            choice[j - a, c + 1, used + h] = h
        best_c, best_h, best_v = 0, 0, 0.0
        for c in range(k + 1):
            for used in range(c_h + 1):
                if f[c, used] > best_v:
                    best_v, best_c, best_h = f[c, used], c, used
        val[m] = best_v
        c, used = best_c, best_h
        for j in range(b - 1, a - 1, -1):
            if c == 0:
                break
            h = choice[j - a, c, used]
            if h >= 0:
                take[j] = h
                c -= 1
                used -= h
    return val, take


@dataclass
class KnapsackBound:
    bound: float  # proved: the best Lagrangian value found, with a float margin
    pi: np.ndarray
    sigma: np.ndarray
    stats: dict = field(default_factory=dict)


class MentorKnapsacks:
    """The Lagrangian of the participant and slot rows with each mentor kept whole.

    Only for a model holding every placement pair (``not pr.truncated``): left-out
    pairs have no triples to price here.
    """

    def __init__(self, pr: Pairs):
        if pr.truncated:
            raise ValueError("the knapsack bound needs every placement pair")
        self.pr = pr
        n_y = len(pr.y_item)
        # The triples grouped by mentor pair, as x ids (4 bytes each: XL has 19 M).
        self.y_start, self.t_x = _compiled()[2](pr.t_y, pr.t_x, n_y)
        self.by_mentor = np.argsort(pr.y_mentor, kind="stable")
        item = pr.y_item
        self.lo = pr.lo[item].astype(np.int64)
        self.hi = pr.hi[item].astype(np.int64)
        self.rate = pr.coef[item].astype(float)
        self.cap_hours = np.maximum(pr.cap_hours, 0).astype(np.int64)
        # Every participant takes at least hours_min >= 1 hours.
        min_lo = max(1, int(pr.lo.min(initial=1)))
        self.cap_count = np.minimum(np.maximum(pr.cap_count, 0),
                                    self.cap_hours // min_lo).astype(np.int64)
        self.n_m = len(pr.cap_hours)
        # The best prices so far, set as run() finds them (one assignment: another
        # thread may read it at any time, see matcher.compact._PatternGuide).
        self.best_prices: tuple[np.ndarray, np.ndarray] | None = None
        self.best_bound = math.inf  # the proved bound at those prices, float margin added

    def patterns(self, pi: np.ndarray, sigma: np.ndarray) -> tuple:
        """Each mentor's best pattern at prices (pi, sigma) >= 0: (value per mentor, and
        per member its y id, x id and hours; members in mentor order)."""
        pr = self.pr
        patterns, placements, _ = _compiled()
        best, arg = placements(self.y_start, self.t_x, pr.x_val, pr.x_place,
                               np.asarray(sigma, dtype=float))
        w = best + pr.y_val + self.rate * self.lo - pi[pr.y_item]
        top = w + self.rate * (self.hi - self.lo)
        ys = self.by_mentor[top[self.by_mentor] > 0]
        mptr = np.searchsorted(pr.y_mentor[ys], np.arange(self.n_m + 1))
        most = int(np.diff(mptr).max(initial=0))
        km = int(self.cap_count.max(initial=0))
        hm = int(self.cap_hours.max(initial=0))
        val, take = patterns(mptr, w[ys], self.lo[ys], self.hi[ys], self.rate[ys],
                             self.cap_hours, self.cap_count, km, hm, max(1, most))
        chosen = take >= 0
        return val, ys[chosen], arg[ys[chosen]], take[chosen]

    def value(self, pi: np.ndarray, sigma: np.ndarray, val: np.ndarray) -> float:
        """The Lagrangian value at (pi, sigma) >= 0 given each mentor's best pattern
        value ``val`` there (a bound on every plan, before the float margin)."""
        return float(pi.sum() + sigma @ self.pr.slots + val.sum())

    def evaluate(self, pi: np.ndarray, sigma: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
        """The Lagrangian value at (pi, sigma) >= 0 (a bound on every plan, before the
        float margin) and its subgradient (per participant, per placement)."""
        pr = self.pr
        val, ys, xs, _ = self.patterns(pi, sigma)
        value = self.value(pi, sigma, val)
        g_pi = 1.0 - np.bincount(pr.y_item[ys], minlength=pr.n_items)
        g_sigma = pr.slots - np.bincount(pr.x_place[xs], minlength=len(pr.slots))
        return value, g_pi, g_sigma

    def run(self, pi: np.ndarray, sigma: np.ndarray, deadline: float,
            target: float, settle: threading.Event | None = None) -> KnapsackBound:
        """Subgradient steps from prices (pi, sigma) aimed at ``target`` (the best plan's
        value) until ``deadline``, or, once ``settle`` is set, until the bound has
        stopped moving (SETTLE_STALLS times the stall count of steps without
        SETTLE_GAIN); the best bound found. The step sizes follow the steps the time
        allows (see SCHEDULES)."""
        t0 = time.monotonic()
        pi = np.maximum(np.asarray(pi, dtype=float), 0.0)
        sigma = np.maximum(np.asarray(sigma, dtype=float), 0.0)
        best, best_at = math.inf, (pi, sigma)
        d_pi, d_sigma = np.zeros_like(pi), np.zeros_like(sigma)
        regime = "short"  # until DECIDE_AFTER steps have been timed
        sched = SCHEDULES[regime]
        theta = sched.step0
        stall, steps, first, fastest = 0, 0, math.inf, math.inf
        better = 0  # better bounds in a row
        moved = 0  # the last step that made the bound better by SETTLE_GAIN
        settled = False
        while True:
            t_step = time.monotonic()
            value, g_pi, g_sigma = self.evaluate(pi, sigma)
            steps += 1
            now = time.monotonic()
            fastest = min(fastest, now - t_step)
            first = value if steps == 1 else first
            if steps == DECIDE_AFTER and deadline - now >= (LONG_STEPS - steps) * fastest:
                regime = "long"
                sched = SCHEDULES[regime]
                theta, stall = sched.step0, 0
            if value < best - 1e-9 * abs(value):
                if value < best - SETTLE_GAIN * abs(value):
                    moved = steps
                best, best_at, stall = value, (pi, sigma), 0
                self.best_prices = best_at
                self.best_bound = _with_margin(best)
                better += 1
                if better == sched.grow_after:
                    theta, better = min(STEP_MAX, theta * GROW), 0
            else:
                stall, better = stall + 1, 0
            if time.monotonic() >= deadline:
                break
            if (settle is not None and settle.is_set()
                    and steps - moved >= SETTLE_STALLS * sched.stall):
                settled = True
                break
            if stall >= sched.stall:
                # Shorter steps from where the steps are (going back to the best prices
                # instead stalled for good on M: the first step from there went up).
                theta, stall = theta / 2, 0
            d_pi = g_pi + DEFLECT * d_pi
            d_sigma = g_sigma + DEFLECT * d_sigma
            norm = float(d_pi @ d_pi + d_sigma @ d_sigma)
            if norm == 0.0 or best <= target:
                break  # the pattern choice is a plan of this value: nothing to tighten
            step = theta * (value - target) / norm
            pi = np.maximum(pi - step * d_pi, 0.0)
            sigma = np.maximum(sigma - step * d_sigma, 0.0)
        stats = {"knap_steps": steps, "knap_first": round(first, 6),
                 "knap_seconds": round(time.monotonic() - t0, 3), "knap_settled": settled,
                 "knap_run": regime}
        return KnapsackBound(_with_margin(best), best_at[0], best_at[1], stats)


class PatternMaster:
    """The exact bound of the mentor patterns on a small model, by column generation.

    The subgradient steps of :meth:`MentorKnapsacks.run` stall short of the best prices
    on models of M's size (section 3b of docs/solver.md), where those prices' bound is
    often the optimum itself. Here the prices come from an LP master over the patterns
    found so far instead (HiGHS' simplex, warm-started from round to round):

        max sum v_c lambda_c   over columns c = (mentor, its participants with a
                                placement and hours each), lambda >= 0, with
        sum of the columns holding participant p    <= 1          (duals pi)
        sum of the columns' uses of placement l     <= slots[l]   (duals sigma)
        sum of the columns of mentor m              <= 1          (duals mu)

    Each round prices every mentor's best pattern at the master's (pi, sigma)
    (:meth:`MentorKnapsacks.patterns`) and adds those worth more than their mentor's
    mu. The Lagrangian value at any (pi, sigma) >= 0 is a proved bound, so the bound is
    the lowest of the rounds' and holds however inexact a master is; once no pattern
    prices out it equals the master, the Dantzig-Wolfe bound of the mentor patterns.
    On M (300 participants, 120 mentors; eight bench seeds) that takes 25-54 rounds and
    0.07-0.86 s from the LP's duals, and equals the proved optimum on seeds 1 and 4.
    On L a master takes 0.7-3.9 s, too slow for a 10 s solve, and the steps stay there.
    """

    def __init__(self, kn: MentorKnapsacks):
        import highspy

        self.kn, self.pr = kn, kn.pr
        self.n_p, self.n_l = self.pr.n_items, len(self.pr.slots)
        self.h = _highs()
        self.h.changeObjectiveSense(highspy.ObjSense.kMaximize)
        self._inf = highspy.kHighsInf
        self._optimal = highspy.HighsModelStatus.kOptimal
        rows = self.n_p + self.n_l + kn.n_m
        upper = np.concatenate([np.ones(self.n_p), self.pr.slots.astype(float), np.ones(kn.n_m)])
        self.h.addRows(rows, np.full(rows, -self._inf), upper, 0, np.zeros(0, np.int32),
                       np.zeros(0, np.int32), np.zeros(0))
        self._seen: set = set()
        self._members: list[np.ndarray] = []  # per column its (item, x id, y id, hours)

    @property
    def columns(self) -> int:
        """Columns in the master."""
        return len(self._members)

    def add(self, ys: np.ndarray, xs: np.ndarray, hours: np.ndarray) -> int:
        """Columns from matches (y id, x id, hours), one per mentor; the new ones."""
        pr = self.pr
        mentor = pr.y_mentor[ys]
        order = np.argsort(mentor, kind="stable")
        ys, xs, hours, mentor = ys[order], xs[order], hours[order], mentor[order]
        cut = np.flatnonzero(np.diff(mentor)) + 1
        cost, start, index, count = [], [], [], []
        n_nz = 0
        for a, b in zip(np.r_[0, cut], np.r_[cut, len(ys)], strict=True):
            if a == b:
                continue
            key = (int(mentor[a]), *sorted(zip(ys[a:b].tolist(), xs[a:b].tolist(),
                                               hours[a:b].tolist(), strict=True)))
            if key in self._seen:
                continue
            self._seen.add(key)
            item = pr.y_item[ys[a:b]]
            cost.append(float((pr.x_val[xs[a:b]] + pr.y_val[ys[a:b]]
                               + pr.coef[item] * hours[a:b]).sum()))
            rows, n = np.unique(np.concatenate([item, self.n_p + pr.x_place[xs[a:b]],
                                                [self.n_p + self.n_l + mentor[a]]]),
                                return_counts=True)
            self._members.append(np.stack([item, xs[a:b], ys[a:b], hours[a:b]], axis=1))
            start.append(n_nz)
            index.append(rows.astype(np.int32))
            count.append(n.astype(float))
            n_nz += len(rows)
        if cost:
            k = len(cost)
            self.h.addCols(k, np.array(cost), np.zeros(k), np.full(k, self._inf), n_nz,
                           np.array(start, dtype=np.int32), np.concatenate(index),
                           np.concatenate(count))
        return len(cost)

    def add_plan(self, plan: dict[int, tuple[int, int, int]]) -> int:
        """Each mentor's part of ``plan`` (item -> (x id, y id, hours)) as a column."""
        if not plan:
            return 0
        got = np.array(list(plan.values()), dtype=np.int64)
        return self.add(got[:, 1], got[:, 0], got[:, 2])

    def plan(self) -> dict[int, tuple[int, int, int]]:
        """A plan from the last master's solution: its columns by weight, each taken
        unless a participant, a placement's slots or the mentor is taken already. After
        :meth:`integer_plan` that is the MIP's plan; from a fractional LP it is a poor
        rounding (M seed 1: 40,222 against the optimum 42,044), hence the MIP."""
        pr = self.pr
        weight = np.asarray(self.h.getSolution().col_value)
        slots = pr.slots.astype(np.int64).copy()
        mentors: set[int] = set()
        out: dict[int, tuple[int, int, int]] = {}
        for c in np.argsort(-weight, kind="stable"):
            if weight[c] <= 1e-6:
                break
            members = self._members[c]
            mentor = int(pr.y_mentor[members[0, 2]])
            need = np.bincount(pr.x_place[members[:, 1]], minlength=len(slots))
            if (mentor in mentors or any(int(i) in out for i in members[:, 0])
                    or (need > slots).any()):
                continue
            mentors.add(mentor)
            slots -= need
            out.update((int(i), (int(x), int(y), int(h))) for i, x, y, h in members)
        return out

    def integer_plan(self, deadline: float,
                     stop: threading.Event | None = None) -> dict[int, tuple[int, int, int]]:
        """The best plan made of the columns found (the master as a MIP, HiGHS, until
        ``deadline`` or ``stop``; ends the master's LP rounds); empty if none was found.
        Not a bound: the optimum may need columns that never priced out. On M from the
        converged master: 0-0.01 % below the optimum, in 0.04-0.85 s on six of eight
        bench seeds."""
        import highspy

        n = self.columns
        if n == 0 or (stop is not None and stop.is_set()):
            return {}
        self.h.changeColsIntegrality(n, np.arange(n, dtype=np.int32),
                                     np.full(n, highspy.HighsVarType.kInteger))
        self.h.setOptionValue("time_limit", max(0.01, deadline - time.monotonic()))
        self.h.setOptionValue("mip_rel_gap", MIP_GAP)
        if stop is not None:
            self.h.cbMipInterrupt += lambda event: event.interrupt() if stop.is_set() else None
        self.h.run()
        if self.h.getInfo().primal_solution_status != 2:  # no feasible solution
            return {}
        return self.plan()

    def run(self, pi: np.ndarray, sigma: np.ndarray, deadline: float,
            stop: threading.Event | None = None,
            lower: Callable[[float], None] | None = None) -> KnapsackBound:
        """Rounds from prices (pi, sigma) until no pattern prices out, ``deadline`` or
        ``stop``; ``lower(bound)`` hears of every better bound (with its margin)."""
        kn, pr = self.kn, self.pr
        t0 = time.monotonic()
        pi = np.maximum(np.asarray(pi, dtype=float), 0.0)
        sigma = np.maximum(np.asarray(sigma, dtype=float), 0.0)
        mu = np.zeros(kn.n_m)
        best, best_at, rounds, converged = math.inf, (pi, sigma), 0, False
        while True:
            val, ys, xs, hours = kn.patterns(pi, sigma)
            rounds += 1
            value = kn.value(pi, sigma, val)
            if value < best:
                best, best_at = value, (pi, sigma)
                if lower is not None:
                    lower(_with_margin(best))
            pays = val > mu + 1e-9 * np.abs(val) + 1e-7
            left = deadline - time.monotonic()
            if not pays.any():
                converged = True
                break
            if left <= 0 or (stop is not None and stop.is_set()):
                break
            chosen = pays[pr.y_mentor[ys]]
            self.add(ys[chosen], xs[chosen], hours[chosen])
            self.h.setOptionValue("time_limit", max(0.01, left))
            self.h.run()
            if self.h.getModelStatus() != self._optimal:
                break
            dual = np.asarray(self.h.getSolution().row_dual)
            if dual.sum() < 0:  # HiGHS' sign convention when maximising (all one sign)
                dual = -dual
            dual = np.maximum(dual, 0.0)  # any prices >= 0 give a proved bound
            pi, sigma = dual[:self.n_p], dual[self.n_p:self.n_p + self.n_l]
            mu = dual[self.n_p + self.n_l:]
        stats = {"pattern_rounds": rounds, "pattern_columns": self.columns,
                 "pattern_seconds": round(time.monotonic() - t0, 3),
                 "pattern_converged": converged}
        return KnapsackBound(_with_margin(best), best_at[0], best_at[1], stats)


# The master as a MIP stops within this share of its own optimum.
MIP_GAP = 1e-6
_BANNER_LOCK = threading.Lock()
_BANNER_SHOWN = False


def _highs():
    """A silent HiGHS. The first one in a process prints HiGHS' banner to stdout
    before any option can be set, which would spoil `matcher solve`'s result on stdout,
    so that one is made with stdout pointed at /dev/null."""
    global _BANNER_SHOWN
    import os
    import sys

    import highspy

    with _BANNER_LOCK:
        if _BANNER_SHOWN:
            h = highspy.Highs()
        else:
            sys.stdout.flush()
            saved, null = os.dup(1), os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, 1)
            try:
                h = highspy.Highs()
            finally:
                os.dup2(saved, 1)
                os.close(saved)
                os.close(null)
            _BANNER_SHOWN = True
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", 1)
    return h


def _with_margin(value: float) -> float:
    """A Lagrangian value as a proved bound: with a margin for float error."""
    return value + 1e-9 * abs(value) + 1e-6
