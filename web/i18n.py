"""Danish formats for dates and numbers, through Babel."""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import format_date as _fd
from flask_babel import format_decimal
from flask_babel import format_time as _ft


def format_date(value: date | None) -> str:
    return _fd(value, format="medium") if value else ""


def format_month(value: date | None) -> str:
    """A month in words: "november 2026" / "November 2026"."""
    return _fd(value, format="MMMM y") if value else ""


def format_datetime(value: datetime | None) -> str:
    """The date as everywhere else, then the time: English "short" alone (12/6/26) could be
    read as 12 June."""
    if not value:
        return ""
    return f"{_fd(value, format='medium')} {_ft(value, format='short')}"


def format_number(value: float | int | None, digits: int = 1) -> str:
    if value is None:
        return ""
    return format_decimal(round(value, digits),
                          format=f"#,##0.{'#' * digits}" if digits else "#,##0")
