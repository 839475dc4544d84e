"""The compiled kernel of :mod:`matcher.localsearch` (numba; imported on first use).

State: ``cur[p]`` is participant p's triple (-1: unmatched). Each placement and mentor
keeps its participants in a fixed block of ``slots`` / ``max_participants`` cells
(``ptr``/``mem``, -1 for an empty cell); ``mval[m]`` is the hours part of mentor m's
value. A move is up to two participants, ``moved[j]`` going to the triple ``to[j]``.
"""

import numba
import numpy as np

EPS = 1e-7
jit = numba.njit(cache=True, nogil=True)


@jit
def _blocks(cap):
    ptr = np.zeros(len(cap) + 1, dtype=np.int64)
    for k in range(len(cap)):
        ptr[k + 1] = ptr[k] + max(cap[k], 0)
    return ptr, np.full(ptr[-1], -1, dtype=np.int64)


@jit
def _put(ptr, mem, k, i):
    for s in range(ptr[k], ptr[k + 1]):
        if mem[s] < 0:
            mem[s] = i
            return


@jit
def _take(ptr, mem, k, i):
    for s in range(ptr[k], ptr[k + 1]):
        if mem[s] == i:
            mem[s] = -1


@jit
def _has(arr, n, x):
    """Whether ``x`` is among ``arr[:n]``."""
    for j in range(n):
        if arr[j] == x:
            return True
    return False


@jit
def _mentor_value(m, m_ptr, m_mem, moved, dest, n_moved, lo, hi, coef, cap_count,
                  cap_hours, buf):
    """The hours part of mentor ``m``'s value once the ``n_moved`` items ``moved`` go to
    the mentors ``dest`` (-1: out of the plan): every participant at ``hours_min``, the
    spare hours by hourly value (optimal with the participants fixed). -inf when it
    breaks the mentor's participant count or hours."""
    k = 0
    for s in range(m_ptr[m], m_ptr[m + 1]):
        q = m_mem[s]
        if q < 0:
            continue
        if not _has(moved, n_moved, q):
            buf[k] = q
            k += 1
    for j in range(n_moved):
        if dest[j] == m:
            buf[k] = moved[j]
            k += 1
    if k > cap_count[m]:
        return -np.inf
    used = 0
    val = 0.0
    for j in range(k):
        used += lo[buf[j]]
        val += coef[buf[j]] * lo[buf[j]]
    spare = cap_hours[m] - used
    if spare < 0:
        return -np.inf
    for a in range(1, k):  # insertion sort by hourly value: a mentor has a few
        q = buf[a]
        b = a - 1
        while b >= 0 and coef[buf[b]] < coef[q]:
            buf[b + 1] = buf[b]
            b -= 1
        buf[b + 1] = q
    for j in range(k):
        q = buf[j]
        if spare <= 0 or coef[q] <= 0:
            break
        add = min(hi[q] - lo[q], spare)
        val += coef[q] * add
        spare -= add
    return val


@jit
def _mentors_delta(cur, t_m, moved, to, n_moved, m_ptr, m_mem, mval, lo, hi, coef,
                   cap_count, cap_hours, buf, ms, dest):
    """What the move does to the hours part of every mentor it touches; -inf when it
    breaks one's capacities."""
    n = 0
    for j in range(n_moved):
        dest[j] = t_m[to[j]] if to[j] >= 0 else -1
        t_old = cur[moved[j]]
        for c in (t_m[t_old] if t_old >= 0 else -1, dest[j]):
            if c >= 0 and not _has(ms, n, c):
                ms[n] = c
                n += 1
    d = 0.0
    for a in range(n):
        nv = _mentor_value(ms[a], m_ptr, m_mem, moved, dest, n_moved, lo, hi, coef,
                           cap_count, cap_hours, buf)
        if nv == -np.inf:
            return -np.inf
        d += nv - mval[ms[a]]
    return d


