"""The participant form: coded fields only, validated on the server."""

from flask_babel import lazy_gettext as _l
from wtforms import FloatField, IntegerField, SelectField, StringField, SubmitField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from matcher.schema import DEFAULT_WEIGHTS
from web import vocab
from web.cpr import no_cpr
from web.extensions import db
from web.forms_common import CommaDecimalInput, Form, KmField, MultiCheckboxField, TownField, opts
from web.models import Participant

NO_WISH = ("", "—")


class ParticipantForm(Form):
    code = StringField(
        _l("Pseudonymous code"),
        description=_l("Your own case code, e.g. KBH-0142. Never a CPR number or a name."),
        validators=[
            DataRequired(), Length(max=40), no_cpr,
            Regexp(r"^[A-Za-z0-9][A-Za-z0-9._-]*$",
                   message=_l("Use the letters A-Z (not æ, ø or å), digits, '.', '-' "
                              "or '_'.")),
        ],
    )
    hours_min = IntegerField(
        _l("Support hours per week, at least"),
        validators=[InputRequired(), NumberRange(2, 20, message=_l("Must be between 2 and 20."))],
    )
    hours_max = IntegerField(
        _l("Support hours per week, at most"),
        validators=[InputRequired(), NumberRange(2, 20, message=_l("Must be between 2 and 20."))],
    )
    priority = SelectField(
        _l("Priority"), choices=opts((str(i), str(i)) for i in range(1, 6)), default="1",
        description=vocab.PRIORITY_HELP,
    )
    days = MultiCheckboxField(
        _l("Days the participant can work"), choices=opts(vocab.DAYS),
        validators=[DataRequired(message=_l("Choose at least one day."))],
    )
    wish1 = SelectField(_l("1st wished work area"), choices=opts([NO_WISH, *vocab.AREAS.items()]),
                        default="")
    wish2 = SelectField(_l("2nd wished work area"), choices=opts([NO_WISH, *vocab.AREAS.items()]),
                        default="")
    wish3 = SelectField(_l("3rd wished work area"), choices=opts([NO_WISH, *vocab.AREAS.items()]),
                        default="")
    needs = MultiCheckboxField(
        _l("Support needs (skills the mentor must have)"), choices=opts(vocab.NEEDS),
        description=_l("Coded needs only. Never write diagnoses."),
    )
    attributes = MultiCheckboxField(_l("Attributes"), choices=opts(vocab.ATTRIBUTES))
    town = TownField(_l("Lives in (town)"))
    max_travel_km = KmField(
        _l("Can travel at most (km)"), places=1,
        validators=[InputRequired(),
                    NumberRange(0, 200, message=_l("Must be between 0 and 200 km."))],
    )
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, participant: Participant | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self._participant = participant

    def validate_hours_max(self, field):
        if (self.hours_min.data is not None and field.data is not None
                and field.data < self.hours_min.data):
            raise ValidationError(_l("Must be at least the minimum hours."))

    def validate_code(self, field):
        q = db.select(Participant.id).where(Participant.code == field.data)
        if self._participant is not None:
            q = q.where(Participant.id != self._participant.id)
        if db.session.scalar(q) is not None:
            raise ValidationError(_l("This code is already in use."))

    def validate_wish3(self, field):
        wishes = [w for w in (self.wish1.data, self.wish2.data, field.data) if w]
        if len(set(wishes)) != len(wishes):
            raise ValidationError(_l("Each work area can be wished only once."))

    @property
    def areas(self) -> list[str]:
        return [w for w in (self.wish1.data, self.wish2.data, self.wish3.data) if w]

    def fill(self, p: Participant) -> None:
        """Copy the validated form onto the participant."""
        p.code = self.code.data
        p.hours_min, p.hours_max = self.hours_min.data, self.hours_max.data
        p.priority = int(self.priority.data)
        p.days = [d for d in vocab.DAYS if d in self.days.data]
        p.areas = self.areas
        p.needs, p.attributes = list(self.needs.data or []), list(self.attributes.data or [])
        p.town, p.lat, p.lon = self.town.data, self.town.town.lat, self.town.town.lon
        p.max_travel_km = float(self.max_travel_km.data)

    def load(self, p: Participant) -> None:
        """Show a stored participant in the form."""
        for name in ("code", "hours_min", "hours_max", "days", "needs", "attributes", "town",
                     "max_travel_km"):
            getattr(self, name).data = getattr(p, name)
        self.priority.data = str(p.priority)
        wishes = list(p.areas) + ["", "", ""]
        self.wish1.data, self.wish2.data, self.wish3.data = wishes[:3]


