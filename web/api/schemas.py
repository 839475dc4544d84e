"""Request and response schemas; the same rules as the forms (hours 2–20, coded values only)."""

from __future__ import annotations

from datetime import UTC

import marshmallow as ma
from marshmallow import ValidationError, post_load, validate, validates_schema

from web import vocab
from web.cpr import no_cpr_api
from web.employers import forms as placement_form
from web.forms_common import FIRST_YEAR, in_years, last_year
from web.geo import find_town
from web.hours.forms import hours_error, week_error
from web.models.base import MAX_ID, WEEKDAYS
from web.models.cover import MENTOR_REASONS
from web.models.hours import TASKS, TIMESHEET_STATUSES
from web.models.people import PARTICIPANT_STATUSES
from web.models.runs import ProposalStatus
from web.participants.forms import WEIGHT_MAX


def IdField(**kw) -> ma.fields.Integer:  # noqa: N802 (reads like the field class it returns)
    """A record id in a request body: positive and within the database's id range."""
    return ma.fields.Integer(validate=validate.Range(1, MAX_ID), **kw)


def _unique(values):
    if len(set(values)) != len(values):
        raise ValidationError("Each value may appear only once.")


def _codes(table, **kw):
    return ma.fields.List(ma.fields.String(validate=validate.OneOf(list(table))),
                          validate=_unique, **kw)


class ParticipantSchema(ma.Schema):
    id = ma.fields.Integer(dump_only=True)
    code = ma.fields.String(required=True, validate=[
        validate.Length(1, 40), no_cpr_api,
        validate.Regexp(r"^[A-Za-z0-9][A-Za-z0-9._-]*$",
                        error="Use the letters A-Z (not æ, ø or å), digits, '.', '-' or '_'.")])
    hours_min = ma.fields.Integer(required=True, validate=validate.Range(2, 20))
    hours_max = ma.fields.Integer(required=True, validate=validate.Range(2, 20))
    priority = ma.fields.Integer(load_default=1, validate=validate.Range(1, 5))
    days = ma.fields.List(ma.fields.String(validate=validate.OneOf(WEEKDAYS)), required=True,
                          validate=[validate.Length(min=1), _unique])
    areas = _codes(vocab.AREAS, load_default=list,
                   metadata={"description": "wished work areas, best first"})
    needs = _codes(vocab.NEEDS, load_default=list,
                   metadata={"description": "coded needs, never diagnoses"})
    attributes = _codes(vocab.ATTRIBUTES, load_default=list)
    town = ma.fields.String(required=True, metadata={"description": "a Danish town, e.g. 'Aarhus'"})
    max_travel_km = ma.fields.Float(required=True, validate=validate.Range(0, 200))
    status = ma.fields.String(dump_only=True)

    @validates_schema
    def _check(self, data, **kwargs):
        if data.get("hours_min") is not None and data.get("hours_max") is not None \
                and data["hours_max"] < data["hours_min"]:
            raise ValidationError("Must be at least hours_min.", "hours_max")
        if "town" in data and find_town(data["town"]) is None:
            raise ValidationError("Not a Danish town we know; use a town name such as 'Aarhus'.",
                                  "town")

    @post_load
    def _as_the_form_stores(self, data, **kwargs):
        """Days in week order, as the page stores them ("Friday, Monday" otherwise); wished
        areas keep theirs, best first."""
        data["days"] = [d for d in WEEKDAYS if d in data["days"]]
        return data


class PlacementSchema(ma.Schema):
    id = ma.fields.Integer(dump_only=True)
    employer_id = ma.fields.Integer(dump_only=True)
    # The page's limits (web.employers.forms), as the CSV import keeps them.
    title = ma.fields.String(required=True,
                             validate=[validate.Length(1, placement_form.TITLE_MAX), no_cpr_api,
                                       validate.Regexp(r"\s*\S", error="Must not be blank.")])
    area = ma.fields.String(required=True, validate=validate.OneOf(list(vocab.AREAS)))
    slots = ma.fields.Integer(required=True, validate=validate.Range(*placement_form.SLOTS))
    days = ma.fields.List(ma.fields.String(validate=validate.OneOf(WEEKDAYS)), required=True,
                          validate=[validate.Length(min=1), _unique])
    requirements = _codes(vocab.ATTRIBUTES, load_default=list)
    accommodations = ma.fields.String(load_default="",
                                      validate=[validate.Length(
                                          max=placement_form.ACCOMMODATIONS_MAX), no_cpr_api])
    town = ma.fields.String(required=True)
    start_date = ma.fields.Date(allow_none=True, load_default=None)
    end_date = ma.fields.Date(allow_none=True, load_default=None)
    status = ma.fields.String(dump_only=True)

    @validates_schema
    def _check(self, data, **kwargs):
        if "town" in data and find_town(data["town"]) is None:
            raise ValidationError("Not a Danish town we know; use a town name such as 'Aarhus'.",
                                  "town")
        for key in ("start_date", "end_date"):
            if not in_years(data.get(key)):
                raise ValidationError(f"Must lie from {FIRST_YEAR} to {last_year()}.", key)
        if (data.get("start_date") and data.get("end_date")
                and data["end_date"] < data["start_date"]):
            raise ValidationError("Must not be before start_date.", "end_date")

    @post_load
    def _as_the_form_stores(self, data, **kwargs):
        """Stored as the page's form stores them: text without the spaces around it (a title
        of spaces was taken and listed blank), days in week order."""
        data["title"] = data["title"].strip()
        data["accommodations"] = data["accommodations"].strip()
        data["days"] = [d for d in WEEKDAYS if d in data["days"]]
        return data


class MentorSchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    employer_id = ma.fields.Integer(allow_none=True,
                                    metadata={"description": "null: external support person"})
    skills = ma.fields.List(ma.fields.String())
    days = ma.fields.List(ma.fields.String())
    capacity_hours = ma.fields.Integer()
    max_participants = ma.fields.Integer()
    town = ma.fields.String()
    max_travel_km = ma.fields.Float()
    active = ma.fields.Boolean()


def _weight() -> ma.fields.Float:
    """The page's range: a weight of 1e308 was taken, and the run failed in the solver."""
    return ma.fields.Float(validate=validate.Range(0, WEIGHT_MAX))


class WeightsSchema(ma.Schema):
    match = _weight()
    area = _weight()
    keep_mentor = _weight()
    keep_placement = _weight()
    hours = _weight()
    travel_km = _weight()


class RunRequestSchema(ma.Schema):
    participants = ma.fields.List(IdField(), load_default=None, metadata={
        "description": "participant ids; left out: all of your waiting participants"})
    time_limit = ma.fields.Integer(load_default=10, validate=validate.Range(1, 300))
    weights = ma.fields.Nested(WeightsSchema, load_default=dict)


class ReasonSchema(ma.Schema):
    code = ma.fields.String()
    params = ma.fields.Dict()
    en = ma.fields.String()
    da = ma.fields.String()


class ProposalSchema(ma.Schema):
    id = ma.fields.Integer()
    run_id = ma.fields.Integer(allow_none=True)
    participant_id = ma.fields.Integer()
    placement_id = ma.fields.Integer()
    mentor_id = ma.fields.Integer()
    hours = ma.fields.Integer()
    score = ma.fields.Float()
    status = ma.fields.String()
    reasons = ma.fields.List(ma.fields.Nested(ReasonSchema))


class UnmatchedReasonSchema(ReasonSchema):
    help = ma.fields.Method("_help", metadata={
        "description": "What would help, as the run page says it: {\"en\": ..., \"da\": ...}, "
                       "or null when there is nothing to suggest"})

    def _help(self, reason: dict) -> dict | None:
        from web.runs.reasons import reason_help

        en = reason_help(reason, "en")
        return {"en": en, "da": reason_help(reason, "da")} if en else None


class UnmatchedSchema(ma.Schema):
    participant_id = ma.fields.Integer()
    reasons = ma.fields.List(ma.fields.Nested(UnmatchedReasonSchema))


class RunSchema(ma.Schema):
    id = ma.fields.Integer()
    url = ma.fields.String()
    status = ma.fields.String(metadata={"description": "queued, running, done, failed, superseded"})
    phase = ma.fields.String()
    progress = ma.fields.Integer()
    scope = ma.fields.List(ma.fields.Integer())
    time_limit = ma.fields.Float()
    solver_status = ma.fields.String(allow_none=True)
    objective = ma.fields.Float(allow_none=True)
    bound = ma.fields.Float(allow_none=True)
    error = ma.fields.String(allow_none=True)
    proposals = ma.fields.List(ma.fields.Nested(ProposalSchema))
    unmatched = ma.fields.List(ma.fields.Nested(UnmatchedSchema))


class RunSummarySchema(ma.Schema):
    id = ma.fields.Integer()
    url = ma.fields.String()
    status = ma.fields.String()
    phase = ma.fields.String()
    progress = ma.fields.Integer()
    solver_status = ma.fields.String(allow_none=True)


class DecisionSchema(ma.Schema):
    reason = ma.fields.String(load_default="other", validate=validate.Length(1, 40))


class FieldErrorSchema(ma.Schema):
    field = ma.fields.String(allow_none=True,
                             metadata={"description": "e.g. hours_max, days[1], weights.match"})
    message = ma.fields.String()


class ProblemSchema(ma.Schema):
    """RFC 9457 problem details."""

    type = ma.fields.String()
    title = ma.fields.String()
    status = ma.fields.Integer()
    detail = ma.fields.String()
    errors = ma.fields.List(ma.fields.Nested(FieldErrorSchema))


