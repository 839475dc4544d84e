"""Support hours over time: plans, timesheets, wage costs, outcomes and calendar tokens.

An assignment is an active (or ended) Proposal. Weeks are identified by their Monday.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from web.extensions import db
from web.models.base import utcnow

TASKS = ("plan_day", "instruction", "follow_up", "inform_colleagues", "social_support")
# A draft is the mentor's own until sent: the consultant neither sees nor approves it.
TIMESHEET_STATUSES = ("draft", "submitted", "approved", "returned")
OUTCOMES = (
    "ordinary_job",
    "flex_job",
    "sheltered_job",
    "education",
    "continued_placement",
    "treatment",
    "no_show",
    "moved",
    "other",
)


class PlanStep(db.Model):
    """Weekly support hours for an assignment from ``start_week`` up to (not incl.) ``end_week``."""

    __tablename__ = "plan_step"
    __table_args__ = (
        CheckConstraint("hours BETWEEN 2 AND 20", name="hours"),
        CheckConstraint("end_week IS NULL OR end_week > start_week", name="order"),
        UniqueConstraint("proposal_id", "start_week", name="uq_plan_step_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("proposal.id", ondelete="CASCADE"), index=True
    )
    start_week: Mapped[date]
    end_week: Mapped[date | None]  # None: open-ended
    hours: Mapped[int]
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    proposal: Mapped[Proposal] = relationship()  # noqa: F821

    @property
    def weeks(self) -> int | None:
        return None if self.end_week is None else (self.end_week - self.start_week).days // 7

    @property
    def last_week(self) -> date | None:
        """The Monday of the step's last week (``end_week`` is the first week after it)."""
        return None if self.end_week is None else self.end_week - timedelta(days=7)


class Timesheet(db.Model):
    """Hours a mentor delivered to one participant (assignment) in one week."""

    __tablename__ = "timesheet"
    __table_args__ = (
        CheckConstraint("status IN ('draft','submitted','approved','returned')", name="status"),
        # One sheet per assignment, week and mentor: a substitute logs a covered week apart.
        UniqueConstraint("proposal_id", "week_start", "mentor_id", name="uq_timesheet_week_mentor"),
        Index("ix_timesheet_mentor_week", "mentor_id", "week_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("proposal.id", ondelete="CASCADE"), index=True
    )
    mentor_id: Mapped[int] = mapped_column(ForeignKey("mentor.id", ondelete="CASCADE"))
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participant.id", ondelete="CASCADE"), index=True
    )
    week_start: Mapped[date] = mapped_column(index=True)
    status: Mapped[str] = mapped_column(String(10), default="submitted", index=True)
    comment: Mapped[str | None] = mapped_column(String(300))  # the consultant's, when returned
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)  # last sent (a draft: saved)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None]
    # Who entered the week for a mentor without a login (their employer, or the consultant);
    # None: the mentor themselves.
    recorded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"))

    lines: Mapped[list[TimesheetLine]] = relationship(
        back_populates="timesheet", cascade="all, delete-orphan", order_by="TimesheetLine.id"
    )
    proposal: Mapped[Proposal] = relationship()  # noqa: F821
    mentor: Mapped[Mentor] = relationship()  # noqa: F821
    participant: Mapped[Participant] = relationship()  # noqa: F821
    recorded_by: Mapped[User | None] = relationship(foreign_keys=[recorded_by_id])  # noqa: F821

    @property
    def total(self) -> float:
        return sum(line.hours for line in self.lines)

    def hours_for(self, task: str) -> float:
        return sum(line.hours for line in self.lines if line.task == task)


class TimesheetLine(db.Model):
    __tablename__ = "timesheet_line"
    __table_args__ = (
        CheckConstraint("hours > 0 AND hours <= 20", name="hours"),
        CheckConstraint(
            "task IN ('plan_day','instruction','follow_up','inform_colleagues','social_support')",
            name="task",
        ),
        UniqueConstraint("timesheet_id", "task", name="uq_timesheet_line_task"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    timesheet_id: Mapped[int] = mapped_column(
        ForeignKey("timesheet.id", ondelete="CASCADE"), index=True
    )
    task: Mapped[str] = mapped_column(String(20))
    hours: Mapped[float]

    timesheet: Mapped[Timesheet] = relationship(back_populates="lines")


WAGE_ALWAYS = date(2000, 1, 1)  # a wage entered before wages had a first month


class MentorWage(db.Model):
    """The hourly wage cost of a colleague-mentor, entered by the employer (in øre), from
    the first day of a month on: a week's hours are paid at the wage in force on its Monday."""

    __tablename__ = "mentor_wage"
    __table_args__ = (
        CheckConstraint("hourly_cost_ore > 0", name="positive"),
        UniqueConstraint("mentor_id", "valid_from", name="uq_mentor_wage_from"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    mentor_id: Mapped[int] = mapped_column(ForeignKey("mentor.id", ondelete="CASCADE"), index=True)
    valid_from: Mapped[date] = mapped_column(default=WAGE_ALWAYS, server_default="2000-01-01")
    hourly_cost_ore: Mapped[int]
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class ErasedHours(db.Model):
    """Approved support hours of a participant since erased, kept for the employer's
    reimbursement claims (bookkeeping) with nothing of the person: the mentor, the week and
    the hours. An erasure emptied the claims of months already sent."""

    __tablename__ = "erased_hours"

    id: Mapped[int] = mapped_column(primary_key=True)
    mentor_id: Mapped[int] = mapped_column(ForeignKey("mentor.id", ondelete="CASCADE"), index=True)
    week_start: Mapped[date]
    hours: Mapped[float]
    erased_at: Mapped[datetime] = mapped_column(default=utcnow)


class Outcome(db.Model):
    """How an assignment ended, and the follow-up six months later."""

    __tablename__ = "outcome"
    __table_args__ = (
        CheckConstraint(
            "outcome IN ('ordinary_job','flex_job','sheltered_job','education',"
            "'continued_placement','treatment','no_show','moved','other')",
            name="outcome",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("proposal.id", ondelete="CASCADE"), unique=True
    )
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participant.id", ondelete="CASCADE"), index=True
    )
    outcome: Mapped[str] = mapped_column(String(20))
    ended_on: Mapped[date]
    follow_up_due: Mapped[date] = mapped_column(index=True)
    followed_up_at: Mapped[datetime | None]
    follow_up_outcome: Mapped[str | None] = mapped_column(String(20))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    proposal: Mapped[Proposal] = relationship()  # noqa: F821
    participant: Mapped[Participant] = relationship()  # noqa: F821


class CalendarToken(db.Model):
    """The secret of a mentor's iCalendar feed; only its SHA-256 is stored."""

    __tablename__ = "calendar_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    mentor_id: Mapped[int] = mapped_column(ForeignKey("mentor.id", ondelete="CASCADE"), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