@jit
def _eject(p, t, q, d, best, cur, t_ptr, t_end, t_l, t_m, t_v, occ, slots, m_ptr, m_mem, mval,
           lo, hi, coef, cap_count, cap_hours, buf, ms, moved, to, dest, out):
    """p takes triple ``t`` (worth ``d`` more), q leaves its triple for its best other
    with room then, or the plan. Returns the better of that and ``best`` (``out`` set
    when that is better)."""
    t0, tq0 = cur[p], cur[q]
    l0 = t_l[t0] if t0 >= 0 else -1
    m0 = t_m[t0] if t0 >= 0 else -1
    li, m, mq = t_l[t], t_m[t], t_m[tq0]
    # p moved and q out: the mentors of both, before q's new mentor.
    moved[0], moved[1] = p, q
    to[0], to[1] = t, -1
    base = _mentors_delta(cur, t_m, moved, to, 2, m_ptr, m_mem, mval, lo, hi, coef,
                          cap_count, cap_hours, buf, ms, dest)
    if base == -np.inf:
        return best  # q leaving does not make room
    g = d - t_v[tq0] + base
    if g > best:
        best = g
        out[0], out[1], out[2] = t, q, -1
    # q's triples come best first: none after one that cannot beat ``best`` even with
    # all of q's hours added to its new mentor's (others there can only lose hours).
    top = d - t_v[tq0] + base + max(coef[q], 0.0) * hi[q]
    for tq in range(t_ptr[q], t_end[q]):
        if top + t_v[tq] <= best:
            break
        if tq == tq0:
            continue
        l2, m2 = t_l[tq], t_m[tq]
        o = occ[l2] - (l2 == l0) + (l2 == li) - (l2 == t_l[tq0])  # once both moved
        if o >= slots[l2]:
            continue
        to[1] = tq
        if m2 == m0 or m2 == m or m2 == mq:
            dm2 = _mentors_delta(cur, t_m, moved, to, 2, m_ptr, m_mem, mval, lo, hi, coef,
                                 cap_count, cap_hours, buf, ms, dest)
        else:  # q joins a mentor the rest of the move leaves alone
            dest[0], dest[1] = -1, m2
            dm2 = base + _mentor_value(m2, m_ptr, m_mem, moved, dest, 2, lo, hi, coef,
                                       cap_count, cap_hours, buf) - mval[m2]
        g = d + t_v[tq] - t_v[tq0] + dm2
        if g > best:
            best = g
            out[0], out[1], out[2] = t, q, tq
    return best


@jit
def _best_for(p, cur, t_ptr, t_end, t_l, t_m, t_v, occ, slots, l_ptr, l_mem, m_ptr, m_mem,
              mval, lo, hi, coef, cap_count, cap_hours, buf, ms, moved, to, dest, out):
    """The best move of participant ``p``: another triple with room (or out of the plan),
    or a triple whose full placement or mentor one other participant q leaves, q taking
    its best triple with room then (or leaving the plan). ``out`` gets (p's triple, q,
    q's triple); returns the gain (at most EPS when nothing gains).

    A participant's triples come best first; what the mentor's hours part does is kept
    from the triple before when it has the same mentor."""
    t0 = cur[p]
    l0 = t_l[t0] if t0 >= 0 else -1
    best = EPS
    moved[0] = p
    last_m, dm = -2, 0.0
    for t in range(t_ptr[p] - 1, t_end[p]):
        if t == t0 or (t < t_ptr[p] and t0 < 0):
            continue
        if t < t_ptr[p]:
            t = -1
        li = t_l[t] if t >= 0 else -1
        m = t_m[t] if t >= 0 else -1
        d = (t_v[t] if t >= 0 else 0.0) - (t_v[t0] if t0 >= 0 else 0.0)
        to[0] = t
        if m != last_m:
            last_m = m
            dm = _mentors_delta(cur, t_m, moved, to, 1, m_ptr, m_mem, mval, lo, hi, coef,
                                cap_count, cap_hours, buf, ms, dest)
        l_full = li >= 0 and li != l0 and occ[li] >= slots[li]
        if not l_full and dm > -np.inf:
            if d + dm > best:
                best = d + dm
                out[0], out[1], out[2] = t, -1, -1
            continue
        # One q at the full placement (and with m, if m is full too), or with m.
        ptr, mem, k = (l_ptr, l_mem, li) if l_full else (m_ptr, m_mem, m)
        for s in range(ptr[k], ptr[k + 1]):
            q = mem[s]
            if q >= 0 and q != p and (dm > -np.inf or t_m[cur[q]] == m):
                best = _eject(p, t, q, d, best, cur, t_ptr, t_end, t_l, t_m, t_v, occ, slots,
                              m_ptr, m_mem, mval, lo, hi, coef, cap_count, cap_hours, buf,
                              ms, moved, to, dest, out)
    return best


@jit
def _build(cur, t_l, t_m, lo, hi, coef, slots, cap_count, cap_hours):
    """The blocks, placement use, hours parts and a buffer for the plan ``cur``."""
    l_ptr, l_mem = _blocks(slots)
    m_ptr, m_mem = _blocks(cap_count)
    occ = np.zeros(len(slots), dtype=np.int64)
    for p in range(len(cur)):
        if cur[p] >= 0:
            _put(l_ptr, l_mem, t_l[cur[p]], p)
            _put(m_ptr, m_mem, t_m[cur[p]], p)
            occ[t_l[cur[p]]] += 1
    buf = np.empty(max(1, int(cap_count.max()) + 2), dtype=np.int64)
    none = np.empty(0, dtype=np.int64)
    mval = np.empty(len(cap_count))
    for m in range(len(cap_count)):
        mval[m] = _mentor_value(m, m_ptr, m_mem, none, none, 0, lo, hi, coef, cap_count,
                                cap_hours, buf)
    return l_ptr, l_mem, m_ptr, m_mem, occ, mval, buf


