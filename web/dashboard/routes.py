"""Dashboards: the consultant's to-do list and the manager's figures (admin role)."""

from __future__ import annotations

import csv
import io
from datetime import date

from flask import Blueprint, Response, abort, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from web.access import role_required
from web.dashboard import figures
from web.dashboard.forms import FilterForm
from web.dashboard.svg import bar_chart
from web.extensions import db
from web.forms_common import opts
from web.hours.forms import FollowUpForm
from web.hours.service import follow_ups_due
from web.models import Participant, Proposal, ProposalStatus, Timesheet, User

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")


@bp.route("/")
@role_required("consultant", "admin")
def consultant():
    """My to-do list: follow-ups due, hours to approve, assignments and their plans."""
    mine = (
        select(Proposal)
        .join(Participant, Participant.id == Proposal.participant_id)
        .where(Proposal.status == ProposalStatus.ACTIVE)
        .options(selectinload(Proposal.participant), selectinload(Proposal.mentor),
                 selectinload(Proposal.placement))
    )
    to_approve = (
        select(func.count())
        .select_from(Timesheet)
        .join(Participant, Participant.id == Timesheet.participant_id)
        .where(Timesheet.status == "submitted")
    )
    if current_user.role != "admin":
        mine = mine.where(Participant.consultant_id == current_user.id)
        to_approve = to_approve.where(Participant.consultant_id == current_user.id)
    return render_template(
        "dashboard/consultant.html",
        due=follow_ups_due(current_user),
        assignments=db.session.scalars(mine.order_by(Participant.code)).all(),
        to_approve=db.session.scalar(to_approve),
        follow_form=FollowUpForm(),
    )


def _filters() -> tuple[FilterForm, figures.Filters]:
    form = FilterForm(request.args)
    consultants = db.session.scalars(
        select(User).where(User.role == "consultant").order_by(User.name)
    ).all()
    form.team.choices = opts([(0, _("All teams")), *((u.id, u.name) for u in consultants)])
    form.validate()
    start, end = form.period()
    form.start.data, form.end.data = start, end  # show the period actually used
    team = form.team.data if form.team.data in {u.id for u in consultants} else None
    return form, figures.Filters(start, end, team)


@bp.route("/manager")
@role_required("admin")
def manager():
    """The manager's figures with charts; anything about fewer than five people is hidden."""
    form, f = _filters()
    tables = figures.all_tables(f)
    charts = {  # a chart with no bar at all (every figure hidden or 0) is left out
        t.key: bar_chart(t.title, t.chart(), t.series or [t.columns[-1]], t.unit)
        for t in tables
        if any(isinstance(v, int | float) and v for _label, vs in t.chart() for v in vs)
    }
    return render_template(
        "dashboard/manager.html",
        form=form,
        f=f,
        tables=tables,
        charts=charts,
        args=request.args.to_dict(),
    )


def _csv_value(v):
    """Danish Excel reads a decimal comma, and any spreadsheet an ISO date."""
    if isinstance(v, date):
        return v.isoformat()
    return f"{v:g}".replace(".", ",") if isinstance(v, float) else v


@bp.route("/manager/<key>.csv")
@role_required("admin")
def manager_csv(key: str):
    """One of the manager's tables as CSV (';', UTF-8 with BOM), suppressed as on screen."""
    _form, f = _filters()
    table = next((t for t in figures.all_tables(f) if t.key == key), None)
    if table is None:
        abort(404)
    out = io.StringIO()
    w = csv.writer(out, delimiter=";", lineterminator="\r\n")
    w.writerow(table.columns)
    w.writerows([_csv_value(v) for v in row] for row in table.rows)
    return Response(
        ("\ufeff" + out.getvalue()).encode("utf-8"),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{key}.csv"'},
    )


@bp.after_request
def _no_store(response):
    """Pages about people are never cached by browsers or proxies."""
    response.headers["Cache-Control"] = "no-store"
    return response
