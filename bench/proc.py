"""Process helpers for fault injection (tests/e2e and bench/faults.py)."""

from __future__ import annotations

import os
import signal
from pathlib import Path


def descendants(pid: int) -> list[int]:
    """Every process below pid (Linux /proc), children first seen first."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        fields = text[text.rindex(")") + 2:].split()
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    out, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return out


def kill_tree(pid: int, sig: int = signal.SIGKILL) -> list[int]:
    """Signal pid's process group and every descendant (RQ's work horse has its own group)."""
    victims = descendants(pid)
    try:
        os.killpg(pid, sig)
    except ProcessLookupError:
        pass
    for child in victims:
        try:
            os.kill(child, sig)
        except ProcessLookupError:
            pass
    return [pid, *victims]
