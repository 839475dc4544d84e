import re

from flask_babel import lazy_gettext as _l
from wtforms import PasswordField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from web.forms_common import Form

# Passwords anyone tries first (with digits or signs added at the end, as people do).
COMMON = {
    "password", "passw0rd", "adgangskode", "kodeord", "qwertyuiop", "qwertyuiopå", "asdfghjkl",
    "asdfghjklæø", "1234567890", "0123456789", "0987654321", "mentormatch", "jobcenter",
    "velkommen", "welcome", "sommer", "vinter", "efterår", "forår", "letmein",
}


def easy_to_guess(password: str, email: str = "", name: str = "") -> bool:
    """A password long enough but guessed at once: a common one, the same few characters
    over and over, or the user's own e-mail or name."""
    low = password.lower()
    if len(set(low)) < 5 or re.sub(r"[\W\d_]+$", "", low) in COMMON or low in COMMON:
        return True
    own = [email.lower(), email.lower().split("@")[0], *name.lower().split()]
    return any(len(word) >= 4 and word in low for word in own)


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

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def validate_password(self, field):
        email, name = (self.user.email, self.user.name) if self.user is not None else ("", "")
        if field.data and easy_to_guess(field.data, email, name or ""):
            raise ValidationError(_l("This password is too easy to guess. Do not use your "
                                     "e-mail or name, a common password, or the same few "
                                     "characters again and again."))
