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
from workers.cover_problem import build_cover_problem, searching_needs
from workers.jobs import reasons_of
from workers.problem import parse_id

log = logging.getLogger(__name__)


def run_cover(absence_id: int) -> dict:
    """Solve cover for an absence's searching needs; ask the chosen substitutes."""
    app = get_app()
    with app.app_context():
        db.engine.dispose(close=False)  # never reuse connections inherited across fork
        absence = db.session.get(Absence, absence_id)
        if absence is None:
            return {"absence": absence_id, "skipped": True}
        needs = searching_needs(absence)
        if not needs or absence.ends_on < date.today():  # nothing to arrange, or too late
            return {"absence": absence_id, "asked": 0, "unfilled": 0}
        problem = build_cover_problem(absence, needs)
        result = matcher.cover_dict(
            problem,
            time_limit=app.config["COVER_TIME_LIMIT"],
            num_workers=app.config["SOLVER_WORKERS"],
        )
        if result["status"] == "INVALID":
            raise RuntimeError("cover problem invalid: " + "; ".join(result["errors"])[:1000])
        service.lock_absence(absence_id)  # a withdrawal meanwhile: its needs stay unasked
        for need in needs:
            db.session.refresh(need)
        try:
            asked, unfilled = store_cover(absence, needs, result)
            db.session.commit()
        except IntegrityError:  # another run of this job asked someone first
            db.session.rollback()
            return {"absence": absence_id, "skipped": True}
        log.info("cover absence %s: %s asked, %s unfilled", absence_id, asked, unfilled)
        return {
            "absence": absence_id,
            "asked": asked,
            "unfilled": unfilled,
            "status": result["status"],
        }


def store_cover(absence: Absence, needs, result: dict) -> tuple[int, int]:
    """Write cover requests for the matches and reasons for the rest (caller commits).
    Needs no longer searching (the absence was withdrawn meanwhile) are left as they are."""
    by_participant = {n.assignment.participant_id: n for n in needs
                      if n.status == NeedStatus.SEARCHING}
    asked = unfilled = 0
    for m in result["matches"]:
        need = by_participant.get(parse_id(m["participant"]))
        if need is None:
            continue
        req = CoverRequest(
            need_id=need.id,
            assignment_id=need.assignment_id,
            substitute_id=parse_id(m["mentor"]),
            hours=m["hours"],
            starts_on=max(absence.starts_on, date.today()),  # never for days gone by
            ends_on=absence.ends_on,
            score=m["score"],
            reasons=reasons_of(m),
        )
        db.session.add(req)
        db.session.flush()
        need.status, need.reasons = NeedStatus.REQUESTED, []
        notify(mentor_users([req.substitute_id]), "cover_requested", request_id=req.id)
        asked += 1
    for u in result["unmatched"]:
        need = by_participant.get(parse_id(u["participant"]))
        if need is None:
            continue
        need.status, need.reasons = NeedStatus.UNFILLED, reasons_of(u)
        if need.assignment.placement.cover_guarantee:
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
