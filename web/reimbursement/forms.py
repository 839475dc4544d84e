"""The employer's wage-cost form."""

from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import StringField, SubmitField
from wtforms.validators import ValidationError

from web.forms_common import Form


class WageForm(Form):
    hourly_cost = StringField(
        _l("Hourly wage cost (DKK)"),
        description=_l("Wage plus pension and holiday pay, per hour, e.g. 285,50."),
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
        if self.first_day.year < 2000:
            raise ValidationError(_l("Choose a month, e.g. 2026-11."))

    def validate_hourly_cost(self, field):
        raw = (
            (field.data or "").strip().replace(".", "").replace(",", ".")
            if "," in (field.data or "")
            else (field.data or "").strip()
        )
        try:
            value = float(raw)
        except ValueError:
            raise ValidationError(_l("Write an amount in kroner, e.g. 285,50.")) from None
        if not 50 <= value <= 2000:
            raise ValidationError(_l("Must be between 50 and 2,000 kroner an hour."))
        if round(value * 100) != round(value * 100, 6):
            raise ValidationError(_l("At most two decimals (øre)."))
        self.ore = round(value * 100)
