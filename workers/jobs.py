"""RQ job functions. Each takes ids, reads the database, writes its outcome in one transaction.

A solve job may run more than once for one run (an RQ retry, a job re-enqueued after a
worker died or Redis lost it, a duplicate). The run row decides which execution counts:
`claim_run` takes the row with a conditional UPDATE and a fresh token, and `store_result`
stores only while the row still carries that token. Two executions can never both store.
While it works, the execution touches `heartbeat_at`; a stale heartbeat tells the sweeper
(workers/sweeper.py) that the worker died and the run must go back on the queue.
"""

from __future__ import annotations

import logging
import os
import threading
import time
import uuid
from datetime import timedelta

from rq import get_current_job
from sqlalchemy import and_, or_, update

import matcher
from web.extensions import db
from web.models import Participant, Proposal, ProposalStatus, RunStatus, SolveRun, utcnow
from web.models.runs import OPEN_PROPOSAL
from workers.app import get_app
from workers.problem import blame_full_placements, parse_id, problem_and_full

log = logging.getLogger(__name__)


def heartbeat_seconds() -> float:
    """How often a working solve touches its run's heartbeat."""
    return float(os.environ.get("MM_HEARTBEAT_SECONDS", "5"))


def stale_seconds() -> float:
    """A running run whose heartbeat is older than this has lost its worker."""
    return float(os.environ.get("MM_STALE_SECONDS", "60"))


def _fault_delay() -> None:
    """Fault injection for tests and bench/faults.py only: hold the solve this many seconds."""
    delay = float(os.environ.get("MM_FAULT_SOLVE_DELAY", "0") or 0)
    if delay > 0:
        time.sleep(delay)


