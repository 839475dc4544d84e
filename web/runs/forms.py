from flask_babel import lazy_gettext as _l
from wtforms import SelectField, SubmitField
from wtforms.validators import DataRequired

from web.forms_common import Form, MultiCheckboxField, opts

REJECT_REASONS = {
    "poor_fit": _l("Placement does not fit"),
    "participant_said_no": _l("The participant said no to the placement"),
    "participant_declined_mentor": _l("The participant said no to the mentor"),
    "timing": _l("Wrong time to start"),
    "other": _l("Other"),
}

DECLINE_REASONS = {
    "no_capacity": _l("I do not have the capacity"),
    "skills": _l("I do not have the right skills"),
    "knows_participant": _l("I know the participant privately"),
    "other": _l("Other"),
}


class ApproveForm(Form):
    proposals = MultiCheckboxField(_l("Proposals"), coerce=int)
    submit = SubmitField(_l("Approve selected"))


class ReasonForm(Form):
    reason = SelectField(_l("Reason"), validators=[DataRequired()])
    submit = SubmitField(_l("Reject"))

    # No reason is chosen until the user chooses one: a first option that is not a reason,
    # so one click cannot record a reason nobody gave.
    @classmethod
    def reject(cls, **kw):
        form = cls(**kw)
        form.reason.choices = opts([("", _l("Choose a reason"))]) + opts(REJECT_REASONS)
        return form

    @classmethod
    def decline(cls, first=None, **kw):
        form = cls(**kw)
        form.reason.choices = (opts([("", first or _l("Choose a reason"))])
                               + opts(DECLINE_REASONS))
        form.submit.label.text = str(_l("Decline"))
        return form
