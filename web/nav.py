"""The main menu: one entry per line, shown to the roles listed. Areas add their own lines."""

from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l

# (endpoint, label, roles)
MENU: list[tuple[str, object, tuple[str, ...]]] = [
    ("participants.index", _l("Participants"), ("consultant", "admin")),
    ("runs.index", _l("Matching requests"), ("consultant", "admin")),
    ("mentors.inbox", _l("My proposals"), ("mentor",)),
    ("tokens.index", _l("API tokens"), ("consultant", "employer", "mentor", "admin")),
]


def menu_for(user) -> list[dict]:
    if not getattr(user, "is_authenticated", False):
        return []
    return [{"url": url_for(ep), "label": str(label), "endpoint": ep}
            for ep, label, roles in MENU if user.role in roles]
