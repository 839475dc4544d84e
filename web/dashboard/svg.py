"""Bar charts as inline SVG, drawn on the server (no JavaScript). A value that is not a
number (a hidden figure's mark) gets no bar, only its text.

Drawn for a phone first: the viewBox is about as wide as a phone's content and the
stylesheet caps a chart at 28rem, so its text is 12–16 px from a 390 px phone to a desktop.
Short labels (weeks, areas) sit beside the bars; longer ones above them, on up to two lines.
"""

from __future__ import annotations

import textwrap

from markupsafe import Markup, escape

from web.i18n import format_number

COLOURS = ("#0b5cad", "#8a5300", "#1a7f37")  # contrast >= 4.5:1 on white
WIDTH, FONT, LINE_H, BAR_H, PITCH, GAP = 360, 13, 17, 12, 16, 10
SIDE_MAX = 110  # labels at most this wide go beside the bars
LINE_CHARS = int(WIDTH / (FONT * 0.62))  # a label line, at a generous 0.62 em a character


def _num(v: float) -> str:
    """In the page's language, as the table beside the chart (an English page had 54,5)."""
    if not isinstance(v, float):
        return str(v)
    try:
        return format_number(v, 2)
    except RuntimeError:  # drawn outside a request or app (the tests of this module)
        return f"{v:g}".replace(".", ",")


def _value(v, unit: str) -> str:
    if isinstance(v, int | float):
        return f"{_num(v)}{unit}"
    return "–" if v is None else str(v)


def _width(text: str) -> float:
    """Generous, as wide as DejaVu Sans: underrated, text would be cut off at the edge."""
    return FONT * sum(
        0.95 if c in "%mwMW" else 0.7 if c.isupper() or c.isdigit() else 0.6 for c in text
    )


def _lines(label: str) -> tuple[list[str], bool]:
    """At most two lines; True when the label had to be shortened."""
    lines = textwrap.wrap(label, LINE_CHARS) or [""]
    if len(lines) <= 2:
        return lines, False
    return [lines[0], lines[1][: LINE_CHARS - 1].rstrip() + "…"], True


def _text(x: float, y: float, body: str, anchor: str = "") -> str:
    a = f' text-anchor="{anchor}"' if anchor else ""
    return f'<text x="{x:g}" y="{y:g}" font-size="{FONT}"{a}>{body}</text>'


def bar_chart(
    title: str, rows: list[tuple[str, list]], series: list[str], unit: str = ""
) -> Markup:
    """Horizontal bars, one group per row, one bar per series; a value that is not a number
    (a hidden figure's mark) is written without a bar.

    Each value is written at the end of its bar, so bars get the width the values leave."""
    values = [[_value(v, unit) for v in vs] for _, vs in rows]
    top = max((v for _, vs in rows for v in vs if isinstance(v, int | float)), default=0) or 1
    side = all(_width(label) <= SIDE_MAX for label, _ in rows)
    x0 = round(max(map(_width, (label for label, _ in rows)), default=0)) + 10 if side else 0
    bar_max = WIDTH - x0 - max(map(_width, (t for ts in values for t in ts)), default=0) - 8
    out, y = [], 0
    if len(series) > 1:
        x = 0
        for i, name in enumerate(series):
            if x and x + 16 + _width(name) > WIDTH:
                x, y = 0, y + LINE_H
            out.append(f'<rect x="{x:g}" y="{y + 3}" width="12" height="12" fill="{COLOURS[i]}"/>')
            out.append(_text(x + 16, y + 13, escape(name)))
            x += 16 + _width(name) + 16
        y += LINE_H + 6
    for (label, vs), texts in zip(rows, values, strict=True):
        bars_h = len(vs) * PITCH - (PITCH - BAR_H)
        if side:
            out.append(_text(x0 - 6, y + bars_h / 2 + 4.5, escape(label), "end"))
            row_h = max(bars_h, LINE_H)
        else:
            lines, cut = _lines(label)
            tip = f"<title>{escape(label)}</title>" if cut else ""
            # A space between the lines, so the text reads "de ønskede", not "deønskede", to
            # a screen reader and in a copy (a walk); placed lines show no trailing space.
            spans = " ".join(
                f'<tspan x="1" y="{y + 13 + k * LINE_H}">{escape(s)}</tspan>'
                for k, s in enumerate(lines)
            )
            out.append(f'<text font-size="{FONT}">{tip}{spans}</text>')
            y += len(lines) * LINE_H + 2
            row_h = bars_h
        for j, (v, text) in enumerate(zip(vs, texts, strict=True)):
            by = y + j * PITCH
            w = round(bar_max * v / top) if isinstance(v, int | float) and v > 0 else 0
            if w:
                out.append(
                    f'<rect x="{x0}" y="{by}" width="{w}" height="{BAR_H}" '
                    f'fill="{COLOURS[j % 3]}"/>'
                )
            out.append(_text(x0 + w + 4 if w else x0 + 1, by + BAR_H - 1, escape(text)))
        y += row_h + GAP
    if not rows:
        out.append(_text(1, y + 13, "–"))
        y += LINE_H + GAP
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {WIDTH} {y - GAP + 6:g}" width="100%" aria-label="{escape(title)}">'
        f"<title>{escape(title)}</title>"
    )
    return Markup(head + "".join(out) + "</svg>")
