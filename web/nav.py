"""The main menu: one entry per line, shown to the roles listed. Areas add their own lines."""

from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l

# (endpoint, label, roles)
MENU: list[tuple[str, object, tuple[str, ...]]] = [
    ("participants.index", _l("Participants"), ("consultant", "admin")),
    ("runs.index", _l("Matching requests"), ("consultant", "admin")),
    ("imports.upload", _l("CSV import"), ("consultant", "admin")),
    ("mentors.inbox", _l("My proposals"), ("mentor",)),
    ("cover.requests", _l("Cover requests"), ("mentor",)),
    ("absences.index", _l("Absence"), ("mentor", "consultant", "employer", "admin")),
    ("cover.employer", _l("Cover"), ("employer",)),
    ("cover.figures", _l("Without cover now"), ("admin",)),
    ("cover.notices", _l("Notices"), ("consultant", "employer", "mentor", "admin")),
    ("mentors.participants", _l("My participants"), ("mentor",)),
    ("mentors.profile", _l("My profile"), ("mentor",)),
    ("employers.placements", _l("Placements"), ("employer",)),
    ("employers.mentors", _l("Colleague-mentors"), ("employer",)),
    ("employers.participants", _l("Our participants"), ("employer",)),
    ("employers.company", _l("Company"), ("employer",)),
    ("admin.users", _l("Users"), ("admin",)),
    ("admin.queues", _l("Queues"), ("admin",)),
    ("dashboard.consultant", _l("My dashboard"), ("consultant", "admin")),
    ("hours.approvals", _l("Hours to approve"), ("consultant",)),
    ("dashboard.manager", _l("Manager dashboard"), ("admin",)),
    ("hours.timesheet", _l("My hours"), ("mentor",)),
    ("calendar.settings", _l("Calendar"), ("mentor",)),
    ("reimbursement.index", _l("Reimbursement"), ("employer", "admin")),
    ("gdpr.index", _l("Data protection"), ("consultant", "admin")),
    ("audit.index", _l("Audit log"), ("admin",)),
    ("tokens.index", _l("API tokens"), ("consultant", "employer", "mentor", "admin")),
]


def menu_for(user) -> list[dict]:
    """The user's menu; "Notices" carries the number of unread notices, and a mentor's
    "Cover requests" the number waiting for an answer (a query each)."""
    if not getattr(user, "is_authenticated", False):
        return []
    items = [{"url": url_for(ep), "label": str(label), "endpoint": ep, "badge": 0,
              "badge_label": str(_l("unread"))}
             for ep, label, roles in MENU if user.role in roles]
    for item in items:
        if item["endpoint"] == "cover.notices":
            item["badge"] = _unread(user)
        elif item["endpoint"] == "cover.requests":
            item["badge"], item["badge_label"] = _asked(user), str(_l("waiting"))
    return items


def _asked(user) -> int:
    """Cover requests waiting for this mentor's answer."""
    from web.extensions import db
    from web.models import Mentor
    from web.models.cover import CoverRequest, RequestStatus

    return db.session.scalar(
        db.select(db.func.count()).select_from(CoverRequest)
        .join(Mentor, Mentor.id == CoverRequest.substitute_id)
        .where(Mentor.user_id == user.id, CoverRequest.status == RequestStatus.REQUESTED))


def _unread(user) -> int:
    from web.extensions import db
    from web.models import Notification

    return db.session.scalar(db.select(db.func.count()).select_from(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None)))
