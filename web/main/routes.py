"""Start page per role, and the language switch."""

from urllib.parse import urlsplit

from flask import Blueprint, abort, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required

from web.extensions import db
from web.forms_common import EmptyForm

bp = Blueprint("main", __name__)


@bp.route("/")
@login_required
def home():
    """Send each role to the page they work from."""
    target = {
        "consultant": "participants.index",
        "mentor": "mentors.inbox",
        "employer": "employers.placements",
        "admin": "participants.index",
    }.get(current_user.role)
    if target:
        return redirect(url_for(target))
    return render_template("main/home.html")


@bp.app_context_processor
def _back_here() -> dict:
    """Where the language switch returns to: this page, or, when this page answers a form
    (a POST with errors, whose address takes no GET), the page the form was on."""
    def back_here() -> str:
        if request.method == "GET":
            return request.full_path
        ref = urlsplit(request.referrer or "")
        if ref.netloc == request.host and ref.path.startswith("/"):
            return ref.path + (f"?{ref.query}" if ref.query else "")
        return "/"

    return {"back_here": back_here}


@bp.post("/lang/<code>")
def set_language(code: str):
    """Switch the interface language (Danish or English)."""
    if code not in ("da", "en"):
        abort(404)
    if EmptyForm().validate_on_submit():
        session["lang"] = code
        if current_user.is_authenticated:
            current_user.locale = code
            db.session.commit()
        else:  # saved as the user's own when they log in (web/auth/routes.py)
            session["lang_chosen"] = True
    target = request.form.get("next", "")
    return redirect(target if target.startswith("/") and not target.startswith("//") else "/")


@bp.route("/healthz")
def healthz():
    """Liveness for load balancers: the database answers."""
    db.session.execute(db.text("SELECT 1"))
    return {"status": "ok"}


@bp.route("/favicon.ico")
def favicon():
    """Where browsers look for an icon when no page named one (a JSON answer, a file)."""
    return redirect(url_for("static", filename="favicon.svg"), code=301)
