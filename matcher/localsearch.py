"""Moves of one or two participants at a time, compiled: a fast companion to the windows.

A window (:mod:`matcher.compact`) re-solves 25 participants exactly with CP-SAT, about
8 ms of CP-SAT and 5 ms of Python each on L. Many of the moves it finds involve one or
two participants only: a participant moves to another placement or mentor with room, or
takes the place or mentor of another, who moves on to their own best option with room
left (or out of the plan). This module tries every such move of every participant in
compiled code, with each mentor's hours handed out again exactly after each move (the
hours of a mentor's participants, with its participants fixed, are a greedy fill by
hourly value; :func:`matcher.mentorlag.top_up`).

:meth:`LocalSearch.ruin` goes further once no such move gains: it takes a chain of a few
participants around a random mentor out of the plan, lets them back in by the same
moves, and keeps the result only if it is worth more (docs/solver.md section 4b).

Only allowed triples (participant, placement, mentor) are used, so the plan stays
within every rule; capacities are checked on every move, so it stays feasible; a move
is taken only when it gains, so the plan only improves.
"""

from __future__ import annotations

import math
import os
import time

import numpy as np

from .pairs import Pairs

# Participants per call of the compiled search, between which the deadline is checked
# (a pass over L's 2,000 takes about 0.15 s).
CHUNK = 500
# Moves use each participant's TOP most valuable triples (and its own): on XL a few
# participants have up to 23 k, and a pass took 2-3 s. Measured from XL's LP plan: all
# triples +7.8-8.2 k in 8.8-12.9 s, 300 +7.6-7.9 k in 3.8-4.0 s, 100 +7.3-7.5 k in 2 s;
# on L (at most a few hundred each) 300 changes nothing and 100 loses 250 of +1.3 k.
TOP = int(os.environ.get("MATCHER_MOVES_TOP", "300"))
# Ruin and recreate: participants taken out at a time, and tries per call of the kernel
# (between which the deadline is checked).
RUIN_SIZE = int(os.environ.get("MATCHER_RUIN_SIZE", "10"))
RUIN_BATCH = 20


