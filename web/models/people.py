"""Mentors and participants (the people matched)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, exists
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from web.extensions import db
from web.models.base import utcnow

if TYPE_CHECKING:
    from web.models.organisation import Placement

PARTICIPANT_STATUSES = ("waiting", "proposed", "active", "paused", "closed")


class Mentor(db.Model):
    """A colleague-mentor at an employer (employer_id set) or an external support person."""

    __tablename__ = "mentor"
    __table_args__ = (
        CheckConstraint("capacity_hours BETWEEN 0 AND 60", name="capacity_hours"),
        CheckConstraint("max_participants >= 0", name="max_participants"),
        CheckConstraint("max_travel_km >= 0", name="max_travel_km"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"),
                                                unique=True)
    employer_id: Mapped[int | None] = mapped_column(ForeignKey("employer.id", ondelete="CASCADE"),
                                                    index=True)
    name: Mapped[str] = mapped_column(String(120))
    skills: Mapped[list[str]] = mapped_column(JSON, default=list)
    days: Mapped[list[str]] = mapped_column(JSON)
    capacity_hours: Mapped[int]
    max_participants: Mapped[int]
    town: Mapped[str] = mapped_column(String(120))
    lat: Mapped[float]
    lon: Mapped[float]
    max_travel_km: Mapped[float] = mapped_column(default=0.0)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User | None] = relationship(foreign_keys=[user_id])  # noqa: F821
    employer: Mapped[Employer | None] = relationship()  # noqa: F821

    @hybrid_property
    def has_login(self) -> bool:
        """Whether the mentor can log in to answer for themselves: a login that is switched on
        and has a password. Without one (never invited, invited but no password set yet, or
        switched off by an admin) the consultant or the employer records the answers they
        give by phone or in person, and enters their hours."""
        return (self.user is not None and self.user.active
                and self.user.password_hash is not None)

    @has_login.inplace.expression
    @classmethod
    def _has_login_expression(cls):
        from web.models.user import User

        return exists().where(User.id == cls.user_id, User.active.is_(True),
                              User.password_hash.is_not(None))

    def __repr__(self) -> str:
        return f"<Mentor {self.id}>"


class Participant(db.Model):
    """A job seeker, known in the service only by a pseudonymous code (never a CPR number)."""

    __tablename__ = "participant"
    __table_args__ = (
        CheckConstraint("hours_min >= 2 AND hours_min <= hours_max AND hours_max <= 20",
                        name="hours"),
        CheckConstraint("priority BETWEEN 1 AND 5", name="priority"),
        CheckConstraint("max_travel_km >= 0", name="max_travel_km"),
        CheckConstraint(
            "status IN ('waiting','proposed','active','paused','closed')", name="status"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    consultant_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    hours_min: Mapped[int]
    hours_max: Mapped[int]
    priority: Mapped[int] = mapped_column(default=1)
    days: Mapped[list[str]] = mapped_column(JSON)
    areas: Mapped[list[str]] = mapped_column(JSON, default=list)  # wished work areas, best first
    needs: Mapped[list[str]] = mapped_column(JSON, default=list)  # coded needs, never diagnoses
    attributes: Mapped[list[str]] = mapped_column(JSON, default=list)
    town: Mapped[str] = mapped_column(String(120))
    lat: Mapped[float]
    lon: Mapped[float]
    max_travel_km: Mapped[float]
    status: Mapped[str] = mapped_column(String(10), default="waiting", index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    consultant: Mapped[User] = relationship()  # noqa: F821
    exclusions: Mapped[list[Exclusion]] = relationship(
        back_populates="participant", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Participant {self.id}>"


class Exclusion(db.Model):
    """A mentor or placement that must not be proposed again for this participant."""

    __tablename__ = "exclusion"
    __table_args__ = (
        CheckConstraint("mentor_id IS NOT NULL OR placement_id IS NOT NULL", name="target"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participant.id", ondelete="CASCADE"), index=True
    )
    mentor_id: Mapped[int | None] = mapped_column(ForeignKey("mentor.id", ondelete="CASCADE"))
    placement_id: Mapped[int | None] = mapped_column(ForeignKey("placement.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(String(40), default="declined")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    participant: Mapped[Participant] = relationship(back_populates="exclusions")
    mentor: Mapped[Mentor | None] = relationship()
    placement: Mapped[Placement | None] = relationship()

    @property
    def target_name(self) -> str:
        """The excluded mentor's name or placement's title."""
        return self.mentor.name if self.mentor is not None else self.placement.title
