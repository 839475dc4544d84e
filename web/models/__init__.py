"""The data model, one module per area; importing this package registers every table."""

from web.models.api import ApiToken
from web.models.audit import AuditEntry
from web.models.base import utcnow
from web.models.cases import CaseEvent, PendingImport
from web.models.cover import Absence, CoverNeed, CoverRequest, Notification, ParticipantHold
from web.models.hours import (
    CalendarToken,
    ErasedHours,
    MentorWage,
    Outcome,
    PlanStep,
    Timesheet,
    TimesheetLine,
)
from web.models.invitation import Invitation
from web.models.organisation import Employer, Placement
from web.models.people import Exclusion, Mentor, Participant
from web.models.runs import Proposal, ProposalStatus, RunStatus, SolveRun
from web.models.user import ROLES, User

__all__ = [
    "ROLES", "User", "Employer", "Placement", "Mentor", "Participant", "Exclusion",
    "SolveRun", "Proposal", "ProposalStatus", "RunStatus", "utcnow",
    "Absence", "CoverNeed", "CoverRequest", "Notification", "ParticipantHold",
    "Invitation", "CaseEvent", "PendingImport", "AuditEntry", "ApiToken",
    "CalendarToken", "ErasedHours", "MentorWage", "Outcome", "PlanStep", "Timesheet",
    "TimesheetLine",
]
