"""Small-number suppression: no figure about fewer than five people is shown.

A figure's ``n`` is the number of distinct participants it is computed from. Zero
reveals nobody and is shown; 1–4 is shown as "<5" (and so is every figure derived
from those people, such as hours or a percentage).
"""

from __future__ import annotations

MIN_N = 5
SUPPRESSED = "<5"


def is_suppressed(n: int) -> bool:
    return 0 < n < MIN_N


def cell(n: int, value):
    """``value`` unless it is about 1–4 people, then "<5"."""
    return SUPPRESSED if is_suppressed(n) else value


def count(n: int):
    """A head count, suppressed below five."""
    return cell(n, n)
