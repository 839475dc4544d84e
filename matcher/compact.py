"""Optimise the two-index model (see :mod:`matcher.pairs`): greedy start, bounds, CP-SAT.

CP-SAT model, all integer after scaling the objective:

- ``x[p, l]``, ``y[p, m]`` booleans; per participant ``sum x == sum y <= 1``;
- compatibility rows: ``y => or(x in N)`` (sub) or ``at_most_one(y, x not in N)`` (clique);
- rule 9 per placement on x, rule 10 participants per mentor on y;
- rule 10 hours, only for mentors whose hours can run out: extra hours
  ``e[p, m]`` in ``[0, hi - lo]`` with ``e <= (hi - lo) * y`` and
  ``sum(lo * y + e) <= capacity``; other mentors give every participant ``hi``.

The rounding of the scaled objective is tracked per participant so that the bound
handed back is a valid bound of the true float objective.
"""

from __future__ import annotations

import collections
import json
import math
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from ortools.sat.python import cp_model

from .colgen import ColumnGeneration
from .knapsack import MentorKnapsacks, PatternMaster
from .localsearch import LocalSearch, sub_triples
from .mentorlag import MentorPrices, plan_value
from .pairs import Pairs, compatible, runs
from .schema import Problem

# Models with more placement pairs than this get a bound and a start from mentor prices
# (measured: M is proved by CP-SAT alone; L's CP-SAT bound stays trivial): SUB_SHARE of
# the time left for the subgradient (matcher.mentorlag), until LP_SHARE for the LP by
# column generation (matcher.colgen), the rest for windows. The master LP is solved by
# PDLP (XL: a round in 0.3-1.4 s where HiGHS' interior point takes 10 s; L: the LP
# bound after 3.2 s instead of 4.9 s); LP_MASTER=ipm is the exact alternative.
PRICES_FROM = 5000
# Windows leave out the pairs whose LP reduced cost is below -PRUNE_SHARE times the
# start plan's value per match (matcher.compact.prune; about 3 points on L and XL).
PRUNE_SHARE = float(os.environ.get("MATCHER_PRUNE_SHARE", "0.01"))
LP_MASTER = os.environ.get("MATCHER_LP_MASTER", "pdlp")
# SUB_SHARE 0.1 since the compiled moves and ruin and recreate (2026-12-06; before, 0.2):
# L 10 s, three runs each, alternating: L1 gap 0.110 / 0.130 / 0.121 % against
# 0.120 / 0.141 / 0.139 % with 0.2, L3 0.110 / 0.102 / 0.151 % against
# 0.124 / 0.121 / 0.219 %; 0.05 was no better (L1 0.115 / 0.107 / 0.099 %,
# L3 0.144 / 0.145 / 0.174 %); XL 60 s 0.283 % against 0.277 %.
SUB_SHARE = float(os.environ.get("MATCHER_SUB_SHARE", "0.1"))
LP_SHARE = float(os.environ.get("MATCHER_LP_SHARE", "0.75"))
# After the LP, this share of the time tightens the bound with each mentor's participants
# and hours as an exact knapsack (matcher.knapsack), from the LP's duals.
KNAP_SHARE = float(os.environ.get("MATCHER_KNAP_SHARE", "0.15"))
# Not started with less time than this (its first step compiles or loads the kernel).
KNAP_MIN_SECONDS = 0.2
# With two or more workers the knapsack steps run beside the windows instead, on the
# core CP-SAT's single window worker leaves idle, until the windows end.
KNAP_THREAD = os.environ.get("MATCHER_KNAP_THREAD", "1") == "1"
# Participants per window when the whole model is too big for CP-SAT (measured on L:
# windows of 20-30 improve most per second; 60 and more spend the time in presolve).
WINDOW = 25
# Where participants have many options (more than DENSE_PAIRS placement and mentor pairs
# each, of those with any, in the windows' model) windows start smaller, down to
# WINDOW_MIN: on the demo region's large caseload (125 pairs a participant; L has 17,
# XL about 29) 4 s of windows from one start gained +399 with 25, +448 with 15, +487
# with 10.
DENSE_PAIRS = 40
WINDOW_MIN = 10
# Once windows of one size improve nothing in a whole round, they double, up to this.
WINDOW_MAX = 100
WINDOW_CYCLE = os.environ.get("MATCHER_WINDOW_CYCLE", "1") == "1"
WINDOW_SECONDS = 2.0
# The windows end once the plan is within this share of the best proved bound: on the
# region shape (450 participants against 3,000 placements and 4,000 mentors) the plan
# was 0.0005 % below the bound after 4 s and the windows spent 22 s more finding 0.
STOP_GAP = float(os.environ.get("MATCHER_STOP_GAP", "1e-5"))
# A window's CP-SAT run is stopped after WINDOW_CAP times the median of the last
# CAP_SAMPLE runs (once CAP_SAMPLE/4 are in; at least CAP_FLOOR seconds): a few windows
# take 100-650 ms where the median takes 8 ms, and stopped early they still hand back
# the best they found. 0 keeps WINDOW_SECONDS only.
WINDOW_CAP = float(os.environ.get("MATCHER_WINDOW_CAP", "5"))
CAP_SAMPLE = 100
CAP_FLOOR = 0.005
# Windows grown from mentors (_MentorChains) take turns with the sweeps, TURN windows at
# a time, each kind's time in proportion to its recent gain per second (an average that
# keeps RATE_MEMORY of the past at each turn), at least FLOOR of it.
MENTOR_CHAINS = os.environ.get("MATCHER_MENTOR_CHAINS", "1") == "1"
# Measured on L from the same LP plan, gain in 5 s / 20 s of windows (sweeps alone
# +1,163-1,242 / +1,285-1,486): this +1,389 / +1,803; turns of 50 +1,514 / +1,722;
# always the kind of the better rate with the other every 8th turn +1,272 / +1,784;
# sweeps alone for the first order, then turns, +1,489 / +1,800. On XL (20 s from its
# LP plan) every mix lost a little to the sweeps alone: +3,960-4,390 against
# +4,447-4,714; there the sweeps' first pass still improves most windows when the
# time is up.
TURN = 20
RATE_MEMORY = 0.5
FLOOR = 0.15
# A third kind of window: chains from the mentors the plan packs worst at the
# knapsack's prices, with their best patterns first (_PatternGuide); 0 leaves it out.
# Measured (same start, 5 s of windows, two starts per instance) against the sweeps
# and random chains alone: L1 +15 / +110, L3 +430 / +179, L4 +3 / +27, L5 +138 / -185;
# in place of the random chains instead of beside them it lost on L3 and L5.
PATTERN_GUIDE = os.environ.get("MATCHER_PATTERN_GUIDE", "1") == "1"
# A mentor's loss below this (points of the objective) counts as packed well.
LOSS_MIN = 0.01
# The guide also names unmatched participants the bound prices (see _PatternGuide.worst).
UNMATCHED_GUIDE = os.environ.get("MATCHER_UNMATCHED_GUIDE", "1") == "1"
# Turns before the guide is asked again when it had no mentor new.
GUIDE_WAIT = 5
# Before the windows, compiled moves of one participant, or of two where one makes room
# for the other (matcher.localsearch), take the easy gains. Same start, 5 s, L seeds
# 1/3/4/5: windows alone +1,507 / +1,582 / +1,603 / +1,545; the moves first +1,811 /
# +1,949 / +1,884 / +1,559; the moves again in turns whenever windows changed the plan
# +1,714 / +1,886 / +1,786 / +1,643. MATCHER_MOVES=0 leaves them out.
MOVES = os.environ.get("MATCHER_MOVES", "1") == "1"
# The moves start from each of the LP's roundings while they have used less than this
# share of the time left (on L 0.1-0.4 s each, on XL 4-8 s: XL takes the best only).
# The best rounding is not always the best after the moves (L seeds 1/4/5: another one
# ended 105 / 223 / 351 higher).
MOVES_SHARE = 0.15
# Ruin and recreate (LocalSearch.ruin) as a fourth kind of turn beside the windows,
# RUIN_TURN seconds a turn; MATCHER_RUIN=0 leaves it out. Turns of 0.5 s against 0.2 s
# (fewer conversions between the plan and the kernel's arrays, about 15 ms each on L),
# same start, 5 s, L seeds 1/3/4/5, two runs each: +137 / +5, +45 / -24, +57 / +79,
# +27 / +134.
RUIN = os.environ.get("MATCHER_RUIN", "1") == "1"
RUIN_TURN = 0.5
# With the knapsack guide (_PatternGuide), half the tries start at its RUIN_FOCUS worst
# mentors. Same start, 5 s, L seeds 1/3/4/5, two runs each, against uniform tries:
# 50 +152 / -29, +105 / -5, +317 / +115, +97 / +4; 150 +56 / +77, +65 / +83,
# -116 / +151, +18 / +6. 0 leaves the focus out.
RUIN_FOCUS = int(os.environ.get("MATCHER_RUIN_FOCUS", "50"))
# Measured: CP-SAT proves M (1.4k pairs) but does not get past presolve of L (71k
# pairs) in 10 s on a loaded 2-core machine; bigger models are improved by windows.
WHOLE_MODEL_PAIRS = 20_000
# Whole models with two or more workers: the LP's plan and windows beside CP-SAT
# (_WindowsBeside) when more than BESIDE_MIN_SECONDS are left; the LP gets at most
# BESIDE_LP_SECONDS and BESIDE_LP_SHARE of the time. MATCHER_BESIDE=none switches it
# off (bench/beside.py compares the two).
BESIDE = os.environ.get("MATCHER_BESIDE", "windows") == "windows"
BESIDE_MIN_SECONDS = 1.0
BESIDE_LP_SECONDS = 2.0
BESIDE_LP_SHARE = 0.3
# Beside CP-SAT, after the LP: the exact bound of the mentor patterns (PatternMaster) in
# at most this share of the time left, then the MIP over its columns in at most this
# share of what is left then. On M the bound takes 0.07-0.86 s, and on bench seeds 1
# and 4 it is the optimum, so a plan from beside that reaches it is proved optimal.
PATTERNS = os.environ.get("MATCHER_PATTERNS", "1") == "1"
PATTERN_SHARE = 0.25
# A plan within this share of a proved bound counts as proved optimal (CP-SAT's own
# relative gap limit on whole models, and the beside thread's test of a plan).
PROOF_GAP = 2e-7
# Below this many seconds left, CP-SAT is not started at all (its model alone takes longer).
MIN_CP_SAT_SECONDS = 0.05
# The scaled objective stays below this: large coefficients hurt CP-SAT's LP.
SCALE_TOTAL = float(os.environ.get("MATCHER_SCALE_TOTAL", "1e12"))


