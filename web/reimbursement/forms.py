"""The employer's wage-cost form."""

import re
from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import StringField, SubmitField
from wtforms.validators import ValidationError

from web.forms_common import FIRST_YEAR, Form, last_year


class WageForm(Form):
    hourly_cost = StringField(
        _l("Hourly wage cost (DKK)"),
        description=_l("Wage plus pension and holiday pay, per hour, e.g. 285.50."),
        render_kw={"inputmode": "decimal", "autocomplete": "off"},
    )
    valid_from = StringField(
        _l("From the month"),
        description=_l("The month from which the wage holds; months before keep theirs."),
        default=lambda: date.today().strftime("%Y-%m"),
        render_kw={"type": "month"},
    )
    submit = SubmitField(_l("Save"))

    def validate_valid_from(self, field):
        try:
            self.first_day = date.fromisoformat(f"{(field.data or '').strip()}-01")
        except ValueError:
            raise ValidationError(_l("Choose a month, e.g. 2026-11.")) from None
        if self.first_day.year < FIRST_YEAR:
            raise ValidationError(_l("Choose a month from 2000 on."))
        if self.first_day.year > last_year():  # a walk saved 9999-12, with no way to delete it
            raise ValidationError(_l("Choose a month up to %(year)s.", year=last_year()))

    def validate_hourly_cost(self, field):
        """Danish "1.234,50" and "285,50", or "285.50" and English "1,234.50": with both marks
        the last is the decimal one, and a lone mark is a decimal one. "1,500" or "2.000" (under
        50 kr. read so) could be a thousands separator too, so it is refused, not guessed."""
        text = (field.data or "").strip()
        if "," in text and "." in text:
            point = max(",.", key=text.rfind)
            whole, _, frac = text.rpartition(point)
            group = "." if point == "," else ","
            if not re.fullmatch(rf"\d{{1,3}}(?:{re.escape(group)}\d{{3}})*", whole):
                raise ValidationError(_l("Write an amount in kroner, e.g. 285.50."))
            raw = f"{whole.replace(group, '')}.{frac}"
        else:
            if re.fullmatch(r"\d{1,2}[.,]\d{3}", text) and float(text.replace(",", ".")) < 50:
                raise ValidationError(
                    _l("Unclear amount: write it without a thousands separator, e.g. 1234.50."))
            raw = text.replace(",", ".")
        if not re.fullmatch(r"\d+(?:\.\d+)?", raw):
            raise ValidationError(_l("Write an amount in kroner, e.g. 285.50."))
        value = float(raw)
        if not 50 <= value <= 2000:
            raise ValidationError(_l("Must be between 50 and 2,000 kroner an hour."))
        if round(value * 100) != round(value * 100, 6):
            raise ValidationError(_l("At most two decimals (øre)."))
        self.ore = round(value * 100)
