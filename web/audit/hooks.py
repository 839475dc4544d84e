"""Record every read and change of participant data, from central hooks.

Nothing here is called by views. Reads: any row of ``participant`` or of a table with a
foreign key to ``participant.id`` that is loaded while a logged-in user's request runs is
noted, and the notes are written once per request (after_request). Changes: a session
``after_flush`` hook logs created, updated (field NAMES only) and deleted rows of the same
tables in the flush's own transaction, so a rolled-back change leaves no entry; bulk
``update()``/``delete()`` statements are logged per affected participant. Tables that other
areas add are covered by discovering their foreign keys, never by a list.
"""

from __future__ import annotations

from flask import Flask, g, has_request_context, request
from flask_login import current_user
from sqlalchemy import Table, event, insert, inspect, select
from sqlalchemy.orm import Session

from web.extensions import db
from web.models.audit import AuditEntry
from web.models.base import utcnow

IGNORED_FIELDS = {"updated_at", "created_at"}


class AuditLogIsAppendOnly(RuntimeError):
    """Somebody tried to change or delete an audit entry."""


# ---------------------------------------------------------------- which tables are personal

_columns_cache: dict[tuple[int, frozenset], dict[str, str]] = {}


def participant_columns(metadata=None) -> dict[str, str]:
    """``{table name: column holding the participant id}`` for participant and every table
    with a foreign key to participant.id (found in the metadata, so new tables count)."""
    metadata = metadata if metadata is not None else db.metadata
    key = (id(metadata), frozenset(metadata.tables))  # called for every loaded row
    if key not in _columns_cache:
        _columns_cache.clear()
        _columns_cache[key] = _find_participant_columns(metadata)
    return _columns_cache[key]


def _find_participant_columns(metadata) -> dict[str, str]:
    out = {"participant": "id"}
    for table in metadata.tables.values():
        for fk in table.foreign_keys:
            if fk.column.table.name == "participant" and fk.column.name == "id":
                out.setdefault(table.name, fk.parent.name)
    return out


def _participant_id(obj) -> tuple[str, int | None] | None:
    table = getattr(obj, "__table__", None)
    if not isinstance(table, Table):
        return None
    column = participant_columns(table.metadata).get(table.name)
    if column is None:
        return None
    return table.name, getattr(obj, column, None)


# ---------------------------------------------------------------- who and from where

def _capture_actor() -> None:
    """Note who is asking at the start of each request (hooks inside a flush must not query)."""
    if db.session.identity_map:
        # A session that outlives a request (tests, CLI) would serve rows from memory and
        # hide the read from the load hook; a request's own session starts empty anyway.
        db.session.expire_all()
    # Same reason: g lives as long as the app context, which may span several requests.
    g.audit_suppressed = False
    g.pop("audit_reads", None)
    g.pop("audit_denied", None)
    user = current_user._get_current_object() if current_user else None
    authenticated = bool(getattr(user, "is_authenticated", False))
    g.audit_actor = {
        "user_id": user.id if authenticated else None,
        "role": user.role if authenticated else None,
        "endpoint": (request.endpoint or "")[:120] or None,
        "ip": (request.remote_addr or "")[:45] or None,
    }


def act_as(user) -> None:
    """The request's user, known only inside the view (an API token): reads and changes from
    here on name them. API calls were logged as "system", and their reads not at all."""
    if has_request_context():
        g.audit_actor = {**(g.get("audit_actor") or {
            "endpoint": (request.endpoint or "")[:120] or None,
            "ip": (request.remote_addr or "")[:45] or None}),
            "user_id": user.id, "role": user.role}


def _actor() -> dict:
    if has_request_context():
        return dict(g.get("audit_actor") or {"user_id": None, "role": None, "endpoint": None,
                                               "ip": (request.remote_addr or "")[:45] or None})
    return {"user_id": None, "role": "system", "endpoint": None, "ip": None}


def entry(action: str, participant_id: int | None, table: str = "participant",
          fields: list[str] | None = None) -> dict:
    """One audit row as a dict (ids and names only)."""
    return {"at": utcnow(), "action": action, "participant_id": participant_id, "table": table,
            "fields": sorted(fields or []), **_actor()}


def write(session: Session, rows: list[dict]) -> None:
    """Append rows in the session's current transaction."""
    if rows:
        session.connection().execute(insert(AuditEntry.__table__), rows)