@jit
def _move(moved, to, n, cur, t_l, t_m, t_v, occ, l_ptr, l_mem, m_ptr, m_mem, mval, lo, hi,
          coef, cap_count, cap_hours, buf, ms):
    """Participants ``moved[:n]`` to the triples ``to[:n]`` (-1: out of the plan), all
    taken out before any goes in; the hours parts of their mentors refreshed. Returns
    the change of the plan's value."""
    d = 0.0
    n_ms = 0
    for j in range(n):
        t_old = cur[moved[j]]
        if t_old >= 0:
            _take(l_ptr, l_mem, t_l[t_old], moved[j])
            _take(m_ptr, m_mem, t_m[t_old], moved[j])
            occ[t_l[t_old]] -= 1
            ms[n_ms] = t_m[t_old]
            n_ms += 1
            d -= t_v[t_old]
    for j in range(n):
        cur[moved[j]] = to[j]
        if to[j] >= 0:
            _put(l_ptr, l_mem, t_l[to[j]], moved[j])
            _put(m_ptr, m_mem, t_m[to[j]], moved[j])
            occ[t_l[to[j]]] += 1
            ms[n_ms] = t_m[to[j]]
            n_ms += 1
            d += t_v[to[j]]
    for a in range(n_ms):
        if not _has(ms, a, ms[a]):
            nv = _mentor_value(ms[a], m_ptr, m_mem, moved, moved, 0, lo, hi, coef,
                               cap_count, cap_hours, buf)
            d += nv - mval[ms[a]]
            mval[ms[a]] = nv
    return d


@jit
def _pass(order, cur, t_ptr, t_end, t_l, t_m, t_v, lo, hi, coef, slots, cap_count, cap_hours,
          l_ptr, l_mem, m_ptr, m_mem, occ, mval, buf, log_p, log_t, log_n, n_log):
    """Each participant of ``order`` makes its best move (:func:`_best_for`) if it
    gains; every participant moved is written to the log from ``n_log`` on, while it
    has room: ``log_p`` who, ``log_t`` its triple before, ``log_n`` 2 and 1 for the two
    of a move of two, 1 for a move of one. Returns (gain, log end)."""
    moved = np.empty(2, dtype=np.int64)
    to = np.empty(2, dtype=np.int64)
    dest = np.empty(2, dtype=np.int64)
    ms = np.empty(4, dtype=np.int64)
    out = np.empty(3, dtype=np.int64)
    total = 0.0
    for p in order:
        g = _best_for(p, cur, t_ptr, t_end, t_l, t_m, t_v, occ, slots, l_ptr, l_mem, m_ptr,
                      m_mem, mval, lo, hi, coef, cap_count, cap_hours, buf, ms, moved, to,
                      dest, out)
        if g <= EPS:
            continue
        moved[0], moved[1] = p, out[1]
        to[0], to[1] = out[0], out[2]
        n = 1 if out[1] < 0 else 2
        for j in range(n):
            if n_log < len(log_p):
                log_p[n_log], log_t[n_log], log_n[n_log] = moved[j], cur[moved[j]], n - j
            n_log += 1
        total += _move(moved, to, n, cur, t_l, t_m, t_v, occ, l_ptr, l_mem, m_ptr, m_mem,
                       mval, lo, hi, coef, cap_count, cap_hours, buf, ms)
    return total, n_log


@jit
def search(t_ptr, t_end, t_l, t_m, t_v, lo, hi, coef, slots, cap_count, cap_hours, cur, order):
    """One pass over ``order``: each participant makes its best move (:func:`_best_for`)
    if it gains. ``cur`` is changed in place; returns the gain."""
    l_ptr, l_mem, m_ptr, m_mem, occ, mval, buf = _build(cur, t_l, t_m, lo, hi, coef, slots,
                                                        cap_count, cap_hours)
    none = np.empty(0, dtype=np.int64)
    return _pass(order, cur, t_ptr, t_end, t_l, t_m, t_v, lo, hi, coef, slots, cap_count,
                 cap_hours, l_ptr, l_mem, m_ptr, m_mem, occ, mval, buf, none, none, none,
                 0)[0]


