"""The CP-SAT model of one component: variables, then constraints, then objective.

Values are floats; CP-SAT needs integers, so every objective coefficient is
scaled by ``scale`` and rounded. The rounding error is tracked per participant
so that the bound handed back is a valid bound of the true float objective.
CP-SAT types stay inside this module.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass

import numpy as np
from ortools.sat.python import cp_model

from .candidates import Options


@dataclass
class ModelOutcome:
    """What one CP-SAT run found, in the caller's terms."""

    hours: dict[int, tuple[int, int]]  # item -> (option, hours)
    bound: float  # valid upper bound of the true value of this component
    found: bool  # CP-SAT found a solution at all


def _sum(xs: list, ks: list[int]):
    return cp_model.LinearExpr.sum([xs[k] for k in ks])


class AssignmentModel:
    """Choose at most one option per item under slot and mentor capacities.

    Hours: for a mentor whose hours can never run out (the ``max_participants``
    largest hour maxima fit its capacity) every option takes its item's ``hi``
    hours. Otherwise an extra-hours variable ``e[item, mentor]`` in
    ``[0, hi - lo]`` rides on the options of that pair, and the mentor's hours
    ``sum(lo * x + e)`` are capped. This is exact and needs no per-option
    integer variable.
    """

    def __init__(self, opts: Options, sel: np.ndarray, scale: float):
        self.opts, self.sel, self.scale = opts, sel, scale
        self.model = cp_model.CpModel()
        self._variables()
        self._one_match_per_participant()
        self._placement_slots()
        self._mentor_participants()
        self._mentor_hours()
        self._objective()

    def _variables(self) -> None:
        """One boolean per option; extra hours per (item, mentor) where hours may bind."""
        o, sel = self.opts, self.sel
        self.x = [self.model.new_bool_var("") for _ in range(len(sel))]
        self.by_item: dict[int, list[int]] = {}
        self.by_place: dict[int, list[int]] = {}
        self.by_mentor: dict[int, list[int]] = {}
        for k, t in enumerate(sel):
            self.by_item.setdefault(int(o.item[t]), []).append(k)
            self.by_place.setdefault(int(o.place[t]), []).append(k)
            self.by_mentor.setdefault(int(o.mentor[t]), []).append(k)
        self.binding: set[int] = set()
        for mj, ks in self.by_mentor.items():
            his = sorted({int(o.item[sel[k]]): int(o.hi[o.item[sel[k]]]) for k in ks}.values())
            top = sum(his[-int(o.cap_count[mj]):]) if o.cap_count[mj] > 0 else 0
            if top > o.cap_hours[mj]:
                self.binding.add(mj)
        self.pair_opts: dict[tuple[int, int], list[int]] = {}
        for mj in self.binding:
            for k in self.by_mentor[mj]:
                i = int(o.item[sel[k]])
                if o.hi[i] > o.lo[i]:
                    self.pair_opts.setdefault((i, mj), []).append(k)
        self.e = {pair: self.model.new_int_var(0, int(o.hi[pair[0]] - o.lo[pair[0]]), "")
                  for pair in self.pair_opts}

    def base_hours(self, k: int) -> int:
        """Hours an option takes before extra hours: lo where its mentor's hours bind, else hi."""
        t = self.sel[k]
        i = self.opts.item[t]
        return int(self.opts.lo[i] if self.opts.mentor[t] in self.binding else self.opts.hi[i])

    def _one_match_per_participant(self) -> None:
        """Rule: a participant has at most one match; extra hours only with a match."""
        for ks in self.by_item.values():
            if len(ks) > 1:
                self.model.add_at_most_one(self.x[k] for k in ks)
        for (i, _), ks in self.pair_opts.items():
            span = int(self.opts.hi[i] - self.opts.lo[i])
            self.model.add(self.e[(i, _)] <= span * _sum(self.x, ks))

    def _placement_slots(self) -> None:
        """Rule 9: a placement has at most its free slots."""
        for li, ks in self.by_place.items():
            if len(ks) > self.opts.slots[li]:
                self.model.add(_sum(self.x, ks) <= int(self.opts.slots[li]))

    def _mentor_participants(self) -> None:
        """Rule 10: a mentor has at most its free participant places."""
        for mj, ks in self.by_mentor.items():
            if len(ks) > self.opts.cap_count[mj]:
                self.model.add(_sum(self.x, ks) <= int(self.opts.cap_count[mj]))

    def _mentor_hours(self) -> None:
        """Rule 10: a mentor's hours add up to at most its free capacity."""
        o = self.opts
        extra: dict[int, list] = {}
        for (_, mj), var in self.e.items():
            extra.setdefault(mj, []).append(var)
        for mj in self.binding:
            ks = self.by_mentor[mj]
            base = cp_model.LinearExpr.weighted_sum(
                [self.x[k] for k in ks], [int(o.lo[o.item[self.sel[k]]]) for k in ks])
            self.model.add(base + cp_model.LinearExpr.sum(extra.get(mj, []))
                           <= int(o.cap_hours[mj]))

    def _objective(self) -> None:
        """Maximise the scaled section-3 objective; record the rounding error per item."""
        o, s = self.opts, self.scale
        err: dict[int, float] = {}
        coefs = []
        for k, t in enumerate(self.sel):
            i = int(o.item[t])
            exact = (o.const[t] + o.coef[i] * self.base_hours(k)) * s
            c = round(exact)
            coefs.append(c)
            err[i] = max(err.get(i, 0.0), abs(exact - c))
        variables = list(self.x)
        for (i, _), var in self.e.items():
            exact = o.coef[i] * s
            err[i] = err.get(i, 0.0) + abs(exact - round(exact)) * int(o.hi[i] - o.lo[i])
            variables.append(var)
            coefs.append(round(exact))
        self.margin = (sum(err.values()) + 1e-6 * len(err)) / s
        self.model.maximize(cp_model.LinearExpr.weighted_sum(variables, coefs))

    def hint(self, plan: dict[int, tuple[int, int]]) -> None:
        """Start from a known solution ``item -> (option, hours)``."""
        chosen = {t for t, _ in plan.values()}
        for k, t in enumerate(self.sel):
            self.model.add_hint(self.x[k], int(t) in chosen)
        for (i, mj), var in self.e.items():
            t_h = plan.get(i)
            on = t_h is not None and int(self.opts.mentor[t_h[0]]) == mj
            self.model.add_hint(var, t_h[1] - int(self.opts.lo[i]) if on else 0)

    def solve(self, time_limit: float, workers: int, gap: float = 2e-7) -> ModelOutcome:
        """Run CP-SAT; return the chosen options with hours and a true-value bound."""
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = max(0.01, time_limit)
        solver.parameters.num_workers = max(1, workers)
        solver.parameters.relative_gap_limit = gap
        # Measured on generated regional instances: probing costs seconds for little,
        # and the stronger linear relaxation moves the bound.
        solver.parameters.linearization_level = 2
        if len(self.sel) > 2000:
            solver.parameters.cp_model_probing_level = 0
        solver.parameters.log_search_progress = bool(os.environ.get("MATCHER_CPSAT_LOG"))
        for key, val in json.loads(os.environ.get("MATCHER_CPSAT_PARAMS", "{}")).items():
            setattr(solver.parameters, key, val)
        status = solver.solve(self.model)
        found = status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
        # Without a solution CP-SAT's bound is not trustworthy; the caller falls back.
        bound = solver.best_objective_bound / self.scale + self.margin if found else math.inf
        out: dict[int, tuple[int, int]] = {}
        if found:
            o = self.opts
            for k, t in enumerate(self.sel):
                if solver.boolean_value(self.x[k]):
                    i = int(o.item[t])
                    mj = int(o.mentor[t])
                    var = self.e.get((i, mj))
                    extra = solver.value(var) if var is not None else 0
                    out[i] = (int(t), self.base_hours(k) + int(extra))
        return ModelOutcome(out, bound, found)
