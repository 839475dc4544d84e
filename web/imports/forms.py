"""The upload form: which kind of records, and the file."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import SelectField, SubmitField, ValidationError

from web.config import UPLOAD_MB
from web.forms_common import Form
from web.imports.parse import decode, no_rows

KINDS = {
    "participants": _l("Participants"),
    "placements": _l("Placements"),
    "mentors": _l("Mentors"),
}


class UploadForm(Form):
    kind = SelectField(_l("What the file holds"), default="participants")
    file = FileField(_l("CSV file"), description=_l(
        "One line per record, the first line naming the columns. Separate columns with ';' "
        "(as Danish Excel does) or ','; separate several codes in one cell with '|' or ','. "
        "At most %(mb)s MB.", mb=UPLOAD_MB),
        validators=[FileRequired(_l("Choose a file.")),
                    FileAllowed(["csv", "txt"], _l("Upload a .csv file."))])
    submit = SubmitField(_l("Check the file"))

    text = ""  # the file's text, once validated

    def validate_file(self, field):
        """A file with nothing to import is told so once, here: an empty one was told that
        six columns were missing."""
        self.text = decode(field.data.read())
        if why := no_rows(self.text):
            raise ValidationError(why)
