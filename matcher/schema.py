"""Parse and check problem files (docs/matching-model.md sections 1, 5 and 6).

Parsing never stops at the first broken rule: every field error is collected as
``"<record>.<field>: <message>"`` so a consultant can fix a file in one go.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_BIT = {d: 1 << i for i, d in enumerate(DAYS)}
DEFAULT_WEIGHTS = {
    "match": 100.0,
    "area": 10.0,
    "keep_mentor": 50.0,
    "keep_placement": 30.0,
    "hours": 1.0,
    "travel_km": 1.0,
}


def day_names(mask: int) -> list[str]:
    """Return the day names set in a day bit mask, Monday first."""
    return [d for d in DAYS if mask & DAY_BIT[d]]


@dataclass(frozen=True)
class Weights:
    match: float = 100.0
    area: float = 10.0
    keep_mentor: float = 50.0
    keep_placement: float = 30.0
    hours: float = 1.0
    travel_km: float = 1.0


@dataclass(frozen=True)
class Pin:
    placement: str
    mentor: str
    hours: int


@dataclass(frozen=True)
class Participant:
    id: str
    hours_min: int
    hours_max: int
    priority: int
    days: int
    areas: tuple[str, ...]
    needs: frozenset[str]
    attributes: frozenset[str]
    lat: float
    lon: float
    max_travel_km: float
    current_mentor: str | None = None
    current_placement: str | None = None
    excluded_mentors: frozenset[str] = frozenset()
    excluded_placements: frozenset[str] = frozenset()
    pinned: Pin | None = None


@dataclass(frozen=True)
class Placement:
    id: str
    employer: str
    area: str
    slots: int
    days: int
    requirements: frozenset[str]
    lat: float
    lon: float


@dataclass(frozen=True)
class Mentor:
    id: str
    employer: str | None
    skills: frozenset[str]
    capacity_hours: int
    max_participants: int
    days: int
    lat: float
    lon: float
    max_travel_km: float


@dataclass(frozen=True)
class Problem:
    weights: Weights
    participants: tuple[Participant, ...]
    placements: tuple[Placement, ...]
    mentors: tuple[Mentor, ...]
    p_index: dict[str, int] = field(default_factory=dict, compare=False)
    l_index: dict[str, int] = field(default_factory=dict, compare=False)
    m_index: dict[str, int] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class Assignment:
    participant: str
    placement: str
    mentor: str
    hours: int


@dataclass(frozen=True)
class CoverProblem:
    problem: Problem
    assignments: tuple[Assignment, ...]
    absent: frozenset[str]
    known: dict[str, frozenset[str]]


class ProblemError(ValueError):
    """Raised by :func:`parse_problem` with every field error in ``errors``."""

    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


_MISSING = object()


class _Reader:
    """Reads fields of one record and collects the errors it finds."""

    def __init__(self, errors: list[str], name: str, rec: dict):
        self.errors, self.name, self.rec = errors, name, rec

    def fail(self, fld: str, msg: str) -> None:
        prefix = f"{self.name}." if self.name else ""
        self.errors.append(f"{prefix}{fld}: {msg}")

    def raw(self, fld: str, required: bool) -> Any:
        value = self.rec.get(fld, _MISSING)
        if value is _MISSING and required:
            self.fail(fld, "is required")
        return value

    def integer(self, fld: str, lo: int, hi: int | None, default: Any = _MISSING) -> int | None:
        value = self.raw(fld, default is _MISSING)
        if value is _MISSING or (value is None and default is not _MISSING):
            return None if default is _MISSING else default
        ok = isinstance(value, int) and not isinstance(value, bool)
        ok = ok or (isinstance(value, float) and value.is_integer())
        if ok and lo <= value and (hi is None or value <= hi):
            return int(value)
        self.fail(fld, f"must be an integer >= {lo}" if hi is None else
                  f"must be an integer between {lo} and {hi}")
        return None

    def number(self, fld: str, lo: float, hi: float | None = None) -> float | None:
        value = self.raw(fld, True)
        if value is _MISSING:
            return None
        if (isinstance(value, (int, float)) and not isinstance(value, bool)
                and math.isfinite(value) and lo <= value and (hi is None or value <= hi)):
            return float(value)
        self.fail(fld, f"must be a number >= {lo:g}" if hi is None else
                  f"must be a number between {lo:g} and {hi:g}")
        return None

    def string(self, fld: str, nullable: bool = False, required: bool = True) -> str | None:
        value = self.raw(fld, required)
        if value is _MISSING or (value is None and (nullable or not required)):
            return None
        if isinstance(value, str) and value:
            return value
        self.fail(fld, "must be a non-empty string" + (" or null" if nullable else ""))
        return None

    def tags(self, fld: str, required: bool = False, unique: bool = False) -> tuple[str, ...]:
        value = self.raw(fld, required)
        if value is _MISSING or (value is None and not required):
            return ()
        if not isinstance(value, list) or not all(isinstance(t, str) and t for t in value):
            self.fail(fld, "must be a list of non-empty strings")
            return ()
        if unique and len(set(value)) != len(value):
            self.fail(fld, "entries must be unique")
        return tuple(value)

    def days(self) -> int:
        value = self.raw("days", True)
        if value is _MISSING:
            return 0
        if not isinstance(value, list) or not value or not all(d in DAY_BIT for d in value):
            self.fail("days", "must be a non-empty list of " + " ".join(DAYS))
            return 0
        mask = 0
        for d in value:
            mask |= DAY_BIT[d]
        return mask

    def location(self) -> tuple[float, float]:
        value = self.raw("location", True)
        if value is _MISSING:
            return (0.0, 0.0)
        if not isinstance(value, dict):
            self.fail("location", "must be an object with lat and lon")
            return (0.0, 0.0)
        sub = _Reader(self.errors, f"{self.name}.location", value)
        lat, lon = sub.number("lat", -90, 90), sub.number("lon", -180, 180)
        return (lat or 0.0, lon or 0.0)

    def ref(self, fld: str, value: Any, known: dict[str, int], kind: str) -> str | None:
        if value is None or value is _MISSING:
            return None
        if not isinstance(value, str) or value not in known:
            self.fail(fld, f"names no {kind} ({value!r})")
            return None
        return value

    def refs(self, fld: str, known: dict[str, int], kind: str) -> frozenset[str]:
        value = self.raw(fld, False)
        if value is _MISSING or value is None:
            return frozenset()
        if not isinstance(value, list):
            self.fail(fld, f"must be a list of {kind} ids")
            return frozenset()
        return frozenset(v for v in value if self.ref(fld, v, known, kind) is not None)


def _records(data: dict, key: str, prefix: str, errors: list[str]) -> tuple[list, dict[str, int]]:
    """Return the records of one list with readers named by id, and the id index."""
    value = data.get(key, _MISSING)
    if not isinstance(value, list):
        errors.append(f"{key}: {'is required' if value is _MISSING else 'must be a list'}")
        return [], {}
    out, index = [], {}
    for i, rec in enumerate(value):
        where = f"{key}[{i}]"
        if not isinstance(rec, dict):
            errors.append(f"{where}: must be an object")
            continue
        rid = rec.get("id")
        if not isinstance(rid, str) or not rid:
            errors.append(f"{where}.id: must be a non-empty string")
            rid = None
        elif rid in index:
            errors.append(f"{where}.id: duplicate {prefix} id {rid!r}")
            rid = None
        else:
            index[rid] = len(out)
        out.append((_Reader(errors, rid or where, rec), rid))
    return out, index


def _weights(data: dict, errors: list[str]) -> Weights:
    raw = data.get("weights")
    if raw is None:
        return Weights()
    if not isinstance(raw, dict):
        errors.append("weights: must be an object")
        return Weights()
    values = dict(DEFAULT_WEIGHTS)
    reader = _Reader(errors, "weights", raw)
    for key in DEFAULT_WEIGHTS:
        if key in raw:
            got = reader.number(key, 0)
            values[key] = DEFAULT_WEIGHTS[key] if got is None else got
    return Weights(**values)


def _participant(r: _Reader, rid: str, l_idx: dict, m_idx: dict) -> Participant:
    hmin = r.integer("hours_min", 2, 20)
    hmax = r.integer("hours_max", 2, 20)
    if hmin is not None and hmax is not None and hmax < hmin:
        r.fail("hours_max", f"must be at least hours_min ({hmin})")
    lat, lon = r.location()
    pin = None
    raw_pin = r.raw("pinned", False)
    if isinstance(raw_pin, dict):
        pr = _Reader(r.errors, f"{r.name}.pinned", raw_pin)
        pl = pr.ref("placement", raw_pin.get("placement", _MISSING), l_idx, "placement")
        pm = pr.ref("mentor", raw_pin.get("mentor", _MISSING), m_idx, "mentor")
        for key in ("placement", "mentor"):
            if key not in raw_pin:
                pr.fail(key, "is required")
        ph = pr.integer("hours", 0, None)
        if pl and pm and ph is not None:
            pin = Pin(pl, pm, ph)
    elif raw_pin not in (None, _MISSING):
        r.fail("pinned", "must be null or an object with placement, mentor and hours")
    return Participant(
        id=rid, hours_min=hmin or 2, hours_max=hmax or 20,
        priority=r.integer("priority", 1, 5, default=1), days=r.days(),
        areas=r.tags("areas", required=True, unique=True),
        needs=frozenset(r.tags("needs")), attributes=frozenset(r.tags("attributes")),
        lat=lat, lon=lon, max_travel_km=r.number("max_travel_km", 0) or 0.0,
        current_mentor=r.ref("current_mentor", r.raw("current_mentor", False), m_idx, "mentor"),
        current_placement=r.ref("current_placement", r.raw("current_placement", False),
                                l_idx, "placement"),
        excluded_mentors=r.refs("excluded_mentors", m_idx, "mentor"),
        excluded_placements=r.refs("excluded_placements", l_idx, "placement"),
        pinned=pin,
    )


def _placement(r: _Reader, rid: str) -> Placement:
    lat, lon = r.location()
    return Placement(
        id=rid, employer=r.string("employer") or "", area=r.string("area") or "",
        slots=r.integer("slots", 1, None) or 1, days=r.days(),
        requirements=frozenset(r.tags("requirements")), lat=lat, lon=lon,
    )


def _mentor(r: _Reader, rid: str) -> Mentor:
    lat, lon = r.location()
    r.raw("employer", True)
    return Mentor(
        id=rid, employer=r.string("employer", nullable=True, required=False),
        skills=frozenset(r.tags("skills")),
        capacity_hours=r.integer("capacity_hours", 0, 60) or 0,
        max_participants=r.integer("max_participants", 0, None) or 0, days=r.days(),
        lat=lat, lon=lon, max_travel_km=r.number("max_travel_km", 0) or 0.0,
    )


def collect_problem(data: Any) -> tuple[Problem | None, list[str]]:
    """Parse a problem dict; return ``(problem, [])`` or ``(None, errors)``."""
    if not isinstance(data, dict):
        return None, ["file: must be a JSON object"]
    errors: list[str] = []
    weights = _weights(data, errors)
    parts, p_idx = _records(data, "participants", "participant", errors)
    places, l_idx = _records(data, "placements", "placement", errors)
    ments, m_idx = _records(data, "mentors", "mentor", errors)
    participants = tuple(_participant(r, rid, l_idx, m_idx) for r, rid in parts)
    placements = tuple(_placement(r, rid) for r, rid in places)
    mentors = tuple(_mentor(r, rid) for r, rid in ments)
    if errors:
        return None, errors
    return Problem(weights, participants, placements, mentors, p_idx, l_idx, m_idx), []


def parse_problem(data: Any) -> Problem:
    """Parse a problem dict or raise :class:`ProblemError` listing every field error."""
    problem, errors = collect_problem(data)
    if errors:
        raise ProblemError(errors)
    return problem


def collect_cover(data: Any) -> tuple[CoverProblem | None, list[str]]:
    """Parse a cover problem dict; return ``(cover, [])`` or ``(None, errors)``."""
    problem, errors = collect_problem(data)
    if not isinstance(data, dict):
        return None, errors
    p_idx = {p.get("id"): 0 for p in data.get("participants") or [] if isinstance(p, dict)}
    l_idx = {p.get("id"): 0 for p in data.get("placements") or [] if isinstance(p, dict)}
    m_idx = {p.get("id"): 0 for p in data.get("mentors") or [] if isinstance(p, dict)}
    assignments, seen = [], set()
    raw = data.get("assignments", [])
    if not isinstance(raw, list):
        errors.append("assignments: must be a list")
        raw = []
    for i, rec in enumerate(raw):
        if not isinstance(rec, dict):
            errors.append(f"assignments[{i}]: must be an object")
            continue
        r = _Reader(errors, f"assignments[{i}]", rec)
        refs = [r.ref(k, r.raw(k, True), idx, k)
                for k, idx in (("participant", p_idx), ("placement", l_idx), ("mentor", m_idx))]
        hours = r.integer("hours", 0, None)
        if refs[0] in seen:
            r.fail("participant", f"{refs[0]!r} has more than one assignment")
        seen.add(refs[0])
        if all(refs) and hours is not None:
            assignments.append(Assignment(refs[0], refs[1], refs[2], hours))
    top = _Reader(errors, "", data)
    absent = top.refs("absent", m_idx, "mentor")
    known: dict[str, frozenset[str]] = {}
    raw_known = data.get("known", {})
    if not isinstance(raw_known, dict):
        errors.append("known: must be an object of participant id -> mentor ids")
        raw_known = {}
    for pid in raw_known:
        if pid not in p_idx:
            errors.append(f"known.{pid}: names no participant")
            continue
        known[pid] = _Reader(errors, "known", raw_known).refs(pid, m_idx, "mentor")
    if errors:
        return None, errors
    return CoverProblem(problem, tuple(assignments), absent, known), []