def claim_run(run_id: int, job_id: str | None = None) -> str | None:
    """Take the run for this execution and return its token, or None if it is not ours to do.

    Claimable: a queued run; a running run whose heartbeat is stale (its worker died);
    a running run of this very job (an RQ retry of the same job after a transient error).
    One conditional UPDATE, so of two executions racing for the same run only one wins.
    """
    token, now = uuid.uuid4().hex, utcnow()
    stale = now - timedelta(seconds=stale_seconds())
    running = SolveRun.status == RunStatus.RUNNING
    claimable = or_(
        SolveRun.status == RunStatus.QUEUED,
        and_(running, or_(SolveRun.heartbeat_at.is_(None), SolveRun.heartbeat_at < stale)),
    )
    if job_id:
        claimable = or_(claimable, and_(running, SolveRun.job_id == job_id))
    done = db.session.execute(
        update(SolveRun).where(SolveRun.id == run_id, claimable)
        .values(status=RunStatus.RUNNING, claim=token, heartbeat_at=now, started_at=now,
                attempts=SolveRun.attempts + 1, phase="building", progress=10, error=None)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return token if done.rowcount == 1 else None


def _set(run_id: int, token: str, **values) -> bool:
    """Update the run only while this execution owns it."""
    done = db.session.execute(
        update(SolveRun).where(SolveRun.id == run_id, SolveRun.claim == token,
                               SolveRun.status == RunStatus.RUNNING)
        .values(**values).execution_options(synchronize_session=False)
    )
    db.session.commit()
    return done.rowcount == 1


class Heartbeat(threading.Thread):
    """Touches the run's heartbeat on its own connection while the solver holds the main thread."""

    def __init__(self, engine, run_id: int, token: str, every: float):
        super().__init__(daemon=True, name=f"heartbeat-{run_id}")
        self.engine, self.run_id, self.token, self.every = engine, run_id, token, every
        self._stop_event = threading.Event()

    def run(self) -> None:
        table = SolveRun.__table__
        while not self._stop_event.wait(self.every):
            try:
                with self.engine.begin() as conn:
                    conn.execute(update(table)
                                 .where(table.c.id == self.run_id, table.c.claim == self.token)
                                 .values(heartbeat_at=utcnow()))
            except Exception:
                # A missed beat only risks a duplicate execution, which the claim makes harmless.
                log.warning("run %s: heartbeat failed", self.run_id, exc_info=True)

    def stop(self) -> None:
        self._stop_event.set()


def _progress(run_id: int, token: str, phase: str, percent: int) -> None:
    _set(run_id, token, phase=phase, progress=percent, heartbeat_at=utcnow())
    job = get_current_job()
    if job is not None:
        job.meta["progress"] = percent
        job.save_meta()


def reasons_of(entry: dict) -> list[dict]:
    """A result entry's reasons in both languages with their codes (ids and codes only, no
    personal data), so pages render either language."""
    en = entry.get("reasons", [])
    da = entry.get("reasons_da", en)
    codes = entry.get("reason_codes", [{}] * len(en))
    return [{"en": e, "da": d, **(c or {})} for e, d, c in zip(en, da, codes, strict=False)]


def run_solve(run_id: int) -> dict:
    """Solve one run and store its proposals. Running it twice, even at once, stores one set."""
    app = get_app()
    with app.app_context():
        db.engine.dispose(close=False)  # never reuse connections inherited across fork
        job = get_current_job()
        token = claim_run(run_id, job.id if job else None)
        if token is None:
            log.info("run %s: not claimable (finished, superseded or owned by a live execution)",
                     run_id)
            return {"run": run_id, "skipped": True}
        beat = Heartbeat(db.engine, run_id, token, heartbeat_seconds())
        beat.start()
        try:
            run = db.session.get(SolveRun, run_id)
            problem, full = problem_and_full(run)
            _progress(run_id, token, "solving", 30)
            _fault_delay()
            result = matcher.solve_dict(
                problem, time_limit=run.time_limit, num_workers=app.config["SOLVER_WORKERS"]
            )
            blame_full_placements(result, full)
            _progress(run_id, token, "storing", 90)
            if not store_result(run, result, token):
                log.info("run %s: another execution took over; result dropped", run_id)
                return {"run": run_id, "skipped": True}
        finally:
            beat.stop()
        log.info("run %s done: %s, %s matched", run_id, run.solver_status, run.matched_count)
        return {"run": run_id, "status": run.solver_status, "matched": run.matched_count}


def ping() -> str:
    """A no-op job: proves a worker serves a queue (health checks, tests, bench/faults.py)."""
    return "pong"


def store_result(run: SolveRun, result: dict, token: str | None = None) -> bool:
    """Write proposals, participant states and the run's outcome in one transaction.

    The first statement is a conditional UPDATE of the run row that only the owning
    execution passes; it also locks the row (SQLite: the database) until the commit,
    so a concurrent store of the same run waits and then finds it no longer its own.
    Returns False, storing nothing, when this execution does not own the run.
    """
    owner = and_(SolveRun.id == run.id, SolveRun.status == RunStatus.RUNNING)
    if token is not None:
        owner = and_(owner, SolveRun.claim == token)
    mine = db.session.execute(
        update(SolveRun).where(owner).values(phase="storing")
        .execution_options(synchronize_session=False)
    )
    if mine.rowcount != 1:
        db.session.rollback()
        return False
    db.session.refresh(run)
    if result["status"] in ("INVALID", "INFEASIBLE"):
        run.status, run.phase, run.finished_at = RunStatus.FAILED, "failed", utcnow()
        run.solver_status = result["status"]
        run.error = "; ".join(result.get("errors", []) or
                              [c.get("reason", "") for c in result.get("conflicts", [])])[:2000]
        db.session.commit()
        return True
    # A run that is stored again (its first store was rolled back) replaces, never adds to,
    # its proposals.
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
            hours=m["hours"], score=m["score"], reasons=reasons_of(m),
        ))
    if matched_ids:
        db.session.execute(
            update(Participant).where(Participant.id.in_(matched_ids),
                                      Participant.status == "waiting")
            .values(status="proposed")
        )
    run.unmatched = [{"participant_id": parse_id(u["participant"]), "reasons": reasons_of(u)}
                     for u in result["unmatched"]]
    run.solver_status, run.objective, run.bound = (result["status"], result["objective"],
                                                   result["bound"])
    run.seconds, run.matched_count = result["seconds"], len(result["matches"])
    run.status, run.phase, run.progress, run.finished_at = RunStatus.DONE, "done", 100, utcnow()
    db.session.commit()
    return True
