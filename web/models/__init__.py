"""The data model, one module per area; importing this package registers every table."""

from web.models.base import utcnow
from web.models.user import ROLES, User
from web.models.organisation import Employer, Placement
from web.models.people import Mentor, Participant, Exclusion
from web.models.runs import SolveRun, Proposal, ProposalStatus, RunStatus
from web.models.api import ApiToken

__all__ = [
    "ROLES", "User", "Employer", "Placement", "Mentor", "Participant", "Exclusion",
    "SolveRun", "Proposal", "ProposalStatus", "RunStatus", "utcnow", "ApiToken",
]
