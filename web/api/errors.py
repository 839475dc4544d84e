"""Errors as application/problem+json (RFC 9457), naming the field that was wrong."""

from __future__ import annotations

from flask import Flask, request
from werkzeug.exceptions import HTTPException

from web.errors import html_error

PROBLEM = "application/problem+json"


def _flatten(messages, prefix: str = "") -> list[dict]:
    """{"json": {"days": {0: ["Must be one of…"]}}} -> [{"field": "days[0]", "message": …}]."""
    out: list[dict] = []
    if isinstance(messages, dict):
        for key, value in messages.items():
            if prefix == "" and key in ("json", "query", "headers", "form", "path"):
                out += _flatten(value, "")
                continue
            name = (f"{prefix}[{key}]" if isinstance(key, int)
                    else (f"{prefix}.{key}" if prefix else str(key)))
            out += _flatten(value, name)
    elif isinstance(messages, list | tuple):
        for m in messages:
            out += (_flatten(m, prefix) if isinstance(m, dict | list)
                    else [{"field": prefix or None, "message": str(m)}])
    else:
        out.append({"field": prefix or None, "message": str(messages)})
    return out


def problem(status: int, title: str, detail: str | None = None, errors: list[dict] | None = None,
            headers: dict | None = None):
    body = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    if errors:
        body["errors"] = errors
    # Every message of an answer is English (web.select_locale), whatever Accept-Language.
    return body, status, {"Content-Type": PROBLEM, "Content-Language": "en", **(headers or {})}


def register_problem_handler(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        if not request.path.startswith("/api/"):
            return html_error(error)
        data = getattr(error, "data", None) or {}
        errors = _flatten(data.get("messages")) if data.get("messages") else None
        detail = data.get("message") or (error.description if error.description else None)
        # The error's own headers (Allow on a 405, as the pages send), then the view's.
        headers = {k: v for k, v in error.get_headers() if k.lower() != "content-type"}
        headers.update(data.get("headers") or {})
        return problem(error.code or 500, error.name, detail, errors, headers)
