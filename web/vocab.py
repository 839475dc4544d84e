"""Coded vocabularies: what may be stored about people, with Danish and English labels.

Needs are skills a mentor must have, never diagnoses. Only these codes can be stored.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from web.models.base import WEEKDAYS

DAYS = {
    "mon": _l("Monday"), "tue": _l("Tuesday"), "wed": _l("Wednesday"), "thu": _l("Thursday"),
    "fri": _l("Friday"), "sat": _l("Saturday"), "sun": _l("Sunday"),
}
assert tuple(DAYS) == WEEKDAYS

AREAS = {
    "kitchen": _l("Kitchen"), "cafe": _l("Café"), "retail": _l("Retail"),
    "cleaning": _l("Cleaning"), "warehouse": _l("Warehouse"), "gardening": _l("Gardening"),
    "construction": _l("Construction"), "care": _l("Care"), "office": _l("Office"),
    "transport": _l("Transport"), "production": _l("Production"), "recycling": _l("Recycling"),
}

NEEDS = {
    "addiction": _l("Experience with addiction"),
    "psychiatry": _l("Experience with mental illness"),
    "homelessness": _l("Experience with homelessness"),
    "trauma": _l("Trauma-informed support"),
    "structure": _l("Needs firm daily structure"),
    "lang:en": _l("Speaks English"),
    "lang:ar": _l("Speaks Arabic"),
    "lang:so": _l("Speaks Somali"),
    "lang:kl": _l("Speaks Greenlandic"),
}

ATTRIBUTES = {
    "abstinent": _l("Abstinent (can work in drug-free venues)"),
    "drivers_license": _l("Driving licence"),
    "forklift": _l("Forklift certificate"),
    "food_hygiene": _l("Food hygiene certificate"),
}

PRIORITY_HELP = _l(
    "1 = ordinary, 5 = the hardest case. Higher priority weighs the person up in matching, "
    "so the hardest cases are not left behind."
)


def label(table: dict, code: str) -> str:
    return str(table.get(code, code))


STATUSES = {
    "waiting": _l("Waiting"), "proposed": _l("Proposed"), "active": _l("Active"),
    "paused": _l("Paused"), "closed": _l("Closed"),
}

PROPOSAL_STATUSES = {
    "proposed": _l("Proposed"), "approved": _l("Sent to mentor"), "rejected": _l("Rejected"),
    "declined": _l("Declined by mentor"), "active": _l("Active"), "ended": _l("Ended"),
    "expired": _l("Expired"), "superseded": _l("Replaced"),
}

# Open proposals of a case that is paused or closed are withdrawn (stored as rejected, with
# this reason): they are shown as withdrawn, not as a consultant's rejection.
WITHDRAWN = {
    "participant_paused": _l("Withdrawn: the case was paused"),
    "participant_closed": _l("Withdrawn: the case was closed"),
}


def proposal_status(proposal) -> str:
    """A proposal's status as the consultant should read it."""
    if proposal.status == "rejected" and proposal.decision_reason in WITHDRAWN:
        return str(WITHDRAWN[proposal.decision_reason])
    return label(PROPOSAL_STATUSES, proposal.status)


RUN_STATUSES = {
    "queued": _l("Queued"), "running": _l("Running"), "done": _l("Done"), "failed": _l("Failed"),
    "superseded": _l("Replaced by a newer request"),
}

RUN_PHASES = {
    "queued": _l("Waiting for a free worker"), "building": _l("Collecting placements and mentors"),
    "solving": _l("Finding the best combination"), "storing": _l("Saving proposals"),
    "done": _l("Done"), "failed": _l("Failed"), "superseded": _l("Replaced"),
}
