"""Secondary suppression (web.dashboard.suppress.protect) on its own: tables of people
counts by row and team, whose rows and columns add up to totals that are shown."""

from hypothesis import given, settings
from hypothesis import strategies as st

from bench.suppression import grid  # the tables the benchmark attacks, built the same way
from web.dashboard.suppress import _gives_away, is_suppressed, protect

ALL = "all"


def test_one_small_team_takes_the_smallest_other_with_it():
    counts, lines = grid([[7, 2, 9]])
    hidden = protect(counts, lines)
    assert (0, 1) in hidden and (0, 0) in hidden  # 7 is the smallest of 7, 9 and 18
    assert (0, 2) not in hidden and (0, ALL) not in hidden


def test_a_line_of_zeros_and_one_small_cell_hides_no_zero():
    counts, lines = grid([[0, 3, 0]])
    hidden = protect(counts, lines)
    # the row's total is 3 as well: two hidden cells, and no 0 is hidden
    assert hidden == {(0, 1), (0, ALL), ("total", 1), ("total", ALL)}


def test_nothing_small_hides_nothing():
    counts, lines = grid([[5, 0, 12], [6, 7, 0]])
    assert protect(counts, lines) == set()


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 5).flatmap(
    lambda w: st.lists(st.lists(st.integers(0, 12), min_size=w, max_size=w),
                       min_size=1, max_size=5)))
def test_no_line_gives_away_a_hidden_cell(table):
    counts, lines = grid(table)
    hidden = protect(counts, lines)
    assert {c for c, n in counts.items() if is_suppressed(n)} <= hidden
    for line in lines:
        inside = [c for c in line if c in hidden]
        others = [c for c in line if c not in hidden and counts[c] > 0]
        # exactly one hidden cell in a line is given away, unless the rest are all 0,
        # in which case it is the line's total and hidden as well
        assert len(inside) != 1 or not others, (line, inside)
        # and no line leaves a hidden cell one value, while it has a cell left to hide
        assert not _gives_away(line, hidden, counts) or not others, (line, inside)


def test_a_hidden_cell_counts_as_five_or_more():
    """A walk read "Ekstern: skjult, Lagerhuset Nord: <5" against the week's 6 people: a
    "hidden" is never 1-4, so it was 5 and the "<5" was 1."""
    counts = {"ekstern": 5, "lager": 1, "week": 6}
    assert _gives_away(["ekstern", "lager", "week"], {"ekstern", "lager"}, counts)
    assert not _gives_away(["ekstern", "lager", "week"], {"ekstern", "lager", "week"}, counts)
    counts["ekstern"], counts["week"] = 6, 7  # 1 or 2 and 6 or 5: not pinned
    assert not _gives_away(["ekstern", "lager", "week"], {"ekstern", "lager"}, counts)
    assert protect({"ekstern": 5, "lager": 1, "week": 6}, [["ekstern", "lager", "week"]]) == {
        "ekstern", "lager", "week"}
