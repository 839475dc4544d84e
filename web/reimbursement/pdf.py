"""The reimbursement claim as a printable PDF (fpdf2, A4, core fonts)."""

from __future__ import annotations

from flask_babel import format_date
from flask_babel import gettext as _
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from web.i18n import format_date as day
from web.reimbursement.claim import Claim, hours_text, kroner

COLS = (48, 32, 26, 18, 30, 30)  # mm; 184 in all on A4 with 13 mm margins
NUMERIC = 3  # columns from here on are numbers, right-aligned
HEAD_LINE = 5  # mm a line of the header row; a header too wide for its column wraps


def _t(s: str) -> str:
    """Core PDF fonts speak Latin-1 (æøå fine); replace anything else rather than fail."""
    return s.encode("latin-1", "replace").decode("latin-1")


def _head_row(pdf: FPDF, head: list[str]) -> None:
    """The table's header: one filled, framed row as tall as its longest header, each header
    wrapped at spaces within its column and standing on the row's bottom line."""
    aligns = ["R" if i >= NUMERIC else "L" for i in range(len(head))]
    lines = [len(pdf.multi_cell(w, HEAD_LINE, h, align=a, dry_run=True, output="LINES"))
             for w, h, a in zip(COLS, head, aligns, strict=True)]
    height = max(lines) * HEAD_LINE + 2
    x, y = pdf.get_x(), pdf.get_y()
    for w, h, a, n in zip(COLS, head, aligns, lines, strict=True):
        pdf.rect(x, y, w, height, style="DF")
        pdf.set_xy(x, y + height - 1 - n * HEAD_LINE)
        pdf.multi_cell(w, HEAD_LINE, h, align=a)
        x += w
    pdf.set_xy(pdf.l_margin, y + height)


def claim_pdf(claim: Claim) -> bytes:
    pdf = FPDF(format="A4")
    pdf.set_margins(13, 15, 13)
    pdf.set_auto_page_break(True, 18)
    pdf.add_page()
    pdf.set_title(_t(_("Reimbursement claim")))
    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(
        0, 9, _t(_("Reimbursement claim: mentor support")), new_x=XPos.LMARGIN, new_y=YPos.NEXT
    )
    pdf.set_font("Helvetica", "", 11)
    month = format_date(claim.month, "MMMM yyyy")
    for line in (
        f"{_('Employer')}: {claim.employer.name}"
        + (f" (CVR {claim.employer.cvr})" if claim.employer.cvr else ""),
        f"{_('Month')}: {month}",
        _("Approved support hours of colleague-mentors, by week."),
    ):
        pdf.cell(0, 6, _t(line), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(4)
    head = (
        _("Mentor"),
        _("Participant"),
        _("Week of"),
        _("Hours"),
        _("Hourly wage cost (DKK)"),  # the words of the page and the CSV
        _("Amount (DKK)"),
    )
    pdf.set_font("Helvetica", "B", 10)
    pdf.set_fill_color(230, 236, 242)
    _head_row(pdf, [_t(h) for h in head])
    pdf.set_font("Helvetica", "", 10)
    for x in claim.lines:
        cells = (
            x.mentor[:28],
            x.participant_code,
            day(x.week_start),  # "5. jan. 2026" / "Jan 5, 2026": never 1/5/26
            hours_text(x.hours),
            kroner(x.rate_ore) or "-",
            kroner(x.amount_ore) or "-",
        )
        for i, (w, c) in enumerate(zip(COLS, cells, strict=True)):
            pdf.cell(w, 6.5, _t(c), border=1, align="R" if i >= NUMERIC else "L")
        pdf.ln()
    if not claim.lines:
        pdf.cell(sum(COLS), 6.5, _t(_("No approved hours this month.")), border=1)
        pdf.ln()
    pdf.set_font("Helvetica", "B", 10)
    pdf.cell(sum(COLS[:3]), 7, _t(_("Total")), border=1)
    pdf.cell(COLS[3], 7, hours_text(claim.hours), border=1, align="R")
    pdf.cell(COLS[4], 7, "", border=1)
    pdf.cell(COLS[5], 7, kroner(claim.amount_ore), border=1, align="R")
    pdf.ln(12)
    pdf.set_font("Helvetica", "", 10)
    if claim.missing_rates:
        pdf.multi_cell(
            0,
            5.5,
            _t(
                _(
                    "No hourly wage cost entered for: %(names)s.",
                    names=", ".join(claim.missing_rates),
                )
            ),
        )
        pdf.ln(3)
    pdf.multi_cell(
        0,
        5.5,
        _t(
            _(
                "The hours are approved by the job consultant. "
                "The employer confirms the hourly wage cost."
            )
        ),
    )
    pdf.ln(14)
    pdf.cell(80, 6, "_" * 40)
    pdf.ln()
    pdf.cell(80, 6, _t(_("Date and signature, employer")))
    return bytes(pdf.output())
