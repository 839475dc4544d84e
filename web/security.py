"""Security headers, login rate limiting and cookie settings, in one place.

Headers: a strict content security policy (no inline script or style, nothing from other
origins, no framing) and the usual hardening headers; pages are never cached because
nearly every page shows special-category data. Login: Flask-Limiter counts POST /login
per client IP and per e-mail address in Redis (the app's REDIS_URL, or the embedded
server's unix socket), so a slow password guesser and a spread-out one are both stopped.
Text with a NUL character (0x00) is refused before any view sees it: PostgreSQL cannot
store or compare it, and the driver's error was a 500.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from functools import lru_cache
from pathlib import Path

from flask import Flask, abort, current_app, flash, render_template, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from werkzeug.security import check_password_hash, generate_password_hash

from web.errors import MESSAGES, html_error

CSP = "; ".join([
    "default-src 'self'",
    "img-src 'self' data:",
    "style-src 'self'",
    "script-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "frame-ancestors 'none'",
    "form-action 'self'",
])

HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}
HSTS = "max-age=31536000; includeSubDomains"

LIMITED_VIEWS = ("auth.login",)  # endpoints whose POST is counted per IP and per e-mail


def login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def email_key() -> str:
    """Rate-limit key: the e-mail typed in, normalised and hashed (no address in Redis)."""
    email = (request.form.get("email") or "").strip().lower()[:254]
    return "email:" + hashlib.sha256(email.encode()).hexdigest()[:32]


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return generate_password_hash(secrets.token_hex(16))


def check_password_or_dummy(user, password: str) -> bool:
    """Check a password; for an unknown user hash a dummy, so both take the same time."""
    if user is None or not user.password_hash:
        check_password_hash(_dummy_hash(), password or "")
        return False
    return user.check_password(password)


def redis_storage_uri(app: Flask) -> str:
    """Flask-Limiter's storage URI for the app's Redis (redis+unix:// for a unix socket)."""
    embedded = Path(app.instance_path).resolve() / "redis.sock"  # see web/redis_conn.py
    url = app.config.get("REDIS_URL") or f"unix://{embedded}"
    if url.startswith("unix://"):
        return "redis+unix://" + url[len("unix://"):]
    return url


def _set_headers(response):
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if current_app.config.get("SESSION_COOKIE_SECURE"):
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    if request.endpoint != "static":
        # Nearly every page shows special-category data: never keep a copy in any cache.
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def _too_many_requests(error):
    """429 from the limiter: the login page again, saying nothing about the account."""
    message = str(MESSAGES[429][1])
    if request.endpoint == "auth.login":
        from web.auth.forms import LoginForm

        flash(message, "error")
        return render_template("auth/login.html", form=LoginForm()), 429
    if request.path.startswith("/api/"):
        return message, 429
    return html_error(error)


def _nul_in_json(value, path: str = "") -> list[str]:
    """The fields of a decoded JSON body whose name or text holds a NUL character."""
    if isinstance(value, str):
        return [path] if "\x00" in value else []
    if isinstance(value, dict):
        out = []
        for key, item in value.items():
            name = f"{path}.{key}" if path else str(key)
            out += ([name] if "\x00" in key else []) + _nul_in_json(item, name)
        return out
    if isinstance(value, list):
        return [f for i, item in enumerate(value) for f in _nul_in_json(item, f"{path}[{i}]")]
    return []


def _nul_fields() -> list[str]:
    """The query, form and JSON fields of this request whose name or text holds a NUL
    character (0x00)."""
    fields = [request.args]
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        fields.append(request.form)
    bad = [k for multi in fields for k, v in multi.items(multi=True) if "\x00" in k + v]
    if request.is_json:
        bad += _nul_in_json(request.get_json(silent=True))
    return bad


def _refuse_nul():
    """A request with a NUL character in a field: 422 naming the fields on the API, 400 on
    pages (a browser's form cannot send one). Nothing is stored."""
    bad = _nul_fields()
    if not bad:
        return None
    if request.path.startswith("/api/"):
        from web.api.errors import problem

        return problem(422, "Unprocessable Entity", "Text must not contain NUL characters.",
                       [{"field": f, "message": "must not contain NUL (0x00) characters"}
                        for f in dict.fromkeys(bad)])
    abort(400)


def init_app(app: Flask) -> None:
    """Bind headers, cookie settings and the login limiter to the app."""
    app.config.setdefault("LOGIN_RATE_LIMIT", "10/minute")
    app.config.setdefault("REMEMBER_COOKIE_HTTPONLY", True)
    app.config.setdefault("REMEMBER_COOKIE_SAMESITE", "Lax")
    app.config.setdefault("PERMANENT_SESSION_LIFETIME", timedelta(hours=8))
    app.config.setdefault("RATELIMIT_STORAGE_URI", redis_storage_uri(app))
    # One test or deployment never counts another's attempts (same prefix as the queues).
    prefix = app.config.get("RQ_QUEUE_PREFIX", "mm:")
    app.config.setdefault("RATELIMIT_KEY_PREFIX", prefix + "limit")
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", False)
    if not app.config.get("REDIS_URL"):
        from web.redis_conn import resolve_redis_url

        # The embedded server starts on first use; make sure it runs before a login counts.
        @app.before_request
        def _embedded_redis() -> None:
            if request.endpoint in LIMITED_VIEWS and request.method == "POST":
                resolve_redis_url(app)

    # One Limiter per app: Flask-Limiter keeps storage and prefix on the instance.
    limiter = Limiter(key_func=get_remote_address, app=app, in_memory_fallback_enabled=True)
    app.extensions["mm_limiter"] = limiter
    for endpoint in LIMITED_VIEWS:
        view = app.view_functions[endpoint]
        view = limiter.limit(login_limit, methods=["POST"], key_func=email_key)(view)
        app.view_functions[endpoint] = limiter.limit(login_limit, methods=["POST"])(view)
    app.before_request(_refuse_nul)
    app.after_request(_set_headers)
    app.register_error_handler(429, _too_many_requests)
