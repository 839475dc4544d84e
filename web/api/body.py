"""The request body: a JSON object, or one 400 saying what came instead.

webargs reads a body that is not JSON (a form, text/plain, no Content-Type) as no body at
all, and a list or a string as a body without fields, so a client that sent the wrong thing
was told every required field was missing.
"""

from __future__ import annotations

import json

from flask import Request
from flask_smorest import abort
from webargs import core
from webargs.flaskparser import FlaskParser

MUST = "The request body must be a JSON object"
BODY_400 = ("The body is not a JSON object sent as Content-Type: application/json "
            "(a form, text, broken JSON, a list, or nothing where fields are required)")
KINDS = {list: "a list", str: "a string", int: "a number", float: "a number", bool: "a boolean",
         type(None): "null"}


def _refuse(why: str):
    message = f"{MUST}; {why}."
    abort(400, message=message, messages={"json": [message]})


class JsonObjectParser(FlaskParser):
    """A JSON body must be an object; no body at all is no fields given (so an endpoint whose
    fields may all be left out can be called without one)."""

    def load_json(self, req: Request, schema):
        raw = req.get_data(cache=True)
        if not raw.strip() and not (req.form or req.files):  # a form read before has no data
            if any(f.required for f in schema.fields.values()):
                _refuse("it is empty")
            return core.missing
        if not core.is_json(req.mimetype):
            _refuse(f"send it with Content-Type: application/json (it came as "
                    f"{req.mimetype or 'no Content-Type'})")
        try:
            data = json.loads(raw)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            where = (f" (line {exc.lineno}, column {exc.colno})"
                     if isinstance(exc, json.JSONDecodeError) else "")
            _refuse(f"this is not valid JSON{where}")
        if not isinstance(data, dict):
            _refuse(f"it is {KINDS.get(type(data), 'not an object')}")
        return data
