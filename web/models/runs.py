"""Solve runs and the proposals they produce (a confirmed proposal is an active assignment)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship, selectinload

from web.extensions import db
from web.models.base import utcnow


class RunStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    SUPERSEDED = "superseded"


class ProposalStatus(StrEnum):
    PROPOSED = "proposed"    # made by the solver, waiting for the consultant
    APPROVED = "approved"    # consultant approved, waiting for the mentor
    REJECTED = "rejected"    # consultant said no
    DECLINED = "declined"    # mentor said no
    ACTIVE = "active"        # mentor confirmed: the assignment runs
    ENDED = "ended"
    EXPIRED = "expired"      # nobody answered in time
    SUPERSEDED = "superseded"  # a newer run replaced it before anyone acted


OPEN_PROPOSAL = (ProposalStatus.PROPOSED, ProposalStatus.APPROVED)


class SolveRun(db.Model):
    __tablename__ = "solve_run"
    __table_args__ = (
        CheckConstraint(
            "status IN ('queued','running','done','failed','superseded')", name="status"
        ),
        CheckConstraint("progress BETWEEN 0 AND 100", name="progress"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    scope: Mapped[list[int]] = mapped_column(JSON)  # participant ids to match
    weights: Mapped[dict] = mapped_column(JSON, default=dict)
    time_limit: Mapped[float] = mapped_column(default=10.0)
    status: Mapped[str] = mapped_column(String(12), default=RunStatus.QUEUED, index=True)
    job_id: Mapped[str | None] = mapped_column(String(64))
    progress: Mapped[int] = mapped_column(default=0)
    phase: Mapped[str] = mapped_column(String(20), default="queued")
    solver_status: Mapped[str | None] = mapped_column(String(12))
    objective: Mapped[float | None]
    bound: Mapped[float | None]
    seconds: Mapped[float | None]
    matched_count: Mapped[int | None]
    unmatched: Mapped[list[dict]] = mapped_column(JSON, default=list)  # ids and reason codes only
    error: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(default=0)
    # The execution that owns the run: a job may store only while its claim is the row's claim.
    claim: Mapped[str | None] = mapped_column(String(32))
    # Touched every few seconds by the executing job; a stale heartbeat means the worker died.
    heartbeat_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]

    requested_by: Mapped[User] = relationship()  # noqa: F821
    proposals: Mapped[list[Proposal]] = relationship(
        back_populates="run", order_by="Proposal.id", cascade="all, delete-orphan"
    )

    @property
    def finished(self) -> bool:
        return self.status in (RunStatus.DONE, RunStatus.FAILED, RunStatus.SUPERSEDED)


class Proposal(db.Model):
    """One proposed match; its status walks proposed → approved → active → ended."""

    __tablename__ = "proposal"
    __table_args__ = (
        CheckConstraint("hours BETWEEN 2 AND 20", name="hours"),
        CheckConstraint(
            "status IN ('proposed','approved','rejected','declined','active','ended',"
            "'expired','superseded')",
            name="status",
        ),
        # One active assignment per participant, enforced by the database itself.
        Index(
            "uq_proposal_active_participant", "participant_id", unique=True,
            sqlite_where=text("status = 'active'"), postgresql_where=text("status = 'active'"),
        ),
        # One set of proposals per run: a job that runs twice cannot store two.
        Index("uq_proposal_run_participant", "run_id", "participant_id", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("solve_run.id", ondelete="CASCADE"),
                                               index=True)
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participant.id", ondelete="CASCADE"), index=True
    )
    placement_id: Mapped[int] = mapped_column(ForeignKey("placement.id"), index=True)
    mentor_id: Mapped[int] = mapped_column(ForeignKey("mentor.id"), index=True)
    hours: Mapped[int]
    score: Mapped[float] = mapped_column(default=0.0)
    reasons: Mapped[list[dict]] = mapped_column(JSON, default=list)  # [{"code", "params"}]
    status: Mapped[str] = mapped_column(String(12), default=ProposalStatus.PROPOSED, index=True)
    decision_reason: Mapped[str | None] = mapped_column(String(200))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    run: Mapped[SolveRun | None] = relationship(back_populates="proposals")
    participant: Mapped[Participant] = relationship()  # noqa: F821
    placement: Mapped[Placement] = relationship()  # noqa: F821
    mentor: Mapped[Mentor] = relationship()  # noqa: F821
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])  # noqa: F821


def proposal_details() -> tuple:
    """Loader options for pages that list proposals with their people and places.

    Each related table costs one extra SELECT ... IN (...) however many proposals the page
    shows, instead of one SELECT per proposal (tests/web/test_query_counts.py).
    """
    from web.models.organisation import Placement
    from web.models.people import Mentor

    return (selectinload(Proposal.participant),
            selectinload(Proposal.mentor).options(
                selectinload(Mentor.employer),  # namesakes told apart
                selectinload(Mentor.user)),  # who answers: the mentor or the consultant
            selectinload(Proposal.placement).selectinload(Placement.employer),
            selectinload(Proposal.decided_by))
