"""Substitute cover: absences, what each absence leaves uncovered, requests to substitutes,
participant holds, and in-app notices.

Dates are whole days and inclusive: an absence from 3 to 5 March covers 3, 4 and 5 March.
Who supports an assignment on a day is computed from these rows (see ``mentor_on``), so
when an absence ends the original mentor is back without anyone doing anything.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, select, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from web.extensions import db
from web.models.base import utcnow

MENTOR_REASONS = ("sick", "holiday", "other")
PARTICIPANT_REASONS = ("sick", "relapse", "other")


class NeedStatus(StrEnum):
    SEARCHING = "searching"  # a cover job is (or will be) looking for a substitute
    REQUESTED = "requested"  # a substitute has been asked and not yet answered
    FILLED = "filled"  # a substitute confirmed
    UNFILLED = "unfilled"  # nobody fits now; the reasons say why
    CANCELLED = "cancelled"  # the absence was withdrawn or the assignment ended


class RequestStatus(StrEnum):
    REQUESTED = "requested"
    CONFIRMED = "confirmed"
    DECLINED = "declined"
    CANCELLED = "cancelled"


class HoldStatus(StrEnum):
    HELD = "held"
    RESUMED = "resumed"
    RELEASED = "released"


class Absence(db.Model):
    """A mentor's absence over whole days, reported by the mentor or on their behalf."""

    __tablename__ = "absence"
    __table_args__ = (
        CheckConstraint("ends_on >= starts_on", name="dates"),
        CheckConstraint("reason IN ('sick','holiday','other')", name="reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    mentor_id: Mapped[int] = mapped_column(ForeignKey("mentor.id", ondelete="CASCADE"), index=True)
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    reason: Mapped[str] = mapped_column(String(10))
    reported_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    job_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Withdrawn before its first day: the mentor was not away after all. One who comes back
    # early keeps the absence, with ``ends_on`` moved to the last day away and the last day
    # first reported kept in ``planned_ends_on``.
    withdrawn_at: Mapped[datetime | None]
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    planned_ends_on: Mapped[date | None]
    # Extended: the added days are an absence of their own, from the day after this one ends,
    # that names this one. Its needs ask this one's substitutes to go on first.
    extends_id: Mapped[int | None] = mapped_column(
        ForeignKey("absence.id", ondelete="CASCADE"), index=True
    )

    mentor: Mapped[Mentor] = relationship()  # noqa: F821
    needs: Mapped[list[CoverNeed]] = relationship(
        back_populates="absence", order_by="CoverNeed.id", cascade="all, delete-orphan"
    )
    extends: Mapped[Absence | None] = relationship(
        remote_side="Absence.id", back_populates="extensions"
    )
    extensions: Mapped[list[Absence]] = relationship(
        back_populates="extends", order_by="Absence.id", cascade="all, delete-orphan"
    )

    @property
    def extension(self) -> Absence | None:
        """The absence that extends this one, if any (a withdrawn one does not count)."""
        return next((e for e in self.extensions if e.withdrawn_at is None), None)

    @property
    def first(self) -> Absence:
        """The absence this one extends, at the start of the chain (itself if none)."""
        a = self
        while a.extends is not None:
            a = a.extends
        return a

    @property
    def chain(self) -> list[Absence]:
        """This absence and the extensions that follow it, in order."""
        parts = [self]
        while (ext := parts[-1].extension) is not None:
            parts.append(ext)
        return parts

    @property
    def last_day(self) -> date:
        """The last day away, extensions included."""
        return self.chain[-1].ends_on

    @property
    def cover_counts(self) -> dict[str, int]:
        """How many of the absence's open needs are in each state (withdrawn ones left out)."""
        counts = dict.fromkeys(
            (NeedStatus.FILLED, NeedStatus.REQUESTED, NeedStatus.SEARCHING, NeedStatus.UNFILLED), 0
        )
        for need in self.needs:
            if need.status in counts:
                counts[need.status] += 1
        return counts


class CoverNeed(db.Model):
    """One assignment left without its mentor by one absence: filled, or not yet."""

    __tablename__ = "cover_need"
    __table_args__ = (
        CheckConstraint(
            "status IN ('searching','requested','filled','unfilled','cancelled')", name="status"
        ),
        Index("uq_cover_need_absence_assignment", "absence_id", "assignment_id", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    absence_id: Mapped[int] = mapped_column(
        ForeignKey("absence.id", ondelete="CASCADE"), index=True
    )
    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("proposal.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(10), default=NeedStatus.SEARCHING, index=True)
    reasons: Mapped[list[dict]] = mapped_column(JSON, default=list)  # codes and ids only
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    filled_at: Mapped[datetime | None]
    escalated_at: Mapped[datetime | None]  # consultant and employer told that no cover was found

    absence: Mapped[Absence] = relationship(back_populates="needs")
    assignment: Mapped[Proposal] = relationship()  # noqa: F821
    requests: Mapped[list[CoverRequest]] = relationship(
        back_populates="need", order_by="CoverRequest.id", cascade="all, delete-orphan"
    )

    @property
    def confirmed(self) -> CoverRequest | None:
        return next((r for r in self.requests if r.status == RequestStatus.CONFIRMED), None)

    @property
    def period(self) -> tuple[date, date]:
        """The days this need asks cover for: its absence's; or, for a participant whom the
        absent mentor covers as a substitute, the days of that cover within the absence."""
        a = self.absence
        if self.assignment.mentor_id == a.mentor_id:
            return a.starts_on, a.ends_on
        held = db.session.scalars(confirmed_cover(a.mentor_id, a.starts_on, a.ends_on).where(
            CoverRequest.assignment_id == self.assignment_id)).all()
        if not held:  # the cover was cancelled since: the absence's days, as for any need
            return a.starts_on, a.ends_on
        return (max(a.starts_on, min(r.starts_on for r in held)),
                min(a.ends_on, max(r.ends_on for r in held)))


class CoverRequest(db.Model):
    """A substitute asked to cover one assignment over the absence; confirmed or declined."""

    __tablename__ = "cover_request"
    __table_args__ = (
        CheckConstraint("hours BETWEEN 2 AND 20", name="hours"),
        CheckConstraint(
            "status IN ('requested','confirmed','declined','cancelled')", name="status"
        ),
        CheckConstraint("ends_on >= starts_on", name="dates"),
        # At most one open or confirmed request per need: a job that runs twice asks one person.
        Index(
            "uq_cover_request_open_need",
            "need_id",
            unique=True,
            sqlite_where=text("status IN ('requested','confirmed')"),
            postgresql_where=text("status IN ('requested','confirmed')"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    need_id: Mapped[int] = mapped_column(
        ForeignKey("cover_need.id", ondelete="CASCADE"), index=True
    )
    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("proposal.id", ondelete="CASCADE"), index=True
    )
    substitute_id: Mapped[int] = mapped_column(
        ForeignKey("mentor.id", ondelete="CASCADE"), index=True
    )
    hours: Mapped[int]
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    score: Mapped[float] = mapped_column(default=0.0)
    reasons: Mapped[list[dict]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(10), default=RequestStatus.REQUESTED, index=True)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    need: Mapped[CoverNeed] = relationship(back_populates="requests")
    assignment: Mapped[Proposal] = relationship()  # noqa: F821
    substitute: Mapped[Mentor] = relationship()  # noqa: F821


def confirmed_cover(substitute_id: int, starts_on: date, ends_on: date):
    """A select of the confirmed covers ``substitute_id`` holds on some day of the period."""
    return select(CoverRequest).where(
        CoverRequest.substitute_id == substitute_id,
        CoverRequest.status == RequestStatus.CONFIRMED,
        CoverRequest.starts_on <= ends_on,
        CoverRequest.ends_on >= starts_on,
    )


class ParticipantHold(db.Model):
    """A participant's absence or relapse: the assignment's slot is held until ``hold_until``."""

    __tablename__ = "participant_hold"
    __table_args__ = (
        CheckConstraint("hold_until >= starts_on", name="dates"),
        CheckConstraint("status IN ('held','resumed','released')", name="status"),
        CheckConstraint("reason IN ('sick','relapse','other')", name="reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participant.id", ondelete="CASCADE"), index=True
    )
    assignment_id: Mapped[int] = mapped_column(ForeignKey("proposal.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(String(10))
    starts_on: Mapped[date]
    hold_until: Mapped[date]
    status: Mapped[str] = mapped_column(String(10), default=HoldStatus.HELD, index=True)
    reported_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    job_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None]

    participant: Mapped[Participant] = relationship()  # noqa: F821
    assignment: Mapped[Proposal] = relationship()  # noqa: F821


class Notification(db.Model):
    """An in-app notice. ``params`` hold ids only; the text is made when it is shown."""

    __tablename__ = "notification"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    read_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


def mentor_on(assignment, day: date) -> int:
    """The id of the mentor who supports ``assignment`` on ``day``: a confirmed substitute
    whose cover spans the day, else the assigned mentor."""
    sub = db.session.scalar(
        select(CoverRequest.substitute_id)
        .where(
            CoverRequest.assignment_id == assignment.id,
            CoverRequest.status == RequestStatus.CONFIRMED,
            CoverRequest.starts_on <= day,
            CoverRequest.ends_on >= day,
        )
        .order_by(CoverRequest.id.desc())
        .limit(1)
    )
    return sub if sub is not None else assignment.mentor_id
