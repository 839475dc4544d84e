"""The two-index view of the options: (participant, placement) and (participant, mentor) pairs.

A section-3 score splits into a placement part, a mentor part and the hours:

    score(p, l, m, h) = A[p, l] + B[p, m] + coef[p] * h

with ``A = priority * (match + area * rank + keep_placement * [l current]) - travel * km``
and ``B = priority * keep_mentor * [m current]``. So the optimiser does not need one
variable per feasible (p, l, m) triple: it chooses a placement pair and a mentor pair
per participant, and a compatibility row per mentor pair forbids the placements that
mentor cannot go with (rule 6 and the three-way day rule 4). Everything here is
built with numpy from a k-d tree on unit vectors (chord length is monotone in the
haversine distance); border cases of rules 5 and 6 are decided with the exact
:func:`haversine_km` of the contract.

Compatibility rows, for a mentor pair ``y`` of participant p with compatible
placement pairs ``N`` among p's placement pairs ``L``:

- ``N == L``: no row;
- ``|N| <= |L - N|``: ``y <= sum(x for N)`` (a "sub" row);
- otherwise ``y + sum(x for L - N) <= 1`` (a "clique" row).

Both are exact given ``sum(x) == sum(y) <= 1`` per participant.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree

from .geo import EARTH_RADIUS_KM, haversine_km
from .schema import Problem

CHUNK_TRIPLES = 4_000_000
# Above this many (placement pair, mentor) combinations before filtering, each
# participant keeps only its best placements for the search; bounds still cover all
# placements (``full_upper``, ``dropped``). Measured on XL (31.4 M raw, 19.3 M allowed
# triples, built chunk by chunk): 1.45 GB peak for the whole 60 s solve.
MAX_RAW_TRIPLES = 40_000_000


def _unit(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    la, lo = np.radians(lat), np.radians(lon)
    return np.column_stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)])


def _chord(km: np.ndarray) -> np.ndarray:
    """Chord length on the unit sphere for a great-circle distance, padded to miss nothing."""
    ang = np.minimum(np.asarray(km, dtype=float) / EARTH_RADIUS_KM, math.pi)
    return 2 * np.sin(ang / 2) * (1 + 1e-7) + 1e-9


def _haversine(lat1, lon1, lat2, lon2) -> np.ndarray:
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(lon2 - lon1)
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(a)))


def _within(lat1, lon1, lat2, lon2, limit) -> tuple[np.ndarray, np.ndarray]:
    """Exact ``dist <= limit`` (contract haversine near the border) and the distances."""
    d = _haversine(lat1, lon1, lat2, lon2)
    ok = d <= limit
    close = np.flatnonzero(np.abs(d - limit) <= 1e-9 * np.maximum(1.0, limit))
    for k in close:
        dk = haversine_km(float(lat1[k]), float(lon1[k]), float(lat2[k]), float(lon2[k]))
        d[k] = dk
        ok[k] = dk <= limit[k]
    return ok, d


def _ball_pairs(tree: cKDTree, pts: np.ndarray, km: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(query, tree point) index pairs with the tree point within ``km`` of the query (superset)."""
    if len(pts) == 0 or tree.n == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    hits = tree.query_ball_point(pts, _chord(km))
    lens = np.fromiter((len(h) for h in hits), dtype=np.int64, count=len(hits))
    q = np.repeat(np.arange(len(pts), dtype=np.int64), lens)
    t = np.fromiter((j for h in hits for j in h), dtype=np.int64, count=int(lens.sum()))
    return q, t