@jit
def value_of(cur, t_m, t_v, lo, hi, coef, cap_count, cap_hours):
    """The plan's value, each mentor's hours handed out best."""
    m_ptr, m_mem = _blocks(cap_count)
    total = 0.0
    for p in range(len(cur)):
        if cur[p] >= 0:
            _put(m_ptr, m_mem, t_m[cur[p]], p)
            total += t_v[cur[p]]
    buf = np.empty(max(1, int(cap_count.max()) + 2), dtype=np.int64)
    none = np.empty(0, dtype=np.int64)
    for m in range(len(cap_count)):
        total += _mentor_value(m, m_ptr, m_mem, none, none, 0, lo, hi, coef, cap_count,
                               cap_hours, buf)
    return total


@jit
def _add_mentor(part, k, size, in_part, m_ptr, m_mem, m):
    """Mentor ``m``'s participants into ``part`` (from ``k`` on, up to ``size``)."""
    for s in range(m_ptr[m], m_ptr[m + 1]):
        q = m_mem[s]
        if k < size and q >= 0 and not in_part[q]:
            part[k] = q
            in_part[q] = True
            k += 1
    return k


@jit
def _ruin_set(m, cur, t_m, m_ptr, m_mem, cand_ptr, cand, size, part, in_part):
    """Mentor ``m``'s participants, then those who could have it (the unmatched first,
    each group in random order), each matched one followed by its mentor's participants:
    as :class:`matcher.compact._MentorChains` grows a window. Returns how many."""
    k = _add_mentor(part, 0, size, in_part, m_ptr, m_mem, m)
    cs = np.random.permutation(cand[cand_ptr[m]:cand_ptr[m + 1]])
    for matched in (False, True):
        for q in cs:
            if k >= size:
                return k
            if in_part[q] or (cur[q] >= 0) != matched:
                continue
            part[k] = q
            in_part[q] = True
            k += 1
            if matched:
                k = _add_mentor(part, k, size, in_part, m_ptr, m_mem, t_m[cur[q]])
    return k


@jit
def ruin_recreate(t_ptr, t_end, t_l, t_m, t_v, lo, hi, coef, slots, cap_count, cap_hours, cur,
                  cand_ptr, cand, mentors, size, iterations, seed):
    """``iterations`` times: take the participants of a random mentor's chain out of the
    plan (:func:`_ruin_set`), let them back in by moves (up to three passes of the
    moves over them), and keep the result if it is worth more, else undo it. ``cur``
    is changed in place; returns (gain, plans kept)."""
    np.random.seed(seed)
    l_ptr, l_mem, m_ptr, m_mem, occ, mval, buf = _build(cur, t_l, t_m, lo, hi, coef, slots,
                                                        cap_count, cap_hours)
    part = np.empty(size, dtype=np.int64)
    in_part = np.zeros(len(cur), dtype=np.bool_)
    # At most ``size`` taken out and two moved per participant and pass: 7 * size.
    log_p = np.empty(8 * size, dtype=np.int64)
    log_t = np.empty(8 * size, dtype=np.int64)
    log_n = np.empty(8 * size, dtype=np.int64)
    two = np.empty(2, dtype=np.int64)
    back = np.empty(2, dtype=np.int64)
    ms = np.empty(4, dtype=np.int64)
    gain, kept = 0.0, 0
    for _ in range(iterations):
        k = _ruin_set(mentors[np.random.randint(len(mentors))], cur, t_m, m_ptr, m_mem,
                      cand_ptr, cand, size, part, in_part)
        d, n_log = 0.0, 0
        for j in range(k):
            in_part[part[j]] = False
            if cur[part[j]] >= 0:
                log_p[n_log], log_t[n_log], log_n[n_log] = part[j], cur[part[j]], 1
                n_log += 1
                two[0], back[0] = part[j], -1
                d += _move(two, back, 1, cur, t_l, t_m, t_v, occ, l_ptr, l_mem, m_ptr, m_mem,
                           mval, lo, hi, coef, cap_count, cap_hours, buf, ms)
        for _ in range(3):
            g, n_log = _pass(np.random.permutation(part[:k]), cur, t_ptr, t_end, t_l, t_m,
                             t_v, lo, hi, coef, slots, cap_count, cap_hours, l_ptr, l_mem,
                             m_ptr, m_mem, occ, mval, buf, log_p, log_t, log_n, n_log)
            d += g
            if g <= EPS:
                break
        if d > EPS:
            gain += d
            kept += 1
            continue
        # Undo, last move first; the two of a move of two go back together.
        j = n_log - 1
        while j >= 0:
            n = 2 if log_n[j] == 1 and j > 0 and log_n[j - 1] == 2 else 1
            for a in range(n):
                two[a], back[a] = log_p[j - n + 1 + a], log_t[j - n + 1 + a]
            _move(two, back, n, cur, t_l, t_m, t_v, occ, l_ptr, l_mem, m_ptr, m_mem, mval,
                  lo, hi, coef, cap_count, cap_hours, buf, ms)
            j -= n
    return gain, kept
