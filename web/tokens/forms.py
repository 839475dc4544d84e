from flask_babel import lazy_gettext as _l
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, Length

from web.cpr import no_cpr
from web.forms_common import Form


class TokenForm(Form):
    name = StringField(_l("What the token is for"),
                       validators=[DataRequired(), Length(max=80), no_cpr],
                       description=_l("E.g. 'case system integration'. "
                                      "You see the token only once."))
    submit = SubmitField(_l("Create token"))
