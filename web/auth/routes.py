"""Log in and out."""

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from web.auth.forms import LoginForm
from web.extensions import db
from web.forms_common import EmptyForm
from web.models import User
from web.security import check_password_or_dummy

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Log in with e-mail and password; the message never says whether the account exists.

    POST is rate-limited per IP and per e-mail (web/security.py wraps this view).
    """
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        user = db.session.scalar(
            db.select(User).where(User.email == form.email.data.lower().strip()))
        # An unknown e-mail costs one password hash too, so timing does not tell either.
        if not check_password_or_dummy(user, form.password.data) or not user.active:
            flash(_("Wrong e-mail or password."), "error")
            return render_template("auth/login.html", form=form), 401
        login_user(user)
        # The language chosen before logging in is theirs from now on: their e-mails and
        # next logins came in Danish to a walk's mentor who had chosen English here.
        if session.pop("lang_chosen", None) and session.get("lang") in ("da", "en"):
            user.locale = session["lang"]
            db.session.commit()
        target = request.args.get("next", "")
        if not target.startswith("/") or target.startswith("//") or urlsplit(target).netloc:
            target = url_for("main.home")
        return redirect(target)
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
def logout():
    """Log out (a POST, so a link cannot log anyone out)."""
    if EmptyForm().validate_on_submit():
        logout_user()
    return redirect(url_for("auth.login"))
