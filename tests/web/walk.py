"""Walk the app's routes generically: every rule in app.url_map, filled with record ids.

Used by the visibility and bad-input tests, so routes that other areas add later are
covered without editing those tests.
"""

from __future__ import annotations

import itertools

import sqlalchemy as sa
from flask import g
from werkzeug.routing.converters import AnyConverter, IntegerConverter

from web.extensions import db as _db
from web.models import Proposal, SolveRun

# The API's own documentation describes field names (e.g. "priority"), never anybody's data.
SKIP_ENDPOINTS = {"static", "api-docs.openapi_json", "api_docs.docs"}
STRING_VALUES = ("da", "en", "x")


def login_as(client, user) -> None:
    """Log a test client in without POST /login (no rate limit, no password hashing)."""
    with client.session_transaction() as s:
        s.clear()
        if user is not None:
            s["_user_id"], s["_fresh"] = str(user.id), True
    g.pop("_login_user", None)  # the test's app context outlives requests


def set_language(client, lang: str) -> None:
    with client.session_transaction() as s:
        s["lang"] = lang


def max_id() -> int:
    """The largest primary key in any table: int arguments are tried from 1 to this."""
    top = 1
    for table in _db.metadata.sorted_tables:
        if table.name == "audit_log":  # grows with every request; no page takes its ids
            continue
        pk = list(table.primary_key.columns)
        if len(pk) == 1 and isinstance(pk[0].type, sa.Integer):
            top = max(top, _db.session.scalar(sa.select(sa.func.max(pk[0]))) or 0)
    return top


def _values(converter, ids):
    """Ids for integer parts, the listed words for <any(...)>, sample strings otherwise."""
    if isinstance(converter, IntegerConverter):
        return ids
    if isinstance(converter, AnyConverter):
        return sorted(converter.items)
    return STRING_VALUES


def urls(app, method: str, limit_per_rule: int = 60) -> list[tuple[str, str]]:
    """(endpoint, url) for every rule accepting ``method``, with every id combination."""
    ids = range(1, max_id() + 1)
    out = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in SKIP_ENDPOINTS or method not in (rule.methods or ()):
            continue
        names = sorted(rule.arguments)
        choices = [_values(rule._converters.get(n), ids) for n in names]
        for combo in itertools.islice(itertools.product(*choices), limit_per_rule):
            out.append((rule.endpoint, rule.build(dict(zip(names, combo, strict=True)))[1]))
    return out


def build_world(make, db) -> dict:
    """Two consultants' caseloads, an employer with a colleague-mentor, an external mentor,
    an active assignment, an approved proposal, a finished run and an admin."""
    ca, cb = make.user("consultant"), make.user("consultant")
    secret = make.participant(consultant=ca, code="VISA-ONE", priority=5,
                              needs=["trauma", "lang:kl"], attributes=["abstinent", "food_hygiene"])
    quiet = make.participant(consultant=ca, code="VISA-TWO")
    theirs = make.participant(consultant=cb, code="VISB-ONE", needs=["trauma"])
    employer = make.employer(name="Firma A/S")
    employer_user = make.user("employer", employer_id=employer.id)
    placement = make.placement(employer=employer, requirements=[])
    mentor_user, other_mentor_user = make.user("mentor"), make.user("mentor")
    mentor = make.mentor(employer=employer, user=mentor_user, skills=["addiction"])
    other_mentor = make.mentor(user=other_mentor_user, skills=["psychiatry"])
    run = SolveRun(requested_by_id=ca.id, scope=[secret.id, quiet.id], status="done",
                   phase="done", progress=100, matched_count=1, solver_status="OPTIMAL",
                   objective=1.0, bound=1.0, seconds=0.1,
                   unmatched=[{"participant_id": quiet.id,
                               "reasons": [{"en": "No mentor", "da": "Ingen mentor"}]}])
    db.session.add(run)
    db.session.commit()
    db.session.add_all([
        Proposal(run_id=run.id, participant_id=secret.id, placement_id=placement.id,
                 mentor_id=mentor.id, hours=6, status="active",
                 reasons=[{"en": "Close by", "da": "Tæt på"}]),
        Proposal(run_id=None, participant_id=theirs.id, placement_id=placement.id,
                 mentor_id=other_mentor.id, hours=4, status="approved"),
    ])
    db.session.commit()
    return dict(consultant_a=ca, consultant_b=cb, employer=employer_user, mentor=mentor_user,
                other_mentor=other_mentor_user, admin=make.user("admin"), anonymous=None,
                secret=secret, quiet=quiet, theirs=theirs)
