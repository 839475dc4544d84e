"""Role and ownership checks used by every view."""

from __future__ import annotations

from functools import wraps

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from web.audit.hooks import note_denied
from web.extensions import db, login_manager
from web.models import Mentor, Participant, User


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    return db.session.get(User, int(user_id))


def role_required(*roles: str):
    """Log-in required, and the user's role must be one of ``roles`` (else 403)."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def own_participant_or_404(participant_id: int) -> Participant:
    """A consultant sees only their own caseload; an admin sees all."""
    p = db.session.get(Participant, participant_id)
    if p is None:
        abort(404)
    if current_user.role == "admin" or p.consultant_id == current_user.id:
        return p
    note_denied(p.id)  # audit the attempt; the read of this row is not logged as a read
    abort(404)  # do not reveal that the participant exists


def my_mentor() -> Mentor | None:
    """The signed-in user's own mentor record, if they have one."""
    if current_user.is_anonymous or current_user.role != "mentor":
        return None
    return db.session.scalar(db.select(Mentor).where(Mentor.user_id == current_user.id))


def current_mentor() -> Mentor:
    """The signed-in mentor's record. A mentor without one yet (a new login, profile not
    filled in) is sent to the profile with the inbox's words: every other page of their menu
    answered "no access". The API, and any other role, get 403."""
    m = my_mentor()
    if m is None:
        if current_user.is_anonymous or current_user.role != "mentor" \
                or request.path.startswith("/api/"):
            abort(403)
        flash(_("Fill in your profile first, so consultants can find you."), "info")
        abort(redirect(url_for("mentors.profile")))
    return m
