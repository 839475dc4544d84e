"""The dashboard's filter form (GET, so no CSRF) and nothing else."""

from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, SubmitField
from wtforms.validators import Optional, ValidationError

from web.forms_common import Form


class FilterForm(Form):
    class Meta(Form.Meta):
        csrf = False  # a read-only filter on a GET

    start = DateField(_l("From"), validators=[Optional()])
    end = DateField(_l("To"), validators=[Optional()])
    team = SelectField(_l("Team (consultant)"), coerce=int, default=0)
    submit = SubmitField(_l("Show"))

    def validate_end(self, field):
        if field.data and self.start.data and field.data < self.start.data:
            raise ValidationError(_l("The end must be on or after the start."))
        if (field.data or date.today()) - (self.start.data or date.today()) > MAX_PERIOD:
            raise ValidationError(_l("Choose a period of at most two years."))

    def period(self) -> tuple[date, date]:
        end = self.end.data or date.today()
        start = self.start.data or end - timedelta(weeks=12)
        if start > end or end - start > MAX_PERIOD:  # invalid: the default period instead
            start, end = date.today() - timedelta(weeks=12), date.today()
        return start, end


MAX_PERIOD = timedelta(weeks=104)  # a week per row: two years is already a long page
