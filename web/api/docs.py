"""A readable page of the API, rendered on the server from the OpenAPI document (no CDN)."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_babel import lazy_gettext as _l

bp = Blueprint("api_docs", __name__)

# A heading for each part of the API, in the page's language (the OpenAPI tags are ids).
TAG_TITLES = {
    "api_participants": _l("Participants"),
    "api_placements": _l("Placements"),
    "api_mentors": _l("Mentors and support persons"),
    "api_runs": _l("Matching requests"),
    "api_proposals": _l("Proposals"),
    "api_absences": _l("Absences"),
    "api_timesheets": _l("Hours"),
}


def _fields(spec: dict, schema: dict | None) -> list[dict]:
    """Flatten a request/response schema into rows of name, type, rules."""
    if not schema:
        return []
    if "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    if schema.get("type") == "array":
        return _fields(spec, schema.get("items"))
    required = set(schema.get("required", []))
    rows = []
    for name, prop in schema.get("properties", {}).items():
        if prop.get("readOnly"):
            continue
        kind = prop.get("type") or ("object" if "$ref" in prop else "")
        if kind == "array":
            inner = prop.get("items", {})
            kind = f"list of {inner.get('type', 'object')}"
            if inner.get("enum"):
                kind += ": " + ", ".join(map(str, inner["enum"]))
        elif prop.get("enum"):
            kind += ": " + ", ".join(map(str, prop["enum"]))
        rules = [f"{k} {prop[k]}" for k in ("minimum", "maximum", "minLength", "maxLength")
                 if k in prop]
        rows.append({"name": name, "type": kind, "required": name in required,
                     "rules": ", ".join(rules), "description": prop.get("description", "")})
    return rows


def _answers(op: dict) -> list[str]:
    """Status codes, each with the headers it documents: "201 (Location)"."""
    out = []
    for code, resp in sorted(op.get("responses", {}).items()):
        headers = ", ".join(resp.get("headers", {})) if isinstance(resp, dict) else ""
        out.append(f"{code} ({headers})" if headers else code)
    return out


@bp.route("/api/v1/docs")
def docs():
    """The API reference, readable in a browser."""
    from web.api import api

    spec = api.spec.to_dict()
    ops = []
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            body = (op.get("requestBody", {}).get("content", {})
                    .get("application/json", {}).get("schema"))
            params = [p for p in op.get("parameters", []) if isinstance(p, dict) and "name" in p]
            ops.append({"method": method.upper(), "path": path, "summary": op.get("summary", ""),
                        "tag": (op.get("tags") or [""])[0], "params": params,
                        "body": _fields(spec, body), "responses": _answers(op)})
    return render_template("api/docs.html", ops=ops, info=spec["info"], tags=spec.get("tags", []),
                           tag_titles=TAG_TITLES)
