"""Forms of the data-protection pages."""

from flask_babel import lazy_gettext as _l
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, Length, ValidationError

from web.cpr import no_cpr
from web.forms_common import Form


class LookupForm(Form):
    """Find a participant by code (a GET form: no state changes)."""

    class Meta(Form.Meta):
        csrf = False

    # A CPR number is told so at the field, and not looked up (a walk searched with one and
    # read "no participant with this code").
    code = StringField(_l("Participant code"),
                       validators=[DataRequired(), Length(max=40), no_cpr])
    submit = SubmitField(_l("Find"))


class EraseForm(Form):
    """Erasure is final: the user types the participant's code to confirm."""

    confirm = StringField(
        _l("Type the participant's code to confirm"), validators=[DataRequired(), Length(max=40)]
    )
    submit = SubmitField(_l("Erase everything about this participant"))

    def __init__(self, *args, code: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self._code = code

    def validate_confirm(self, field):
        if field.data.strip() != self._code:
            raise ValidationError(_l("The code does not match."))
