"""API tokens: each user creates and revokes their own; a token acts within the user's role."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from web.confirm import asked_first
from web.extensions import db
from web.forms_common import EmptyForm
from web.models import ApiToken, utcnow
from web.tokens.forms import TokenForm

bp = Blueprint("tokens", __name__, url_prefix="/account/tokens")


def _mine():
    return db.session.scalars(db.select(ApiToken).where(ApiToken.user_id == current_user.id)
                              .order_by(ApiToken.id.desc())).all()


@bp.route("/", methods=["GET", "POST"])
@login_required
def index():
    """List my tokens and create a new one (shown once)."""
    form = TokenForm()
    clear = None
    if form.validate_on_submit():
        token, clear = ApiToken.issue(current_user, form.name.data)
        db.session.add(token)
        db.session.commit()
        form = TokenForm(formdata=None)
    # 201 when a token was just made: the page shows it once, and is no form shown again
    # with its messages (which answers 200 and stores nothing).
    return render_template("tokens/index.html", form=form, tokens=_mine(), clear=clear,
                           revoke_form=EmptyForm(), revoke_question=revoke_question
                           ), 201 if clear else 200


@bp.post("/<int:token_id>/revoke")
@login_required
def revoke(token_id: int):
    """Revoke one of my tokens at once."""
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != current_user.id:
        abort(404)
    if not EmptyForm().validate_on_submit() or not token.active:
        return redirect(url_for("tokens.index"))
    if page := asked_first(revoke_question(token), url_for("tokens.index")):
        return page
    if token.active:
        token.revoked_at = utcnow()
        db.session.commit()
        flash(_("Token revoked."), "success")
    return redirect(url_for("tokens.index"))


def revoke_question(token: ApiToken) -> str:
    return _("Revoke the token %(name)s? Programs that use it lose access at once; this cannot "
             "be undone.", name=token.name)
