from flask_babel import lazy_gettext as _l
from wtforms import PasswordField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError
from zxcvbn import zxcvbn

from web.forms_common import Form

# Danish words people try first, beside zxcvbn's own (English) lists of common passwords,
# names and words.
DANISH = ["adgangskode", "kodeord", "mentormatch", "jobcenter", "velkommen", "sommer",
          "vinter", "efterår", "forår", "jobcentret", "kommune"]
STRONG_ENOUGH = 3  # zxcvbn's score: "safely unguessable", about 10^8 guesses or more


def easy_to_guess(password: str, email: str = "", name: str = "") -> bool:
    """A password long enough but guessed at once, as zxcvbn scores it (common passwords,
    repeats, sequences, keyboard rows, dates, and the user's own e-mail and name), or one
    that holds the user's e-mail or a part of their name."""
    own = [email.lower(), email.lower().split("@")[0], *name.lower().split()]
    # zxcvbn reads at most 72 characters (its cost grows fast with length); the first 72 of
    # a longer password are what a guesser would have to get right anyway.
    if zxcvbn(password[:72], user_inputs=[*own, *DANISH])["score"] < STRONG_ENOUGH:
        return True
    low = password.lower()
    return any(len(word) >= 4 and word in low for word in own)


class SetPasswordForm(Form):
    password = PasswordField(
        _l("New password"),
        description=_l("At least 10 characters, and not easy to guess: not a common "
                       "password or a keyboard row, and not your name or e-mail."),
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
