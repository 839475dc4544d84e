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


def cell(n: int, value):
    """``value`` unless it is about 1–4 people, then "<5"."""
    return SUPPRESSED if is_suppressed(n) else value


def count(n: int):
    """A head count, suppressed below five."""
    return cell(n, n)


def protect(counts: dict[Hashable, int], lines: Iterable[list[Hashable]]) -> set[Hashable]:
    """The cells to hide: every cell about 1–4 people, and enough others that no line has
    exactly one hidden cell.

    ``counts`` gives each cell's number of people; a line is a list of cells whose sum is
    known (a total and its parts, or parts whose total is shown elsewhere). A line with one
    hidden cell gives it away by subtraction, and so does one whose hidden cells are all
    "<5" and all at 1 or all at 4. The smallest shown cell of such a line that has people
    in it is hidden too, until no line gives its cells away. A line whose other cells are
    all 0 is left: hiding a 0 protects nothing, the whole is then the part.

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
    """Whether the line's sum pins down its hidden cells: one alone, or only "<5" cells
    that are all 1 or all 4 (each "<5" is 1–4, so 2 "<5" that make 2 are both 1)."""
    inside = [counts.get(c, 0) for c in line if c in hidden]
    if len(inside) == 1:
        return True
    return bool(inside) and all(map(is_suppressed, inside)) and (
        sum(inside) in (len(inside), (MIN_N - 1) * len(inside)))