class _CpModel(cp_model.CpModel):
    """A CpModel without the camelCase aliases that OR-Tools adds to every new model
    (nothing here calls them): ~1 ms a model, a tenth of a window's time on L."""

    def _add_pre_pep8_methods(self) -> None:
        pass


@dataclass
class PairPlan:
    """Chosen (placement, mentor, hours) per item, with a valid bound on the best value."""

    chosen: dict[int, tuple[int, int, int]]
    value: float
    bound: float
    stats: dict = field(default_factory=dict)


def binding_mentors(pr: Pairs) -> np.ndarray:
    """Mentors whose hours can run out: their ``max_participants`` largest maxima exceed hours."""
    n_m = len(pr.cap_hours)
    out = np.zeros(n_m, dtype=bool)
    if len(pr.y_item) == 0:
        return out
    order = np.lexsort((-pr.hi[pr.y_item], pr.y_mentor))
    ms, his = pr.y_mentor[order], pr.hi[pr.y_item][order]
    starts = np.searchsorted(ms, np.arange(n_m))
    rank = np.arange(len(ms)) - starts[ms]
    top = np.bincount(ms, weights=his * (rank < pr.cap_count[ms]), minlength=n_m)
    out[:] = top > pr.cap_hours
    return out


def greedy(problem: Problem, pr: Pairs) -> dict[int, tuple[int, int, int]]:
    """Participants best-first; each takes its best compatible pair that capacity allows.

    Returns ``item -> (x id, y id, hours)``.
    """
    n_p = pr.n_items
    x_ptr = np.concatenate([[0], np.cumsum(np.bincount(pr.x_item, minlength=n_p))])
    y_ptr = np.concatenate([[0], np.cumsum(np.bincount(pr.y_item, minlength=n_p))])
    best_x = np.full(n_p, -np.inf)
    np.maximum.at(best_x, pr.x_item, pr.x_val)
    top = best_x + pr.coef * pr.hi
    slots, count, hours = pr.slots.copy(), pr.cap_count.copy(), pr.cap_hours.copy()
    y_top = float(pr.y_val.max(initial=0.0))
    out: dict[int, tuple[int, int, int]] = {}
    for i in np.argsort(-top, kind="stable"):
        if not math.isfinite(top[i]):
            break
        xs = np.arange(x_ptr[i], x_ptr[i + 1])
        xs = xs[slots[pr.x_place[xs]] > 0]
        if len(xs) == 0:
            continue
        ys = np.arange(y_ptr[i], y_ptr[i + 1])
        mj = pr.y_mentor[ys]
        ys = ys[(count[mj] > 0) & (hours[mj] >= pr.lo[i])]
        if len(ys) == 0:
            continue
        yv = pr.y_val[ys] + pr.coef[i] * np.minimum(pr.hi[i], hours[pr.y_mentor[ys]])
        ys = ys[np.argsort(-yv, kind="stable")]
        yv = -np.sort(-yv)
        xs = xs[np.argsort(-pr.x_val[xs], kind="stable")]
        days = problem.participants[i].days
        best, pick = 0.0, None
        cap = min(y_top, float(yv[0])) if len(yv) else 0.0
        for xi in xs:
            if pr.x_val[xi] + cap <= best:
                break
            li = int(pr.x_place[xi])
            for yi, v in zip(ys, yv, strict=True):
                if pr.x_val[xi] + v <= best:
                    break
                if compatible(problem, pr, days, li, int(pr.y_mentor[yi])):
                    best, pick = float(pr.x_val[xi] + v), (int(xi), int(yi))
                    break
        if pick is None:
            continue
        xi, yi = pick
        mj = int(pr.y_mentor[yi])
        h = int(min(pr.hi[i], hours[mj]))
        out[int(i)] = (xi, yi, h)
        slots[pr.x_place[xi]] -= 1
        count[mj] -= 1
        hours[mj] -= h
    return out


def _scale(pr: Pairs) -> float:
    top = (float(np.abs(pr.x_val).max(initial=0.0)) + float(np.abs(pr.y_val).max(initial=0.0))
           + float((np.abs(pr.coef) * pr.hi).max(initial=0.0)))
    total = top * max(1, len(np.unique(pr.x_item))) + 1.0
    return 10.0 ** min(9, max(3, math.floor(math.log10(SCALE_TOTAL / total))))


