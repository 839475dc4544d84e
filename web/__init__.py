"""Mentor Match web application."""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path

import flask_babel
from flask import Flask, g, has_request_context, request, session
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.routing import IntegerConverter

from web import security
from web.config import load_config
from web.extensions import babel, csrf, db, login_manager, mail, migrate

TRANSLATION_ROOT = Path(__file__).parent


class DatabaseIdConverter(IntegerConverter):
    """`<int:x>` bounded to what a database id column can hold."""

    def __init__(self, map, *args, **kwargs):  # noqa: A002 (werkzeug's signature)
        from web.models.base import MAX_ID

        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def create_app(config: dict | None = None) -> Flask:
    """Build the app; nothing happens at import time, migrations are never run here."""
    app = Flask(__name__, instance_relative_config=True)
    # Ids in URLs fit the database's id columns; anything larger is a 404, never an overflow.
    app.url_map.converters["int"] = DatabaseIdConverter
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.update(load_config(app.instance_path, overrides=config))
    _danish_days(app.config["BABEL_DEFAULT_TIMEZONE"])
    # Every area keeps its own catalogue (web/<area>/translations); Flask-Babel merges them.
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(
        str(p) for p in sorted(TRANSLATION_ROOT.glob("**/translations")) if p.is_dir()
    )

    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(__file__).parent.parent / "migrations"))
    login_manager.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    mail.init_app(app)

    login_manager.login_view = "auth.login"
    login_manager.login_message_category = "info"
    login_manager.login_message = _l("Log in to see this page.")  # Flask-Login's is English

    from web import models  # noqa: F401  (registers the tables)

    _register_blueprints(app)
    from web.audit import hooks as audit_hooks

    security.init_app(app)
    audit_hooks.init_app(app)
    from web.api import init_api

    init_api(app)
    _register_template_helpers(app)
    _register_cli(app)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    return app


def _danish_days(zone: str) -> None:
    """"Today" is the Danish date in this process (web and workers): the pages show days in
    Danish time and count them so (web.i18n.utc_day_bounds), while date.today() read the
    server's clock, on UTC. From 23.00 to midnight UTC (00.00-01.00 Danish time, 22.00 in
    summer) a period "to today" missed what had happened since midnight. Stored times stay
    UTC (web.models.base.utcnow)."""
    if os.environ.get("TZ") != zone:
        os.environ["TZ"] = zone
        time.tzset()


def select_locale() -> str:
    """Danish by default; the language switch stores the choice in the session. The API
    answers in English, as its field names and rules are: the messages of one answer were
    half English and half the token's user's language (the CPR rule, the services' refusals),
    and a program's errors changed language when its user switched the site's."""
    if not has_request_context():
        return "da"  # jobs and CLI commands
    if request.path.startswith("/api/") and request.endpoint != "api_docs.docs":
        return "en"
    lang = session.get("lang")
    if lang in ("da", "en"):
        return lang
    if current_user and getattr(current_user, "is_authenticated", False):
        return current_user.locale or "da"
    return "da"


# Every area's blueprint, as "module:attribute"; one line per area.
BLUEPRINTS = (
    "web.auth.routes:bp",
    "web.main.routes:bp",
    "web.participants.routes:bp",
    "web.runs.routes:bp",
    "web.imports.routes:bp",
    "web.mentors.routes:bp",
    "web.employers.routes:bp",
    "web.admin.routes:bp",
    "web.invitations.routes:bp",
    "web.absences.routes:bp",
    "web.cover.routes:bp",
    "web.hours.routes:bp",
    "web.reimbursement.routes:bp",
    "web.dashboard.routes:bp",
    "web.calendar.routes:bp",
    "web.audit.routes:bp",
    "web.gdpr.routes:bp",
    "web.tokens.routes:bp",
)


def _register_blueprints(app: Flask) -> None:
    from importlib import import_module

    for ref in BLUEPRINTS:
        module, attr = ref.split(":")
        app.register_blueprint(getattr(import_module(module), attr))


def _register_template_helpers(app: Flask) -> None:
    from web import vocab
    from web.i18n import format_date, format_datetime, format_month, format_number
    from web.longwords import breakable
    from web.nav import menu_for

    app.jinja_env.globals.update(vocab=vocab, menu_for=menu_for)
    app.jinja_env.filters.update(
        date=format_date, datetime=format_datetime, month=format_month, number=format_number,
        breakable=breakable,
    )

    @app.before_request
    def _choose_language() -> None:
        # Flask-Babel caches the locale on the app context, which may outlive one request.
        flask_babel.refresh()
        g.lang = select_locale()


def _register_cli(app: Flask) -> None:
    from web.cli import register

    register(app)
