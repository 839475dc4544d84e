"""Forms of the hours area: the plan, the weekly timesheet, approval and ending."""

from __future__ import annotations

import re
from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, SelectField, StringField, SubmitField
from wtforms import Form as SubForm
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from web.cpr import no_cpr
from web.forms_common import Form, opts
from web.hours.vocab import OUTCOME_LABELS, TASK_LABELS
from web.i18n import format_number

MAX_STEPS = 5


class PlanForm(Form):
    """Start week plus up to five steps of (hours per week, number of weeks)."""

    start_week = DateField(_l("Plan starts the week of"), validators=[InputRequired()])
    submit = SubmitField(_l("Save plan"))

    def rows(self) -> list[tuple[int, int | None]]:
        """The filled-in steps, in order, as (hours, weeks); weeks None = open-ended."""
        out = []
        for i in range(1, MAX_STEPS + 1):
            h, w = self[f"hours_{i}"].data, self[f"weeks_{i}"].data
            if h is None and w is None:
                continue
            out.append((h, w))
        return out

    def step_fields(self):
        return [(i, self[f"hours_{i}"], self[f"weeks_{i}"]) for i in range(1, MAX_STEPS + 1)]

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        seen_gap = False
        filled = 0
        for _i, h, w in self.step_fields():
            if not _typed(h) and not _typed(w):
                seen_gap = True
                continue
            filled += 1
            if h.errors:  # typed but not a whole number: told so already
                continue
            if h.data is None:
                h.errors.append(_l("Give the hours per week for this step."))
                ok = False
            elif seen_gap:
                h.errors.append(_l("Fill in the steps from the top, without empty rows between."))
                ok = False
        if filled == 0:
            self.hours_1.errors.append(_l("Give at least one step."))
            ok = False
        return ok


def _typed(field) -> bool:
    """Something is in the box, a number or not ('9,5' in a whole-number box is typed)."""
    return field.data is not None or bool(field.raw_data and field.raw_data[0].strip())


for _i in range(1, MAX_STEPS + 1):
    setattr(
        PlanForm,
        f"hours_{_i}",
        IntegerField(
            _l("Hours per week"),
            validators=[Optional()],
            render_kw={"inputmode": "numeric", "min": 2, "max": 20},
        ),
    )
    setattr(
        PlanForm,
        f"weeks_{_i}",
        IntegerField(
            _l("For weeks"),
            validators=[Optional()],
            description=_l("Empty on the last step: until further notice."),
            render_kw={"inputmode": "numeric", "min": 1, "max": 104},
        ),
    )


# One participant's support in one week, all tasks together: at most a plan step's hours.
WEEK_MAX_HOURS = 20


def hours_error(value: float) -> str | None:
    """Why ``value`` is not a loggable number of hours (quarter hours, 0–20), or None."""
    if not 0 <= value <= 20:
        return _l("Must be between 0 and 20 hours.")
    if round(value * 4) != value * 4:
        return _l("Use quarter hours, e.g. 1.25 or 1.5.")
    return None


def week_error(total: float) -> str | None:
    """Why one participant's hours for a week, all tasks together, are too many, or None."""
    if total > WEEK_MAX_HOURS:
        return _l("At most %(max)s hours a week for one participant in all; this is %(total)s.",
                  max=WEEK_MAX_HOURS, total=format_number(total, 2))
    return None


HOURS_TYPED = re.compile(r"-?\d+(\.\d+)?")


class HoursField(StringField):
    """Hours as typed on a phone: '1,5' or '1.5'; empty is 0. Quarter hours, 0–20."""

    def process_formdata(self, valuelist):
        raw = (valuelist[0] if valuelist else "").strip().replace(",", ".")
        self.raw = raw
        if raw == "":
            self.data = 0.0
            return
        # Digits with a decimal mark only, as the page's sums count them: float() also takes
        # '1e3', 'nan' and 'inf', which came back in the field as '1.000', 'NaN' and '∞'.
        self.data = float(raw) if HOURS_TYPED.fullmatch(raw) else None

    def pre_validate(self, form):
        if self.data is None:
            raise ValidationError(_l("Write hours as a number, e.g. 1.5."))
        msg = hours_error(self.data)
        if msg:
            raise ValidationError(msg)

    def _value(self):
        if self.data in (None, 0, 0.0):
            return getattr(self, "raw", "") if self.data is None else ""
        return format_number(self.data, 2)  # in the page's language, as the sums are


class _ParticipantRow(SubForm):
    """One participant's hours in the week, a field per task."""

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if msg := week_error(self.total()):
            self.form_errors.append(msg)
            return False
        return True

    def total(self) -> float:
        """The hours as typed, each field that is not a valid number of hours counting 0."""
        return sum(self[t].data or 0 for t in TASK_LABELS if not self[t].errors)


for _t, _label in TASK_LABELS.items():
    setattr(
        _ParticipantRow,
        _t,
        HoursField(_label, render_kw={"inputmode": "decimal", "autocomplete": "off"}),
    )


def timesheet_form(proposal_ids: list[int], **kwargs) -> Form:
    """A form with one row per own active assignment (field names ``a<proposal id>``)."""
    from wtforms import FormField

    class TimesheetForm(Form):
        submit = SubmitField(_l("Send to the consultant"))

    for pid in proposal_ids:
        setattr(TimesheetForm, f"a{pid}", FormField(_ParticipantRow, separator="-"))
    return TimesheetForm(**kwargs)


class ReturnForm(Form):
    comment = StringField(
        _l("Comment to the mentor"),
        validators=[
            DataRequired(message=_l("Say what the mentor should correct.")),
            Length(max=300), no_cpr,
        ],
    )
    submit = SubmitField(_l("Return"))


class EndAssignmentForm(Form):
    outcome = SelectField(
        _l("Outcome"),
        choices=opts([("", "—"), *OUTCOME_LABELS.items()]),
        validators=[DataRequired(message=_l("Choose the outcome."))],
    )
    ended_on = DateField(_l("Ended on"), validators=[InputRequired()], default=date.today)
    submit = SubmitField(_l("End assignment"))

    def validate_ended_on(self, field):
        if field.data and field.data > date.today():
            raise ValidationError(_l("The end date cannot be in the future."))


class FollowUpForm(Form):
    outcome = SelectField(
        _l("Situation at follow-up"),
        choices=opts([("", "—"), *OUTCOME_LABELS.items()]),
        validators=[DataRequired(message=_l("Choose the situation."))],
    )
    submit = SubmitField(_l("Record follow-up"))
