"""The monthly reimbursement claim of an employer, from APPROVED hours only.

A week belongs to the month its Monday falls in. Amounts are in øre (integers) until
they are printed, so sums never drift.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from babel.numbers import format_decimal as babel_format_decimal
from flask_babel import format_decimal
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from web.extensions import db
from web.models import Employer, ErasedHours, Mentor, MentorWage, Participant, Timesheet


@dataclass
class ClaimLine:
    mentor: str
    participant_code: str
    week_start: date
    hours: float
    rate_ore: int | None

    @property
    def amount_ore(self) -> int | None:
        if self.rate_ore is None:
            return None
        # Money rounds half up (Python's round() would round half to even).
        exact = Decimal(str(self.hours)) * self.rate_ore
        return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass
class Claim:
    employer: Employer
    month: date  # first day of the month
    lines: list[ClaimLine]

    @property
    def hours(self) -> float:
        return sum(x.hours for x in self.lines)

    @property
    def amount_ore(self) -> int:
        return sum(x.amount_ore or 0 for x in self.lines)

    @property
    def missing_rates(self) -> list[str]:
        return sorted({x.mentor for x in self.lines if x.rate_ore is None})


def month_bounds(month: date) -> tuple[date, date]:
    start = month.replace(day=1)
    end = date(start.year + (start.month == 12), start.month % 12 + 1, 1)
    return start, end


def build_claim(employer: Employer, month: date) -> Claim:
    """Approved hours of the employer's colleague-mentors in weeks starting in ``month``,
    each at the wage in force on its Monday."""
    start, end = month_bounds(month)
    rows = db.session.execute(
        select(Timesheet, Mentor, Participant.code)
        .join(Mentor, Mentor.id == Timesheet.mentor_id)
        .join(Participant, Participant.id == Timesheet.participant_id)
        .where(
            Mentor.employer_id == employer.id,
            Timesheet.status == "approved",
            Timesheet.week_start >= start,
            Timesheet.week_start < end,
        )
        .order_by(Mentor.name, Timesheet.week_start, Participant.code)
        .options(selectinload(Timesheet.lines))
    ).all()
    # The approved weeks of participants since erased: the hours stay, without the person.
    erased = db.session.execute(
        select(ErasedHours, Mentor)
        .join(Mentor, Mentor.id == ErasedHours.mentor_id)
        .where(Mentor.employer_id == employer.id,
               ErasedHours.week_start >= start, ErasedHours.week_start < end)
    ).all()
    wages = wages_by_mentor({m.id for _, m, _ in rows} | {m.id for _, m in erased})
    lines = [ClaimLine(m.name, code, t.week_start, t.total, rate_on(wages[m.id], t.week_start))
             for t, m, code in rows]
    if erased:  # among the mentor's weeks (a stable sort: the codes keep their order)
        lines += [ClaimLine(m.name, _("(erased)"), e.week_start, e.hours,
                            rate_on(wages[m.id], e.week_start)) for e, m in erased]
        order = {name: i for i, name in enumerate(dict.fromkeys(x.mentor for x in lines))}
        lines.sort(key=lambda x: (order[x.mentor], x.week_start))
    return Claim(employer, start, lines)


def wages_by_mentor(mentor_ids) -> dict[int, list[MentorWage]]:
    """Each mentor's wages, oldest first (one query)."""
    out: dict[int, list[MentorWage]] = {i: [] for i in mentor_ids}
    if out:
        for w in db.session.scalars(select(MentorWage).where(MentorWage.mentor_id.in_(out))
                                    .order_by(MentorWage.valid_from)):
            out[w.mentor_id].append(w)
    return out


def wage_on(wages: list[MentorWage], day: date) -> MentorWage | None:
    """The wage in force on ``day`` of one mentor's ``wages`` (oldest first)."""
    return next((w for w in reversed(wages) if w.valid_from <= day), None)


def rate_on(wages: list[MentorWage], day: date) -> int | None:
    w = wage_on(wages, day)
    return w.hourly_cost_ore if w else None


def waiting_weeks(employer: Employer, month: date) -> int:
    """Weeks of hours (timesheets) of the month still before the consultant: sent, or returned
    for correction. They join the month's claim once approved, so the page warns of them."""
    start, end = month_bounds(month)
    return db.session.scalar(
        select(func.count(Timesheet.id))
        .join(Mentor, Mentor.id == Timesheet.mentor_id)
        .where(
            Mentor.employer_id == employer.id,
            Timesheet.status.in_(("submitted", "returned")),
            Timesheet.week_start >= start,
            Timesheet.week_start < end,
        )
    ) or 0


_DANISH = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "Æ": "ae", "Ø": "oe", "Å": "aa"})


def name_slug(name: str, limit: int = 60) -> str:
    """An ASCII file-name part from a company name: "Æblegården Å/S" -> "aeblegaarden-aa-s".
    Empty when nothing Latin is left; the caller falls back to the id."""
    text = unicodedata.normalize("NFKD", re.sub("['\u2019]", "", name.translate(_DANISH)))
    text = text.encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:limit].rstrip("-")


MONEY = "#,##0.00"  # Babel pattern: grouped, always two decimals (øre)
CLAIM_LOCALE = "da"  # the claim (CSV, PDF) is a Danish document, whatever the page's language


def kroner(ore: int | None) -> str:
    """An amount on the claim itself, the CSV and the PDF: always Danish, 1.234,50, whatever
    the session's language, for the claim is a Danish document sent to the job centre.
    Pages show amounts with ``money()``, in the page's language."""
    if ore is None:
        return ""
    return babel_format_decimal(Decimal(ore) / 100, format=MONEY, locale=CLAIM_LOCALE)


def money(ore: int | None) -> str:
    """An amount on a page, in the page's language: 1,234.50 in English, 1.234,50 in Danish
    (Babel through Flask-Babel, like the ``number`` filter of web.i18n)."""
    if ore is None:
        return ""
    return format_decimal(Decimal(ore) / 100, format=MONEY)


def hours_text(h: float) -> str:
    return f"{h:.2f}".replace(".", ",")


def claim_csv(claim: Claim) -> bytes:
    """';'-separated with a UTF-8 BOM, so Danish Excel opens it with æøå intact."""
    out = io.StringIO()
    w = csv.writer(out, delimiter=";", lineterminator="\r\n")
    w.writerow(
        [
            _("Mentor"),
            _("Participant"),
            _("Week of"),
            _("Hours"),
            _("Hourly wage cost (DKK)"),
            _("Amount (DKK)"),
        ]
    )
    for x in claim.lines:
        w.writerow(
            [
                x.mentor,
                x.participant_code,
                x.week_start.isoformat(),
                hours_text(x.hours),
                kroner(x.rate_ore),
                kroner(x.amount_ore),
            ]
        )
    w.writerow([_("Total"), "", "", hours_text(claim.hours), "", kroner(claim.amount_ore)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
