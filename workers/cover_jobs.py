"""Cover jobs (RQ): find substitutes, check the cover deadline, release held slots.

Ids in, database out, one transaction each. A job that runs twice changes nothing more:
only needs still searching are solved, and the database allows one open request per need.
"""

from __future__ import annotations

import logging
from datetime import date

from sqlalchemy.exc import IntegrityError

import matcher
from web.cover import service
from web.cover.notices import mentor_users
from web.cover.notify import notify
from web.extensions import db
from web.models import utcnow
from web.models.cover import Absence, CoverRequest, NeedStatus, ParticipantHold
from workers.app import get_app
from workers.cover_problem import build_cover_problem, continuing, searching_needs
from workers.jobs import reasons_of
from workers.problem import parse_id

log = logging.getLogger(__name__)


def run_cover(absence_id: int) -> dict:
    """Solve cover for an absence's searching needs; ask the chosen substitutes.

    An absence that extends another first asks the substitutes who cover on its last day
    to go on (one solve limited to them, so every rule and their spare capacity are checked),
    then solves the needs still searching as usual."""
    app = get_app()
    with app.app_context():
        db.engine.dispose(close=False)  # never reuse connections inherited across fork
        absence = db.session.get(Absence, absence_id)
        if absence is None:
            return {"absence": absence_id, "skipped": True}
        if absence.ends_on < date.today():  # too late to ask anyone
            return {"absence": absence_id, "asked": 0, "unfilled": _too_late(absence_id)}
        out = {"absence": absence_id, "asked": 0, "unfilled": 0}
        needs = searching_needs(absence)
        if only := continuing(absence, needs):
            first = [n for n in needs if n.id in only]
            result = _solve(app, build_cover_problem(absence, first, only))
            if not _store(absence_id, first, result, out, _go_on_or_ask(absence)):
                return {"absence": absence_id, "skipped": True}
            needs = searching_needs(absence)
        if needs:
            result = _solve(app, build_cover_problem(absence, needs))
            if not _store(absence_id, needs, result, out):
                return {"absence": absence_id, "skipped": True}
        log.info("cover absence %s: %s asked, %s unfilled", absence_id, out["asked"],
                 out["unfilled"])
        return out


def _solve(app, problem: dict) -> dict:
    result = matcher.cover_dict(
        problem,
        time_limit=app.config["COVER_TIME_LIMIT"],
        num_workers=app.config["SOLVER_WORKERS"],
    )
    if result["status"] == "INVALID":
        raise RuntimeError("cover problem invalid: " + "; ".join(result["errors"])[:1000])
    return result


def _go_on_or_ask(absence: Absence) -> dict[int, str]:
    """Assignment id -> the notice for a substitute asked first for an extension: "go on"
    (cover_continue) if they confirmed the first part, else a plain request for the added
    days, since their answer to the first part is still awaited."""
    return {n.assignment_id: "cover_continue" if n.confirmed else "cover_requested"
            for n in absence.extends.needs}


def _store(absence_id: int, needs, result: dict, out: dict,
           notice: str | dict[int, str] = "cover_requested") -> bool:
    """Store one solve's answer under the absence's lock and commit; count it into ``out``.
    False if another run of this job asked someone first."""
    absence = service.lock_absence(absence_id)  # a withdrawal meanwhile: its needs stay unasked
    for need in needs:
        db.session.refresh(need)
    try:
        asked, unfilled = store_cover(absence, needs, result, notice)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return False
    out["asked"] += asked
    out["unfilled"] += unfilled
    out["status"] = result["status"]
    return True


def _too_late(absence_id: int) -> int:
    """The absence ended before its cover job ran: its needs still searching are unfilled,
    with that reason, and nobody is asked or told about days gone by."""
    absence = service.lock_absence(absence_id)
    needs = searching_needs(absence)
    for need in needs:
        need.status, need.reasons = NeedStatus.UNFILLED, [TOO_LATE]
    db.session.commit()
    return len(needs)


TOO_LATE = {
    "code": "absence_over",
    "en": "the absence ended before a substitute was found",
    "da": "fraværet sluttede, før der blev fundet en vikar",
}


def store_cover(absence: Absence, needs, result: dict,
                notice: str | dict[int, str] = "cover_requested") -> tuple[int, int]:
    """Write cover requests for the matches and reasons for the rest (caller commits).
    Needs no longer searching (the absence was withdrawn meanwhile) are left as they are.
    ``notice`` is the substitutes' notice, or one per assignment id for the solve of an
    extension's first asks (the substitutes of the part before); that solve leaves its
    unmatched needs searching: the usual solve comes next."""
    first_asks = isinstance(notice, dict)
    by_participant = {n.assignment.participant_id: n for n in needs
                      if n.status == NeedStatus.SEARCHING}
    asked = unfilled = 0
    for m in result["matches"]:
        need = by_participant.get(parse_id(m["participant"]))
        if need is None:
            continue
        starts_on, ends_on = need.period  # a query for a substitute's own cover: once
        req = CoverRequest(
            need_id=need.id,
            assignment_id=need.assignment_id,
            substitute_id=parse_id(m["mentor"]),
            hours=m["hours"],
            starts_on=max(starts_on, date.today()),  # never for days gone by
            ends_on=ends_on,
            score=m["score"],
            reasons=reasons_of(m),
        )
        db.session.add(req)
        db.session.flush()
        need.status, need.reasons = NeedStatus.REQUESTED, []
        kind = notice[need.assignment_id] if first_asks else notice
        notify(mentor_users([req.substitute_id]), kind, request_id=req.id)
        asked += 1
    for u in result["unmatched"] if not first_asks else ():
        need = by_participant.get(parse_id(u["participant"]))
        if need is None:
            continue
        need.status, need.reasons = NeedStatus.UNFILLED, reasons_of(u)
        service.escalate(need)  # nobody fits at all: no reason to wait for the deadline
        unfilled += 1
    return asked, unfilled


def cover_deadline(absence_id: int) -> dict:
    """COVER_DEADLINE_HOURS after the report: tell about every need still not filled."""
    with get_app().app_context():
        absence = db.session.get(Absence, absence_id)
        if absence is None:
            return {"absence": absence_id, "skipped": True}
        told = sum(service.escalate(n) for n in absence.needs)
        db.session.commit()
        return {"absence": absence_id, "escalated": told}


def release_hold(hold_id: int, today: date | None = None) -> dict:
    """Release a participant's held slot once the hold is over (no-op if resumed)."""
    with get_app().app_context():
        h = db.session.get(ParticipantHold, hold_id)
        if h is None:
            return {"hold": hold_id, "skipped": True}
        released = service.release_if_due(h, today or utcnow().date())
        db.session.commit()
        return {"hold": hold_id, "released": released}


def _fail(job, message: str) -> None:
    absence_id = job.args[0] if job.args else None
    if absence_id is None:
        return
    with get_app().app_context():
        absence = db.session.get(Absence, absence_id)
        for need in searching_needs(absence) if absence else []:
            need.status = NeedStatus.UNFILLED
            need.reasons = [
                {
                    "code": "cover_job_failed",
                    "en": "the cover search failed",
                    "da": "søgningen efter vikar mislykkedes",
                }
            ]
            service.escalate(need)
        db.session.commit()
        log.warning("cover absence %s failed: %s", absence_id, message)


def cover_failed(job, connection, type, value, traceback):  # noqa: A002 (RQ's signature)
    """Retries used up: needs never stay 'searching'; the consultant is told."""
    _fail(job, type.__name__ if type else "failed")


def cover_stopped(job, connection):
    """The job was stopped (rq stop / a killed horse)."""
    _fail(job, "stopped")
