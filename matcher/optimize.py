"""Solve a set of options: decompose, start greedy, improve and bound with CP-SAT.

Independent components of the option graph (participants linked through the
placements and mentors they could share) are solved one by one; small ones are
batched into one model to save per-call overhead. A greedy pass gives every
component a feasible start (and the answer if time runs out).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from .candidates import Options
from .model import AssignmentModel, ModelOutcome
from .relax import lp_bound

BATCH_OPTIONS = 3000
# Building and presolving a CP-SAT model costs roughly 1/OPTIONS_PER_SECOND s per option.
OPTIONS_PER_SECOND = 20000


@dataclass
class Plan:
    """Chosen option and hours per item, with a valid bound on the best total value."""

    chosen: dict[int, tuple[int, int]]
    value: float
    bound: float
    stats: dict = field(default_factory=dict)


def option_value(opts: Options, t: int, h: int) -> float:
    """Section-3 value of option ``t`` at ``h`` hours."""
    return float(opts.const[t] + opts.coef[opts.item[t]] * h)


def greedy(opts: Options, sel: np.ndarray) -> dict[int, tuple[int, int]]:
    """Take options best-first while capacities last; hours as many as the mentor has."""
    top = opts.const[sel] + opts.coef[opts.item[sel]] * opts.hi[opts.item[sel]]
    slots, hours, count = {}, {}, {}
    chosen: dict[int, tuple[int, int]] = {}
    for t in sel[np.argsort(-top, kind="stable")]:
        i, li, mj = int(opts.item[t]), int(opts.place[t]), int(opts.mentor[t])
        if i in chosen:
            continue
        s = slots.get(li, opts.slots[li])
        c = count.get(mj, opts.cap_count[mj])
        h = hours.get(mj, opts.cap_hours[mj])
        if s <= 0 or c <= 0 or h < opts.lo[i]:
            continue
        got = int(min(opts.hi[i], h))
        chosen[i] = (int(t), got)
        slots[li], count[mj], hours[mj] = s - 1, c - 1, h - got
    return chosen


def components(opts: Options, n_items: int) -> list[np.ndarray]:
    """Option indexes grouped by connected component, smallest first."""
    n_opt = len(opts.item)
    if n_opt == 0:
        return []
    n_l = int(opts.slots.shape[0])
    rows = np.concatenate([opts.item, opts.item])
    cols = np.concatenate([n_items + opts.place, n_items + n_l + opts.mentor])
    size = n_items + n_l + int(opts.cap_hours.shape[0])
    graph = coo_matrix((np.ones(len(rows), dtype=np.int8), (rows, cols)), shape=(size, size))
    _, labels = connected_components(graph, directed=False)
    lab = labels[opts.item]
    order = np.argsort(lab, kind="stable")
    cuts = np.flatnonzero(np.diff(lab[order])) + 1
    groups = np.split(order, cuts)
    groups.sort(key=len)
    return groups


def _scale(opts: Options) -> float:
    """A power of ten that keeps the scaled objective well inside int64."""
    top = float(np.abs(opts.const).max(initial=0.0)) + float(
        (np.abs(opts.coef) * opts.hi).max(initial=0.0))
    total = top * max(1, len(np.unique(opts.item))) + 1.0
    return 10.0 ** min(9, max(3, math.floor(math.log10(1e13 / total))))


def _batches(groups: list[np.ndarray]) -> list[tuple[np.ndarray, int]]:
    """Merge small components into batches; return (options, number of components)."""
    out, cur, n = [], [], 0
    for g in groups:
        if len(g) >= BATCH_OPTIONS:
            out.append((g, 1))
            continue
        cur.append(g)
        n += len(g)
        if n >= BATCH_OPTIONS:
            out.append((np.concatenate(cur), len(cur)))
            cur, n = [], 0
    if cur:
        out.append((np.concatenate(cur), len(cur)))
    out.sort(key=lambda b: len(b[0]))
    return out


def _upper(opts: Options, sel: np.ndarray) -> float:
    """Trivial bound: every item gets its best option at its most hours."""
    top = opts.const[sel] + opts.coef[opts.item[sel]] * opts.hi[opts.item[sel]]
    best: dict[int, float] = {}
    for t, v in zip(opts.item[sel], top, strict=True):
        best[int(t)] = max(best.get(int(t), 0.0), float(v))
    return sum(best.values())


def optimize(opts: Options, n_items: int, deadline: float, workers: int) -> Plan:
    """Choose options for all items before ``deadline`` (a ``time.monotonic`` value)."""
    t0 = time.monotonic()
    groups = components(opts, n_items)
    chosen: dict[int, tuple[int, int]] = {}
    bound = 0.0
    stats = {"options": int(len(opts.item)), "components": len(groups),
             "largest_component_options": int(len(groups[-1])) if groups else 0,
             "cp_sat_models": 0}
    batches = _batches(groups)
    remaining = sum(len(b) for b, _ in batches)
    scale = _scale(opts)
    for sel, _n in batches:
        start = greedy(opts, sel)
        start_value = sum(option_value(opts, t, h) for t, h in start.values())
        share = len(sel) / max(1, remaining)
        remaining -= len(sel)
        lp = math.inf
        if len(sel) >= BATCH_OPTIONS:
            lp = lp_bound(opts, sel, 0.25 * (deadline - time.monotonic()) * share)
        out = None
        if len(sel) <= OPTIONS_PER_SECOND * (deadline - time.monotonic()) * share:
            model = AssignmentModel(opts, sel, scale)
            model.hint(start)
            out = model.solve(max(0.05, (deadline - time.monotonic()) * share), workers)
            stats["cp_sat_models"] += 1
        else:
            # Too big to build and search in the time left: keep the greedy answer.
            out = ModelOutcome({}, math.inf, False)
            stats["skipped_models"] = stats.get("skipped_models", 0) + 1
        value = sum(option_value(opts, t, h) for t, h in out.hours.values()) if out.found else -1.0
        if out.found and value >= start_value:
            chosen.update(out.hours)
            best = value
        else:
            chosen.update(start)
            best = start_value
        bound += max(best, min(out.bound, lp, _upper(opts, sel)))
    value = sum(option_value(opts, t, h) for t, h in chosen.values())
    stats["optimize_seconds"] = round(time.monotonic() - t0, 3)
    stats["scale"] = scale
    return Plan(chosen, value, max(bound, value), stats)