class _Tags:
    """Tag sets as rows of 63-bit words, for vectorised subset tests."""

    def __init__(self, sets: list[frozenset[str]]):
        names = sorted(set().union(*sets)) if sets else []
        self.bit = {t: k for k, t in enumerate(names)}
        self.words = max(1, -(-len(names) // 63))

    def encode(self, sets, strict: bool) -> np.ndarray:
        """Rows of bits; an unknown tag makes a ``strict`` (subset side) row never a subset
        (-1 everywhere) and is ignored on the superset side."""
        out = np.zeros((len(sets), self.words), dtype=np.int64)
        for i, s in enumerate(sets):
            for t in s:
                k = self.bit.get(t)
                if k is None:
                    if strict:  # a tag nobody on the other side has: never a subset
                        out[i, :] = -1
                        break
                    continue
                out[i, k // 63] |= 1 << (k % 63)
        return out


def runs(starts: np.ndarray, lens: np.ndarray) -> np.ndarray:
    """The indices ``starts[k] .. starts[k] + lens[k] - 1`` of every run k, concatenated."""
    lens = np.asarray(lens, dtype=np.int64)
    return np.repeat(starts, lens) + (np.arange(lens.sum()) - np.repeat(np.cumsum(lens) - lens,
                                                                      lens))


def _subset(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Row-wise ``a <= b`` for encoded tag sets (a row of -1 is never a subset)."""
    neg = (a == -1).any(axis=1)
    return ((a & ~b) == 0).all(axis=1) & ~neg


@dataclass
class Pairs:
    """Variables and rows of the two-index model, as flat arrays.

    x pairs: ``x_item, x_place, x_val`` (A), ``x_km``. y pairs: ``y_item, y_mentor,
    y_val`` (B). Compatibility rows in CSR form over x ids: ``row_y`` (the y of each
    row), ``row_kind`` (0 sub, 1 clique), ``row_ptr``/``row_x``.
    """

    n_items: int
    x_item: np.ndarray
    x_place: np.ndarray
    x_val: np.ndarray
    x_km: np.ndarray
    y_item: np.ndarray
    y_mentor: np.ndarray
    y_val: np.ndarray
    row_y: np.ndarray
    row_kind: np.ndarray
    row_ptr: np.ndarray
    row_x: np.ndarray
    lo: np.ndarray
    hi: np.ndarray
    coef: np.ndarray
    slots: np.ndarray
    cap_hours: np.ndarray
    cap_count: np.ndarray
    triples: int
    raw_triples: int  # (placement pair, mentor) combinations before the mentor rules
    truncated: bool  # some placement pairs were left out of the search
    full_upper: float  # a valid bound over all placement pairs, truncated or not
    ext_reach: list  # per mentor: set of placements an external mentor reaches (else None)
    t_x: np.ndarray  # every allowed triple as (x id, y id), sorted by x id, for the
    t_y: np.ndarray  # mentor prices (matcher.mentorlag)
    # Placement pairs a truncated search left out, so that bounds still cover them.
    dropped: Dropped | None = None


@dataclass
class Dropped:
    """Placement pairs left out of a truncated search, for bounds only.

    ``value`` is an upper value of the whole match before mentor prices: the
    placement part plus the best a mentor could add (keep bonus, ``hours_max``).
    ``mentor_ptr``/``mentor`` list, per placement in CSR form, the mentors that may go
    with it by rule 6 and share a day with it (a superset of those allowed for any
    participant), so that priced bounds can take the cheapest of them.
    """

    item: np.ndarray
    place: np.ndarray
    value: np.ndarray
    mentor_ptr: np.ndarray
    mentor: np.ndarray


def _excluded_keys(P: list, field: str, index: dict, n: int) -> np.ndarray:
    """Sorted keys ``participant * n + record`` of every exclusion in ``field`` (rule 7).

    (Checked per triple in Python, XL's build took 11.3 s instead of 9.3 s.)
    """
    keys = [i * n + index[r] for i, p in enumerate(P) for r in getattr(p, field)
            if r in index]
    return np.unique(np.array(keys, dtype=np.int64))


def _mentors_at(L: list, M: list, ltree, llat: np.ndarray, llon: np.ndarray,
                cap_count: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, list]:
    """Mentors per placement (rule 6): colleagues by employer, externals by reach.
    Returns (placement, mentor) pairs sorted by placement, where each placement's run
    starts, and per mentor the placements an external mentor reaches (else None)."""
    n_l, n_m = len(L), len(M)
    mlat, mlon = np.array([m.lat for m in M]), np.array([m.lon for m in M])
    ext = np.array([m.employer is None for m in M], dtype=bool)
    ext_ids = np.flatnonzero(ext)
    ext_reach: list = [None] * n_m
    mt_l, mt_m = [], []
    if len(ext_ids) and ltree is not None:
        qm, ql = _ball_pairs(ltree, _unit(mlat[ext_ids], mlon[ext_ids]),
                             np.array([M[j].max_travel_km for j in ext_ids], dtype=float))
        mj = ext_ids[qm]
        ok, _ = _within(mlat[mj], mlon[mj], llat[ql], llon[ql],
                        np.array([M[j].max_travel_km for j in mj], dtype=float))
        mt_l.append(ql[ok])
        mt_m.append(mj[ok])
    emp_ids = {e: k for k, e in enumerate(sorted({pl.employer for pl in L}))}
    l_emp = np.array([emp_ids[pl.employer] for pl in L], dtype=np.int64)
    m_emp = np.array([emp_ids.get(m.employer, -1) if m.employer is not None else -1
                      for m in M], dtype=np.int64)
    col = np.flatnonzero(m_emp >= 0)
    if len(col):
        order = np.argsort(m_emp[col], kind="stable")
        col = col[order]
        starts = np.searchsorted(m_emp[col], l_emp, side="left")
        ends = np.searchsorted(m_emp[col], l_emp, side="right")
        cnt = ends - starts
        mt_l.append(np.repeat(np.arange(n_l, dtype=np.int64), cnt))
        mt_m.append(col[runs(starts, cnt)])
    at_l = np.concatenate(mt_l) if mt_l else np.zeros(0, dtype=np.int64)
    at_m = np.concatenate(mt_m) if mt_m else np.zeros(0, dtype=np.int64)
    usable = (cap_count[at_m] > 0)
    at_l, at_m = at_l[usable], at_m[usable]
    order = np.lexsort((at_m, at_l))
    at_l, at_m = at_l[order], at_m[order]
    at_ptr = np.searchsorted(at_l, np.arange(n_l + 1))
    for lj, mj in zip(at_l[ext[at_m]], at_m[ext[at_m]], strict=True):
        if ext_reach[mj] is None:
            ext_reach[mj] = set()
        ext_reach[mj].add(int(lj))
    return at_l, at_m, at_ptr, ext_reach


def build_pairs(problem: Problem, items: list[int], slots: np.ndarray, cap_hours: np.ndarray,
                cap_count: np.ndarray) -> Pairs:
    """Every pair that takes part in at least one allowed, worthwhile match."""
    w = problem.weights
    P, L, M = problem.participants, problem.placements, problem.mentors
    n_p, n_l, n_m = len(P), len(L), len(M)
    lo = np.array([p.hours_min for p in P], dtype=np.int64)
    coef = np.array([w.hours * p.priority for p in P], dtype=float)
    hi = np.where(coef > 0, np.array([p.hours_max for p in P], dtype=np.int64), lo)
    prio = np.array([p.priority for p in P], dtype=float)
    plat, plon = np.array([p.lat for p in P]), np.array([p.lon for p in P])
    llat, llon = np.array([pl.lat for pl in L]), np.array([pl.lon for pl in L])
    pdays = np.array([p.days for p in P], dtype=np.int64)
    ldays = np.array([pl.days for pl in L], dtype=np.int64)
    mdays = np.array([m.days for m in M], dtype=np.int64)

    # Placements per participant (rules 1, 2, 5, placement half of 4 and 7).
    items_a = np.unique(np.array(items, dtype=np.int64))
    ltree = cKDTree(_unit(llat, llon)) if n_l else None
    if ltree is not None and len(items_a):
        qi, li = _ball_pairs(ltree, _unit(plat[items_a], plon[items_a]),
                             np.array([P[i].max_travel_km for i in items_a]))
        pi = items_a[qi]
    else:
        pi = li = np.zeros(0, dtype=np.int64)
    keep = (slots[li] > 0) & ((pdays[pi] & ldays[li]) != 0)
    pi, li = pi[keep], li[keep]
    ok, km = _within(plat[pi], plon[pi], llat[li], llon[li],
                     np.array([P[i].max_travel_km for i in pi], dtype=float))
    pi, li, km = pi[ok], li[ok], km[ok]
    areas = sorted({pl.area for pl in L})
    a_id = {a: k for k, a in enumerate(areas)}
    rank = np.full((n_p, max(1, len(areas))), -1, dtype=np.int64)
    for i, p in enumerate(P):
        if not p.areas:
            rank[i, :] = 0
        for r, a in enumerate(p.areas):
            if a in a_id:
                rank[i, a_id[a]] = len(p.areas) - r
    l_area = np.array([a_id[pl.area] for pl in L], dtype=np.int64)
    rk = rank[pi, l_area[li]] if len(pi) else np.zeros(0, dtype=np.int64)
    req_tags = _Tags([pl.requirements for pl in L])
    ok = (rk >= 0) & _subset(req_tags.encode([L[j].requirements for j in range(n_l)],
                                             True)[li],
                             req_tags.encode([p.attributes for p in P], False)[pi])
    excl_l = _excluded_keys(P, "excluded_placements", problem.l_index, n_l)
    if len(excl_l):
        ok &= ~np.isin(pi * n_l + li, excl_l)
    pi, li, km, rk = pi[ok], li[ok], km[ok], rk[ok]
    cur_l = np.array([problem.l_index.get(p.current_placement, -1) if p.current_placement
                      else -1 for p in P], dtype=np.int64)
    a_val = prio[pi] * (w.match + w.area * rk + w.keep_placement * (cur_l[pi] == li)) \
        - w.travel_km * km

    at_l, at_m, at_ptr, ext_reach = _mentors_at(L, M, ltree, llat, llon, cap_count)

    # Triples in chunks: filter, then reduce to pairs and rows.
    skill_tags = _Tags([m.skills for m in M])
    needs = skill_tags.encode([p.needs for p in P], True)
    skills = skill_tags.encode([m.skills for m in M], False)
    excl_m = _excluded_keys(P, "excluded_mentors", problem.m_index, n_m)
    cur_m = np.array([problem.m_index.get(p.current_mentor, -1) if p.current_mentor
                      else -1 for p in P], dtype=np.int64)
    per = at_ptr[li + 1] - at_ptr[li]
    top_b = prio * w.keep_mentor * (cur_m >= 0) + coef * hi
    best_a = np.full(n_p, -np.inf)
    np.maximum.at(best_a, pi, a_val)
    full = best_a + top_b
    full_upper = float(np.maximum(full[np.isfinite(full)], 0.0).sum()) * (1 + 1e-9) + 1e-6
    raw = int(per.sum())
    truncated = raw > MAX_RAW_TRIPLES
    if truncated:
        # Best placements first within each participant; keep the first k of each.
        order = np.lexsort((-a_val, pi))
        pi, li, km, rk, a_val, per = (v[order] for v in (pi, li, km, rk, a_val, per))
        first = np.searchsorted(pi, pi, side="left")
        pos = np.arange(len(pi)) - first
        k = max(1, int(MAX_RAW_TRIPLES / max(1.0, float(per.mean())) / max(1, len(items_a))))
        keep = pos < k
        day_ok = (ldays[at_l] & mdays[at_m]) != 0
        dropped = Dropped(pi[~keep], li[~keep], a_val[~keep] + top_b[pi[~keep]],
                          np.searchsorted(at_l[day_ok], np.arange(n_l + 1)), at_m[day_ok])
        pi, li, km, rk, a_val, per = (v[keep] for v in (pi, li, km, rk, a_val, per))
    else:
        dropped = None
    # Chunks hold whole participants (x ids are sorted by participant), so each chunk's
    # mentor pairs, compatibility rows and triples are final on their own: no step ever
    # holds every triple in 8-byte ids or sorts them all at once (XL: 19 M triples).
    parts: dict[str, list] = {k: [] for k in ("x", "y", "tx", "ty", "row_y", "row_kind",
                                               "row_len", "row_x")}
    start, total, n_xs, n_ys = 0, 0, 0, 0
    n_x0 = len(pi)
    cum = np.cumsum(per)
    while start < n_x0:
        end = int(np.searchsorted(cum, (cum[start - 1] if start else 0) + CHUNK_TRIPLES,
                                  side="right"))
        end = max(end, start + 1)
        end = int(np.searchsorted(pi, pi[end - 1], side="right"))  # the whole participant
        xs = np.arange(start, end, dtype=np.int64)
        cnt = per[xs]
        tx = np.repeat(xs, cnt)
        off = np.arange(len(tx)) - np.repeat(np.cumsum(cnt) - cnt, cnt)
        tm = at_m[at_ptr[li[tx]] + off]
        tp = pi[tx]
        ok = (cap_hours[tm] >= lo[tp]) & ((pdays[tp] & ldays[li[tx]] & mdays[tm]) != 0)
        ok &= _subset(needs[tp], skills[tm])
        # Worth taking at all: the best this triple can give must beat staying unmatched.
        bval = prio[tp] * w.keep_mentor * (cur_m[tp] == tm)
        ok &= a_val[tx] + bval + coef[tp] * hi[tp] > 0
        tx, tm = tx[ok], tm[ok]
        if len(excl_m):
            keepm = ~np.isin(pi[tx] * n_m + tm, excl_m)
            tx, tm = tx[keepm], tm[keepm]
        start = end
        if not len(tx):
            continue
        # x ids: placement pairs with at least one compatible mentor (tx is sorted).
        used_x, tx = np.unique(tx, return_inverse=True)
        tp = pi[used_x][tx]
        # y ids: (participant, mentor) pairs.
        ukey, ty = np.unique(tp * n_m + tm, return_inverse=True)
        y_item_c = ukey // n_m
        row_y, row_kind, row_ptr, row_x = _rows(n_p, pi[used_x], y_item_c, tx, ty)
        parts["x"].append(used_x)
        parts["y"].append(ukey)
        parts["tx"].append((tx + n_xs).astype(np.int32))
        parts["ty"].append((ty + n_ys).astype(np.int32))
        parts["row_y"].append(row_y + n_ys)
        parts["row_kind"].append(row_kind)
        parts["row_len"].append(np.diff(row_ptr))
        parts["row_x"].append(row_x + n_xs)
        total += len(tx)
        n_xs += len(used_x)
        n_ys += len(ukey)

    def cat(key: str, dtype) -> np.ndarray:
        return np.concatenate(parts[key]).astype(dtype, copy=False) if parts[key] else \
            np.zeros(0, dtype=dtype)

    used_x = cat("x", np.int64)
    x_item, x_place, x_val, x_km = pi[used_x], li[used_x], a_val[used_x], km[used_x]
    ukey = cat("y", np.int64)
    y_item, y_mentor = ukey // n_m, ukey % n_m
    y_val = prio[y_item] * w.keep_mentor * (cur_m[y_item] == y_mentor)
    row_y, row_kind, row_x = cat("row_y", np.int64), cat("row_kind", np.int8), cat("row_x",
                                                                                   np.int64)
    row_ptr = np.concatenate([[0], np.cumsum(cat("row_len", np.int64))]).astype(np.int64)
    tx, ty = cat("tx", np.int32), cat("ty", np.int32)
    return Pairs(n_p, x_item, x_place, x_val, x_km, y_item, y_mentor, y_val, row_y, row_kind,
                 row_ptr, row_x, lo, hi, coef, slots, cap_hours, cap_count, int(total),
                 raw, truncated, full_upper, ext_reach, tx, ty, dropped)


def _rows(n_p: int, x_item: np.ndarray, y_item: np.ndarray, tx: np.ndarray,
          ty: np.ndarray) -> tuple:
    """Compatibility rows (see the module docstring) from the allowed triples ``(tx, ty)``."""
    n_x, n_y = len(x_item), len(y_item)
    x_count = np.bincount(x_item, minlength=n_p)
    x_ptr = np.concatenate([[0], np.cumsum(x_count)])  # x ids are sorted by participant
    n_nb = np.bincount(ty, minlength=n_y)
    n_all = x_count[y_item]
    sub = n_nb < n_all
    sub_rows = np.flatnonzero(sub & (n_nb <= n_all - n_nb))
    clq_rows = np.flatnonzero(sub & (n_nb > n_all - n_nb))
    order = np.lexsort((tx, ty))
    tx_s, ty_s = tx[order], ty[order]
    t_ptr = np.concatenate([[0], np.cumsum(n_nb)])
    row_x_parts, row_len = [], []
    # sub rows: the compatible x of each y
    if len(sub_rows):
        ln = n_nb[sub_rows]
        idx = runs(t_ptr[sub_rows], ln)
        sub_x = tx_s[idx]
    else:
        ln, sub_x = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    row_x_parts.append(sub_x)
    row_len.append(ln)
    # clique rows: all x of the participant minus the compatible ones
    if len(clq_rows):
        la = n_all[clq_rows]
        ry = np.repeat(clq_rows, la)
        cand = runs(x_ptr[y_item[clq_rows]], la)
        keys = ty_s * n_x + tx_s  # sorted: triples are ordered by (y, x)
        want = ry * n_x + cand
        pos = np.minimum(np.searchsorted(keys, want), max(0, len(keys) - 1))
        have = keys[pos] == want if len(keys) else np.zeros(len(want), dtype=bool)
        cx = cand[~have]
        cl_len = np.bincount(np.searchsorted(clq_rows, ry[~have]), minlength=len(clq_rows))
    else:
        cx, cl_len = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    row_x_parts.append(cx)
    row_len.append(cl_len)
    row_y = np.concatenate([sub_rows, clq_rows]).astype(np.int64)
    row_kind = np.concatenate([np.zeros(len(sub_rows), dtype=np.int8),
                               np.ones(len(clq_rows), dtype=np.int8)])
    lens = np.concatenate(row_len).astype(np.int64)
    row_ptr = np.concatenate([[0], np.cumsum(lens)]).astype(np.int64)
    row_x = np.concatenate(row_x_parts).astype(np.int64)
    return row_y, row_kind, row_ptr, row_x


def compatible(problem: Problem, pairs: Pairs, p_days: int, li: int, mj: int) -> bool:
    """Rule 6 and the day rule 4 for one (placement, mentor) of a participant."""
    m, pl = problem.mentors[mj], problem.placements[li]
    if not (p_days & pl.days & m.days):
        return False
    if m.employer is not None:
        return m.employer == pl.employer
    reach = pairs.ext_reach[mj]
    return reach is not None and li in reach
