"""Bar charts as inline SVG, drawn on the server (no JavaScript). Suppressed values
(None) get no bar, only the text "<5"."""

from __future__ import annotations

from markupsafe import Markup, escape

from web.dashboard.suppress import SUPPRESSED

COLOURS = ("#0b5cad", "#8a5300", "#1a7f37")  # contrast >= 4.5:1 on white
LABEL_W, BAR_W, ROW_H, BAR_H = 260, 300, 24, 9
MAX_LABEL = 34  # characters; longer labels are cut with an ellipsis (full text in <title>)


def _num(v: float) -> str:
    return f"{v:g}".replace(".", ",") if isinstance(v, float) else str(v)


def bar_chart(
    title: str, rows: list[tuple[str, list]], series: list[str], unit: str = ""
) -> Markup:
    """Horizontal bars, one group per row, one bar per series; ``None`` = suppressed."""
    values = [v for _, vs in rows for v in vs if isinstance(v, int | float)]
    top = max(values, default=0) or 1
    legend_h = 20 if len(series) > 1 else 0
    group_h = ROW_H + BAR_H * (len(series) - 1)
    height = legend_h + max(1, len(rows)) * group_h + 8
    width = LABEL_W + BAR_W + 70
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="100%" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
    ]
    for i, name in enumerate(series if len(series) > 1 else []):
        x = LABEL_W + i * 130
        out.append(
            f'<rect x="{x}" y="4" width="12" height="12" fill="{COLOURS[i]}"/>'
            f'<text x="{x + 16}" y="14" font-size="12">{escape(name)}</text>'
        )
    y = legend_h + 4
    for label, vs in rows:
        short = label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1] + "…"
        out.append(
            f'<text x="{LABEL_W - 6}" y="{y + 14}" font-size="12" text-anchor="end">'
            f"<title>{escape(label)}</title>{escape(short)}</text>"
        )
        for j, v in enumerate(vs):
            by = y + 3 + j * (BAR_H + 2)
            if isinstance(v, int | float):
                w = round(BAR_W * v / top) if v > 0 else 0
                out.append(
                    f'<rect x="{LABEL_W}" y="{by}" width="{w}" height="{BAR_H + 1}" '
                    f'fill="{COLOURS[j % 3]}"/>'
                )
                text, tx = f"{_num(v)}{unit}", LABEL_W + w + 4
            else:
                text, tx = SUPPRESSED if v is None or v == SUPPRESSED else str(v), LABEL_W + 4
            out.append(f'<text x="{tx}" y="{by + BAR_H}" font-size="11">{escape(text)}</text>')
        y += group_h
    if not rows:
        out.append(f'<text x="{LABEL_W}" y="{legend_h + 18}" font-size="12">–</text>')
    out.append("</svg>")
    return Markup("".join(out))
