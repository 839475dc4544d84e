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


def test_hidden_cells_that_must_all_be_1_are_given_away():
    """Every hidden cell reads the same, so a reader knows each is 1 or more: hidden cells
    that make as many as there are of them are all 1."""
    counts = {"a": 1, "b": 1, "c": 9, "total": 11}
    assert _gives_away(["a", "b", "c", "total"], {"a", "b"}, counts)
    assert not _gives_away(["a", "b", "c", "total"], {"a", "b", "c"}, counts)
    assert protect(counts, [["a", "b", "c", "total"]]) == {"a", "b", "c"}


def test_a_walks_numbers_are_no_longer_pinned():
    """A walk read "skjult" (then 5 or more) and four "<5" making 9: each "<5" was 1. With
    one mark for all five, any split of 9 into five parts of 1 or more fits."""
    counts = {"ekstern": 5, "a": 1, "b": 1, "c": 1, "d": 1, "week": 9}
    line = ["ekstern", "a", "b", "c", "d", "week"]
    hidden = protect(counts, [line])
    assert hidden == {"ekstern", "a", "b", "c", "d"}
    assert not _gives_away(line, hidden, counts)
