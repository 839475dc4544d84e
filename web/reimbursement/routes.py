"""Reimbursement: the employer's wage costs and monthly claims from approved hours."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from web.access import role_required
from web.extensions import db
from web.forms_common import FIRST_YEAR, EmptyForm, in_years, last_year
from web.i18n import format_month
from web.models import Employer, Mentor, MentorWage, utcnow
from web.reimbursement.claim import (
    build_claim,
    claim_csv,
    money,
    name_slug,
    wage_on,
    wages_by_mentor,
    waiting_weeks,
)
from web.reimbursement.forms import WageForm
from web.reimbursement.pdf import claim_pdf

bp = Blueprint("reimbursement", __name__, url_prefix="/reimbursement")


def own_employer_or_404(employer_id: int) -> Employer:
    """An employer user reaches only its own employer; an admin reaches all."""
    e = db.session.get(Employer, employer_id)
    if e is None or (current_user.role != "admin" and current_user.employer_id != e.id):
        abort(404)
    return e


def _last_month() -> date:
    today = date.today()
    return date(today.year - (today.month == 1), (today.month - 2) % 12 + 1, 1)


def _month(value: str | None) -> tuple[date, str | None]:
    """The month asked for (``?month=2026-11``), or last month with the reason it was not
    taken: a month outside 2000 to five years ahead (year 9999 overflowed the claim)."""
    if not value:
        return _last_month(), None
    try:
        month = date.fromisoformat(f"{value}-01")
    except ValueError:  # 2026-13, abc: said at the field, not silently last month
        return _last_month(), _("Choose a month, e.g. 2026-11.")
    if not in_years(month):
        return _last_month(), _("Choose a month between %(first)s and %(last)s.",
                                first=FIRST_YEAR, last=last_year())
    return month, None



def _mentors(e: Employer) -> list[tuple[Mentor, MentorWage | None, list[MentorWage]]]:
    """Each colleague-mentor with the wage in force today and the changes planned after."""
    mentors = db.session.scalars(
        select(Mentor).where(Mentor.employer_id == e.id).order_by(Mentor.name)).all()
    wages = wages_by_mentor([m.id for m in mentors])
    today = date.today()
    return [(m, wage_on(wages[m.id], today), [w for w in wages[m.id] if w.valid_from > today])
            for m in mentors]


@bp.route("/")
@role_required("employer", "admin")
def index():
    """The employer's own claims page; an admin chooses the employer."""
    if current_user.role == "employer":
        if current_user.employer_id is None:
            abort(404)
        return redirect(url_for("reimbursement.employer", employer_id=current_user.employer_id))
    employers = db.session.scalars(select(Employer).order_by(Employer.name)).all()
    return render_template("reimbursement/index.html", employers=employers)


@bp.route("/<int:employer_id>")
@role_required("employer", "admin")
def employer(employer_id: int):
    """Colleague-mentors' wage costs and the claim of a month."""
    return _page(own_employer_or_404(employer_id), WageForm(formdata=None))


def _page(e: Employer, form: WageForm, **extra) -> str:
    """The employer's page, for the month in the address (kept across a wage saved)."""
    month, month_error = _month(request.args.get("month"))
    return render_template(
        "reimbursement/employer.html",
        e=e,
        month=month,
        month_error=month_error,
        mentors=_mentors(e),
        claim=build_claim(e, month),
        waiting=waiting_weeks(e, month),
        money=money,
        form=form,
        remove=EmptyForm(),
        **extra,
    )


@bp.post("/<int:employer_id>/mentors/<int:mentor_id>/wage")
@role_required("employer", "admin")
def wage(employer_id: int, mentor_id: int):
    """Set a colleague-mentor's hourly wage cost."""
    e = own_employer_or_404(employer_id)
    mentor = db.session.get(Mentor, mentor_id)
    if mentor is None or mentor.employer_id != e.id:
        abort(404)
    form = WageForm()
    if form.validate_on_submit():
        row = db.session.scalar(select(MentorWage).where(
            MentorWage.mentor_id == mentor.id, MentorWage.valid_from == form.first_day))
        if row is None:
            row = MentorWage(mentor_id=mentor.id, valid_from=form.first_day,
                             hourly_cost_ore=form.ore)
            db.session.add(row)
        row.hourly_cost_ore, row.updated_by_id, row.updated_at = form.ore, current_user.id, utcnow()
        db.session.commit()
        flash(_("Hourly wage cost saved for %(name)s from %(month)s.", name=mentor.name,
                month=format_month(form.first_day)), "success")
        if form.first_day < date.today().replace(day=1):  # a walk saw November's claim change
            flash(_("The claims from %(month)s on are now priced at this wage: a claim already "
                    "sent for one of those months no longer matches the page.",
                    month=format_month(form.first_day)), "info")
        return redirect(url_for("reimbursement.employer", employer_id=e.id,
                                month=request.args.get("month")))
    return _page(e, form, form_mentor_id=mentor.id), 400


@bp.post("/<int:employer_id>/wages/<int:wage_id>/remove")
@role_required("employer", "admin")
def remove_wage(employer_id: int, wage_id: int):
    """Take back a planned wage change, one typed for the wrong month or amount. Only one
    still ahead: a wage in force has priced claims, perhaps sent; a new one replaces it."""
    e = own_employer_or_404(employer_id)
    row = db.session.get(MentorWage, wage_id)
    mentor = db.session.get(Mentor, row.mentor_id) if row else None
    if mentor is None or mentor.employer_id != e.id:
        abort(404)
    back = redirect(url_for("reimbursement.employer", employer_id=e.id,
                            month=request.args.get("month")))
    if not EmptyForm().validate_on_submit():
        return back
    if row.valid_from <= date.today():
        flash(_("Only a planned change can be removed: this wage is in force and may have "
                "priced a claim. Save a new wage from the month it changes."), "error")
        return back
    db.session.delete(row)
    db.session.commit()
    flash(_("The change to DKK %(amount)s from %(month)s is removed for %(name)s.",
            amount=money(row.hourly_cost_ore), month=format_month(row.valid_from),
            name=mentor.name), "success")
    return back


@bp.route("/<int:employer_id>/claim-<month>.<fmt>")
@role_required("employer", "admin")
def claim(employer_id: int, month: str, fmt: str):
    """Download the month's claim as CSV (';', UTF-8 with BOM) or PDF."""
    e = own_employer_or_404(employer_id)
    try:
        first = date.fromisoformat(f"{month}-01")
    except ValueError:
        abort(404)
    if not in_years(first):
        abort(404)
    kinds = {"csv": (claim_csv, "text/csv", "attachment"),
             "pdf": (claim_pdf, "application/pdf", "inline")}
    if fmt not in kinds:
        abort(404)
    write, mimetype, disposition = kinds[fmt]
    # The claim is a Danish document for the job centre: Danish words, dates and numbers,
    # whatever the page's language (an English session gave English words around Danish
    # numbers, and 2.480,00 reads as 2.48 in English).
    with force_locale("da"):
        body = write(build_claim(e, first))
    name = f"refusion-{name_slug(e.name) or e.id}-{first:%Y-%m}"
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f'{disposition}; filename="{name}.{fmt}"',
        "Cache-Control": "no-store",
    })


@bp.after_request
def _no_store(response):
    """Pages about people are never cached by browsers or proxies."""
    response.headers["Cache-Control"] = "no-store"
    return response
