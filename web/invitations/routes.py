"""Accept an invitation: set a password through a one-time link."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from web.extensions import db
from web.invitations import service
from web.invitations.forms import SetPasswordForm
from web.models import utcnow

bp = Blueprint("invitations", __name__)


@bp.route("/invite/<token>", methods=["GET", "POST"])
def accept(token: str):
    """Set a password with a one-time invitation link, then log in."""
    inv, why = service.check(token)
    if inv is None:
        return render_template("invitations/invalid.html", why=why), 404
    form = SetPasswordForm(user=inv.user)
    if form.validate_on_submit():
        inv.user.set_password(form.password.data)
        inv.used_at = utcnow()
        db.session.commit()
        # Whoever was logged in on this browser is not the invited user (a colleague set up
        # on the employer's computer): log them out, or the new user works in their account.
        if current_user.is_authenticated and current_user.id != inv.user_id:
            logout_user()
        flash(_("Your password is set. Log in with your e-mail and the new password."), "success")
        return redirect(url_for("auth.login"))
    return render_template("invitations/accept.html", form=form, user=inv.user)
