"""The audit viewer's filter (a GET form)."""

from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, SelectField, SubmitField
from wtforms.validators import NumberRange, Optional, ValidationError

from web.forms_common import Form, opts

ACTIONS = {
    "read": _l("Read"), "denied": _l("Refused (not theirs)"), "create": _l("Created"),
    "update": _l("Changed"), "delete": _l("Deleted"), "export": _l("Exported"),
    "erase": _l("Erased"),
}


# The records the entries name (tables that hold participant data), in words.
RECORDS = {
    "participant": _l("Participant"), "case_event": _l("Case history"),
    "participant_hold": _l("Participant away (pause)"), "timesheet": _l("Timesheet"),
    "outcome": _l("Outcome"), "exclusion": _l("Exclusion"),
    "proposal": _l("Proposal or assignment"),
}


class AuditFilterForm(Form):
    class Meta(Form.Meta):
        csrf = False

    user = SelectField(_l("User"), coerce=str, default="")
    participant = IntegerField(_l("Participant id"),
                               validators=[Optional(), NumberRange(min=1)])
    action = SelectField(_l("Action"), choices=opts([("", "—"), *ACTIONS.items()]), default="")
    date_from = DateField(_l("From"), validators=[Optional()])
    date_to = DateField(_l("To"), validators=[Optional()])
    submit = SubmitField(_l("Filter"))

    def validate_date_to(self, field):
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_l("Must be on or after the first date."))
