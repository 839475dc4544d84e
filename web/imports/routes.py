"""CSV in and out: upload → preview with per-line errors → commit or cancel; exports."""

from __future__ import annotations

import secrets
from datetime import timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from web import vocab
from web.access import role_required
from web.extensions import db
from web.forms_common import EmptyForm, opts
from web.imports import export as exports
from web.imports.forms import KINDS, UploadForm
from web.imports.parse import COLUMNS, parse
from web.imports.store import store
from web.models import PendingImport, utcnow

bp = Blueprint("imports", __name__, url_prefix="/imports")

KEEP_PENDING = timedelta(days=1)


def allowed_kinds() -> dict:
    """A consultant imports participants into their own caseload; an admin all three kinds."""
    if current_user.role == "admin":
        return KINDS
    return {"participants": KINDS["participants"]}


def _pending_or_404(token: str) -> PendingImport:
    pending = db.session.scalar(db.select(PendingImport).where(
        PendingImport.token == token, PendingImport.user_id == current_user.id))
    if pending is None or pending.created_at < utcnow() - KEEP_PENDING:
        abort(404)
    return pending


@bp.route("/", methods=["GET", "POST"])
@role_required("consultant", "admin")
def upload():
    """Upload a CSV file; a file with any wrong line is shown with its errors and not kept."""
    form = UploadForm()
    form.kind.choices = opts(allowed_kinds())
    if form.validate_on_submit():
        text = form.text
        parsed = parse(form.kind.data, text)
        if not parsed.ok:
            return render_template("imports/preview.html", parsed=parsed, pending=None,
                                   columns=COLUMNS[parsed.kind], kinds=KINDS), 400
        db.session.execute(db.delete(PendingImport).where(
            PendingImport.created_at < utcnow() - KEEP_PENDING))
        pending = PendingImport(token=secrets.token_urlsafe(32), user_id=current_user.id,
                                kind=parsed.kind, content=text)
        db.session.add(pending)
        db.session.commit()
        return redirect(url_for("imports.preview", token=pending.token))
    return render_template("imports/upload.html", form=form, kinds=allowed_kinds(),
                           columns=COLUMNS), 400 if form.is_submitted() else 200


@bp.route("/<token>")
@role_required("consultant", "admin")
def preview(token: str):
    """What the checked file will add, with buttons to add it or cancel."""
    pending = _pending_or_404(token)
    parsed = parse(pending.kind, pending.content)
    return render_template("imports/preview.html", parsed=parsed, pending=pending,
                           columns=COLUMNS[parsed.kind], kinds=KINDS, button=EmptyForm(),
                           coded=CODED)


# Columns of codes, shown by their names in the page's language (the file holds the codes).
CODED = {"days": vocab.DAYS, "areas": vocab.AREAS, "area": vocab.AREAS, "needs": vocab.NEEDS,
         "skills": vocab.NEEDS, "attributes": vocab.ATTRIBUTES, "requirements": vocab.ATTRIBUTES}


@bp.post("/<token>/commit")
@role_required("consultant", "admin")
def commit(token: str):
    """Add every line in one transaction, checked again against the database as it is now."""
    pending = _pending_or_404(token)
    if pending.kind not in allowed_kinds() or not EmptyForm().validate_on_submit():
        abort(400)
    parsed = parse(pending.kind, pending.content)
    if not parsed.ok:
        return render_template("imports/preview.html", parsed=parsed, pending=None,
                               columns=COLUMNS[parsed.kind], kinds=KINDS), 400
    shown = [n for n in request.form.get("new_employers", "").split("\n") if n]
    if sorted(parsed.new_employers) != sorted(shown):
        # An employer was renamed or removed since the preview: the file would now create
        # one nobody was shown. The preview again, with the new list, to look at first.
        flash(_("The employers changed since the check: look at the new employers below "
                "before you import."), "error")
        return render_template("imports/preview.html", parsed=parsed, pending=pending,
                               columns=COLUMNS[parsed.kind], kinds=KINDS,
                               button=EmptyForm(), coded=CODED), 409
    try:
        n = store(parsed)
        db.session.delete(pending)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        flash(_("Nothing was imported: the data changed meanwhile. Upload the file again."),
              "error")
        return redirect(url_for("imports.upload"))
    flash(ngettext("%(num)d record imported.", "%(num)d records imported.", n), "success")
    target = "participants.index" if parsed.kind == "participants" else "imports.upload"
    return redirect(url_for(target))


@bp.post("/<token>/cancel")
@role_required("consultant", "admin")
def cancel(token: str):
    """Throw the checked file away; nothing is imported."""
    pending = _pending_or_404(token)
    if EmptyForm().validate_on_submit():
        db.session.delete(pending)
        db.session.commit()
        flash(_("The import was cancelled; nothing was added."), "info")
    return redirect(url_for("imports.upload"))


@bp.route("/template/<kind>.csv")
@role_required("consultant", "admin")
def template(kind: str):
    """An empty file with the right column names, to fill in."""
    if kind not in allowed_kinds():
        abort(404)
    return exports.csv_response([list(COLUMNS[kind])], [], f"{kind}-template.csv")


@bp.route("/export/<kind>.csv")
@role_required("consultant", "admin")
def export(kind: str):
    """Proposals or assignments as CSV (a consultant's own caseload; an admin's all)."""
    if kind not in exports.KINDS:
        abort(404)
    return exports.export(kind, current_user)
