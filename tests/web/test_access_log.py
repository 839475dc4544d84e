"""The access log keeps no secret that an address carries (a walk found invitation links,
which set a password, in the log)."""

from datetime import timedelta
from types import SimpleNamespace

from gunicorn.config import Config

from web.gunicorn_log import RedactingLogger

ROOT = __import__("pathlib").Path(__file__).resolve().parents[2]


def test_invitation_calendar_and_import_tokens_are_not_logged():
    logger = RedactingLogger(Config())
    environ = {"REQUEST_METHOD": "GET", "RAW_URI": "/invite/s3cret-Tok_en?x=1",
               "SERVER_PROTOCOL": "HTTP/1.1", "PATH_INFO": "/invite/s3cret-Tok_en",
               "QUERY_STRING": "x=1", "REMOTE_ADDR": "10.0.0.1",
               "HTTP_REFERER": "https://mm.example/calendar/abcDEF123.ics"}
    search = {**environ, "RAW_URI": "/participants/?q=AAR-1054", "PATH_INFO": "/participants/",
              "QUERY_STRING": "q=AAR-1054", "HTTP_REFERER": "https://mm.example/x?q=AAR-1054"}
    req = SimpleNamespace(headers=[("REFERER", "https://mm.example/imports/tok42/commit")])
    resp = SimpleNamespace(status="200 OK", sent=12, headers=[])
    atoms = logger.atoms(resp, req, environ, timedelta(milliseconds=5))
    logged = " ".join(str(v) for v in atoms.values())
    for secret in ("s3cret-Tok_en", "abcDEF123", "tok42", "x=1"):
        assert secret not in logged
    assert atoms["r"] == "GET /invite/…?… HTTP/1.1" and atoms["U"] == "/invite/…"
    assert atoms["q"] == "…"
    assert atoms["f"] == "https://mm.example/calendar/…" and atoms["s"] == "200"
    assert atoms["{referer}i"] == "https://mm.example/imports/…/commit"
    found = logger.atoms(resp, SimpleNamespace(headers=[]), search, timedelta(milliseconds=5))
    assert "AAR-1054" not in " ".join(str(v) for v in found.values())  # a search


def test_the_web_process_logs_through_it():
    procfile = (ROOT / "Procfile").read_text()
    web = next(line for line in procfile.splitlines() if line.startswith("web:"))
    assert "--logger-class web.gunicorn_log.RedactingLogger" in web
