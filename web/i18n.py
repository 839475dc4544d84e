"""Danish formats for dates and numbers, through Babel."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import format_date as _fd
from flask_babel import format_decimal, get_timezone
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


def utc_day_bounds(first: date, last: date) -> tuple[datetime, datetime]:
    """The stored (naive UTC) times from the start of ``first`` to the start of the day after
    ``last``, days as the pages show times: in Danish time. An audit entry shown as
    "8. dec. 00.30" was found by "to 7 December", which was read as UTC."""
    zone = ZoneInfo(str(get_timezone()))  # Babel's is pytz's, which a plain tzinfo= misreads

    def start(day: date) -> datetime:
        return datetime.combine(day, time.min, tzinfo=zone).astimezone(UTC).replace(tzinfo=None)

    return start(first), start(last + timedelta(days=1))