class PairModel:
    """The CP-SAT model of :mod:`matcher.compact`'s docstring, written straight into the proto.

    Variable ``k`` of the proto is x pair ``k``, then y pairs, then extra hours;
    the literal ``-k - 1`` is "not k". The proto minimises, so the objective is negated.
    """

    def __init__(self, pr: Pairs):
        self.pr = pr
        self.scale = _scale(pr)
        self.binding = binding_mentors(pr)
        self.model = _CpModel()
        proto = self.model.proto
        n_x, n_y = len(pr.x_item), len(pr.y_item)
        span = pr.hi - pr.lo
        self.e_y = np.flatnonzero(self.binding[pr.y_mentor] & (span[pr.y_item] > 0))
        self.n_x, self.n_y = n_x, n_y
        var = proto.variables
        for _ in range(n_x + n_y):
            var.add().domain.extend((0, 1))
        for s in span[pr.y_item[self.e_y]].tolist():
            var.add().domain.extend((0, s))
        cons = proto.constraints
        n_p = pr.n_items
        x_ptr = np.concatenate([[0], np.cumsum(np.bincount(pr.x_item, minlength=n_p))]).tolist()
        y_ptr = np.concatenate([[0], np.cumsum(np.bincount(pr.y_item, minlength=n_p))]).tolist()
        for i in np.flatnonzero(np.diff(x_ptr)).tolist():
            xs = list(range(x_ptr[i], x_ptr[i + 1]))
            ys = list(range(n_x + y_ptr[i], n_x + y_ptr[i + 1]))
            if len(xs) > 1:
                cons.add().at_most_one.literals.extend(xs)
            if len(ys) > 1:
                cons.add().at_most_one.literals.extend(ys)
            lin = cons.add().linear
            lin.vars.extend(xs + ys)
            lin.coeffs.extend([1] * len(xs) + [-1] * len(ys))
            lin.domain.extend((0, 0))
        row_x = pr.row_x.tolist()
        ptr = pr.row_ptr.tolist()
        rows = zip((pr.row_y + n_x).tolist(), pr.row_kind.tolist(), strict=True)
        for r, (yi, kind) in enumerate(rows):
            xs = row_x[ptr[r]:ptr[r + 1]]
            if kind == 0:
                cons.add().bool_or.literals.extend([-yi - 1, *xs])
            else:
                cons.add().at_most_one.literals.extend([yi, *xs])
        self._capacity(pr.x_place, 0, pr.slots)
        self._capacity(pr.y_mentor, n_x, pr.cap_count)
        base = n_x + n_y
        spans = span[pr.y_item[self.e_y]].tolist()
        for k, (yi, s) in enumerate(zip(self.e_y.tolist(), spans, strict=True)):
            lin = cons.add().linear
            lin.vars.extend((base + k, n_x + yi))
            lin.coeffs.extend((1, -s))
            lin.domain.extend((-s, 0))
        by = np.flatnonzero(self.binding[pr.y_mentor])
        e_of = {yi: base + k for k, yi in enumerate(self.e_y.tolist())}
        order = np.argsort(pr.y_mentor[by], kind="stable")
        by = by[order]
        ms = pr.y_mentor[by]
        cuts = np.flatnonzero(np.diff(ms)) + 1
        for grp in np.split(by, cuts):
            if not len(grp):
                continue
            mj = int(pr.y_mentor[grp[0]])
            vs = (grp + n_x).tolist()
            cs = pr.lo[pr.y_item[grp]].tolist()
            es = [e_of[yi] for yi in grp.tolist() if yi in e_of]
            lin = cons.add().linear
            lin.vars.extend(vs + es)
            lin.coeffs.extend(cs + [1] * len(es))
            lin.domain.extend((0, int(pr.cap_hours[mj])))
        self._objective()

    def _capacity(self, key: np.ndarray, offset: int, cap: np.ndarray) -> None:
        """At most ``cap[k]`` of the variables whose ``key`` is ``k``, for each ``k``
        with more variables than that (the others cannot overflow)."""
        used = np.bincount(key, minlength=len(cap))
        over = np.flatnonzero(used > cap)
        if not len(over):
            return
        order = np.argsort(key, kind="stable")
        ks = key[order]
        first = np.searchsorted(ks, over, side="left").tolist()
        last = np.searchsorted(ks, over, side="right").tolist()
        cons = self.model.proto.constraints
        for k, a, b in zip(over.tolist(), first, last, strict=True):
            lin = cons.add().linear
            lin.vars.extend((order[a:b] + offset).tolist())
            lin.coeffs.extend([1] * (b - a))
            lin.domain.extend((0, int(cap[k])))

    def base_hours(self, yi: int) -> int:
        i = self.pr.y_item[yi]
        return int(self.pr.lo[i] if self.binding[self.pr.y_mentor[yi]] else self.pr.hi[i])

    def _objective(self) -> None:
        pr, s = self.pr, self.scale
        n_p = pr.n_items
        xv = pr.x_val * s
        xc = np.round(xv)
        base = np.where(self.binding[pr.y_mentor], pr.lo[pr.y_item], pr.hi[pr.y_item])
        yv = (pr.y_val + pr.coef[pr.y_item] * base) * s
        yc = np.round(yv)
        err = np.zeros(n_p)
        np.maximum.at(err, pr.x_item, np.abs(xv - xc))
        err_y = np.zeros(n_p)
        np.maximum.at(err_y, pr.y_item, np.abs(yv - yc))
        err += err_y
        ec = np.round(pr.coef * s)
        err += np.abs(pr.coef * s - ec) * (pr.hi - pr.lo)
        self.margin = (float(err.sum()) + 1e-6 * n_p) / s
        coefs = np.concatenate([xc, yc, ec[pr.y_item[self.e_y]]]).astype(np.int64)
        nz = np.flatnonzero(coefs)
        obj = self.model.proto.objective
        obj.vars.extend(nz.tolist())
        obj.coeffs.extend((-coefs[nz]).tolist())

    def hint(self, plan: dict[int, tuple[int, int, int]]) -> None:
        """Start from a known solution ``item -> (x id, y id, hours)``."""
        n_x, n_y = self.n_x, self.n_y
        vals = np.zeros(n_x + n_y + len(self.e_y), dtype=np.int64)
        ys = {}
        for xi, yi, h in plan.values():
            vals[xi] = 1
            vals[n_x + yi] = 1
            ys[yi] = h
        for k, yi in enumerate(self.e_y.tolist()):
            if yi in ys:
                vals[n_x + n_y + k] = ys[yi] - int(self.pr.lo[self.pr.y_item[yi]])
        hint = self.model.proto.solution_hint
        hint.vars.extend(range(len(vals)))
        hint.values.extend(vals.tolist())

    def solve(self, time_limit: float, workers: int, gap: float = PROOF_GAP,
              window: bool = False, started: Callable | None = None):
        """Run CP-SAT; return (plan or None, valid bound, proved). ``started`` is called
        with the solver before it searches (to stop it from another thread)."""
        solver = cp_model.CpSolver()
        prm = solver.parameters
        prm.max_time_in_seconds = max(0.01, time_limit)
        # Measured on 2 cores: a second worker runs LNS and starves the LP search, which is
        # what closes the gap here; one LP worker proves M optimal where two stall at 15 %.
        prm.num_workers = 1 if workers <= 2 else workers
        prm.relative_gap_limit = gap
        prm.linearization_level = 2
        # Measured on bench M seeds 1-4: 1.84/9.02/1.27/2.10 s -> 1.05/6.01/1.11/1.71 s.
        prm.add_lp_constraints_lazily = False
        if window:
            # A window is small and solved again and again: presolve once, no probing or
            # symmetry search (L, 4 s of windows: 77 -> 120 windows, +9 % gain).
            prm.symmetry_level = 0
            prm.cp_model_probing_level = 0
            prm.max_presolve_iterations = 1
        prm.log_search_progress = bool(os.environ.get("MATCHER_CPSAT_LOG"))
        for key, val in json.loads(os.environ.get("MATCHER_CPSAT_PARAMS", "{}")).items():
            if isinstance(val, list):
                getattr(prm, key).extend(val)
            else:
                setattr(prm, key, val)
        if started is not None:
            started(solver)
        status = solver.solve(self.model)
        found = status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
        if not found:
            return None, math.inf, False
        bound = -solver.best_objective_bound / self.scale + self.margin
        pr, n_x, n_y = self.pr, self.n_x, self.n_y
        sol = np.array(solver.response_proto.solution, dtype=np.int64)
        by_item_y = {int(pr.y_item[k]): k for k in np.flatnonzero(sol[n_x:n_x + n_y])}
        extra = dict(zip(self.e_y.tolist(), sol[n_x + n_y:].tolist(), strict=True))
        plan = {}
        for xi in np.flatnonzero(sol[:n_x]).tolist():
            i = int(pr.x_item[xi])
            yi = by_item_y[i]
            plan[i] = (xi, int(yi), self.base_hours(yi) + int(extra.get(int(yi), 0)))
        return plan, bound, status == cp_model.OPTIMAL


def upper(pr: Pairs) -> float:
    """Trivial bound: every item at its best placement, best mentor and most hours."""
    n_p = pr.n_items
    bx = np.full(n_p, -np.inf)
    np.maximum.at(bx, pr.x_item, pr.x_val)
    by = np.full(n_p, -np.inf)
    np.maximum.at(by, pr.y_item, pr.y_val)
    top = bx + by + pr.coef * pr.hi
    return float(np.maximum(top[np.isfinite(top)], 0.0).sum()) * (1 + 1e-9) + 1e-6


def restrict(pr: Pairs, items: np.ndarray, plan: dict[int, tuple[int, int, int]]) -> tuple:
    """The sub-model of ``items`` with what the rest of ``plan`` uses taken off the capacities.

    Returns (sub Pairs, x ids of the sub-model in ``pr``, y ids likewise).
    """
    inside = np.zeros(pr.n_items, dtype=bool)
    inside[items] = True
    slots, count, hours = pr.slots.copy(), pr.cap_count.copy(), pr.cap_hours.copy()
    if plan:
        who = np.fromiter(plan, dtype=np.int64, count=len(plan))
        got = np.array(list(plan.values()), dtype=np.int64)[~inside[who]]
        mentor = pr.y_mentor[got[:, 1]]
        slots -= np.bincount(pr.x_place[got[:, 0]], minlength=len(slots)).astype(slots.dtype)
        count -= np.bincount(mentor, minlength=len(count)).astype(count.dtype)
        hours -= np.bincount(mentor, weights=got[:, 2],
                             minlength=len(hours)).astype(hours.dtype)
    xs = np.flatnonzero(inside[pr.x_item])
    ys = np.flatnonzero(inside[pr.y_item])
    return subset(pr, xs, ys, slots, hours, count), xs, ys


