"""The audit log: who read or changed participant data, when, what and from where.

Append-only: the app refuses to update or delete an entry (see web/audit/hooks.py) and
the migration adds database triggers that refuse it too. Entries hold ids and field
NAMES only, never values, so they may outlive an erased participant. participant_id is
deliberately not a foreign key: erasure must not cascade into the log.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from web.extensions import db
from web.models.base import utcnow

AUDIT_ACTIONS = ("read", "denied", "create", "update", "delete", "export", "erase")


class AuditEntry(db.Model):
    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_participant_at", "participant_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(index=True)  # None: a job or the CLI
    role: Mapped[str | None] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(12), index=True)
    participant_id: Mapped[int | None]
    table: Mapped[str] = mapped_column(String(64), default="participant")
    fields: Mapped[list[str]] = mapped_column(JSON, default=list)  # names, never values
    endpoint: Mapped[str | None] = mapped_column(String(120))
    ip: Mapped[str | None] = mapped_column(String(45))

    def __repr__(self) -> str:
        return f"<AuditEntry {self.id} {self.action} p{self.participant_id}>"
