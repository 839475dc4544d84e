"""Bad input on every form, as every role: never a 500, never a partial write, always escaped.

The POST endpoints come from app.url_map and the field names from every Form subclass,
so forms that other areas add are fuzzed without editing this file.
"""

from __future__ import annotations

import inspect

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wtforms import fields as wtf
from wtforms.fields.core import UnboundField

from tests.web.walk import build_world, login_as, urls
from web.extensions import db as _db
from web.forms_common import Form, MultiCheckboxField, TownField

ROLES = ("consultant_a", "consultant_b", "mentor", "employer", "admin", "anonymous")
SCRIPT = "<script>alert(1)</script>"
ATTACKS = [SCRIPT, "' OR 1=1 --", "\"; DROP TABLE participant; --", "\u202eevil\u202c",
           "\u200f\u202b", "\x00", "%s%n", "{{ 7*7 }}", "../../etc/passwd"]
NOT_COUNTED = {"audit_log"}  # reads are logged even when a form is refused


def _all_forms() -> list[type]:
    seen, todo = [], [Form]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            if sub not in seen:
                seen.append(sub)
                todo.append(sub)
    return seen


def _plausible(field: UnboundField) -> list[str]:
    """A value each field type would accept, so fuzzing also reaches past the first check."""
    kind = field.field_class
    choices = field.kwargs.get("choices") or (field.args[1] if len(field.args) > 1 else None)
    if isinstance(choices, list | tuple) and choices:
        first = choices[1] if len(choices) > 1 else choices[0]
        value = getattr(first, "value", first[0] if isinstance(first, tuple) else first)
        return [str(value)]
    if issubclass(kind, TownField):
        return ["Aarhus (Aarhus Kommune)"]
    if issubclass(kind, wtf.IntegerField | wtf.DecimalField | wtf.FloatField):
        return ["4"]
    if issubclass(kind, wtf.DateField):
        return ["2026-03-02"]
    if issubclass(kind, wtf.EmailField):
        return ["someone@example.dk"]
    if issubclass(kind, wtf.BooleanField):
        return ["y"]
    if issubclass(kind, MultiCheckboxField | wtf.SelectMultipleField):
        return []
    return ["ABC-1"]


def known_fields() -> dict[str, list[str]]:
    """Every field name of every form in the app, with a plausible value."""
    out: dict[str, list[str]] = {}
    for cls in _all_forms():
        for name, unbound in inspect.getmembers(cls, lambda v: isinstance(v, UnboundField)):
            if name not in ("submit", "csrf_token"):
                out.setdefault(name, _plausible(unbound))
    return out


def row_counts() -> dict[str, int]:
    return {t.name: _db.session.scalar(sa.select(sa.func.count()).select_from(t))
            for t in _db.metadata.sorted_tables if t.name not in NOT_COUNTED}


@pytest.fixture
def world(db, make):
    return build_world(make, db)


values = st.one_of(
    st.text(max_size=60),
    st.sampled_from(ATTACKS),
    st.integers(min_value=-10**30, max_value=10**30).map(str),
    st.sampled_from(["", " ", "NaN", "inf", "-0", "1e400", "2026-02-30", "9" * 400]),
    st.integers(min_value=1000, max_value=200_000).map(lambda n: "x" * n),
)


@settings(max_examples=150, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_fuzz_every_post_endpoint_as_every_role(app, client, world, data):
    if "post_targets" not in world:  # fixed once: the examples add rows, and so ids
        world["post_targets"] = [(ep, url) for ep, url in urls(app, "POST", limit_per_rule=8)
                                 if ep != "auth.logout"]
    targets, fields = world["post_targets"], known_fields()
    role = data.draw(st.sampled_from(ROLES), label="role")
    endpoint, url = data.draw(st.sampled_from(targets), label="url")
    form = {name: list(v) for name, v in fields.items()}
    for name in data.draw(st.lists(st.sampled_from(sorted(fields)), max_size=6, unique=True)):
        form[name] = data.draw(st.lists(values, min_size=1, max_size=3), label=name)
    login_as(client, world[role])
    before = row_counts()
    r = client.post(url, data=form)
    _db.session.rollback()
    assert r.status_code < 500, f"{endpoint} {url} as {role}: {r.status_code}"
    if r.status_code >= 400 or r.status_code == 200:  # refused or shown again with messages
        assert row_counts() == before, f"{endpoint} {url} as {role} wrote rows and said no"


def test_every_form_echoes_attacks_escaped(app, client, world):
    """Every field of every form set to each attack: the answer never contains it raw."""
    targets = [(ep, url) for ep, url in urls(app, "POST", limit_per_rule=3) if ep != "auth.logout"]
    fields = known_fields()
    for role in ("consultant_a", "admin", "mentor", "employer"):
        login_as(client, world[role])
        for attack in (SCRIPT, "\"><img src=x onerror=alert(1)>"):
            for endpoint, url in targets:
                r = client.post(url, data={name: attack for name in fields})
                assert r.status_code < 500, (endpoint, role)
                assert attack not in r.get_data(as_text=True), (endpoint, role)


SKIP_COLUMNS = {"locale", "status", "role", "phase", "solver_status", "area", "password_hash",
                "job_id", "action", "table", "endpoint", "ip", "reason", "decision_reason"}
STORED = "<script>x()</script>'OR 1=1--\u202e"


def _poison_every_text_column() -> int:
    """Write the attack into every free-text column of every row (coded columns excepted)."""
    done = 0
    for table in _db.metadata.sorted_tables:
        for col in table.columns:
            if not isinstance(col.type, sa.String) or col.primary_key or col.name in SKIP_COLUMNS:
                continue
            if col.type.length and col.type.length < len(STORED):
                continue
            value = STORED if not col.unique else None
            try:
                with _db.session.begin_nested():
                    if value is None:  # unique: keep rows distinct
                        pk = table.primary_key.columns.values()[0]
                        unique = sa.literal(STORED[:20]) + sa.cast(pk, sa.String)
                        _db.session.execute(table.update().values({col.name: unique}))
                    else:
                        _db.session.execute(table.update().values({col.name: value}))
                done += 1
            except sa.exc.DBAPIError:
                pass
    _db.session.commit()
    return done


def test_stored_attacks_are_shown_escaped_on_every_page(app, client, world):
    assert _poison_every_text_column() >= 5
    raw, escaped = "<script>x()</script>", "&lt;script&gt;x()&lt;/script&gt;"
    shown = 0
    for role in ROLES:
        login_as(client, world[role])
        for endpoint, url in urls(app, "GET", limit_per_rule=12):
            r = client.get(url)
            body = r.get_data(as_text=True)
            assert r.status_code < 500, (endpoint, url, role)
            if r.mimetype == "text/html":  # JSON carries text as JSON; its reader must escape
                assert raw not in body, (endpoint, url, role)
            shown += escaped in body
    assert shown > 5  # the pages did show the stored values, escaped


def test_sql_injection_is_just_text(client, world):
    r = client.post("/login", data={"email": "' OR 1=1 --@example.dk", "password": "' OR 1=1 --"})
    assert r.status_code in (200, 401)
    login_as(client, world["consultant_a"])
    r = client.get("/gdpr/", query_string={"code": "' OR 1=1 --"})
    assert r.status_code == 200 and "Ingen deltager med denne kode" in r.get_data(as_text=True)
    login_as(client, world["admin"])
    r = client.get("/admin/audit/", query_string={"participant": "1 OR 1=1"})
    assert r.status_code == 200 and 'class="error"' in r.get_data(as_text=True)