def subset(pr: Pairs, xs: np.ndarray, ys: np.ndarray, slots: np.ndarray, hours: np.ndarray,
           count: np.ndarray) -> Pairs:
    """The model over x pairs ``xs`` and y pairs ``ys`` (sorted ids) with these capacities;
    compatibility rows keep only their pairs that are in it (no triples: windows and
    CP-SAT do not use them)."""
    x_new = np.full(len(pr.x_item), -1, dtype=np.int64)
    x_new[xs] = np.arange(len(xs))
    y_new = np.full(len(pr.y_item), -1, dtype=np.int64)
    y_new[ys] = np.arange(len(ys))
    rows = np.flatnonzero(y_new[pr.row_y] >= 0)
    lens = np.diff(pr.row_ptr)[rows]
    idx = runs(pr.row_ptr[rows], lens)
    kept = x_new[pr.row_x[idx]] >= 0
    lens = np.bincount(np.repeat(np.arange(len(rows)), lens)[kept], minlength=len(rows))
    return Pairs(pr.n_items, pr.x_item[xs], pr.x_place[xs], pr.x_val[xs], pr.x_km[xs],
                 pr.y_item[ys], pr.y_mentor[ys], pr.y_val[ys], y_new[pr.row_y[rows]],
                 pr.row_kind[rows], np.concatenate([[0], np.cumsum(lens)]).astype(np.int64),
                 x_new[pr.row_x[idx[kept]]], pr.lo, pr.hi, pr.coef, slots, hours, count, 0, 0,
                 False, 0.0, pr.ext_reach, np.zeros(0, dtype=np.int32),
                 np.zeros(0, dtype=np.int32))


def prune(pr: Pairs, cg: ColumnGeneration, delta: float,
          *plans: dict[int, tuple[int, int, int]]) -> tuple:
    """The model without the pairs whose best triple has an LP reduced cost below
    ``-delta`` (the pairs of ``plans`` are kept), for the windows.

    An optimal plan rarely uses a pair the LP prices that far below zero, and windows of
    the smaller model are built and solved faster (measured from the same LP plan, 5 s of
    windows on L: 425.4-426.0 k on the whole model, 426.2-426.3 k pruned at 1-3 points;
    XL, 13 s: 2.1937 M -> 2.1967 M at 3 points, 313 k -> 37 k placement pairs and 707 k
    -> 183 k mentor pairs). The bound is not touched.
    Returns (sub Pairs, x ids of the sub-model in ``pr``, y ids likewise).
    """
    rc_x, rc_y = cg.pair_reduced_costs()
    keep_x, keep_y = rc_x >= -delta, rc_y >= -delta
    for plan in plans:
        for xi, yi, _ in plan.values():
            keep_x[xi] = keep_y[yi] = True
    xs, ys = np.flatnonzero(keep_x), np.flatnonzero(keep_y)
    return subset(pr, xs, ys, pr.slots, pr.cap_hours, pr.cap_count), xs, ys


def narrow(plan: dict[int, tuple[int, int, int]], xs: np.ndarray,
           ys: np.ndarray) -> dict[int, tuple[int, int, int]]:
    """``plan`` in the ids of the sub-model over x pairs ``xs`` and y pairs ``ys``
    (sorted ids of the whole model, holding every pair of the plan)."""
    if not plan:
        return {}
    got = np.array(list(plan.values()), dtype=np.int64)
    return dict(zip(plan, zip(np.searchsorted(xs, got[:, 0]).tolist(),
                              np.searchsorted(ys, got[:, 1]).tolist(), got[:, 2].tolist(),
                              strict=True), strict=True))


def widen(plan: dict[int, tuple[int, int, int]], xs: np.ndarray,
          ys: np.ndarray) -> dict[int, tuple[int, int, int]]:
    """A sub-model's ``plan`` (see :func:`narrow`) in the ids of the whole model."""
    return {i: (int(xs[xi]), int(ys[yi]), int(h)) for i, (xi, yi, h) in plan.items()}


def _sweeps(problem: Problem, pr: Pairs, items: np.ndarray, plan: dict) -> list[np.ndarray]:
    """Orders of the participants that windows are cut from, each a different neighbourhood.

    South-north bands swept west-east; participants grouped by the employer of their
    placement (the best one when unmatched), where colleague-mentors are shared; and
    west-east bands swept south-north.
    """
    P = problem.participants
    lat = np.array([P[i].lat for i in items])
    lon = np.array([P[i].lon for i in items])
    emp_id = {e: k for k, e in enumerate(sorted({pl.employer for pl in problem.placements}))}
    best_x = np.full(pr.n_items, -1, dtype=np.int64)
    order = np.lexsort((-pr.x_val, pr.x_item))
    first = order[np.searchsorted(pr.x_item[order], items)]
    best_x[items] = first
    for i, (xi, _, _) in plan.items():
        best_x[i] = xi
    emp = np.array([emp_id[problem.placements[pr.x_place[best_x[i]]].employer] for i in items])
    return [items[np.lexsort((lon, np.round(lat / 0.25)))],
            items[np.lexsort((lat, emp))],
            items[np.lexsort((lat, np.round(lon / 0.4)))]]


class _Window:
    """One window's sub-model, built against the plan as it stood."""

    def __init__(self, pr: Pairs, part: np.ndarray, plan: dict):
        self.sub, self.xs, self.ys = restrict(pr, part, plan)
        self.inside = set(part.tolist())
        self.start = narrow({i: m for i, m in plan.items() if i in self.inside},
                            self.xs, self.ys)
        self.model = PairModel(self.sub)
        self.model.hint(self.start)
        self.got = None

    def solve(self, seconds: float) -> _Window:
        self.got, _, _ = self.model.solve(seconds, 1, window=True)
        return self

    def apply(self, plan: dict) -> float:
        """Take the window's solution into ``plan`` if it is better; the gain (0 if not
        taken)."""
        if self.got is None:
            return 0.0
        gain = plan_value(self.sub, self.got) - plan_value(self.sub, self.start)
        if gain <= 1e-9:
            return 0.0
        for i in self.inside:
            plan.pop(i, None)
        plan.update(widen(self.got, self.xs, self.ys))
        return gain


