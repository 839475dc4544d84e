"""Invitation links: signed (itsdangerous), valid for 7 days, usable once (the row's nonce)."""

from __future__ import annotations

import hmac
import secrets

from flask import current_app, url_for
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import update

from web.extensions import db
from web.models import Invitation, User

SALT = "mentor-match-invitation"
MAX_AGE = 7 * 24 * 3600  # seconds: a link is valid for 7 days


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def invite(user: User, by: User | None) -> str:
    """Make a new invitation for ``user`` (older unused ones stop working); return its URL.

    The caller commits. The token carries only the invitation id and a random nonce.
    """
    db.session.execute(
        update(Invitation)
        .where(Invitation.user_id == user.id, Invitation.used_at.is_(None))
        .values(revoked=True)
    )
    inv = Invitation(user=user, nonce=secrets.token_urlsafe(24), created_by=by)
    db.session.add(inv)
    db.session.flush()
    token = _serializer().dumps({"i": inv.id, "n": inv.nonce})
    return url_for("invitations.accept", token=token, _external=True)


def load(token: str) -> Invitation | None:
    """The usable invitation behind a token, or None (bad signature, expired, used, revoked)."""
    inv, _why = check(token)
    return inv


def check(token: str) -> tuple[Invitation | None, str | None]:
    """(the usable invitation behind a token, None), or (None, why not).

    Why is said only for a token we signed whose nonce matches a real invitation: "expired",
    "used", "replaced" (a newer link was made) or "inactive" (the login is switched off).
    Anything else (a random or tampered token) is None, the generic answer, so a guessed
    token learns nothing.
    """
    expired = False
    try:
        data = _serializer().loads(token, max_age=MAX_AGE)
    except SignatureExpired:  # signed by us, only too old: whose it was can be known
        expired = True
        try:
            data = _serializer().loads(token)
        except BadSignature:
            return None, None
    except BadSignature:
        return None, None
    if not isinstance(data, dict) or not isinstance(data.get("i"), int):
        return None, None
    inv = db.session.get(Invitation, data["i"])
    if inv is None or not hmac.compare_digest(inv.nonce, str(data.get("n", ""))):
        return None, None
    if not inv.user.active:
        return None, "inactive"
    if inv.used_at is not None:
        return None, "used"
    if inv.revoked:
        return None, "replaced"
    if expired:
        return None, "expired"
    return inv, None
