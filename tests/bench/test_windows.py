"""bench/windows.py: every arm runs windows from the same start and breaks nothing."""

import re

import pytest

from bench import windows


def test_every_arm_improves_from_the_same_start_without_breaking_a_capacity(capsys):
    assert windows.main(["--size", "S", "--seeds", "1", "--seconds", "1.5"]) == 0
    out = capsys.readouterr().out
    rows = re.findall(r"^  (\S+) +\+(-?[\d,]+) in .*? s\), (\d+) windows "
                      r".*broken capacity rows (\d+)$", out, flags=re.M)
    assert [r[0] for r in rows] == list(windows.ARMS)
    for _, gain, count, broken in rows:
        assert int(gain.replace(",", "")) >= 0 and int(count) > 0 and broken == "0"


def test_an_unknown_arm_is_named(capsys):
    with pytest.raises(SystemExit) as stop:
        windows.main(["--arms", "full,bogus"])
    assert stop.value.code == 2
    assert "--arms: unknown bogus" in capsys.readouterr().err


def test_size_and_floor_arms_set_their_value_for_their_run_only(capsys, monkeypatch):
    from matcher import compact, localsearch

    firsts, ruins, floors = [], [], []
    sizes = compact._Sizes

    class Recorded(sizes):
        def __init__(self, n_items, base=compact.WINDOW):
            firsts.append(base)
            ruins.append(localsearch.RUIN_SIZE)
            floors.append(compact.FLOOR)
            super().__init__(n_items, base)

    monkeypatch.setattr(compact, "_Sizes", Recorded)
    window, ruin, floor = compact.WINDOW, localsearch.RUIN_SIZE, compact.FLOOR
    assert windows.main(["--size", "S", "--seeds", "1", "--seconds", "0.6",
                         "--arms", "window-12,ruin-4,floor-5,full"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"^  window-12 \+", out, re.M) and re.search(r"^  floor-5 +\+", out, re.M)
    assert firsts == [12, window, window, window] and ruins == [ruin, 4, ruin, ruin]
    assert floors == [floor, floor, 0.05, floor]
    assert (compact.WINDOW, localsearch.RUIN_SIZE, compact.FLOOR) == (window, ruin, floor)


def test_a_size_arm_needs_a_number(capsys):
    with pytest.raises(SystemExit) as stop:
        windows.main(["--arms", "window-x"])
    assert stop.value.code == 2
    assert "--arms: unknown window-x" in capsys.readouterr().err
