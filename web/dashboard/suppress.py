"""Small-number suppression: no figure about fewer than five people is shown, nor can one
be worked out from the figures that are shown.

A figure's ``n`` is the number of distinct participants it is computed from. Zero
reveals nobody and is shown; 1–4 is hidden, and so is every figure computed from those
people, such as hours or a percentage. That is primary suppression.

It is not enough on its own. Figures that add up to a whole can be subtracted: all teams
less the other teams gives the one team's figure, and a table's total less its shown rows
gives the hidden row. So `protect` also hides other figures wherever a sum would give its
hidden ones away (secondary, or complementary, suppression).

Every hidden figure reads the same ("skjult" / "hidden"), as statistics offices mark
them: a reader cannot tell the small ones (1–4) from those hidden to protect them (5 or
more). When they read "<5" and "skjult", a walk worked one out: "skjult" and four "<5"
making 9 left the "skjult" at 5 and each "<5" at 1.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Hashable, Iterable

MIN_N = 5


def is_suppressed(n: int) -> bool:
    return 0 < n < MIN_N


def protect(counts: dict[Hashable, int], lines: Iterable[list[Hashable]]) -> set[Hashable]:
    """The cells to hide: every cell about 1–4 people, and enough others that no line gives
    a hidden cell away.

    ``counts`` gives each cell's number of people; a line is a list of cells whose sum is
    known (a total and its parts, or parts whose total is shown elsewhere). A reader knows
    a hidden cell is 1 or more (a 0 is shown), and the hidden cells' sum (the line's sum less
    its shown cells). That pins them down when a line has one hidden cell, or hidden cells
    that make as many as there are of them (each is then 1) (`_gives_away`). The smallest
    shown cell of such a line that has people in it is hidden too, until no line gives a
    cell away. A line with no shown cell left that has people in it is left as it is:
    hiding a 0 protects nothing.

    This is a heuristic, as such methods are: lines are checked one at a time, and a
    combination of lines can still pin a cell down where no single line does
    (docs/hours.md gives how often, measured).
    """
    lines = [list(dict.fromkeys(line)) for line in lines]
    hidden = {c for c, n in counts.items() if is_suppressed(n)}
    on: dict[Hashable, list[int]] = defaultdict(list)  # the lines each cell is on
    for i, line in enumerate(lines):
        for c in line:
            on[c].append(i)
    todo = deque(i for i, line in enumerate(lines) if any(c in hidden for c in line))
    queued = set(todo)
    while todo:  # a line is looked at again only when one of its cells was hidden
        i = todo.popleft()
        queued.discard(i)
        line = lines[i]
        if not _gives_away(line, hidden, counts):
            continue
        shown = [c for c in line if c not in hidden and counts.get(c, 0) > 0]
        if not shown:
            continue
        more = min(shown, key=lambda c: (counts[c], repr(c)))
        hidden.add(more)
        for j in on[more]:
            if j not in queued:
                todo.append(j)
                queued.add(j)
    return hidden


def _gives_away(line: list[Hashable], hidden: set[Hashable], counts: dict[Hashable, int]) -> bool:
    """Whether the line's sum pins down its hidden cells, each known only to be 1 or more:
    one alone, or as many as their sum (all 1)."""
    inside = [counts.get(c, 0) for c in line if c in hidden]
    return len(inside) == 1 or (len(inside) > 1 and sum(inside) == len(inside))
