"""Find, export and erase everything stored about one participant.

Rows are found through foreign keys, not a list: the participant row, every row of a table
that references participant.id, and every row referencing one of those, and so on. Tables
that other areas add later are therefore exported and erased without touching this file.
Beyond rows: solve runs keep participant ids in JSON (scope, unmatched), and Redis keeps
RQ jobs and results of runs; the audit log keeps ids only and is kept (it has no foreign key).
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime
from decimal import Decimal

from flask import g, has_request_context
from flask_babel import lazy_gettext as _l
from rq.exceptions import NoSuchJobError
from rq.job import Job
from sqlalchemy import Table, delete, select, update

from web.audit import hooks
from web.extensions import db
from web.models import ErasedHours, SolveRun, utcnow
from web.models.audit import AuditEntry

log = logging.getLogger(__name__)

# Plain names of the kinds of record owned_rows() can find (tables reachable from participant
# by foreign keys), for the page that shows them. A table added later without a name here is
# shown by its table name until one is added (tests list the reachable tables).
KIND_LABELS = {
    "participant": _l("Participant"),
    "case_event": _l("Case events"),
    "proposal": _l("Proposals and assignments"),
    "exclusion": _l("Exclusions"),
    "outcome": _l("Outcomes"),
    "plan_step": _l("Support-hour plan steps"),
    "timesheet": _l("Timesheets"),
    "timesheet_line": _l("Timesheet lines"),
    "participant_hold": _l("Pauses"),
    "cover_need": _l("Cover needs"),
    "cover_request": _l("Cover requests"),
}


STAFF_ONLY = ("user_id", "ip")  # audit-log columns about the staff, not the participant


def _plain(value):
    if isinstance(value, datetime) and value.tzinfo is None:
        # Stored in UTC without a zone: say so, or 15:55 reads as Danish time (the API's
        # times carry +00:00 too).
        return value.replace(tzinfo=UTC).isoformat()
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


def _pk(table: Table, row: dict) -> tuple:
    return tuple(row[c.name] for c in table.primary_key.columns)


def owned_rows(participant_id: int) -> dict[str, list[dict]]:
    """``{table name: [row dicts]}`` of every row that belongs to the participant.

    Walks foreign keys from participant outwards (children only, never parents such as
    placement or mentor) until no new row turns up.
    """
    tables = db.metadata.tables
    rows: dict[str, dict[tuple, dict]] = {}
    root = tables["participant"]
    found = db.session.execute(select(root).where(root.c.id == participant_id)).mappings().all()
    if not found:
        return {}
    rows["participant"] = {_pk(root, dict(r)): dict(r) for r in found}
    changed = True
    while changed:
        changed = False
        for table in db.metadata.sorted_tables:
            for fk in table.foreign_keys:
                parent = fk.column.table.name
                if parent not in rows:
                    continue
                values = {r[fk.column.name] for r in rows[parent].values()} - {None}
                if not values:
                    continue
                q = select(table).where(fk.parent.in_(sorted(values)))
                for r in db.session.execute(q).mappings():
                    key = _pk(table, dict(r))
                    if key not in rows.setdefault(table.name, {}):
                        rows[table.name][key] = dict(r)
                        changed = True
    return {name: list(found.values()) for name, found in rows.items()}


def runs_with(participant_id: int) -> list[SolveRun]:
    """Solve runs whose scope included the participant (scope is JSON, so filtered here)."""
    runs = db.session.scalars(select(SolveRun).order_by(SolveRun.id)).all()
    return [r for r in runs if participant_id in (r.scope or [])]


def export_participant(participant_id: int) -> dict | None:
    """Everything about one participant as plain JSON-ready data (None if unknown)."""
    owned = owned_rows(participant_id)
    if not owned:
        return None
    audit = db.session.scalars(
        select(AuditEntry).where(AuditEntry.participant_id == participant_id)
        .order_by(AuditEntry.id)
    ).all()
    runs = [{
        "run_id": run.id, "created_at": _plain(run.created_at), "status": run.status,
        "unmatched": [u for u in (run.unmatched or [])
                      if u.get("participant_id") == participant_id],
    } for run in runs_with(participant_id)]
    return {
        "participant_id": participant_id,
        "exported_at": _plain(utcnow()),
        "tables": {name: [{k: _plain(v) for k, v in r.items()} for r in rs]
                   for name, rs in sorted(owned.items())},
        "solve_runs": runs,
        # Who at the job centre: their role, not their user id or address (a walk found
        # staff IP addresses in a participant's export).
        "audit_log": [{c.name: _plain(getattr(e, c.key)) for c in AuditEntry.__table__.columns
                       if c.name not in STAFF_ONLY} for e in audit],
    }


def _delete_jobs(run_ids: list[int], job_ids: set[str], participant_id: int) -> int:
    """Delete the RQ jobs of these runs and any job naming the participant (with results)."""
    from web.redis_conn import get_redis
    from workers.queue import job_id, job_namespace

    conn = get_redis()
    names = set(job_ids)
    for run_id in run_ids:  # only this app's jobs: another app on the same Redis has its own ids
        for key in conn.scan_iter(match=f"rq:job:{job_id('solve', run_id)}-*", count=500):
            names.add(key.decode().split(":", 2)[2])
    for key in conn.scan_iter(match=f"rq:job:{job_namespace()}*", count=500):
        name = key.decode().split(":", 2)[2]
        if ":" in name or name in names:
            continue  # dependents/dependencies sets, or already chosen
        try:
            job = Job.fetch(name, connection=conn)
            args, kwargs = job.args or (), job.kwargs or {}
        except Exception:  # noqa: BLE001 - a job we cannot read is not ours to judge
            continue
        if kwargs.get("participant_id") == participant_id or f"p{participant_id}" in map(str, args):
            names.add(name)
    deleted = 0
    for name in names:
        try:
            Job.fetch(name, connection=conn).delete(remove_from_queue=True)
            deleted += 1
        except NoSuchJobError:
            pass
        except Exception:  # noqa: BLE001 - e.g. a job mid-execution RQ cannot load: drop its data
            deleted += conn.delete(f"rq:job:{name}", f"rq:results:{name}") > 0
    return deleted


def _claimed_hours(owned: dict[str, list[dict]]) -> list[ErasedHours]:
    """The participant's approved weeks as hours of a mentor in a week, with nothing of the
    person, for the employers' reimbursement claims (bookkeeping keeps them; an erasure
    emptied the claims of months already sent)."""
    totals: dict[int, float] = {}
    for line in owned.get("timesheet_line", []):
        totals[line["timesheet_id"]] = totals.get(line["timesheet_id"], 0) + line["hours"]
    return [ErasedHours(mentor_id=t["mentor_id"], week_start=t["week_start"],
                        hours=totals[t["id"]])
            for t in owned.get("timesheet", []) if t["status"] == "approved" and t["id"] in totals]


def erase_participant(participant_id: int, *, queue: bool = True) -> bool:
    """Erase the participant everywhere; leave one audit entry "erase" with the id only.

    Counts stay (a run's matched_count is not lowered), and so do their approved hours in
    the employers' claims, as a mentor's hours in a week (`ErasedHours`). Returns False if
    unknown.
    """
    owned = owned_rows(participant_id)
    if not owned:
        return False
    tables = db.metadata.tables
    session = db.session
    session.info["audit_suppressed"] = True  # one "erase" entry, not one per row
    try:
        session.add_all(_claimed_hours(owned))
        # Children before parents, so foreign keys hold at every step.
        for table in reversed(db.metadata.sorted_tables):
            for row in owned.get(table.name, []):
                keys = [c == row[c.name] for c in table.primary_key.columns]
                session.execute(delete(tables[table.name]).where(*keys))
        runs = runs_with(participant_id)
        job_ids = {r.job_id for r in runs if r.job_id}
        for run in runs:
            session.execute(update(SolveRun).where(SolveRun.id == run.id).values(
                scope=[i for i in run.scope if i != participant_id],
                unmatched=[u for u in (run.unmatched or [])
                           if u.get("participant_id") != participant_id],
            ))
        hooks.write(session, [hooks.entry("erase", participant_id, "participant",
                                          sorted(owned))])
        session.commit()
    except Exception:
        session.rollback()
        raise
    finally:
        session.info.pop("audit_suppressed", None)
    session.expire_all()
    if queue:  # after commit: the database is the truth, Redis only held copies
        _delete_jobs([r.id for r in runs], job_ids, participant_id)
    log.info("erased participant %s (%s runs touched)", participant_id, len(runs))
    return True


def suppress_read_audit() -> None:
    """The export/erase views log their own entry instead of the rows they read."""
    if has_request_context():
        g.audit_suppressed = True
        g.pop("audit_reads", None)  # the lookup that found the participant is part of it


def kinds(participant_id: int) -> list[tuple[str, str | None, int]]:
    """``[(table name, plain name or None, rows)]`` of what is stored, participant first."""
    counts = {name: len(rows) for name, rows in owned_rows(participant_id).items()}
    rest = sorted((n for n in counts if n != "participant"),
                  key=lambda n: str(KIND_LABELS.get(n, n)).casefold())
    return [(n, KIND_LABELS.get(n), counts[n]) for n in ["participant", *rest] if n in counts]


__all__ = ["KIND_LABELS", "kinds", "export_participant", "erase_participant", "owned_rows",
           "runs_with", "suppress_read_audit"]
