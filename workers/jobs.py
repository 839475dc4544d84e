"""RQ job functions. Each takes ids, reads the database, writes its outcome in one transaction."""

from __future__ import annotations

import logging

from rq import get_current_job
from sqlalchemy import update

import matcher
from web.extensions import db
from web.models import Participant, Proposal, ProposalStatus, RunStatus, SolveRun, utcnow
from web.models.runs import OPEN_PROPOSAL
from workers.app import get_app
from workers.problem import build_problem, parse_id

log = logging.getLogger(__name__)


def _progress(run: SolveRun, phase: str, percent: int) -> None:
    run.phase, run.progress = phase, percent
    db.session.commit()
    job = get_current_job()
    if job is not None:
        job.meta["progress"] = percent
        job.save_meta()


def _reasons(entry: dict) -> list[dict]:
    """Keep reasons in both languages with their codes, so pages render either."""
    en = entry.get("reasons", [])
    da = entry.get("reasons_da", en)
    codes = entry.get("reason_codes", [{}] * len(en))
    return [{"en": e, "da": d, **(c or {})} for e, d, c in zip(en, da, codes, strict=False)]


def run_solve(run_id: int) -> dict:
    """Solve one run and store its proposals. Running it twice stores one set."""
    app = get_app()
    with app.app_context():
        db.engine.dispose(close=False)  # never reuse connections inherited across fork
        run = db.session.get(SolveRun, run_id)
        if run is None or run.finished:
            return {"run": run_id, "skipped": True}
        run.status, run.started_at, run.attempts = RunStatus.RUNNING, utcnow(), run.attempts + 1
        _progress(run, "building", 10)
        problem = build_problem(run)
        _progress(run, "solving", 30)
        result = matcher.solve_dict(
            problem, time_limit=run.time_limit, num_workers=app.config["SOLVER_WORKERS"]
        )
        _progress(run, "storing", 90)
        store_result(run, result)
        log.info("run %s done: %s, %s matched", run_id, run.solver_status, run.matched_count)
        return {"run": run_id, "status": run.solver_status, "matched": run.matched_count}


def store_result(run: SolveRun, result: dict) -> None:
    """Write proposals, participant states and the run's outcome in one transaction."""
    if result["status"] in ("INVALID", "INFEASIBLE"):
        run.status, run.phase, run.finished_at = RunStatus.FAILED, "failed", utcnow()
        run.solver_status = result["status"]
        run.error = "; ".join(result.get("errors", []) or
                              [c.get("reason", "") for c in result.get("conflicts", [])])[:2000]
        db.session.commit()
        return
    # A job that runs twice replaces, never adds to, its run's proposals.
    db.session.execute(Proposal.__table__.delete().where(Proposal.run_id == run.id))
    matched_ids = [parse_id(m["participant"]) for m in result["matches"]]
    db.session.execute(
        update(Proposal)
        .where(Proposal.participant_id.in_(matched_ids), Proposal.status.in_(OPEN_PROPOSAL))
        .values(status=ProposalStatus.SUPERSEDED)
    )
    for m in result["matches"]:
        db.session.add(Proposal(
            run_id=run.id, participant_id=parse_id(m["participant"]),
            placement_id=parse_id(m["placement"]), mentor_id=parse_id(m["mentor"]),
            hours=m["hours"], score=m["score"], reasons=_reasons(m),
        ))
    if matched_ids:
        db.session.execute(
            update(Participant).where(Participant.id.in_(matched_ids), Participant.status == "waiting")
            .values(status="proposed")
        )
    run.unmatched = [{"participant_id": parse_id(u["participant"]), "reasons": _reasons(u)}
                     for u in result["unmatched"]]
    run.solver_status, run.objective, run.bound = result["status"], result["objective"], result["bound"]
    run.seconds, run.matched_count = result["seconds"], len(result["matches"])
    run.status, run.phase, run.progress, run.finished_at = RunStatus.DONE, "done", 100, utcnow()
    db.session.commit()
