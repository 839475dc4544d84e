"""Request and response schemas; the same rules as the forms (hours 2–20, coded values only)."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import ValidationError, validate, validates_schema

from web import vocab
from web.geo import find_town
from web.models.base import MAX_ID, WEEKDAYS


def IdField(**kw) -> ma.fields.Integer:  # noqa: N802 (reads like the field class it returns)
    """A record id in a request body: positive and within the database's id range."""
    return ma.fields.Integer(validate=validate.Range(1, MAX_ID), **kw)


def _unique(values):
    if len(set(values)) != len(values):
        raise ValidationError("Each value may appear only once.")


def _codes(table, **kw):
    return ma.fields.List(ma.fields.String(validate=validate.OneOf(list(table))), validate=_unique, **kw)


class ParticipantSchema(ma.Schema):
    id = ma.fields.Integer(dump_only=True)
    code = ma.fields.String(required=True, validate=[
        validate.Length(1, 40),
        validate.Regexp(r"^[A-Za-z0-9][A-Za-z0-9._-]*$", error="Use letters, digits, '.', '-' or '_'.")])
    hours_min = ma.fields.Integer(required=True, validate=validate.Range(2, 20))
    hours_max = ma.fields.Integer(required=True, validate=validate.Range(2, 20))
    priority = ma.fields.Integer(load_default=1, validate=validate.Range(1, 5))
    days = ma.fields.List(ma.fields.String(validate=validate.OneOf(WEEKDAYS)), required=True,
                          validate=[validate.Length(min=1), _unique])
    areas = _codes(vocab.AREAS, load_default=list, metadata={"description": "wished work areas, best first"})
    needs = _codes(vocab.NEEDS, load_default=list, metadata={"description": "coded needs, never diagnoses"})
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
            raise ValidationError("Not a Danish town we know; use a town name such as 'Aarhus'.", "town")


class PlacementSchema(ma.Schema):
    id = ma.fields.Integer(dump_only=True)
    employer_id = ma.fields.Integer(dump_only=True)
    title = ma.fields.String(required=True, validate=validate.Length(1, 200))
    area = ma.fields.String(required=True, validate=validate.OneOf(list(vocab.AREAS)))
    slots = ma.fields.Integer(required=True, validate=validate.Range(1, 100))
    days = ma.fields.List(ma.fields.String(validate=validate.OneOf(WEEKDAYS)), required=True,
                          validate=[validate.Length(min=1), _unique])
    requirements = _codes(vocab.ATTRIBUTES, load_default=list)
    accommodations = ma.fields.String(load_default="", validate=validate.Length(max=2000))
    town = ma.fields.String(required=True)
    start_date = ma.fields.Date(allow_none=True, load_default=None)
    end_date = ma.fields.Date(allow_none=True, load_default=None)
    status = ma.fields.String(dump_only=True)

    @validates_schema
    def _check(self, data, **kwargs):
        if "town" in data and find_town(data["town"]) is None:
            raise ValidationError("Not a Danish town we know; use a town name such as 'Aarhus'.", "town")
        if data.get("start_date") and data.get("end_date") and data["end_date"] < data["start_date"]:
            raise ValidationError("Must not be before start_date.", "end_date")


class MentorSchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    employer_id = ma.fields.Integer(allow_none=True, metadata={"description": "null: external support person"})
    skills = ma.fields.List(ma.fields.String())
    days = ma.fields.List(ma.fields.String())
    capacity_hours = ma.fields.Integer()
    max_participants = ma.fields.Integer()
    town = ma.fields.String()
    max_travel_km = ma.fields.Float()
    active = ma.fields.Boolean()


class WeightsSchema(ma.Schema):
    match = ma.fields.Float(validate=validate.Range(min=0))
    area = ma.fields.Float(validate=validate.Range(min=0))
    keep_mentor = ma.fields.Float(validate=validate.Range(min=0))
    keep_placement = ma.fields.Float(validate=validate.Range(min=0))
    hours = ma.fields.Float(validate=validate.Range(min=0))
    travel_km = ma.fields.Float(validate=validate.Range(min=0))


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


class UnmatchedSchema(ma.Schema):
    participant_id = ma.fields.Integer()
    reasons = ma.fields.List(ma.fields.Nested(ReasonSchema))


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
    field = ma.fields.String(allow_none=True, metadata={"description": "e.g. hours_max, days[1], weights.match"})
    message = ma.fields.String()


class ProblemSchema(ma.Schema):
    """RFC 9457 problem details."""

    type = ma.fields.String()
    title = ma.fields.String()
    status = ma.fields.Integer()
    detail = ma.fields.String()
    errors = ma.fields.List(ma.fields.Nested(FieldErrorSchema))


class ListArgs(ma.Schema):
    status = ma.fields.String(load_default=None)