def suppressed() -> bool:
    return has_request_context() and g.get("audit_suppressed", False)


# ---------------------------------------------------------------- reads

def _note_read(target, *_args) -> None:
    if not has_request_context() or suppressed():
        return
    if not (g.get("audit_actor") or {}).get("user_id"):
        return
    found = _participant_id(target)
    if found and found[1] is not None:
        g.setdefault("audit_reads", set()).add(found[1])


def note_denied(participant_id: int) -> None:
    """A user asked for a participant they may not see (the view answers 404)."""
    if has_request_context():
        g.setdefault("audit_denied", set()).add(participant_id)


def _flush_reads(response):
    reads, denied = g.pop("audit_reads", set()), g.pop("audit_denied", set())
    if not reads and not denied:
        return response
    if response.status_code in (403, 404):
        # Refused: the rows were loaded only to find their owner and nothing was shown (a
        # consultant approving another's timesheet was logged as reading that participant).
        denied, reads = denied | reads, set()
    rows = [entry("denied", pid) for pid in sorted(denied)]
    rows += [entry("read", pid) for pid in sorted(reads - denied)]
    # The view is done; whatever it left uncommitted would be rolled back at teardown anyway.
    db.session.rollback()
    write(db.session, rows)
    db.session.commit()
    return response


# ---------------------------------------------------------------- changes

def _changed_fields(obj) -> list[str]:
    state = inspect(obj)
    return [a.key for a in state.mapper.column_attrs
            if a.key not in IGNORED_FIELDS and state.attrs[a.key].history.has_changes()]


def _before_flush(session, _ctx, _instances) -> None:
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, AuditEntry) and (obj in session.deleted or session.is_modified(obj)):
            raise AuditLogIsAppendOnly("the audit log is append-only")


def _after_flush(session, _ctx) -> None:
    if session.info.get("audit_suppressed") or suppressed():
        return
    rows = []
    for action, objs in (("create", session.new), ("update", session.dirty),
                         ("delete", session.deleted)):
        for obj in objs:
            found = _participant_id(obj)
            if not found:
                continue
            fields = _changed_fields(obj) if action != "delete" else []
            if action == "update" and not fields:
                continue
            rows.append(entry(action, found[1], found[0], fields))
    write(session, rows)


def _bulk_statement(state) -> None:
    """Log ORM/Core update() and delete() run through the session, per participant."""
    if not (state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    if not isinstance(table, Table):
        return
    if table.name == AuditEntry.__tablename__:
        raise AuditLogIsAppendOnly("the audit log is append-only")
    if state.session.info.get("audit_suppressed") or suppressed():
        return
    column = participant_columns(table.metadata).get(table.name)
    if column is None:
        return
    conn = state.session.connection()
    if isinstance(state.parameters, list):  # bulk by primary key: one dict per row
        ids = set()
        for params in state.parameters:
            keys = [c == params[c.key] for c in table.primary_key.columns if c.key in params]
            ids.update(conn.execute(select(table.c[column]).where(*keys)).scalars() if keys else ())
    else:
        query = select(table.c[column]).distinct()
        if state.statement.whereclause is not None:
            query = query.where(state.statement.whereclause)
        ids = conn.execute(query).scalars().all()
    values = getattr(state.statement, "_values", None) or {}
    fields = [getattr(k, "key", str(k)) for k in values] if state.is_update else []
    fields = [f for f in fields if f not in IGNORED_FIELDS]
    action = "update" if state.is_update else "delete"
    write(state.session, [entry(action, pid, table.name, fields)
                          for pid in sorted(ids) if pid is not None])


# ---------------------------------------------------------------- wiring

def _install_session_events() -> None:
    for name, fn in (("before_flush", _before_flush), ("after_flush", _after_flush),
                     ("do_orm_execute", _bulk_statement)):
        if not event.contains(Session, name, fn):
            event.listen(Session, name, fn)
    for name in ("load", "refresh"):
        if not event.contains(db.Model, name, _note_read):
            event.listen(db.Model, name, _note_read, propagate=True)


def init_app(app: Flask) -> None:
    """Install the hooks (idempotent: several apps in one process share the events)."""
    _install_session_events()
    app.before_request(_capture_actor)
    app.after_request(_flush_reads)
