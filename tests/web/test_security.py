"""Security headers, cookies, secrets and the login rate limit."""

import pytest

from web import create_app, security
from web.config import ConfigError, load_config

EXPECTED = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Cache-Control": "no-store",
}


@pytest.mark.parametrize("path", ["/login", "/healthz", "/participants/", "/no-such-page"])
def test_every_response_carries_every_header(client, path):
    r = client.get(path)
    for name, value in EXPECTED.items():
        assert r.headers.get(name) == value, name
    assert "Strict-Transport-Security" not in r.headers  # only over HTTPS (production)


def test_static_files_may_be_cached_and_production_adds_hsts(app_config):
    app = create_app({**app_config, "SESSION_COOKIE_SECURE": True})
    r = app.test_client().get("/static/style.css")
    assert r.headers["Content-Security-Policy"] == EXPECTED["Content-Security-Policy"]
    assert "no-store" not in r.headers.get("Cache-Control", "")
    assert r.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    r.close()


def test_session_cookie_is_httponly_and_samesite_lax(client, make):
    u = make.user("consultant")
    r = client.post("/login", data={"email": u.email, "password": "pw"})
    cookie = next(c for c in r.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # development serves plain HTTP


PRODUCTION = {"MM_ENV": "production", "SECRET_KEY": "s" * 64, "DATABASE_URL": "sqlite://",
              "REDIS_URL": "redis://localhost:6379/0"}


def test_production_cookies_are_secure(tmp_path):
    settings = load_config(tmp_path, env=PRODUCTION)
    assert settings["SESSION_COOKIE_SECURE"] and settings["REMEMBER_COOKIE_SECURE"]
    assert settings["SESSION_COOKIE_HTTPONLY"] and settings["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_production_without_secret_key_fails_at_start(monkeypatch):
    for name, value in PRODUCTION.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("SECRET_KEY")
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app()


def test_embedded_default_generates_one_secret_under_instance(tmp_path):
    first = load_config(tmp_path, env={})["SECRET_KEY"]
    assert len(first) == 64 and (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    assert load_config(tmp_path, env={})["SECRET_KEY"] == first


def test_limiter_storage_is_the_apps_redis(app):
    expected = app.config["REDIS_URL"].replace("unix://", "redis+unix://", 1)
    assert security.redis_storage_uri(app) == expected
    app.config["REDIS_URL"] = "redis://cache:6379/2"
    assert security.redis_storage_uri(app) == "redis://cache:6379/2"


def _post(client, email, ip="10.0.0.1", password="wrong"):
    return client.post("/login", data={"email": email, "password": password},
                       environ_base={"REMOTE_ADDR": ip})


def test_wrong_password_and_unknown_account_look_the_same(client, make):
    u = make.user("consultant")
    a = _post(client, u.email)
    b = _post(client, "nobody@example.dk", ip="10.0.0.2")
    assert a.status_code == b.status_code == 401
    assert "Forkert e-mail eller adgangskode." in a.get_data(as_text=True)
    assert a.get_data(as_text=True).replace(u.email, "X") == \
        b.get_data(as_text=True).replace("nobody@example.dk", "X")


def test_unknown_account_costs_a_password_hash_too(client, make, monkeypatch):
    calls = []
    real = security.check_password_hash
    monkeypatch.setattr(security, "check_password_hash", lambda h, p: calls.append(p) or real(h, p))
    _post(client, "nobody@example.dk", password="guess")
    assert calls == ["guess"]


def test_login_is_limited_per_ip(client, make):
    for i in range(10):
        assert _post(client, f"user{i}@example.dk").status_code == 401
    r = _post(client, "user99@example.dk")
    assert r.status_code == 429
    assert "For mange forsøg" in r.get_data(as_text=True)
    assert _post(client, "user99@example.dk", ip="10.9.9.9").status_code == 401  # others go on
    assert client.get("/login", environ_base={"REMOTE_ADDR": "10.0.0.1"}).status_code == 200


def test_login_is_limited_per_email_across_ips(client, make):
    u = make.user("consultant")
    for i in range(10):
        assert _post(client, u.email, ip=f"10.0.1.{i}").status_code == 401
    r = _post(client, u.email.upper(), ip="10.0.2.1", password="pw")
    assert r.status_code == 429  # even the right password waits: the guesser must not learn it
    assert _post(client, "nobody@example.dk", ip="10.0.2.2").status_code == 401
