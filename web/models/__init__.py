"""The data model, one module per area; importing this package registers every table."""

from web.models.base import utcnow
from web.models.user import ROLES, User
from web.models.organisation import Employer, Placement
from web.models.people import Mentor, Participant, Exclusion
from web.models.runs import SolveRun, Proposal, ProposalStatus, RunStatus
from web.models.cover import Absence, CoverNeed, CoverRequest, Notification, ParticipantHold
from web.models.invitation import Invitation
from web.models.cases import CaseEvent, PendingImport
from web.models.audit import AuditEntry
from web.models.api import ApiToken
from web.models.hours import (
    CalendarToken, MentorWage, Outcome, PlanStep, Timesheet, TimesheetLine,
)

__all__ = [
    "ROLES", "User", "Employer", "Placement", "Mentor", "Participant", "Exclusion",
    "SolveRun", "Proposal", "ProposalStatus", "RunStatus", "utcnow",
    "Absence", "CoverNeed", "CoverRequest", "Notification", "ParticipantHold",
    "Invitation", "CaseEvent", "PendingImport", "AuditEntry", "ApiToken",
    "CalendarToken", "MentorWage", "Outcome", "PlanStep", "Timesheet", "TimesheetLine",
]
