"""Retry a failed matching request: POST /runs/<id>/retry (registered on the runs blueprint)."""

from __future__ import annotations

from flask import flash, redirect, url_for
from flask_babel import gettext as _

from web.access import role_required
from web.forms_common import EmptyForm
from web.models import RunStatus
from web.runs.routes import bp, own_run_or_404
from workers.queue import requeue_run


@bp.post("/<int:run_id>/retry")
@role_required("consultant", "admin")
def retry(run_id: int):
    """Put a failed run back on the queue; the page then follows its progress again."""
    run = own_run_or_404(run_id)
    if EmptyForm().validate_on_submit():
        if run.status == RunStatus.FAILED and requeue_run(run, expect_status=RunStatus.FAILED,
                                                          expect_claim=run.claim):
            flash(_("The matching request is queued again."), "success")
        else:
            flash(_("Only a failed matching request can be tried again."), "error")
    return redirect(url_for("runs.show", run_id=run.id))
