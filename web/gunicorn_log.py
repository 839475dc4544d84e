"""Gunicorn's access log without the secrets some addresses carry.

An invitation link (/invite/<token>) sets a password, a calendar feed (/calendar/<token>.ics)
shows a mentor's participants, and an import preview (/imports/<token>) holds a
consultant's upload: whoever reads the log must not be able to use them. Each is logged as
``/invite/…`` in the request line, the path and the Referer alike. Query strings go too: a
search holds a participant's code, and a client may put a token there.
"""

from __future__ import annotations

import re

from gunicorn.glogging import Logger

SECRET = re.compile(r"/(invite|calendar|imports)/[^/?#\s\"]+")
QUERY = re.compile(r"\?[^\s\"#]+")  # a search (a participant's code), a stray token


def redact(text: str) -> str:
    return QUERY.sub("?…", SECRET.sub(lambda m: f"/{m.group(1)}/…", text))


class RedactingLogger(Logger):
    """``--logger-class web.gunicorn_log.RedactingLogger`` (see Procfile)."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        atoms = {k: redact(v) if isinstance(v, str) else v for k, v in atoms.items()}
        for key in ("q", "{query_string}e"):  # the query string alone
            if atoms.get(key):
                atoms[key] = "…"
        return atoms
