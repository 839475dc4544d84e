"""Data protection: export one participant's data as JSON, or erase it everywhere."""

import json

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func

from web.access import own_participant_or_404, role_required
from web.audit import hooks
from web.extensions import db
from web.gdpr import service
from web.gdpr.forms import EraseForm, LookupForm
from web.models import Participant

bp = Blueprint("gdpr", __name__, url_prefix="/gdpr")


@bp.route("/")
@role_required("consultant", "admin")
def index():
    """Find a participant (own caseload; admins: all) to export or erase."""
    form = LookupForm(request.args)
    if request.args and form.validate():
        code = form.code.data.strip()
        # Case-insensitive in SQL (lower() on both sides: SQLite and PostgreSQL alike); codes
        # differing only in case are allowed, so the exact one wins.
        q = (db.select(Participant.id)
             .where(func.lower(Participant.code) == func.lower(code))
             .order_by((Participant.code == code).desc(), Participant.id).limit(1))
        if current_user.role != "admin":
            q = q.where(Participant.consultant_id == current_user.id)
        found = db.session.scalar(q)
        if found is not None:
            return redirect(url_for("gdpr.participant", participant_id=found))
        form.code.errors = [_("No participant with this code in your caseload.")]
    return render_template("gdpr/index.html", form=form)


@bp.route("/participants/<int:participant_id>")
@role_required("consultant", "admin")
def participant(participant_id: int):
    """What is stored about one participant, with export and erasure."""
    p = own_participant_or_404(participant_id)
    return render_template("gdpr/participant.html", p=p, kinds=service.kinds(p.id),
                           runs=len(service.runs_with(p.id)), form=EraseForm(code=p.code))


@bp.route("/participants/<int:participant_id>/export.json")
@role_required("consultant", "admin")
def export(participant_id: int):
    """Download everything stored about the participant as JSON."""
    p = own_participant_or_404(participant_id)
    service.suppress_read_audit()
    data = service.export_participant(p.id)
    hooks.write(db.session, [hooks.entry("export", p.id, "participant", sorted(data["tables"]))])
    db.session.commit()
    body = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True)
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": f'attachment; filename="participant-{p.id}.json"'})


@bp.post("/participants/<int:participant_id>/erase")
@role_required("consultant", "admin")
def erase(participant_id: int):
    """Erase the participant everywhere; only an audit entry with the id remains."""
    p = own_participant_or_404(participant_id)
    form = EraseForm(code=p.code)
    if form.validate_on_submit():
        service.suppress_read_audit()
        service.erase_participant(p.id)
        flash(_("Participant #%(id)d is erased.", id=participant_id), "success")
        return redirect(url_for("gdpr.index"))
    return render_template("gdpr/participant.html", p=p, kinds=service.kinds(p.id),
                           runs=len(service.runs_with(p.id)), form=form), 400
