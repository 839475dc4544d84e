"""Codes in a file, written as codes or as their Danish words.

A job centre's own lists are in Danish: "køkken; misbrug; man ons" in a cell is read as
"kitchen; addiction; mon wed". The words are the ones the reasons use (``matcher.explain``'s
DANISH_TAGS), and the days' full names in Danish and English; case does not matter.
"""

from __future__ import annotations

import re
from functools import cache

from matcher.explain import DANISH_TAGS

DAY_NAMES = {
    "mandag": "mon", "tirsdag": "tue", "onsdag": "wed", "torsdag": "thu", "fredag": "fri",
    "lørdag": "sat", "søndag": "sun", "monday": "mon", "tuesday": "tue", "wednesday": "wed",
    "thursday": "thu", "friday": "fri", "saturday": "sat", "sunday": "sun",
}


def split_list(value: str) -> list[str]:
    """A list inside one cell: 'mon, wed' or 'mon|wed' or 'mon wed'."""
    for sep in ("|", ";", " "):
        value = value.replace(sep, ",")
    return [v.strip() for v in value.split(",") if v.strip()]


@cache
def _words(codes: tuple[str, ...]) -> tuple[dict[str, str], tuple[tuple[re.Pattern, str], ...]]:
    """{word: code} for one list of codes, and the words of more than one word (such as "have
    og park"), longest first, as patterns to read before the cell is split at spaces."""
    words = {code.casefold(): code for code in codes}
    for code in codes:
        if code in DANISH_TAGS:
            words.setdefault(DANISH_TAGS[code].casefold(), code)
    words |= {name: code for name, code in DAY_NAMES.items() if code in codes}
    phrases = sorted((w for w in words if " " in w), key=len, reverse=True)
    return words, tuple((re.compile(rf"(?<!\w){re.escape(w)}(?!\w)", re.IGNORECASE), words[w])
                        for w in phrases)


def read_codes(cell: str, allowed) -> list[str]:
    """The codes in the list cell ``cell``, each word of ``allowed``'s codes read as its
    code; anything else is kept as written, for the caller to name."""
    words, phrases = _words(tuple(allowed))
    for pattern, code in phrases:
        cell = pattern.sub(code, cell)
    return [words.get(item.casefold(), item) for item in split_list(cell)]
