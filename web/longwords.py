"""Break opportunities in words too long for any column: a 200-character placement title
without a space, a long e-mail address.

A table column is at least as wide as its longest word, so one such word widened the whole
page on a phone. CSS cannot break only the long words of a table cell: ``overflow-wrap:
anywhere`` lets every word of the cell break, and then the column is squeezed and ordinary
words ("Lager|huset") break in the middle too. So the server marks where a long word may
break (``<wbr>``, which the browser uses only when the line is full); ordinary text comes out
exactly as before.
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape

LONG = 30  # a word of this many characters or more gets break opportunities
EVERY = 8  # ... every this many characters
_LONG_WORD = re.compile(rf"\S{{{LONG},}}")


def breakable(value: object) -> Markup:
    """The text, escaped, with ``<wbr>`` every EVERY characters inside each long word."""
    text = "" if value is None else str(value)
    out, pos = [], 0
    for m in _LONG_WORD.finditer(text):
        word = m.group()
        out.append(escape(text[pos:m.start()]))
        out.append(Markup("<wbr>").join(escape(word[i:i + EVERY])
                                         for i in range(0, len(word), EVERY)))
        pos = m.end()
    out.append(escape(text[pos:]))
    return Markup("").join(out)
