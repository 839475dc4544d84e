"""Codes of this area with Danish and English labels."""

from flask_babel import lazy_gettext as _l

from web.models.hours import OUTCOMES, TASKS, TIMESHEET_STATUSES

TASK_LABELS = {
    "plan_day": _l("Planning the day"),
    "instruction": _l("On-the-job training"),
    "follow_up": _l("Follow-up"),
    "inform_colleagues": _l("Informing colleagues"),
    "social_support": _l("Social support at work"),
}
assert tuple(TASK_LABELS) == TASKS

OUTCOME_LABELS = {
    "ordinary_job": _l("Ordinary job"),
    "flex_job": _l("Flex job"),
    "sheltered_job": _l("Sheltered job"),
    "education": _l("Education"),
    "continued_placement": _l("Continued placement"),
    "treatment": _l("Treatment"),
    "no_show": _l("No-show"),
    "moved": _l("Moved"),
    "other": _l("Other"),
}
assert tuple(OUTCOME_LABELS) == OUTCOMES

TIMESHEET_STATUS_LABELS = {
    "draft": _l("Draft, not sent"),
    "submitted": _l("Waiting for approval"),
    "approved": _l("Approved"),
    "returned": _l("Returned"),
}
assert tuple(TIMESHEET_STATUS_LABELS) == TIMESHEET_STATUSES
