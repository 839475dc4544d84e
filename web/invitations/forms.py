from flask_babel import lazy_gettext as _l
from wtforms import PasswordField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length

from web.forms_common import Form


class SetPasswordForm(Form):
    password = PasswordField(
        _l("New password"),
        description=_l("At least 10 characters."),
        render_kw={"autocomplete": "new-password"},
        validators=[DataRequired(), Length(min=10, max=200,
                                           message=_l("Use between 10 and 200 characters."))],
    )
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
        render_kw={"autocomplete": "new-password"},
    )
    submit = SubmitField(_l("Set password"))
