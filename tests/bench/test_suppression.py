"""The attack in bench/suppression.py finds what subtraction gives away, and only that."""

from bench.suppression import grid, pinned
from web.dashboard.suppress import is_suppressed, protect


def test_the_attack_pins_down_a_lone_small_cell_and_not_a_protected_one():
    counts, lines = grid([[7, 2, 9]])
    alone = {c for c, n in counts.items() if is_suppressed(n)}
    # 18 - 7 - 9; a one-row table's total row holds the same 2 again
    assert pinned(counts, lines, alone) == 2
    assert pinned(counts, lines, protect(counts, lines)) == 0


def test_the_attack_pins_down_two_small_cells_that_must_both_be_1():
    counts, lines = grid([[1, 1, 9]])
    two = {c for c, n in counts.items() if is_suppressed(n)}
    # 11 - 9 = 2, and each is at least 1 (twice: the row and the total row)
    assert pinned(counts, lines, two) == 4
    assert pinned(counts, lines, protect(counts, lines)) == 0
