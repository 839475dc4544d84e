"""Employers and the placements they offer."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from web.extensions import db
from web.models.base import utcnow


class Employer(db.Model):
    __tablename__ = "employer"
    __table_args__ = (CheckConstraint("cvr IS NULL OR length(cvr) = 8", name="cvr_length"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    cvr: Mapped[str | None] = mapped_column(String(8), unique=True)
    town: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    placements: Mapped[list[Placement]] = relationship(back_populates="employer")

    def __repr__(self) -> str:
        return f"<Employer {self.id}>"


class Placement(db.Model):
    """A work-training place (praktikplads) with a number of slots."""

    __tablename__ = "placement"
    __table_args__ = (
        CheckConstraint("slots >= 1", name="slots_positive"),
        CheckConstraint("status IN ('open','closed')", name="status"),
        CheckConstraint("lat BETWEEN -90 AND 90 AND lon BETWEEN -180 AND 180", name="coords"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    employer_id: Mapped[int] = mapped_column(ForeignKey("employer.id", ondelete="CASCADE"),
                                             index=True)
    title: Mapped[str] = mapped_column(String(200))
    area: Mapped[str] = mapped_column(String(40))
    slots: Mapped[int]
    days: Mapped[list[str]] = mapped_column(JSON)
    requirements: Mapped[list[str]] = mapped_column(JSON, default=list)
    accommodations: Mapped[str] = mapped_column(Text, default="")
    town: Mapped[str] = mapped_column(String(120))
    lat: Mapped[float]
    lon: Mapped[float]
    start_date: Mapped[date | None]
    end_date: Mapped[date | None]
    status: Mapped[str] = mapped_column(String(10), default="open")
    # The employer opted in to the cover guarantee: told at once when no substitute is found.
    cover_guarantee: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    employer: Mapped[Employer] = relationship(back_populates="placements")

    @property
    def has_ended(self) -> bool:
        """Its end date has passed: no longer offered, as if closed."""
        return self.end_date is not None and self.end_date < date.today()

    @property
    def starts_later(self) -> date | None:
        """The start date when it lies ahead, else None: a proposal or an assignment at a
        placement that has not begun yet says when it does."""
        if self.start_date is not None and self.start_date > date.today():
            return self.start_date
        return None

    def __repr__(self) -> str:
        return f"<Placement {self.id}>"
