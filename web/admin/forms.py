"""Admin screens: users and their roles."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, Length, ValidationError

from web.cpr import no_cpr
from web.extensions import db
from web.forms_common import Form, opts
from web.models import Employer, User

ROLE_LABELS = {
    "consultant": _l("Job consultant"), "employer": _l("Employer"), "mentor": _l("Mentor"),
    "admin": _l("Administrator"),
}
NO_EMPLOYER = ("", "—")


def employer_choices():
    rows = db.session.execute(db.select(Employer.id, Employer.name).order_by(Employer.name)).all()
    return opts([NO_EMPLOYER, *((str(i), n) for i, n in rows)])


class UserEditForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120), no_cpr])
    role = SelectField(_l("Role"), choices=opts(ROLE_LABELS))
    employer = SelectField(
        _l("Company"), description=_l("Required for employers; optional for colleague-mentors."),
    )
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.employer.choices = employer_choices()

    def validate_employer(self, field):
        if self.role.data == "employer" and not field.data:
            raise ValidationError(_l("Choose the company this employer user works for."))
        if self.role.data in ("consultant", "admin") and field.data:  # taken, and meaningless
            raise ValidationError(_l("Only employers and colleague-mentors belong to a company: "
                                     "leave it empty."))

    @property
    def employer_id(self) -> int | None:
        return int(self.employer.data) if self.employer.data else None


class UserCreateForm(UserEditForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)])
    submit = SubmitField(_l("Create and get invitation link"))

    def validate_email(self, field):
        field.data = field.data.strip().lower()
        if db.session.scalar(db.select(User.id).where(User.email == field.data)) is not None:
            raise ValidationError(_l("A user with this e-mail already exists."))
