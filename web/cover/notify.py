"""Tell people things: in-app notices (ids only) and e-mail through Flask-Mail.

Without a mail server (MAIL_SUPPRESS_SEND, the default) nothing goes on the network: each
mail is written as a .eml file under MAIL_FILE_DIR (instance/mail/) instead.
"""

from __future__ import annotations

import logging
import uuid
from pathlib import Path

import flask_babel
from flask import current_app, render_template
from flask_mail import Message

from web.extensions import db, mail
from web.models import Notification, User

log = logging.getLogger(__name__)


def notify(users: list[User], kind: str, **params: int) -> None:
    """Add one notice per user (the caller commits). ``params`` are record ids."""
    for user in {u.id: u for u in users if u is not None}.values():
        db.session.add(Notification(user_id=user.id, kind=kind, params=params))


def send_mail(users: list[User], kind: str, **params: int) -> int:
    """Mail each user the notice text in their own language; return how many were sent."""
    from web.cover.notices import notice_text

    sent = 0
    for user in {u.id: u for u in users if u is not None and u.email}.values():
        with flask_babel.force_locale(user.locale or "da"):
            subject, body = notice_text(kind, params, user)
            msg = Message(
                subject=f"Mentor Match: {subject}",
                recipients=[user.email],
                body=render_template("cover/mail.txt", body=body),
            )
        mail.send(msg)
        if current_app.config.get("MAIL_SUPPRESS_SEND"):
            _write(msg)
        sent += 1
    log.info("mail %s sent to %s users", kind, sent)
    return sent


def _write(msg: Message) -> None:
    folder = Path(current_app.config["MAIL_FILE_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{uuid.uuid4().hex}.eml").write_text(msg.as_string())
