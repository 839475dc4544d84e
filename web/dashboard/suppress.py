"""Small-number suppression: no figure about fewer than five people is shown, nor can one
be worked out from the figures that are shown.

A figure's ``n`` is the number of distinct participants it is computed from. Zero
reveals nobody and is shown; 1–4 is shown as "<5" (and so is every figure derived
from those people, such as hours or a percentage). That is primary suppression.

It is not enough on its own. Figures that add up to a whole can be subtracted: all teams
minus the other teams gives the one team's "<5", and the total of a table minus its shown
rows gives the suppressed row. So `protect` also hides a second figure wherever exactly one
of a sum's parts is suppressed (secondary, or complementary, suppression): the smallest
other part with people in it, shown as "hidden", never as "<5", which would be untrue.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Hashable, Iterable

MIN_N = 5
SUPPRESSED = "<5"


def is_suppressed(n: int) -> bool:
    return 0 < n < MIN_N


def protect(counts: dict[Hashable, int], lines: Iterable[list[Hashable]]) -> set[Hashable]:
    """The cells to hide: every cell about 1–4 people, and enough others that no line has
    exactly one hidden cell.

    ``counts`` gives each cell's number of people; a line is a list of cells whose sum is
    known (a total and its parts, or parts whose total is shown elsewhere). A line whose sum
    pins one of its "<5" cells to one value gives it away (`_gives_away`: one hidden cell
    alone, two "<5" that make 2, a "<5" and a "hidden" that make 6). The smallest shown cell
    of such a line that has people in it is hidden too, until no line gives a cell away. A
    line with no shown cell left that has people in it is left as it is: hiding a 0
    protects nothing.

    This is a heuristic, as such methods are: lines are checked one at a time, and a
    combination of lines can still pin a cell down where no single line does
    (docs/security.md gives how often, measured).
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
    """Whether the line's sum pins down one of its hidden cells. A reader knows each "<5" is
    1–4 and each "hidden" at least 5 (it is never chosen at 0, and 1–4 would be "<5"), and
    the hidden cells' sum (the line's sum less its shown cells). A cell is pinned when the
    others' least and most leave it one value: alone on its line; two "<5" making 2, both
    1; a "<5" and a "hidden" making 6, 1 and 5. A "hidden" pinned gives a "<5" away on
    another line, so it counts too."""
    inside = [counts.get(c, 0) for c in line if c in hidden]
    total = sum(inside)
    least = [1 if is_suppressed(n) else MIN_N for n in inside]
    most = [MIN_N - 1 if is_suppressed(n) else None for n in inside]
    for i in range(len(inside)):
        others = most[:i] + most[i + 1:]
        lo = least[i] if None in others else max(least[i], total - sum(others))
        hi = total - (sum(least) - least[i])
        if most[i] is not None:
            hi = min(hi, most[i])
        if lo >= hi:
            return True
    return False
