"""Mentor fields shared by the mentor's own profile and the employer's colleague-mentor form."""

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, SubmitField
from wtforms.validators import DataRequired, InputRequired, NumberRange

from web import vocab
from web.forms_common import Form, KmField, MultiCheckboxField, TownField, between, opts

# Limits of these forms; the CSV import (web/imports/parse.py) checks the very same.
CAPACITY_HOURS = (0, 60)
MAX_PARTICIPANTS = (0, 20)

# A mentor's skills are the participants' needs seen from the mentor's side; only the one
# worded as a need is reworded.
SKILLS = {k: v for k, v in vocab.NEEDS.items() if not k.startswith("lang:")} | {
    "structure": _l("Can give a firm daily structure")}
LANGUAGES = {k: v for k, v in vocab.NEEDS.items() if k.startswith("lang:")}


class MentorFieldsForm(Form):
    """What the matcher needs to know about a mentor: skills, languages, days and capacity."""

    skills = MultiCheckboxField(_l("Experience and skills"), choices=opts(SKILLS))
    languages = MultiCheckboxField(_l("Languages besides Danish"), choices=opts(LANGUAGES))
    days = MultiCheckboxField(
        _l("Days you can support"), choices=opts(vocab.DAYS),
        validators=[DataRequired(message=_l("Choose at least one day."))],
    )
    capacity_hours = IntegerField(
        _l("Support hours per week you can give"),
        validators=[InputRequired(), between(*CAPACITY_HOURS)],
    )
    max_participants = IntegerField(
        _l("At most this many participants at a time"),
        validators=[InputRequired(), between(*MAX_PARTICIPANTS)],
    )
    submit = SubmitField(_l("Save"))

    def fill(self, m) -> None:
        """Copy the validated fields onto a Mentor row."""
        m.skills = [c for c in vocab.NEEDS if c in (self.skills.data or [])
                    or c in (self.languages.data or [])]
        m.days = [d for d in vocab.DAYS if d in self.days.data]
        m.capacity_hours, m.max_participants = self.capacity_hours.data, self.max_participants.data

    def load(self, m) -> None:
        self.skills.data = [c for c in m.skills if c in SKILLS]
        self.languages.data = [c for c in m.skills if c in LANGUAGES]
        self.days.data, self.capacity_hours.data = list(m.days), m.capacity_hours
        self.max_participants.data = m.max_participants


class ProfileForm(MentorFieldsForm):
    """A colleague-mentor's own profile (the workplace gives the place)."""


class ExternalProfileForm(MentorFieldsForm):
    """An external support person also says where they live and how far they travel."""

    town = TownField(_l("Based in (town)"))
    max_travel_km = KmField(
        _l("Can travel at most (km)"), places=1,
        validators=[InputRequired(),
                    NumberRange(0, 200, message=_l("Must be between 0 and 200 km."))],
    )

    def fill(self, m) -> None:
        super().fill(m)
        m.town, m.lat, m.lon = self.town.data, self.town.town.lat, self.town.town.lon
        m.max_travel_km = float(self.max_travel_km.data)

    def load(self, m) -> None:
        super().load(m)
        self.town.data, self.max_travel_km.data = m.town, m.max_travel_km