class _MentorChains:
    """Windows grown from one mentor: its participants, then participants who could
    have it, the unmatched first (each group in random order), each matched one
    followed by the participants of the mentor it has now, until the window is full.

    The sweeps free neighbours; these free participants that could trade mentors, the
    hours packing where the LP and the plans part (section 3b of docs/solver.md).
    Measured on L from the same LP plan, windows only, chains taking every other turn
    of half a sweep against sweeps alone: +1,415 / +1,502 against +1,163 in 5 s,
    +1,771 / +1,772 against +1,285 in 20 s. Tried the same way and worse: candidates in
    random order only (+1,268 / +1,572), also freeing the participants at an unmatched
    candidate's best placement (+1,293 / +1,609), only mentors that an unmatched
    participant could have (+1,336 / +1,721).

    With a guide (:class:`_PatternGuide`), :meth:`guided_windows` grows the mentors the
    guide names instead, each with its best pattern's participants first.
    """

    def __init__(self, pr: Pairs, plan: dict, seed: int = 0,
                 guide: _PatternGuide | None = None):
        self.pr = pr
        self.guide = guide
        self.rng = np.random.default_rng(seed)
        n_m = len(pr.cap_hours)
        self.by_mentor = np.argsort(pr.y_mentor, kind="stable")
        self.ptr = np.searchsorted(pr.y_mentor[self.by_mentor], np.arange(n_m + 1))
        # Mentors that at least two participants could have: one alone trades nothing.
        self.mentors = np.flatnonzero(np.diff(self.ptr) >= 2)
        self.queue: list[int] = []
        self.pending: list[tuple[int, list[int]]] = []
        self.tried: set[tuple] = set()
        self.wait = 0
        self.guided = 0  # windows grown from the guide's mentors
        # Each participant's mentor in the plan (-1: unmatched), kept by moved(): read
        # from the whole plan per window it took 4.5 ms on XL, a sixth of a window.
        self.mentor_of = np.full(pr.n_items, -1, dtype=np.int64)
        self.moved(plan, plan.keys())

    def moved(self, plan: dict, items) -> None:
        """``items`` have a new match (or none) in ``plan``."""
        for i in items:
            got = plan.get(i)
            self.mentor_of[i] = -1 if got is None else self.pr.y_mentor[got[1]]

    def _next_mentor(self) -> int:
        if not self.queue:
            self.queue = self.rng.permutation(self.mentors).tolist()
        return self.queue.pop()

    def _guided(self, plan: dict) -> list[tuple[int, list[int]]]:
        """The guide's mentors, worst packed first, with their best patterns; each
        (mentor, pattern, the mentor's participants now) only once: a window that
        found nothing there finds nothing again while all three stay the same."""
        fresh = []
        for m, first in self.guide.worst(self.pr, plan):
            key = (m, tuple(sorted(first)), tuple(self.members(m).tolist()))
            if key not in self.tried:
                self.tried.add(key)
                fresh.append((m, first))
        return fresh

    def members(self, m: int) -> np.ndarray:
        """Mentor ``m``'s participants in the plan as :meth:`moved` last saw it, sorted."""
        return np.flatnonzero(self.mentor_of == m)

    def grow(self, m: int, size: int, first: list[int] = ()) -> np.ndarray:
        """Mentor ``m``'s window against the plan as :meth:`moved` last saw it; the
        participants ``first`` go before the other candidates."""
        pr, mentor_of = self.pr, self.mentor_of
        part = self.members(m).tolist()
        seen = set(part)
        could = self.rng.permutation(pr.y_item[self.by_mentor[self.ptr[m]:self.ptr[m + 1]]])
        could = could[np.argsort(mentor_of[could] >= 0, kind="stable")]  # unmatched first
        for i in list(first) + could.tolist():
            if len(part) >= size:
                break
            if i in seen:
                continue
            part.append(i)
            seen.add(i)
            if mentor_of[i] >= 0:
                for j in self.members(mentor_of[i]).tolist():
                    if j not in seen:
                        part.append(j)
                        seen.add(j)
        return np.array(part[:size], dtype=np.int64)

    def windows(self, size: int, count: int):
        """``count`` windows from mentors in random order."""
        for _ in range(count):
            yield self.grow(self._next_mentor(), size)

    def ready(self, plan: dict) -> bool:
        """Whether the guide has mentors to grow; it is asked again once they are used
        up, or after GUIDE_WAIT calls when it had none new."""
        if self.guide is None:
            return False
        if not self.pending:
            if self.wait > 0:
                self.wait -= 1
            else:
                self.pending = self._guided(plan)[::-1]
                self.wait = 0 if self.pending else GUIDE_WAIT
        return bool(self.pending)

    def guided_windows(self, size: int, count: int):
        """Up to ``count`` windows from the guide's mentors (see :meth:`ready`), worst
        packed first, each with its best pattern's participants first."""
        for _ in range(count):
            if not self.pending:
                return
            m, first = self.pending.pop()
            self.guided += 1
            yield self.grow(m, size, first)


class _PatternGuide:
    """The mentors the plan packs worst at the knapsack bound's prices, and whom they
    would rather have.

    At prices (pi, sigma) of :class:`matcher.knapsack.MentorKnapsacks` each mentor's best
    pattern is worth at least its participants in the plan; the bound minus the plan is
    the sum of these losses plus what unmatched participants and idle slots are priced
    at, and the losses are most of it (on L after 60 s, 767 of 898 points in 162
    mentors; section 4 of docs/solver.md). A chain from such a mentor takes its best
    pattern's participants first. The prices are read from the knapsack steps as they
    run (in a thread beside the windows), so the patterns follow the bound.
    """

    def __init__(self, kn: MentorKnapsacks):
        self.kn = kn

    def losses(self, pr: Pairs, plan: dict) -> tuple[np.ndarray, np.ndarray] | None:
        """Per mentor its best pattern's value minus what its part of ``plan`` (in
        ``pr``'s ids; ``pr`` has the knapsacks' participants and mentors) is worth at
        the best prices so far, and the y ids (of the knapsacks' model) of every best
        pattern's members; None before the first prices."""
        prices = self.kn.best_prices
        if prices is None:
            return None
        pi, sigma = prices
        val, ys, _, _ = self.kn.patterns(pi, sigma)
        have = np.zeros(len(val))
        if plan:
            who = np.fromiter(plan, dtype=np.int64, count=len(plan))
            x, y, h = np.array(list(plan.values()), dtype=np.int64).T
            worth = (pr.x_val[x] - sigma[pr.x_place[x]] + pr.y_val[y] + pr.coef[who] * h
                     - pi[who])
            have = np.bincount(pr.y_mentor[y], weights=worth, minlength=len(val))
        return val - have, ys

    def worst(self, pr: Pairs, plan: dict) -> list[tuple[int, list[int]]]:
        """(mentor, participants to take first), the largest part of the gap first: for
        every mentor that loses more than LOSS_MIN (:meth:`losses`) its best pattern's
        participants, and, with UNMATCHED_GUIDE, for every unmatched participant priced
        above LOSS_MIN that participant, with the mentor of its best option in ``pr``."""
        got = self.losses(pr, plan)
        if got is None:
            return []
        loss, ys = got  # ys come grouped by mentor (MentorKnapsacks.patterns)
        full = self.kn.pr
        worst = np.flatnonzero(loss > LOSS_MIN)
        members = full.y_item[ys]
        ptr = np.searchsorted(full.y_mentor[ys], np.arange(len(loss) + 1))
        entries = [(float(loss[m]), m, members[ptr[m]:ptr[m + 1]].tolist())
                   for m in worst.tolist()]
        if UNMATCHED_GUIDE:
            entries += self._unmatched(pr, plan)
        entries.sort(key=lambda e: -e[0])
        return [(m, first) for _, m, first in entries]

    def _unmatched(self, pr: Pairs, plan: dict) -> list[tuple[float, int, list[int]]]:
        """(price, mentor, [participant]) for each unmatched participant the bound prices
        above LOSS_MIN: its price is its share of the gap, and the mentor is that of its
        best option in ``pr`` (mentor part, hours at most, best placement)."""
        pi = self.kn.best_prices[0]
        free = pi > LOSS_MIN
        if plan:
            free[np.fromiter(plan, dtype=np.int64, count=len(plan))] = False
        if not free.any() or not len(pr.y_item):
            return []
        best_x = np.full(pr.n_items, -np.inf)
        np.maximum.at(best_x, pr.x_item, pr.x_val)
        item = pr.y_item
        worth = pr.y_val + pr.coef[item] * pr.hi[item] + best_x[item]
        ys = np.flatnonzero(free[item])
        ys = ys[np.lexsort((-worth[ys], item[ys]))]  # by participant, best option first
        firsts = ys[np.r_[True, item[ys][1:] != item[ys][:-1]]] if len(ys) else ys
        return [(float(pi[i]), int(pr.y_mentor[y]), [int(i)])
                for i, y in zip(item[firsts].tolist(), firsts.tolist(), strict=True)]


