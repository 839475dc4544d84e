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
