"""The case history (who did what to a participant, and when) and pending CSV imports."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from web.extensions import db
from web.models.base import utcnow

# What can happen to a case; the timeline shows each with its own label.
EVENT_KINDS = (
    "created", "edited", "paused", "closed", "reopened", "imported", "match_requested",
    "proposed", "approved", "rejected", "declined", "confirmed", "ended", "handed_over",
)


class CaseEvent(db.Model):
    """One step in a participant's case. ``detail`` holds ids and codes only, never free text."""

    __tablename__ = "case_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participant.id", ondelete="CASCADE"), index=True
    )
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(20))
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    actor: Mapped[User | None] = relationship()  # noqa: F821


def log_event(participant_id: int, user, kind: str, **detail) -> CaseEvent:
    """Add one step to a participant's case history (ids and codes only in ``detail``)."""
    event = CaseEvent(participant_id=participant_id, actor_id=user.id if user else None,
                      kind=kind, detail=detail)
    db.session.add(event)
    return event


class PendingImport(db.Model):
    """An uploaded CSV file that passed validation, waiting for the user to commit or cancel.

    Kept server-side (never in the cookie session) and found by a random token that only
    the uploader can use.
    """

    __tablename__ = "pending_import"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    content: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
