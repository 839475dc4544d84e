"""The admin's view of the audit log: filter by user, participant, action and dates."""

from flask import Blueprint, render_template, request
from flask_babel import gettext as _
from sqlalchemy import select

from web.access import role_required
from web.admin.forms import ROLE_LABELS
from web.audit.forms import ACTIONS, RECORDS, AuditFilterForm
from web.extensions import db
from web.forms_common import opts, page_number
from web.i18n import utc_day_bounds
from web.models import User
from web.models.audit import AuditEntry

bp = Blueprint("audit", __name__, url_prefix="/admin/audit")
PER_PAGE = 50


def filtered(form: AuditFilterForm):
    """The audit query narrowed by the form's valid filters, newest first."""
    q = select(AuditEntry).order_by(AuditEntry.id.desc())
    if form.user.data:
        q = q.where(AuditEntry.user_id == int(form.user.data)) if form.user.data != "system" \
            else q.where(AuditEntry.user_id.is_(None))
    if form.participant.data:
        q = q.where(AuditEntry.participant_id == form.participant.data)
    if form.action.data:
        q = q.where(AuditEntry.action == form.action.data)
    if form.date_from.data:
        q = q.where(AuditEntry.at >= utc_day_bounds(form.date_from.data, form.date_from.data)[0])
    if form.date_to.data:
        q = q.where(AuditEntry.at < utc_day_bounds(form.date_to.data, form.date_to.data)[1])
    return q


@bp.route("/")
@role_required("admin")
def index():
    """Every read and change of participant data, filtered and paginated."""
    form = AuditFilterForm(request.args)
    users = db.session.scalars(select(User).order_by(User.name)).all()
    form.user.choices = opts([("", "—"), ("system", _("system")),
                              *((str(u.id), f"{u.name} ({u.email})") for u in users)])
    valid = form.validate() if request.args else True
    query = filtered(form) if valid else select(AuditEntry).where(False)
    page = db.paginate(query, page=page_number(request.args), per_page=PER_PAGE,
                       error_out=False)
    args = {k: v for k, v in request.args.items() if k != "page"}
    return render_template("audit/index.html", form=form, page=page, args=args,
                           users={u.id: u for u in users}, actions=ACTIONS,
                           records=RECORDS, roles=ROLE_LABELS)