# The matcher's weights (matching-model.md section 3) in words a consultant uses.
WEIGHT_LABELS = {
    "match": (_l("Getting a match at all"),
              _l("Points for each person who gets a placement. Keep it highest, "
                 "so nobody is left out for a better score.")),
    "area": (_l("Wished work area"),
             _l("Points for each step up the participant's list of wished areas.")),
    "keep_mentor": (_l("Keeping the same mentor"),
                    _l("Points for keeping the mentor the participant already knows.")),
    "keep_placement": (_l("Keeping the same placement"),
                       _l("Points for staying at the placement the participant already has.")),
    "hours": (_l("Support hours"),
              _l("Points per support hour given, weighed by priority.")),
    "travel_km": (_l("Travel distance"),
                  _l("Points taken off per kilometre of travel.")),
}
WEIGHT_MAX = 10000


class CommaFloatField(CommaDecimalInput, FloatField):
    """A weight in a number input, whose value is written with a point whatever the language
    (the browser shows it the user's way): 100, not 100.0."""

    def shown(self, value) -> str:
        return f"{value:.6f}".rstrip("0").rstrip(".")


def _weight_field(key: str) -> FloatField:
    label, help_text = WEIGHT_LABELS[key]
    return CommaFloatField(
        label, default=DEFAULT_WEIGHTS[key], description=help_text,
        validators=[Optional(), NumberRange(0, WEIGHT_MAX, message=_l(
            "Must be a number from 0 to %(max)s.", max=WEIGHT_MAX))],
        render_kw={"inputmode": "decimal"},
    )


class WeightsMixin:
    """Optional weights for the matcher; an empty field keeps the standard value."""

    w_match = _weight_field("match")
    w_area = _weight_field("area")
    w_keep_mentor = _weight_field("keep_mentor")
    w_keep_placement = _weight_field("keep_placement")
    w_hours = _weight_field("hours")
    w_travel_km = _weight_field("travel_km")

    def weight_fields(self):
        return [getattr(self, f"w_{k}") for k in DEFAULT_WEIGHTS]

    @property
    def weights(self) -> dict[str, float]:
        """Only the weights that differ from the standard; {} means the model's defaults."""
        out = {}
        for key, default in DEFAULT_WEIGHTS.items():
            value = getattr(self, f"w_{key}").data
            if value is not None and float(value) != default:
                out[key] = float(value)
        return out


class MatchRequestForm(WeightsMixin, Form):
    """Ask for proposals for the chosen waiting participants."""

    participants = MultiCheckboxField(_l("Participants to match"), coerce=int)
    time_limit = IntegerField(
        _l("Time limit (seconds)"), default=10,
        validators=[InputRequired(),
                    NumberRange(1, 300, message=_l("Must be between 1 and 300 seconds."))],
    )
    submit = SubmitField(_l("Find proposals"))

    def validate_participants(self, field):
        if not field.data:
            raise ValidationError(_l("Choose at least one waiting participant."))


class RunAgainForm(WeightsMixin, Form):
    """Run again for a run's unmatched and rejected, with the same or changed weights."""

    time_limit = IntegerField(
        _l("Time limit (seconds)"), default=10,
        validators=[InputRequired(),
                    NumberRange(1, 300, message=_l("Must be between 1 and 300 seconds."))],
    )
    submit = SubmitField(_l("Run again for those waiting"))


STATUS_FILTER = [("", _l("All open cases")), ("all", _l("All, also closed"))]


class FilterForm(Form):
    """The caseload filters (GET, so no CSRF token in the address)."""

    class Meta(Form.Meta):
        csrf = False

    status = SelectField(_l("Status"), default="", validators=[Optional()])
    q = StringField(_l("Search by code"), validators=[Optional(), Length(max=40), no_cpr])
    sort = SelectField(_l("Sort by"), default="code", validators=[Optional()])
