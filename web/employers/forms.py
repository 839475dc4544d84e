"""The employer's screens: company, placements, colleague-mentors."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    EmailField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    Optional,
    ValidationError,
)

from web import vocab
from web.cpr import no_cpr
from web.extensions import db
from web.forms_common import Form, MultiCheckboxField, TownField, between, opts, within_years
from web.mentors.forms import MentorFieldsForm
from web.models import Employer, Placement, User

CVR_WEIGHTS = (2, 7, 6, 5, 4, 3, 2, 1)

# Limits of these forms; the CSV import (web/imports/parse.py) checks the very same.
COMPANY_NAME_MAX = 200
TITLE_MAX = 200
SLOTS = (1, 50)
ACCOMMODATIONS_MAX = 1000
MENTOR_NAME_MAX = 120


def normalise_cvr(raw: str | None) -> str:
    """'DK 1000 0009' → '10000009' (people paste it with spaces or the DK prefix)."""
    text = (raw or "").upper().replace(" ", "").replace("-", "")
    return text[2:] if text.startswith("DK") else text


def cvr_is_valid(cvr: str) -> bool:
    """Eight digits whose weighted sum (2,7,6,5,4,3,2,1) is divisible by 11."""
    if len(cvr) != 8 or not cvr.isdigit():
        return False
    return sum(int(d) * w for d, w in zip(cvr, CVR_WEIGHTS, strict=True)) % 11 == 0


class CompanyForm(Form):
    name = StringField(_l("Company name"),
                       validators=[DataRequired(), Length(max=COMPANY_NAME_MAX), no_cpr])
    cvr = StringField(
        _l("CVR number"), description=_l("The company's 8-digit CVR number, e.g. 10000009."),
        validators=[DataRequired()],
    )
    town = TownField(_l("Town"))
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, employer: Employer, **kwargs):
        super().__init__(*args, **kwargs)
        self._employer = employer

    def validate_cvr(self, field):
        cvr = normalise_cvr(field.data)
        if len(cvr) != 8 or not cvr.isdigit():
            raise ValidationError(_l("A CVR number has exactly 8 digits."))
        if not cvr_is_valid(cvr):
            raise ValidationError(_l("This is not a valid CVR number. Check the digits."))
        taken = db.session.scalar(
            db.select(Employer.id).where(Employer.cvr == cvr, Employer.id != self._employer.id))
        if taken is not None:
            raise ValidationError(_l("Another company is registered with this CVR number."))
        field.data = cvr


class PlacementForm(Form):
    title = StringField(_l("Title"),
                        validators=[DataRequired(), Length(max=TITLE_MAX), no_cpr])
    area = SelectField(_l("Work area"), choices=opts(vocab.AREAS))
    slots = IntegerField(_l("Number of places"), validators=[InputRequired(), between(*SLOTS)])
    days = MultiCheckboxField(
        _l("Work days"), choices=opts(vocab.DAYS),
        validators=[DataRequired(message=_l("Choose at least one day."))],
    )
    requirements = MultiCheckboxField(
        _l("Requirements"), choices=opts(vocab.ATTRIBUTES),
        description=_l("For example: a drug-free venue requires abstinent participants."),
    )
    accommodations = TextAreaField(
        _l("How the workplace adapts"),
        description=_l("About the workplace, e.g. 'quiet start at 9' or 'a fixed buddy the first "
                       "week'. Never write about people."),
        validators=[Length(max=ACCOMMODATIONS_MAX), no_cpr],
    )
    town = TownField(_l("Town"))
    start_date = DateField(_l("Start date"), validators=[Optional(), within_years])
    end_date = DateField(_l("End date"), validators=[Optional(), within_years],
                         description=_l("After it, the placement is no longer offered."))
    submit = SubmitField(_l("Save"))

    def validate_end_date(self, field):
        if field.data and self.start_date.data and field.data < self.start_date.data:
            raise ValidationError(_l("The end date must be on or after the start date."))

    def fill(self, p: Placement) -> None:
        p.title, p.area, p.slots = self.title.data.strip(), self.area.data, self.slots.data
        p.days = [d for d in vocab.DAYS if d in self.days.data]
        p.requirements = [a for a in vocab.ATTRIBUTES if a in (self.requirements.data or [])]
        p.accommodations = (self.accommodations.data or "").strip()
        p.town, p.lat, p.lon = self.town.data, self.town.town.lat, self.town.town.lon
        p.start_date, p.end_date = self.start_date.data, self.end_date.data

    def load(self, p: Placement) -> None:
        for name in ("title", "area", "slots", "days", "requirements", "accommodations", "town",
                     "start_date", "end_date"):
            getattr(self, name).data = getattr(p, name)


class ColleagueMentorForm(MentorFieldsForm):
    """A colleague who mentors at the workplace; optionally invited to log in."""

    name = StringField(_l("Name"),
                       validators=[DataRequired(), Length(max=MENTOR_NAME_MAX), no_cpr])
    town = TownField(_l("Workplace town"))
    email = EmailField(
        _l("E-mail (to invite them to log in)"),
        description=_l("Optional. You get a one-time link to send them, so they can set a "
                       "password and answer proposals themselves."),
        validators=[Optional(), Email(), Length(max=254)],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The employer fills this in about a colleague: the labels speak of the mentor.
        self.days.label.text = str(_l("Days the mentor can support"))
        self.capacity_hours.label.text = str(_l("Support hours per week the mentor can give"))

    def validate_email(self, field):
        if field.data:
            field.data = field.data.strip().lower()
            if db.session.scalar(db.select(User.id).where(User.email == field.data)) is not None:
                # Not "a user exists": an employer should not learn who has a login here.
                raise ValidationError(_l("This e-mail cannot get a new login here. Use the "
                                         "colleague's work e-mail, or ask the job centre."))

    def fill(self, m) -> None:
        super().fill(m)
        m.name = self.name.data.strip()
        m.town, m.lat, m.lon = self.town.data, self.town.town.lat, self.town.town.lon

    def load(self, m) -> None:
        super().load(m)
        self.name.data, self.town.data = m.name, m.town
