"""The mentor's calendar feed behind a secret URL, and the page that (re)makes the URL."""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, url_for
from flask_babel import lazy_gettext as _l

from web.access import current_mentor, role_required
from web.calendar.feed import feed, mentor_for_token, new_token
from web.confirm import asked_first
from web.extensions import csrf, db
from web.forms_common import EmptyForm
from web.models import CalendarToken

bp = Blueprint("calendar", __name__, url_prefix="/calendar")

REMAKE_QUESTION = _l("Make a new calendar link? The old link stops working at once: calendars "
                     "subscribed to it stop updating until you give them the new one.")


@bp.route("/")
@role_required("mentor")
def settings():
    """Whether my calendar link exists, with a button to make a new one."""
    mentor = current_mentor()
    has = db.session.scalar(db.select(CalendarToken.id).where(CalendarToken.mentor_id == mentor.id))
    return render_template(
        "calendar/settings.html", has=has is not None, url=None, form=EmptyForm(),
        question=REMAKE_QUESTION,
    )


@bp.post("/regenerate")
@role_required("mentor")
def regenerate():
    """Make a new secret calendar link; the old one stops working. Shown once, never stored."""
    mentor = current_mentor()
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    has = db.session.scalar(db.select(CalendarToken.id).where(CalendarToken.mentor_id == mentor.id))
    if has is not None and (page := asked_first(REMAKE_QUESTION, url_for("calendar.settings"))):
        return page
    token = new_token(mentor)
    db.session.commit()
    url = url_for("calendar.ics", token=token, _external=True)
    resp = render_template("calendar/settings.html", has=True, url=url, form=form)
    # 201, as for an API token: the new link is shown once; 200 is a form shown again with
    # its messages, which stores nothing (the POST fuzz test holds every route to that).
    return resp, 201, {"Cache-Control": "no-store"}


@bp.route("/<token>.ics")
@csrf.exempt
def ics(token: str):
    """The feed itself; the token in the URL is the only credential."""
    mentor = mentor_for_token(token)
    if mentor is None:
        abort(404)
    return Response(
        feed(mentor),
        mimetype="text/calendar",
        headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"},
    )


@bp.after_request
def _no_store(response):
    """Pages about people are never cached by browsers or proxies."""
    response.headers["Cache-Control"] = "no-store"
    return response
