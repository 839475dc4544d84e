"""CPR numbers never enter the service: free text that holds one is refused, on the pages,
in CSV imports (which use the pages' forms) and in the API.

A CPR number is six digits of a birth date (ddmmyy), then four digits, with or without a
hyphen or space between them. Only a plausible day and month count, so a ten-digit order
number rarely trips it; a lone eight-digit phone number never does.
"""

from __future__ import annotations

import re

import marshmallow as ma
from flask_babel import lazy_gettext as _l
from wtforms.validators import ValidationError

_CPR = re.compile(r"(?<!\d)(0[1-9]|[12]\d|3[01])(0[1-9]|1[0-2])\d{2}[-\s]?\d{4}(?!\d)")

MESSAGE = _l("This looks like a CPR number. Never enter CPR numbers; use the pseudonymous "
             "code.")


def looks_like_cpr(text: str | None) -> bool:
    return bool(text) and _CPR.search(text) is not None


def no_cpr(form, field) -> None:
    """WTForms validator."""
    if looks_like_cpr(field.data):
        raise ValidationError(MESSAGE)


def no_cpr_api(value: str) -> None:
    """Marshmallow validator: the API's error names the field, in the API's English."""
    if looks_like_cpr(value):
        raise ma.ValidationError(str(MESSAGE))
