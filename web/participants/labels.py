"""Labels for the case timeline: event kinds, decision reasons and field names."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from web.dashboard.vocab import REASONS as UNMATCHED_REASONS
from web.hours.vocab import OUTCOME_LABELS
from web.runs.forms import DECLINE_REASONS, REJECT_REASONS

EVENTS = {
    "created": _l("Registered"), "edited": _l("Changed"), "paused": _l("Paused"),
    "closed": _l("Case closed"), "reopened": _l("Reopened"), "imported": _l("Imported from CSV"),
    "match_requested": _l("Matching requested"), "proposed": _l("Proposed"),
    "approved": _l("Proposal approved"), "rejected": _l("Proposal rejected"),
    "declined": _l("Declined by mentor"), "confirmed": _l("Confirmed: assignment active"),
    "ended": _l("Assignment ended"), "exclusion_lifted": _l("Exclusion lifted"),
    "unmatched": _l("Not matched"), "covered": _l("Cover arranged"),
    "mentor_away": _l("Mentor away"), "handed_over": _l("Handed over"),
}

REASONS = {
    **UNMATCHED_REASONS, **REJECT_REASONS, **DECLINE_REASONS,
    "participant_paused": _l("The participant was paused"),
    "participant_closed": _l("The case was closed"),
    "hold_released": _l("The slot held during the pause was released"),
}

OUTCOMES = OUTCOME_LABELS

FIELDS = {
    "code": _l("code"), "hours_min": _l("minimum hours"), "hours_max": _l("maximum hours"),
    "priority": _l("priority"), "days": _l("days"), "areas": _l("wished areas"),
    "needs": _l("support needs"), "attributes": _l("attributes"), "town": _l("town"),
    "max_travel_km": _l("travel distance"),
}