class _Sweeps:
    """The windows of :func:`_sweeps`' orders in turn, each order also shifted by half a
    window so that edges move; ``take`` hands out the next ones, across orders."""

    def __init__(self, orders: list[np.ndarray], size: int):
        self.cuts = [(order, shift) for order in orders for shift in (0, size // 2)]
        self.size, self.k, self.lo = size, 0, None

    def take(self, count: int):
        for _ in range(count):
            order, shift = self.cuts[self.k % len(self.cuts)]
            if self.lo is None:
                self.lo = -shift
            part = order[max(0, self.lo):self.lo + self.size]
            self.lo += self.size
            if self.lo >= len(order):
                self.k, self.lo = self.k + 1, None
            if len(part):
                yield part

    def round(self, n_items: int) -> int:
        """Windows in a whole round of every order and shift."""
        return len(self.cuts) * (-(-n_items // self.size) + 1)


def improve_windows(problem: Problem, pr: Pairs, plan: dict, deadline: float,
                    stats: dict, guide: _PatternGuide | None = None,
                    bound: Callable[[], float] | None = None,
                    stop: threading.Event | None = None,
                    better: Callable[[dict, float], None] | None = None,
                    moves: LocalSearch | None = None) -> dict:
    """Re-solve windows of related participants exactly with CP-SAT, the rest held fixed.

    Every accepted window is at least as good, so the plan only improves; the bound
    is not touched. Three kinds of window: sweeps cut along the orders of :func:`_sweeps`
    (:class:`_Sweeps`), chains grown from mentors in random order
    (:class:`_MentorChains`), and, with a ``guide``, chains from the mentors the plan
    packs worst at the knapsack's prices (:class:`_PatternGuide`). They run in
    turns of ``TURN`` windows, each kind given time in proportion to what it gained per
    second lately (at least ``FLOOR`` of it): from the LP's plan the sweeps gain most,
    once they stall the chains. When a whole round of sweeps' worth of windows in a row
    improves nothing, the windows double (up to ``WINDOW_MAX``; measured on L with
    60 s: windows of 25 stall after 30 s at 0.36 %, growing ones reach 0.29 %); when
    the largest size stalls too, the sizes start over or the search ends
    (:class:`_Sizes`). It also ends once the plan is within STOP_GAP of ``bound()``, the
    best proved bound on ``pr``'s plans so far, or when ``stop`` is set
    (``stats["windows_ended"]`` says why). ``better(plan, value)`` hears of every
    improvement. With ``moves`` (:mod:`matcher.localsearch`), ruin and recreate takes
    turns with the windows as a fourth kind (``LocalSearch.ruin``).
    (Solving two windows that share no placement or mentor in two threads was tried: on
    L only a third of the windows found such a partner and the windows per second did
    not change.)
    """
    items = np.unique(pr.x_item)
    if len(items) == 0:
        return plan
    orders = _sweeps(problem, pr, items, plan)
    sizes = _Sizes(len(items), window_size(pr, len(items)))
    chains = (_MentorChains(pr, plan, guide=guide)
              if MENTOR_CHAINS and len(items) > sizes.base else None)
    if chains is not None and not len(chains.mentors):
        chains = None  # no mentor that two participants could have: nothing to trade
    sweeps = _Sweeps(orders, sizes.size)
    rate: dict[str, float] = {}
    spent = {"sweep": 0.0, "chain": 0.0, "pattern": 0.0, "ruin": 0.0}
    gained = dict.fromkeys(spent, 0.0)
    cap = _WindowCap()
    prog = _Progress(plan_value(pr, plan))
    ended = "deadline"

    def close() -> bool:
        """Whether the plan is within STOP_GAP of the best bound known."""
        return bound is not None and prog.value >= bound() * (1 - STOP_GAP) - 1e-9

    while time.monotonic() < deadline - 0.3:
        if close():
            ended = "gap"
            break
        if stop is not None and stop.is_set():
            ended = "stopped"
            break
        if prog.idle >= sweeps.round(len(items)):
            # A whole round found nothing: a local optimum for this size.
            if sizes.stalled(prog.gained) is None:
                ended = "stalled"
                break
            prog.idle = 0
            sweeps = _Sweeps(orders, sizes.size)
            cap = _WindowCap()  # larger windows take longer
        kinds = ["sweep"]
        if chains is not None:
            kinds += ["chain", "pattern"] if chains.ready(plan) else ["chain"]
        if moves is not None:
            kinds.append("ruin")
        kind = _next_kind(rate, spent, kinds)
        t_turn = time.monotonic()
        if kind == "ruin":
            gain = _ruin_turn(pr, plan, moves, min(deadline - 0.3, t_turn + RUIN_TURN),
                              chains, prog, stats, better)
        else:
            gain = _window_turn(pr, plan, (
                sweeps.take(TURN) if kind == "sweep"
                else chains.windows(sizes.size, TURN) if kind == "chain"
                else chains.guided_windows(sizes.size, TURN)), deadline, cap, chains, prog,
                close, stop, better)
        took = max(1e-3, time.monotonic() - t_turn)
        spent[kind] += took
        gained[kind] += gain
        new = gain / took
        rate[kind] = new if kind not in rate else (1 - RATE_MEMORY) * new + RATE_MEMORY * rate[kind]
    stats["window_seconds"] = {k: round(v, 3) for k, v in spent.items()}
    stats["window_gains"] = {k: round(v, 3) for k, v in gained.items()}
    stats["windows_ended"] = ended
    stats["window_size"] = sizes.size
    stats["window_cycles"] = sizes.cycles
    stats["windows"] = prog.done
    stats["windows_improved"] = prog.gained
    if chains is not None and chains.guide is not None:
        stats["windows_guided"] = chains.guided
    return plan


class _Progress:
    """The windows' count, those that improved, those in a row that did not, and the
    plan's value."""

    def __init__(self, value: float):
        self.done, self.gained, self.idle, self.value = 0, 0, 0, value


def _window_turn(pr: Pairs, plan: dict, windows, deadline: float, cap: _WindowCap,
                 chains: _MentorChains | None, prog: _Progress, close: Callable[[], bool],
                 stop: threading.Event | None,
                 better: Callable[[dict, float], None] | None) -> float:
    """Each of ``windows`` solved and taken into ``plan`` when better; the gain."""
    gain = 0.0
    for part in windows:
        left = deadline - time.monotonic()
        if left < 0.3 or close() or (stop is not None and stop.is_set()):
            break
        win = _Window(pr, part, plan)
        t_win = time.monotonic()
        win.solve(min(left, cap.seconds()))
        cap.took(time.monotonic() - t_win)
        prog.done += 1
        g = win.apply(plan)
        if g > 0 and chains is not None:
            chains.moved(plan, win.inside)
        prog.gained += g > 0
        gain += g
        prog.value += g
        if g > 0 and better is not None:
            better(plan, prog.value)
        prog.idle = 0 if g > 0 else prog.idle + 1
    return gain


def _ruin_turn(pr: Pairs, plan: dict, moves: LocalSearch, until: float,
               chains: _MentorChains | None, prog: _Progress, stats: dict,
               better: Callable[[dict, float], None] | None) -> float:
    """Ruin and recreate (``LocalSearch.ruin``) on ``plan`` until ``until``; the gain."""
    focus = None
    if RUIN_FOCUS and chains is not None and chains.guide is not None:
        focus = np.array([m for m, _ in chains.guide.worst(pr, plan)][:RUIN_FOCUS],
                         dtype=np.int64)
    new, _, tries, kept = moves.ruin(plan, until, focus=focus)
    stats["ruin_tries"] = stats.get("ruin_tries", 0) + tries
    stats["ruin_kept"] = stats.get("ruin_kept", 0) + kept
    gain = plan_value(pr, new) - prog.value if kept else 0.0
    if gain <= 1e-9:
        return 0.0
    changed = [i for i in set(plan) | set(new) if plan.get(i) != new.get(i)]
    plan.clear()
    plan.update(new)
    prog.value += gain
    if chains is not None:
        chains.moved(plan, changed)
    if better is not None:
        better(plan, prog.value)
    return gain


def moves_and_windows(problem: Problem, pr: Pairs, starts: list[dict],
                      moves: LocalSearch | None, deadline: float, stats: dict,
                      guide: _PatternGuide | None = None,
                      bound: Callable[[], float] | None = None,
                      stop: threading.Event | None = None,
                      better: Callable[[dict, float], None] | None = None) -> dict:
    """The compiled moves from each of ``starts`` (:func:`_moves_first`; ``better`` hears
    of their plan), then windows from the best (:func:`improve_windows`, with ruin and
    recreate unless RUIN is off); without ``moves``, windows from the first of
    ``starts``."""
    plan = starts[0]
    if moves is not None:
        plan = _moves_first(pr, starts, moves, deadline, stats)
        if better is not None:
            better(plan, plan_value(pr, plan))
    return improve_windows(problem, pr, plan, deadline, stats, guide, bound, stop, better,
                           moves=moves if RUIN else None)


def _moves_first(pr: Pairs, plans: list[dict], moves: LocalSearch, deadline: float,
                 stats: dict) -> dict:
    """The best of ``plans`` after the compiled moves (:mod:`matcher.localsearch`): the
    most valuable first, each other only while the moves have used less than
    MOVES_SHARE of the time left. At least as good as the best of ``plans``."""
    t0 = time.monotonic()
    plans = sorted(plans, key=lambda p: -plan_value(pr, p))
    first = plan_value(pr, plans[0])
    best, best_value, tried, passes = plans[0], first, 0, 0
    for plan in plans:
        if tried and time.monotonic() - t0 > MOVES_SHARE * (deadline - t0):
            break
        got, _, n = moves.improve(plan, deadline - 0.3)
        tried, passes = tried + 1, passes + n
        value = plan_value(pr, got)
        if value > best_value:
            best, best_value = got, value
    stats.update(moves_gain=round(best_value - first, 6), moves_starts=tried,
                 moves_passes=passes, moves_seconds=round(time.monotonic() - t0, 3))
    return best


def window_size(pr: Pairs, n_items: int) -> int:
    """Participants in a window at first: WINDOW, or fewer (at least WINDOW_MIN) where
    the participants have more than DENSE_PAIRS pairs each in ``pr``."""
    per = (len(pr.x_item) + len(pr.y_item)) / max(1, n_items)
    return int(min(WINDOW, max(WINDOW_MIN, round(WINDOW * DENSE_PAIRS / max(per, 1e-9)))))


class _Sizes:
    """The window size: ``base`` (:func:`window_size`), doubled each time windows of one
    size stall, up to WINDOW_MAX (or every item). When the largest stalls, the sizes
    start over if windows improved the plan since the smallest last stalled (larger
    windows moved it, so small ones may find moves again; 150 s of windows from one
    start, L1 +2,049 and L5 +2,756 against +1,699 and +2,514 when the windows ended at
    the first stall, after 60 s and 37 s), and the search ends if not (``None``)."""

    def __init__(self, n_items: int, base: int = WINDOW):
        self.n_items, self.base, self.size, self.cycles = n_items, base, base, 0
        self.small_stalled: int | None = None  # windows improved when the smallest stalled

    def stalled(self, gained: int) -> int | None:
        """The next size after a whole round at this one found nothing, ``gained``
        windows having improved the plan so far; ``None`` to stop."""
        if self.size <= self.base:
            self.small_stalled = gained
        if self.size >= WINDOW_MAX or self.size >= self.n_items:
            if not WINDOW_CYCLE or self.size <= self.base or gained == self.small_stalled:
                return None
            self.size, self.cycles = self.base, self.cycles + 1
        else:
            self.size = min(2 * self.size, WINDOW_MAX)
        return self.size


class _WindowCap:
    """Seconds a window's CP-SAT run may take: WINDOW_CAP times the median of the
    last CAP_SAMPLE runs, within [CAP_FLOOR, WINDOW_SECONDS] (WINDOW_SECONDS until
    CAP_SAMPLE // 4 runs are in, or with WINDOW_CAP 0)."""

    def __init__(self):
        self.recent: collections.deque[float] = collections.deque(maxlen=CAP_SAMPLE)

    def seconds(self) -> float:
        if WINDOW_CAP <= 0 or len(self.recent) < CAP_SAMPLE // 4:
            return WINDOW_SECONDS
        return min(WINDOW_SECONDS, max(CAP_FLOOR, WINDOW_CAP * float(np.median(self.recent))))

    def took(self, seconds: float) -> None:
        self.recent.append(seconds)


def _next_kind(rate: dict[str, float], spent: dict[str, float],
               kinds: list[str] | None = None) -> str:
    """Of ``kinds`` (default: every kind in ``spent``), the kind of window whose time is
    furthest behind its share: each kind's share of the time is its recent gain per
    second over all of theirs (at least ``FLOOR``); each kind is tried once first."""
    kinds = list(spent) if kinds is None else kinds
    for kind in kinds:
        if kind not in rate:
            return kind
    total = sum(rate[k] for k in kinds)
    share = {k: max(FLOOR, rate[k] / total) if total > 0 else 1.0 for k in kinds}
    return min(kinds, key=lambda k: spent[k] / share[k])


class _KnapsackSteps:
    """:meth:`MentorKnapsacks.run` now or in a thread beside the windows (the numba
    programmes release the GIL, CP-SAT does while it solves)."""

    def __init__(self, kn: MentorKnapsacks, pi: np.ndarray, sigma: np.ndarray,
                 target: float):
        self.kn, self.pi, self.sigma, self.target = kn, pi, sigma, target
        self.threaded = False
        # Set when the windows are done before the deadline: the steps then end as soon
        # as the bound stops moving instead of at the deadline.
        self.settle = threading.Event()
        self._thread: threading.Thread | None = None
        self._out = None
        self._error: BaseException | None = None

    def run(self, deadline: float) -> None:
        try:
            self._out = self.kn.run(self.pi, self.sigma, deadline, self.target, self.settle)
        except BaseException as exc:  # handed to the caller by result()
            self._error = exc

    def start(self, deadline: float) -> None:
        self.threaded = True
        self._thread = threading.Thread(target=self.run, args=(deadline,), daemon=True,
                                        name="knapsack-bound")
        self._thread.start()

    def result(self):
        """The bound found (None if it never ran); waits for the thread, which from now
        on only runs while its bound still moves."""
        self.settle.set()
        if self._thread is not None:
            self._thread.join()
        if self._error is not None:
            raise self._error
        return self._out


def _large_bound(pr: Pairs, deadline: float, workers: int, start: dict, bound: float,
                 stats: dict, t0: float, knapsack: bool = True) -> tuple:
    """A large model's bound and start: mentor prices (matcher.mentorlag), the LP by
    column generation (matcher.colgen), and the mentor-knapsack bound
    (matcher.knapsack), which runs now or, with two workers, in a thread beside the
    windows. Returns (best plan, bound, the LP, the knapsack steps or None)."""
    start_value = plan_value(pr, start)
    left = deadline - time.monotonic()
    mp = MentorPrices(pr)
    priced = mp.run(start_value, time.monotonic() + SUB_SHARE * left, start)
    bound = min(bound, priced.bound)
    if priced.value > start_value:
        start, start_value = priced.plan, priced.value
    stats.update(priced.stats, price_bound=round(priced.bound, 6),
                 price_value=round(priced.value, 6),
                 price_seconds=round(time.monotonic() - t0, 3))
    cg = ColumnGeneration(pr, mp, LP_MASTER)
    lp = cg.run(mp.best_mu, mp.best_nu, time.monotonic() + (LP_SHARE - SUB_SHARE) * left,
                start)
    bound = min(bound, lp.bound)
    if lp.value > start_value:
        start, start_value = lp.plan, lp.value
    stats.update(lp.stats, lp_bound=round(lp.bound, 6), lp_value=round(lp.value, 6),
                 lp_end_seconds=round(time.monotonic() - t0, 3))
    knap = None
    if knapsack and cg.duals is not None and not pr.truncated:
        # The LP shares participants between mentors to fill their hours; keeping
        # each mentor whole closes part of that gap.
        knap = _KnapsackSteps(MentorKnapsacks(pr), *cg.item_prices(), start_value)
        if workers >= 2 and KNAP_THREAD:
            knap.start(deadline - 0.3)
        elif KNAP_SHARE * left >= KNAP_MIN_SECONDS:
            knap.run(time.monotonic() + KNAP_SHARE * left)
    return start, bound, cg, knap


class _WindowsBeside:
    """The LP's plan and windows on the whole model, in a thread beside CP-SAT.

    CP-SAT's one LP worker proves most whole models quickly but can be slow to find
    plans: bench M seed 6, 10 s, its plan 15 % below its bound (which is 0.1 % above
    the optimum). Beside it, the mentor prices and the LP by column generation
    (:func:`_large_bound`, about 0.6 s on M) round into a plan within 1 % of the
    optimum, and windows (:func:`improve_windows`) improve it. CP-SAT's bound, read as
    it moves, ends the windows once they are within STOP_GAP of it; CP-SAT is stopped
    once a plan from here meets its bound (a proof: the plan keeps every rule, the
    bound is proved). The LP's bound is proved too and joins CP-SAT's, and so does the
    exact bound of the mentor patterns after it (:class:`PatternMaster`, PATTERNS),
    which on M is often the optimum: then the plan from here that reaches it is the
    proof, without waiting for CP-SAT's bound (bench M seed 4: proved in 0.61 s
    instead of 1.8-2.5 s).
    """

    def __init__(self, problem: Problem, pr: Pairs, model: PairModel, start: dict,
                 deadline: float):
        self.pr, self.model = pr, model
        self.plan, self.value = dict(start), plan_value(pr, start)
        self.cp_bound = math.inf
        self.lp_bound = math.inf
        self.stop = threading.Event()
        self.stats: dict = {}
        self.error: str | None = None
        self._solver = None
        self._lock = threading.Lock()
        self._thread = threading.Thread(
            target=self._run, args=(problem, dict(start), deadline), name="windows-beside",
            daemon=True)
        self._thread.start()

    def _run(self, problem: Problem, start: dict, deadline: float) -> None:
        try:
            t0 = time.monotonic()
            lp_end = t0 + min(BESIDE_LP_SECONDS, BESIDE_LP_SHARE * (deadline - t0))
            plan, bound, cg, _ = _large_bound(self.pr, lp_end, 1, start, math.inf,
                                              self.stats, t0, knapsack=False)
            self._lower(bound)
            self._better(plan, plan_value(self.pr, plan))
            others = [p for p in cg.roundings if p and p is not plan]
            if PATTERNS and not self.pr.truncated and cg.duals is not None:
                others += self._patterns(cg, plan, deadline)
            if not self.stop.is_set():
                moves = (LocalSearch(self.pr, self.pr.t_x, self.pr.t_y)
                         if MOVES and len(self.pr.t_x) else None)
                moves_and_windows(problem, self.pr, [dict(plan), *others], moves, deadline,
                                  self.stats, bound=lambda: min(self.cp_bound, self.lp_bound),
                                  stop=self.stop, better=self._better)
        except Exception as exc:  # CP-SAT's result stands; the stats say why
            self.error = type(exc).__name__

    def _patterns(self, cg: ColumnGeneration, plan: dict, deadline: float) -> list[dict]:
        """The exact bound of the mentor patterns (:class:`PatternMaster`), from the
        LP's duals, with the plan's and the LP's roundings' patterns to start; at most
        PATTERN_SHARE of the time left; then the best plan of the columns found
        (:meth:`PatternMaster.integer_plan`, at most PATTERN_SHARE of the time left
        then), returned for the moves and windows (none if stopped or not found)."""
        if self.stop.is_set():
            return []
        master = PatternMaster(MentorKnapsacks(self.pr))
        for p in (plan, *cg.roundings):
            master.add_plan(p)
        until = time.monotonic() + PATTERN_SHARE * (deadline - time.monotonic())
        got = master.run(*cg.item_prices(), until, self.stop, self._lower)
        self.stats.update(got.stats, pattern_bound=round(got.bound, 6))
        t_mip = time.monotonic()
        found = master.integer_plan(t_mip + PATTERN_SHARE * (deadline - t_mip), self.stop)
        self.stats["pattern_mip_seconds"] = round(time.monotonic() - t_mip, 3)
        if not found:
            return []
        self._better(found, plan_value(self.pr, found))
        return [found]

    def _lower(self, bound: float) -> None:
        """A proved bound from here; stops CP-SAT if the plan from here meets it."""
        with self._lock:
            self.lp_bound = min(self.lp_bound, bound)
            if self._solver is not None and self._met():
                self._solver.stop_search()

    def _met(self) -> bool:
        b = min(self.cp_bound, self.lp_bound)
        return self.value >= b - PROOF_GAP * abs(b)

    def _better(self, plan: dict, value: float) -> None:
        with self._lock:
            if value <= self.value:
                return
            self.plan, self.value = dict(plan), value
            if self._solver is not None and self._met():
                self._solver.stop_search()

    def cp_started(self, solver) -> None:
        """Called with CP-SAT's solver before it searches."""
        model = self.model

        def bound(b: float) -> None:
            with self._lock:
                self.cp_bound = min(self.cp_bound, -b / model.scale + model.margin)
                if self._met():
                    solver.stop_search()

        solver.best_bound_callback = bound
        with self._lock:
            self._solver = solver
            if self._met():
                solver.parameters.max_time_in_seconds = 0.001

    def finish(self) -> tuple[dict, float, float]:
        """CP-SAT has finished: stop here too; (the best plan from here, its value, the
        best bound from here, the LP's or the patterns', or inf)."""
        self.stop.set()
        self._thread.join()
        return self.plan, self.value, self.lp_bound


def _whole(problem: Problem, pr: Pairs, model: PairModel, start: dict, deadline: float,
           workers: int, stats: dict) -> tuple:
    """CP-SAT on the whole model and, with two or more workers and the time for it,
    :class:`_WindowsBeside` on the second core: (the better plan or None, the lower
    bound)."""
    if workers >= 2 and BESIDE and deadline - time.monotonic() > BESIDE_MIN_SECONDS:
        beside = _WindowsBeside(problem, pr, model, start, deadline)
        plan, bound, _ = model.solve(deadline - time.monotonic(), workers,
                                     started=beside.cp_started)
        w_plan, w_value, lp_bound = beside.finish()
        stats["beside"] = {k: beside.stats[k] for k in (
            "lp_end_seconds", "lp_value", "lp_bound", "pattern_bound", "pattern_rounds",
            "pattern_seconds", "pattern_converged", "pattern_mip_seconds", "windows",
            "windows_improved", "windows_ended") if k in beside.stats}
        stats["beside"]["value"] = round(w_value, 6)
        if beside.error:
            stats["beside"]["error"] = beside.error
        value = plan_value(pr, plan) if plan is not None else -math.inf
        if w_value > value:
            plan = w_plan
        return plan, min(bound, beside.cp_bound, lp_bound)
    plan, bound, _ = model.solve(deadline - time.monotonic(), workers)
    return plan, bound


def optimize_pairs(problem: Problem, pr: Pairs, deadline: float, workers: int) -> PairPlan:
    """Greedy start; for large models mentor prices (bound and start), the LP (bound and
    start) and the mentor-knapsack bound; then CP-SAT.

    CP-SAT runs on the whole model when it is small enough to be proved in time
    (up to ``WHOLE_MODEL_PAIRS``; with two or more workers the LP's plan and windows
    run beside it, :class:`_WindowsBeside`), otherwise on windows of nearby
    participants. The bound is proved for the whole model, truncated or not: whether
    it proves the plan optimal is the caller's test (:func:`matcher.solve.meets`).
    """
    t0 = time.monotonic()
    start = greedy(problem, pr)
    start_value = plan_value(pr, start)
    stats = {"triples": pr.triples, "x_pairs": int(len(pr.x_item)),
             "y_pairs": int(len(pr.y_item)), "compat_rows": int(len(pr.row_y)),
             "greedy_value": round(start_value, 6), "greedy_seconds": round(
                 time.monotonic() - t0, 3)}
    bound = pr.full_upper if pr.truncated else upper(pr)
    chosen = start
    stats["truncated"] = pr.truncated
    cg = None  # the LP, for pruning the windows' model
    knap = None  # the mentor-knapsack bound's steps
    if len(pr.x_item) > PRICES_FROM:
        # CP-SAT's own bound stays trivial at this size within seconds.
        start, bound, cg, knap = _large_bound(pr, deadline, workers, start, bound, stats, t0)
        start_value = plan_value(pr, start)
    whole = len(pr.x_item) + len(pr.y_item) <= WHOLE_MODEL_PAIRS
    stats["cp_sat"] = "whole" if whole else "windows"
    if len(pr.x_item) and deadline - time.monotonic() < MIN_CP_SAT_SECONDS:
        # The budget is spent (building the pairs used it): building a CP-SAT model
        # now would only overrun the time limit; the greedy plan stands.
        stats["cp_sat"] = "skipped"
    elif len(pr.x_item) and not whole:
        sub, xs, ys = pr, np.arange(len(pr.x_item)), np.arange(len(pr.y_item))
        # The starts for the moves: the best plan so far and the LP's other roundings.
        starts = [start] + [p for p in (cg.roundings if cg is not None else [])
                            if p is not start and p]
        if cg is not None and start:
            sub, xs, ys = prune(pr, cg, PRUNE_SHARE * start_value / len(start), *starts)
            stats.update(window_x_pairs=int(len(xs)), window_y_pairs=int(len(ys)))
        cg = None  # its master and columns are not needed any more
        guide = _PatternGuide(knap.kn) if knap is not None and PATTERN_GUIDE else None
        known = bound  # proved on pr's plans: the prices', the LP's

        def best_bound() -> float:
            return min(known, knap.kn.best_bound) if knap is not None else known

        moves = (LocalSearch(sub, *sub_triples(pr, xs, ys))
                 if MOVES and len(pr.t_x) and starts else None)
        chosen = widen(moves_and_windows(problem, sub, [narrow(p, xs, ys) for p in starts],
                                         moves, deadline, stats, guide, best_bound), xs, ys)
        if plan_value(pr, chosen) < start_value:
            chosen = start
    elif len(pr.x_item):
        model = PairModel(pr)
        model.hint(start)
        stats["model_seconds"] = round(time.monotonic() - t0, 3)
        plan, b = _whole(problem, pr, model, start, deadline, workers, stats)
        stats["scale"] = model.scale
        if not pr.truncated:  # a bound of the truncated model says nothing of the whole
            bound = min(bound, b)
        if plan is not None and plan_value(pr, plan) >= start_value:
            chosen = plan
    elif not pr.truncated:
        bound = 0.0  # no worthwhile match exists: exactly 0, not 0 plus a margin
    if knap is not None:
        kb = knap.result()
        if kb is not None:
            bound = min(bound, kb.bound)
            stats.update(kb.stats, knap_bound=round(kb.bound, 6), knap_thread=knap.threaded)
    value = plan_value(pr, chosen)
    stats["optimize_seconds"] = round(time.monotonic() - t0, 3)
    return PairPlan(chosen, value, max(bound, value), stats)
