"""The dashboard's filter form (GET, so no CSRF) and nothing else."""

from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, SubmitField
from wtforms.validators import Optional, ValidationError

from web.forms_common import Form, in_years, within_years


class FilterForm(Form):
    class Meta(Form.Meta):
        csrf = False  # a read-only filter on a GET

    start = DateField(_l("From"), validators=[Optional()])
    end = DateField(_l("To"), validators=[Optional()])
    team = SelectField(_l("Team (consultant)"), coerce=int, default=0)
    submit = SubmitField(_l("Show"))

    def validate_start(self, field):  # here, as an empty end skips validate_end
        within_years(self, field)
        if field.data and not self.end.data and field.data > date.today():
            raise ValidationError(_l("Without an end date the period ends today: choose a "
                                     "start on or before today, or an end."))
        if (field.data and in_years(self.end.data or date.today())
                and _too_long(field.data, self.end.data or date.today())):
            raise ValidationError(_l("Choose a period of at most two years."))

    def validate_end(self, field):
        within_years(self, field)
        if field.data and self.start.data and field.data < self.start.data:
            raise ValidationError(_l("The end must be on or after the start."))

    def period(self) -> tuple[date, date]:
        default = date.today() - timedelta(weeks=12), date.today()
        end = self.end.data or date.today()
        if not (in_years(end) and in_years(self.start.data)):
            return default
        start = self.start.data or end - timedelta(weeks=12)
        if start > end or _too_long(start, end):  # invalid: the default period instead
            return default
        return start, end


def _too_long(start: date, end: date) -> bool:
    """More than two years (a week per row: two years is already a long page)."""
    return start < end.replace(year=end.year - 2, day=min(end.day, 28) if end.month == 2
                               else end.day)
