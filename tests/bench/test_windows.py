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


def test_size_arms_set_the_window_and_ruin_sizes_for_their_run_only(capsys, monkeypatch):
    from matcher import compact, localsearch

    firsts, ruins = [], []
    sizes = compact._Sizes

    class Recorded(sizes):
        def __init__(self, n_items, base=compact.WINDOW):
            firsts.append(base)
            ruins.append(localsearch.RUIN_SIZE)
            super().__init__(n_items, base)

    monkeypatch.setattr(compact, "_Sizes", Recorded)
    window, ruin = compact.WINDOW, localsearch.RUIN_SIZE
    assert windows.main(["--size", "S", "--seeds", "1", "--seconds", "0.6",
                         "--arms", "window-12,ruin-4,full"]) == 0
    assert "  window-12 +" in capsys.readouterr().out
    assert firsts == [12, window, window] and ruins == [ruin, 4, ruin]
    assert (compact.WINDOW, localsearch.RUIN_SIZE) == (window, ruin)


def test_a_size_arm_needs_a_number(capsys):
    with pytest.raises(SystemExit) as stop:
        windows.main(["--arms", "window-x"])
    assert stop.value.code == 2
    assert "--arms: unknown window-x" in capsys.readouterr().err
