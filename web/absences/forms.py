"""Absence forms: dates are whole days, the last day is included."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, SubmitField
from wtforms.validators import InputRequired, ValidationError

from web.cover.service import (
    already_over,
    extension_refused,
    overlap_message,
    overlapping_absence,
    pause_over,
    too_far_ahead,
    too_long,
)
from web.forms_common import Form, opts

MENTOR_REASONS = {"sick": _l("Sick"), "holiday": _l("Holiday"), "other": _l("Other")}
PARTICIPANT_REASONS = {"sick": _l("Sick"), "relapse": _l("Relapse"), "other": _l("Other")}


class MentorAbsenceForm(Form):
    mentor = SelectField(_l("Mentor"), coerce=int, validators=[InputRequired()])
    starts_on = DateField(_l("First day away"), validators=[InputRequired()])
    ends_on = DateField(_l("Last day away"), validators=[InputRequired()])
    reason = SelectField(_l("Reason"), choices=opts(MENTOR_REASONS), validators=[InputRequired()])
    submit = SubmitField(_l("Report absence"))

    def __init__(self, *args, mentors=(), **kwargs):
        super().__init__(*args, **kwargs)
        # Who can report for several mentors sees where each works: names repeat.
        label = _mentor_where if len(mentors) > 1 else (lambda m: m.name)
        self.mentor.choices = opts((m.id, label(m)) for m in mentors)

    def validate_starts_on(self, field):
        if field.data and (ahead := too_far_ahead(field.data, date.today())):
            raise ValidationError(ahead)

    def validate_ends_on(self, field):
        if self.starts_on.data is None or field.data is None:
            return
        if field.data < self.starts_on.data:
            raise ValidationError(_l("The last day cannot be before the first day."))
        if over := already_over(field.data):
            raise ValidationError(over)
        if long := too_long(self.starts_on.data, field.data):
            raise ValidationError(long)
        if self.mentor.data and (other := overlapping_absence(
            self.mentor.data, self.starts_on.data, field.data
        )):
            last = other.first.chain[-1]
            # Away longer than reported is an extension (a walk's mentor had no way on).
            if field.data > last.ends_on and not extension_refused(last, date.today()):
                raise ValidationError(overlap_message(other) + " " + str(_l(
                    "If the mentor is away for longer, extend that absence instead: Extend, in "
                    "the list below.")))
            raise ValidationError(overlap_message(other))


class ExtendAbsenceForm(Form):
    ends_on = DateField(_l("New last day away"), validators=[InputRequired()])
    submit = SubmitField(_l("Extend the absence"))


def _mentor_where(mentor) -> str:
    if mentor.employer is not None:
        return f"{mentor.name} – {mentor.employer.name}"
    return str(_l("%(name)s – support person, %(town)s", name=mentor.name, town=mentor.town))


def _id_or_none(value):
    return int(value) if value not in (None, "") else None


class ParticipantAbsenceForm(Form):
    # Nobody is chosen beforehand: pausing the first in the list by mistake is too easy.
    participant = SelectField(_l("Participant"), coerce=_id_or_none,
                              validators=[InputRequired(message=_l("Choose the participant."))])
    starts_on = DateField(_l("First day away"), validators=[InputRequired()])
    reason = SelectField(
        _l("Reason"), choices=opts(PARTICIPANT_REASONS), validators=[InputRequired()]
    )
    submit = SubmitField(_l("Pause the assignment"))

    def __init__(self, *args, participants=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.participant.choices = opts([("", "—"), *((p.id, p.code) for p in participants)])

    def validate_starts_on(self, field):
        # A pause takes effect at once (the participant is paused today), so it cannot start
        # ahead: a walk paused from a year ahead and the participant was paused that day.
        if field.data and field.data > date.today():
            raise ValidationError(_l("A pause starts today at the latest: report it on its "
                                     "first day."))
        if field.data and (refused := pause_over(field.data, date.today())):
            raise ValidationError(refused)
