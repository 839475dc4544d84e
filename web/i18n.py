"""Danish formats for dates and numbers, through Babel."""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import format_date as _fd
from flask_babel import format_datetime as _fdt
from flask_babel import format_decimal


def format_date(value: date | None) -> str:
    return _fd(value, format="medium") if value else ""


def format_datetime(value: datetime | None) -> str:
    return _fdt(value, format="short") if value else ""


def format_number(value: float | int | None, digits: int = 1) -> str:
    if value is None:
        return ""
    return format_decimal(round(value, digits),
                          format=f"#,##0.{'#' * digits}" if digits else "#,##0")
