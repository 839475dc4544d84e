"""Cover forms: every answer and toggle is a POST with CSRF."""

from flask_babel import lazy_gettext as _l
from wtforms import SubmitField

from web.forms_common import Form


class GuaranteeForm(Form):
    """Switch the cover guarantee of one placement on or off."""

    submit = SubmitField(_l("Change"))