def sub_triples(pr: Pairs, xs: np.ndarray, ys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``pr``'s allowed triples as (x id, y id) of the sub-model over ``xs`` and ``ys``
    (see :func:`matcher.compact.subset`), those whose two pairs are both in it."""
    x_new = np.full(len(pr.x_item), -1, dtype=np.int32)  # 4 bytes: XL has 19 M triples
    x_new[xs] = np.arange(len(xs))
    y_new = np.full(len(pr.y_item), -1, dtype=np.int32)
    y_new[ys] = np.arange(len(ys))
    tx, ty = x_new[pr.t_x], y_new[pr.t_y]
    keep = (tx >= 0) & (ty >= 0)
    return tx[keep], ty[keep]


class LocalSearch:
    """The triples of a model grouped by participant, ready for :meth:`improve`."""

    def __init__(self, pr: Pairs, tx: np.ndarray, ty: np.ndarray):
        self.pr = pr
        item = pr.x_item[tx]
        value = pr.x_val[tx] + pr.y_val[ty]
        order = np.lexsort((ty, tx, -value, item))  # each participant's best first
        self.tx, self.ty = tx[order].astype(np.int64), ty[order].astype(np.int64)
        self.t_ptr = np.searchsorted(item[order], np.arange(pr.n_items + 1)).astype(np.int64)
        self.t_end = np.minimum(self.t_ptr[:-1] + TOP, self.t_ptr[1:])
        self.t_l = pr.x_place[self.tx].astype(np.int64)
        self.t_m = pr.y_mentor[self.ty].astype(np.int64)
        self.t_v = value[order].astype(float)
        # To find a plan's triple: the keys (participant, x id, y id) in order.
        key = (self.tx * len(pr.y_item) + self.ty)
        self.by_key = np.lexsort((key, item[order]))
        self.key = key[self.by_key]
        self.lo = pr.lo.astype(np.int64)
        self.hi = pr.hi.astype(np.int64)
        self.coef = pr.coef.astype(float)
        # Slots, participants and hours of the placements and mentors, as the kernel takes them.
        self.caps = (pr.slots.astype(np.int64), pr.cap_count.astype(np.int64),
                     pr.cap_hours.astype(np.int64))
        self.rng = np.random.default_rng(0)
        self._cand = None  # per mentor the participants who could have it (for ruin)

    def improve(self, plan: dict[int, tuple[int, int, int]],
                deadline: float = math.inf) -> tuple[dict, float, int]:
        """A plan at least as good as ``plan`` where no single move, and no move of one
        participant with one other making room, gains; or the best by ``deadline``
        (checked after every CHUNK participants). Returns (plan, the gain the moves
        made, passes over the participants)."""
        from . import _lskernel

        cur = self._cur(plan)
        items = np.flatnonzero(np.diff(self.t_ptr) > 0)
        order = items[self.rng.permutation(len(items))]
        gain, passes = 0.0, 0
        while time.monotonic() < deadline:
            passes += 1
            got = 0.0
            for a in range(0, len(order), CHUNK):
                if time.monotonic() >= deadline:
                    break
                got += _lskernel.search(self.t_ptr, self.t_end, self.t_l, self.t_m, self.t_v,
                                        self.lo, self.hi, self.coef, *self.caps, cur,
                                        order[a:a + CHUNK])
            gain += got
            if got <= _lskernel.EPS:
                break
        return self._plan(cur), float(gain), int(passes)

    def ruin(self, plan: dict[int, tuple[int, int, int]], deadline: float,
             size: int | None = None,
             focus: np.ndarray | None = None) -> tuple[dict, float, int, int]:
        """Ruin and recreate until ``deadline``: a random mentor's chain of ``size``
        participants (its own, then those who could have it, each followed by its
        mentor's) out of the plan, back in by moves, kept when the plan is worth more.
        Returns (plan, gain, tries, plans kept). ``size`` defaults to RUIN_SIZE."""
        from . import _lskernel

        size = RUIN_SIZE if size is None else size

        if self._cand is None:
            self._cand = self._candidates()
        cand_ptr, cand, mentors = self._cand
        if focus is not None and len(focus):
            # Half the tries from the mentors in focus.
            focus = focus[np.diff(cand_ptr)[focus] >= 2]
            if len(focus):
                mentors = np.concatenate([mentors, np.resize(focus, len(mentors))])
        cur = self._cur(plan)
        gain, tries, kept = 0.0, 0, 0
        if len(mentors) == 0:
            return plan, gain, tries, kept
        while time.monotonic() < deadline:
            g, k = _lskernel.ruin_recreate(
                self.t_ptr, self.t_end, self.t_l, self.t_m, self.t_v, self.lo, self.hi,
                self.coef, *self.caps, cur, cand_ptr, cand, mentors, size, RUIN_BATCH,
                int(self.rng.integers(2**31)))
            gain, tries, kept = gain + g, tries + RUIN_BATCH, kept + k
        return (self._plan(cur) if kept else plan), gain, tries, kept

    def _candidates(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per mentor (CSR) the participants with a triple with it; the mentors that
        two or more could have."""
        n_m = len(self.pr.cap_count)
        item = np.repeat(np.arange(self.pr.n_items), np.diff(self.t_ptr))
        keys = np.unique(self.t_m * self.pr.n_items + item)
        ptr = np.searchsorted(keys // self.pr.n_items, np.arange(n_m + 1)).astype(np.int64)
        return ptr, (keys % self.pr.n_items).astype(np.int64), np.flatnonzero(np.diff(ptr) >= 2)

    def _cur(self, plan: dict[int, tuple[int, int, int]]) -> np.ndarray:
        """Each participant's triple in ``plan`` (-1: unmatched)."""
        pr = self.pr
        cur = np.full(pr.n_items, -1, dtype=np.int64)
        for i, (xi, yi, _) in plan.items():
            a, b = self.t_ptr[i], self.t_ptr[i + 1]
            key = xi * len(pr.y_item) + yi
            k = a + int(np.searchsorted(self.key[a:b], key))
            if k >= b or self.key[k] != key:
                raise ValueError(f"item {i}: its pairs are not an allowed triple")
            cur[i] = self.by_key[k]
        return cur

    def _plan(self, cur: np.ndarray) -> dict[int, tuple[int, int, int]]:
        """The plan of ``cur``, each mentor's hours handed out best."""
        from .mentorlag import top_up

        pr = self.pr
        out = {int(i): (int(self.tx[cur[i]]), int(self.ty[cur[i]]), int(self.lo[i]))
               for i in np.flatnonzero(cur >= 0)}
        got = np.array(list(out.values()), dtype=np.int64).reshape(-1, 3)
        hours = pr.cap_hours.astype(np.int64) - np.bincount(
            pr.y_mentor[got[:, 1]], weights=got[:, 2], minlength=len(pr.cap_hours)).astype(np.int64)
        top_up(pr, out, hours)
        return out


def warm() -> None:
    """Compile the kernel now, or load it from numba's disk cache (about 5 s the first
    time on a machine, 0.3 s after): the worker calls this before it forks its jobs,
    so that no solve spends its time limit on it."""
    from . import _lskernel

    one = np.ones(1, dtype=np.int64)
    zero = np.zeros(1, dtype=np.int64)
    arrays = (np.array([0, 1], dtype=np.int64), one, zero, zero, np.ones(1), one, one,
              np.zeros(1), one, one, one)
    _lskernel.search(*arrays, np.full(1, -1, dtype=np.int64), zero)
    _lskernel.ruin_recreate(*arrays, np.full(1, -1, dtype=np.int64),
                            np.array([0, 1], dtype=np.int64), zero, zero, 1, 1, 0)
