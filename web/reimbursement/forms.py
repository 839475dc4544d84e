"""The employer's wage-cost form."""

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
    submit = SubmitField(_l("Save"))

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
