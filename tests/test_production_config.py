"""Production refuses to start without its three settings, and says which are missing; any
setting that is not a number where one is needed, or not a solver budget, is named at start."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from web.config import ConfigError, load_config

ROOT = Path(__file__).resolve().parents[1]
FULL = {"MM_ENV": "production", "SECRET_KEY": "s" * 32,
        "DATABASE_URL": "postgresql://mm@db.internal/mm",
        "REDIS_URL": "redis://cache.internal:6379/0"}


@pytest.mark.parametrize("missing", ["SECRET_KEY", "DATABASE_URL", "REDIS_URL"])
def test_each_missing_setting_is_named(tmp_path, missing):
    env = {k: v for k, v in FULL.items() if k != missing}
    with pytest.raises(ConfigError, match=f"missing in production: {missing}$"):
        load_config(tmp_path, env=env)


def test_all_missing_are_named_together(tmp_path):
    with pytest.raises(ConfigError, match="SECRET_KEY, DATABASE_URL, REDIS_URL"):
        load_config(tmp_path, env={"MM_ENV": "production"})


def test_empty_value_counts_as_missing(tmp_path):
    with pytest.raises(ConfigError, match="REDIS_URL"):
        load_config(tmp_path, env={**FULL, "REDIS_URL": ""})


def test_complete_production_settings(tmp_path):
    settings = load_config(tmp_path, env=FULL)
    assert settings["MM_ENV"] == "production"
    assert settings["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://mm@db.internal/mm"
    assert settings["REDIS_URL"] == FULL["REDIS_URL"]
    assert settings["SECRET_KEY"] == FULL["SECRET_KEY"]
    assert settings["SESSION_COOKIE_SECURE"] and settings["REMEMBER_COOKIE_SECURE"]
    assert not (tmp_path / "secret_key").exists()  # production never writes its own secret


@pytest.mark.parametrize(("name", "value", "message"), [
    ("SOLVE_TIME_LIMIT", "0", "SOLVE_TIME_LIMIT: must be a finite number of seconds above 0, "
                              "got 0.0"),
    ("COVER_TIME_LIMIT", "inf", "COVER_TIME_LIMIT: must be a finite number of seconds above "
                                "0, got inf"),
    ("SOLVER_WORKERS", "0", "SOLVER_WORKERS: must be a whole number of at least 1, got 0"),
    ("SOLVER_WORKERS", "two", "SOLVER_WORKERS: must be a whole number, got 'two'"),
    ("HOLD_DAYS", "", "HOLD_DAYS: must be a whole number, got ''"),
    ("COVER_DEADLINE_HOURS", "4h", "COVER_DEADLINE_HOURS: must be a number, got '4h'"),
])
def test_a_wrong_number_is_named_at_start(tmp_path, name, value, message):
    """Before, a wrong solver budget passed the start and failed every solve, and a
    setting that is not a number stopped it with a bare ValueError."""
    with pytest.raises(ConfigError) as err:
        load_config(tmp_path, env={**FULL, name: value})
    assert str(err.value) == message


def test_the_solver_settings_are_read(tmp_path):
    settings = load_config(tmp_path, env={**FULL, "SOLVE_TIME_LIMIT": "30",
                                          "COVER_TIME_LIMIT": "2.5", "SOLVER_WORKERS": "1"})
    assert (settings["SOLVE_TIME_LIMIT"], settings["COVER_TIME_LIMIT"],
            settings["SOLVER_WORKERS"]) == (30.0, 2.5, 1)


def _start(argv: list[str], tmp_path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items()
           if k not in ("SECRET_KEY", "DATABASE_URL", "REDIS_URL")}
    env.update(MM_ENV="production", REDIS_URL="redis://127.0.0.1:1/0", HOME=str(tmp_path))
    return subprocess.run([sys.executable, *argv], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)


def test_worker_process_fails_at_start_with_the_message(tmp_path):
    """`python -m workers.worker` (the Procfile's worker) stops before touching Redis."""
    proc = _start(["-m", "workers.worker"], tmp_path)
    assert proc.returncode != 0
    assert "ConfigError: missing in production: SECRET_KEY, DATABASE_URL" in proc.stderr


def test_web_app_factory_fails_at_start_with_the_message(tmp_path):
    """gunicorn's 'web:create_app()' raises the same error when it loads the app."""
    proc = _start(["-c", "from web import create_app; create_app()"], tmp_path)
    assert proc.returncode != 0
    assert "ConfigError: missing in production: SECRET_KEY, DATABASE_URL" in proc.stderr
