"""Mentor Match web application."""

from __future__ import annotations

import logging
from pathlib import Path

import flask_babel
from flask import Flask, g, has_request_context, request, session
from flask_login import current_user

from web.config import load_config
from web.extensions import babel, csrf, db, login_manager, migrate

TRANSLATION_ROOT = Path(__file__).parent


def create_app(config: dict | None = None) -> Flask:
    """Build the app; nothing happens at import time, migrations are never run here."""
    app = Flask(__name__, instance_relative_config=True)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.update(load_config(app.instance_path, overrides=config))
    # Every area keeps its own catalogue (web/<area>/translations); Flask-Babel merges them.
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(
        str(p) for p in sorted(TRANSLATION_ROOT.glob("**/translations")) if p.is_dir()
    )

    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(__file__).parent.parent / "migrations"))
    login_manager.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)

    login_manager.login_view = "auth.login"
    login_manager.login_message_category = "info"

    from web import models  # noqa: F401  (registers the tables)

    _register_blueprints(app)
    _register_template_helpers(app)
    _register_cli(app)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    return app


def select_locale() -> str:
    """Danish by default; the language switch stores the choice in the session."""
    if not has_request_context():
        return "da"  # jobs and CLI commands
    lang = session.get("lang")
    if lang in ("da", "en"):
        return lang
    if current_user and getattr(current_user, "is_authenticated", False):
        return current_user.locale or "da"
    return "da"


def _register_blueprints(app: Flask) -> None:
    from web.auth.routes import bp as auth_bp
    from web.main.routes import bp as main_bp
    from web.mentors.routes import bp as mentors_bp
    from web.participants.routes import bp as participants_bp
    from web.runs.routes import bp as runs_bp
    import web.runs.retry  # noqa: F401  (adds POST /runs/<id>/retry to the runs blueprint)

    for bp in (auth_bp, main_bp, participants_bp, runs_bp, mentors_bp):
        app.register_blueprint(bp)


def _register_template_helpers(app: Flask) -> None:
    from web import vocab
    from web.i18n import format_date, format_datetime, format_number

    from web.nav import menu_for

    app.jinja_env.globals.update(vocab=vocab, menu_for=menu_for)
    app.jinja_env.filters.update(
        date=format_date, datetime=format_datetime, number=format_number
    )

    @app.before_request
    def _choose_language() -> None:
        # Flask-Babel caches the locale on the app context, which may outlive one request.
        flask_babel.refresh()
        g.lang = select_locale()

    @app.after_request
    def _security_headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "frame-ancestors 'none'; form-action 'self'",
        )
        if request.path.startswith(("/participants", "/runs", "/mentor")):
            response.headers.setdefault("Cache-Control", "no-store")
        return response


def _register_cli(app: Flask) -> None:
    from web.cli import register

    register(app)
