"""Bearer-token authentication: a token acts as its user, within that user's role."""

from __future__ import annotations

from functools import wraps

from flask import g, request
from flask_smorest import abort

from web.audit.hooks import act_as
from web.extensions import db
from web.models import ApiToken, utcnow
from web.models.api import hash_token


def _user_from_token():
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    row = db.session.scalar(
        db.select(ApiToken).where(ApiToken.token_hash == hash_token(token.strip())))
    if row is None or not row.active or not row.user.active:
        return None
    row.last_used_at = utcnow()
    db.session.commit()
    return row.user


def api_roles(*roles: str):
    """Require a valid token (401) whose user has one of ``roles`` (403)."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            user = _user_from_token()
            if user is None:
                abort(401, message="A valid API token is required (Authorization: Bearer <token>).",
                      headers={"WWW-Authenticate": "Bearer"})
            if user.role not in roles:
                abort(403, message=f"The role '{user.role}' may not use this endpoint.")
            g._login_user = user  # so shared services see current_user as the token's owner
            act_as(user)  # and the audit log names them
            return view(*args, **kwargs)

        return wrapped

    return decorator
