"""Admin screens: users and their roles."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, Length, ValidationError

from web.cpr import no_cpr
from web.extensions import db
from web.forms_common import Form, opts
from web.models import Employer, Mentor, User

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


def unlinked_mentor_choices():
    """Colleague-mentors an employer registered without a login, as "Company: Name"."""
    rows = db.session.execute(
        db.select(Mentor.id, Employer.name, Mentor.name).join(Employer)
        .where(Mentor.user_id.is_(None), Mentor.active.is_(True))
        .order_by(Employer.name, Mentor.name)).all()
    return opts([("", _l("None: a new mentor")),
                 *((str(i), f"{company}: {name}") for i, company, name in rows)])


class UserCreateForm(UserEditForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)])
    mentor = SelectField(
        _l("Registered colleague-mentor"), default="",
        description=_l("For a mentor login: if their company registered them as a mentor "
                       "already, choose them, and the login becomes theirs. A new mentor "
                       "fills in their profile at first login."))
    submit = SubmitField(_l("Create and get invitation link"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.mentor.choices = unlinked_mentor_choices()

    def validate_mentor(self, field):
        """A login for a colleague the company registered: without the link, filling in the
        profile made a second mentor record, and the first stayed without a login (a walk)."""
        if not field.data:
            return
        if self.role.data != "mentor":
            raise ValidationError(_l("Only a mentor login can be a registered mentor's."))
        mentor = db.session.get(Mentor, int(field.data))
        if mentor.employer_id != self.employer_id:
            raise ValidationError(_l("%(name)s is a mentor at %(company)s: choose that company "
                                     "above.", name=mentor.name, company=mentor.employer.name))

    @property
    def mentor_record(self) -> Mentor | None:
        return db.session.get(Mentor, int(self.mentor.data)) if self.mentor.data else None

    def validate_email(self, field):
        field.data = field.data.strip().lower()
        if db.session.scalar(db.select(User.id).where(User.email == field.data)) is not None:
            raise ValidationError(_l("A user with this e-mail already exists."))


class HandoverForm(Form):
    """Whom a consultant's cases go to: another consultant whose login is on."""

    to = SelectField(_l("Hand the cases over to"),
                     validators=[DataRequired(_l("Choose the consultant who takes the cases."))])
    submit = SubmitField(_l("Hand over the cases"))

    def __init__(self, old: User, *args, **kwargs):
        super().__init__(*args, **kwargs)
        rows = db.session.execute(
            db.select(User.id, User.name, User.email)
            .where(User.role == "consultant", User.active.is_(True), User.id != old.id)
            .order_by(User.name, User.email)).all()
        self.to.choices = opts([NO_EMPLOYER, *((str(i), f"{name} ({email})")
                                               for i, name, email in rows)])