class ParticipantListArgs(ma.Schema):
    status = ma.fields.String(load_default=None, validate=validate.OneOf(PARTICIPANT_STATUSES))


class ProposalListArgs(ma.Schema):
    status = ma.fields.String(load_default=None,
                              validate=validate.OneOf([s.value for s in ProposalStatus]))


# --- absences and timesheets ------------------------------------------------------------------

class UtcDateTime(ma.fields.DateTime):
    """The database's naive UTC times, sent as RFC 3339 date-times with their offset."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return super()._serialize(value, attr, obj, **kwargs)


class AbsenceSchema(ma.Schema):
    id = ma.fields.Integer(dump_only=True)
    mentor_id = IdField(load_default=None, metadata={
        "description": "left out by a mentor: themselves; "
                       "others must name a mentor they may report for"})
    starts_on = ma.fields.Date(required=True, metadata={"description": "first day away"})
    ends_on = ma.fields.Date(required=True, metadata={"description": "last day away (included)"})
    reason = ma.fields.String(required=True, validate=validate.OneOf(list(MENTOR_REASONS)))
    cover_needs = ma.fields.Integer(dump_only=True, metadata={
        "description": "assignments left without their mentor, for which cover is being arranged"})
    created_at = UtcDateTime(dump_only=True)
    withdrawn_at = UtcDateTime(dump_only=True, allow_none=True, metadata={
        "description": "set when the absence was withdrawn before its first day"})
    extends_id = ma.fields.Integer(dump_only=True, allow_none=True, metadata={
        "description": "the absence this one extends (it starts the day after that one ends)"})


class ExtendAbsenceSchema(ma.Schema):
    ends_on = ma.fields.Date(required=True, metadata={
        "description": "the new last day away (included), after the absence's last day"})


class TimesheetLineSchema(ma.Schema):
    task = ma.fields.String()
    hours = ma.fields.Float()


class TimesheetSchema(ma.Schema):
    id = ma.fields.Integer()
    assignment_id = ma.fields.Integer(attribute="proposal_id",
                                      metadata={"description": "the proposal id"})
    mentor_id = ma.fields.Integer()
    participant_id = ma.fields.Integer()
    week = ma.fields.Date(attribute="week_start", metadata={"description": "the week's Monday"})
    status = ma.fields.String(metadata={"description": ", ".join(TIMESHEET_STATUSES)
                                        + " (a draft only to its mentor)"})
    comment = ma.fields.String(allow_none=True,
                               metadata={"description": "the consultant's, when returned"})
    total = ma.fields.Float()
    lines = ma.fields.List(ma.fields.Nested(TimesheetLineSchema))
    submitted_at = UtcDateTime()
    decided_at = UtcDateTime(allow_none=True)


class TimesheetListArgs(ma.Schema):
    week = ma.fields.Date(load_default=None, metadata={"description": "any day of the week"})
    status = ma.fields.String(load_default=None, validate=validate.OneOf(TIMESHEET_STATUSES))


def _hours(value):
    msg = hours_error(value)
    if msg:
        raise ValidationError(str(msg))


class WeekLineSchema(ma.Schema):
    assignment_id = IdField(required=True, metadata={"description": "the proposal id"})
    task = ma.fields.String(required=True, validate=validate.OneOf(TASKS))
    hours = ma.fields.Float(required=True, validate=_hours, metadata={
        "description": "quarter hours, 0–20", "minimum": 0, "maximum": 20, "multipleOf": 0.25})


class WeekSchema(ma.Schema):
    lines = ma.fields.List(ma.fields.Nested(WeekLineSchema), required=True, metadata={
        "description": "each assignment named here gets exactly these hours for the week (tasks "
                       "left out: 0); assignments not named are left as they are"})
    draft = ma.fields.Boolean(load_default=False, metadata={
        "description": "true: keep the hours as your draft, which the consultant does not see "
                       "(a week sent but not approved is taken back); false: send for approval"})

    @validates_schema
    def _check(self, data, **kwargs):
        seen = set()
        totals: dict[int, float] = {}
        for i, line in enumerate(data.get("lines") or []):
            key = (line["assignment_id"], line["task"])
            if key in seen:
                raise ValidationError({i: {"task": ["Each task may appear once per assignment."]}},
                                      "lines")
            seen.add(key)
            totals[line["assignment_id"]] = totals.get(line["assignment_id"], 0) + line["hours"]
            if msg := week_error(totals[line["assignment_id"]]):
                raise ValidationError({i: {"hours": [str(msg)]}}, "lines")


class ReturnSchema(ma.Schema):
    comment = ma.fields.String(required=True, validate=[
        validate.Length(max=300),
        validate.Regexp(r"\s*\S", error="Say what the mentor should correct."),
        no_cpr_api])
