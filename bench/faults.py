"""Fault injection for the job queue: `python -m bench.faults [--runs N] [--no-docs]`.

Starts the service's own processes (`worker`, `cover_worker`, `cron`, as in the Procfile)
against a scratch SQLite database and an embedded Redis under a temporary folder (or
DATABASE_URL / REDIS_URL if set: they must be scratch instances), injects each fault,
waits for the system to recover on its own, and prints a table: fault, runs affected,
recovered, data lost. The table goes into docs/reliability.md with this command.

Faults: worker SIGKILLed mid-solve (with its horse), Redis FLUSHALL, Redis restart,
database unavailable (SQLite: an exclusive lock longer than the busy timeout;
PostgreSQL: its connections terminated), one run executed twice at once, and
concurrent confirmations of the last slot.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import re
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from bench.proc import kill_tree

ROOT = Path(__file__).resolve().parents[1]
FAST = {"MM_HEARTBEAT_SECONDS": "0.5", "MM_STALE_SECONDS": "3", "MM_SWEEP_INTERVAL": "1"}
TIMEOUT = 120


class Bench:
    def __init__(self, workdir: Path, runs: int):
        from flask_migrate import upgrade

        from web import create_app
        from web.redis_conn import embedded_redis_url

        self.workdir, self.n = workdir, runs
        self.embedded_redis = not os.environ.get("REDIS_URL")
        self.redis_dir = workdir / "redis"
        self.db_url = os.environ.get("DATABASE_URL") or f"sqlite:///{workdir / 'bench.db'}"
        self.redis_url = os.environ.get("REDIS_URL") or embedded_redis_url(self.redis_dir)
        self.prefix = f"bench-{uuid.uuid4().hex[:6]}:"
        self.config = {"SQLALCHEMY_DATABASE_URI": self.db_url, "REDIS_URL": self.redis_url,
                       "RQ_QUEUE_PREFIX": self.prefix, "SECRET_KEY": "bench", "SOLVER_WORKERS": 1}
        self.app = create_app(self.config)
        self.ctx = self.app.app_context()
        self.ctx.push()
        upgrade()
        self.procs: dict[str, tuple[subprocess.Popen, object]] = {}

    # -- processes ---------------------------------------------------------------------------
    def start(self, name: str, module: str, *args: str, **env_extra: str) -> subprocess.Popen:
        env = {**os.environ, "DATABASE_URL": self.db_url, "REDIS_URL": self.redis_url,
               "RQ_QUEUE_PREFIX": self.prefix, "SECRET_KEY": "bench", "SOLVER_WORKERS": "1",
               **FAST, **env_extra}
        log = open(self.workdir / f"{name}.log", "a")
        proc = subprocess.Popen([sys.executable, "-m", module, *args], cwd=ROOT, env=env,
                                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        self.procs[name] = (proc, log)
        return proc

    def start_service(self, **env_extra: str) -> None:
        self.start("worker", "workers.worker", "cover", "match", "default", **env_extra)
        self.start("cover_worker", "workers.worker", "cover", "default", **env_extra)
        self.start("cron", "workers.cron")

    def stop(self, name: str, sig: int = signal.SIGTERM) -> None:
        proc, log = self.procs.pop(name)
        if proc.poll() is None:
            kill_tree(proc.pid, sig)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                kill_tree(proc.pid)
                proc.wait()
        log.close()

    def stop_all(self) -> None:
        for name in list(self.procs):
            self.stop(name)

    # -- data --------------------------------------------------------------------------------
    def world(self, n: int):
        """n waiting participants, n slots, one mentor with room for all.

        Returns the runs' consultant.
        """
        from tests.factories import Factory
        from web.extensions import db

        make = Factory(db)
        consultant = make.user("consultant")
        employer = make.employer()
        placement = make.placement(employer, slots=n)
        mentor = make.mentor(employer, capacity_hours=20 * n, max_participants=n)
        people = [make.participant(consultant) for _ in range(n)]
        return consultant, placement, mentor, people

    def submit(self, n: int, enqueue: bool = True) -> list[int]:
        """n runs of one participant each, committed then enqueued, as the web does."""
        from web.runs import service
        from workers.queue import enqueue_solve

        consultant, _, _, people = self.world(n)
        ids = []
        for p in people:
            run = service.create_run(consultant, [p.id], time_limit=2)
            if enqueue:
                enqueue_solve(run)
            ids.append(run.id)
        return ids

    def confirmed(self) -> int:
        """A confirmed assignment made before the fault: it must survive it."""
        from web.extensions import db
        from web.models import Proposal, ProposalStatus

        consultant, placement, mentor, (person,) = self.world(1)
        person.status = "active"
        db.session.add(Proposal(participant_id=person.id, placement_id=placement.id,
                                mentor_id=mentor.id, hours=4, status=ProposalStatus.ACTIVE))
        db.session.commit()
        return person.id

    def outcome(self, run_ids: list[int], active_ids: list[int] = ()) -> dict:
        """Done runs, and losses.

        Losses are unfinished runs, runs with a wrong number of proposals and lost assignments.
        """
        from web.extensions import db
        from web.models import Proposal, ProposalStatus, RunStatus, SolveRun

        db.session.expire_all()
        runs = [db.session.get(SolveRun, i) for i in run_ids]
        done = [r for r in runs if r.status == RunStatus.DONE]
        bad_sets = [r for r in done if len(r.proposals) != r.matched_count]
        kept = db.session.scalar(db.select(db.func.count()).select_from(Proposal).where(
            Proposal.participant_id.in_(active_ids),
            Proposal.status == ProposalStatus.ACTIVE)) if active_ids else 0
        return {"done": len(done), "unfinished": len(runs) - len(done), "bad_sets": len(bad_sets),
                "lost_assignments": len(active_ids) - kept,
                "attempts": sum(r.attempts for r in runs)}

    def wait_done(self, run_ids: list[int], timeout: float = TIMEOUT) -> float:
        from web.extensions import db
        from web.models import SolveRun

        start = time.monotonic()
        while time.monotonic() - start < timeout:
            db.session.expire_all()
            if all(db.session.get(SolveRun, i).finished for i in run_ids):
                break
            time.sleep(0.25)
        return time.monotonic() - start

    def wait_phase(self, run_id: int, phase: str, timeout: float = 60) -> None:
        from web.extensions import db
        from web.models import SolveRun

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            db.session.expire_all()
            if db.session.get(SolveRun, run_id).phase == phase:
                return
            time.sleep(0.1)
        raise RuntimeError(f"run {run_id} never reached {phase}")


def row(fault: str, affected: int, out: dict, seconds: float, notes: str) -> dict:
    lost = out["unfinished"] + out["bad_sets"] + out["lost_assignments"]
    return {"fault": fault, "affected": affected, "recovered": out["done"], "lost": lost,
            "seconds": seconds, "notes": notes}


# -- the faults ------------------------------------------------------------------------------

def sigkill_mid_solve(b: Bench) -> dict:
    runs = b.submit(b.n)
    b.start("doomed", "workers.worker", MM_FAULT_SOLVE_DELAY="600")
    b.wait_phase(runs[0], "solving")
    t = time.monotonic()
    b.stop("doomed", signal.SIGKILL)
    b.start_service()
    b.wait_done(runs)
    out = b.outcome(runs)
    b.stop_all()
    return row("worker SIGKILL mid-solve (worker, scheduler, horse)", len(runs), out,
               time.monotonic() - t,
               f"stale heartbeat → sweeper re-enqueued; {out['attempts']} executions "
               f"for {len(runs)} runs")


def redis_flushall(b: Bench) -> dict:
    keep = [b.confirmed()]
    runs = b.submit(b.n)  # queued, no worker yet
    t = time.monotonic()
    conn = b.app.extensions["mm_redis"]
    if b.embedded_redis:
        conn.flushall()
        how = "FLUSHALL"
    else:  # a shared server: drop only what this bench owns
        from rq.job import Job

        from web.extensions import db
        from web.models import SolveRun

        ids = [db.session.get(SolveRun, i).job_id for i in runs]
        conn.delete(*[Job.key_for(i) for i in ids], *[k for k in conn.keys(f"rq:*{b.prefix}*")])
        how = "job and queue keys deleted"
    b.start_service()
    b.wait_done(runs)
    out = b.outcome(runs, keep)
    b.stop_all()
    return row(f"Redis {how} with runs queued", len(runs), out, time.monotonic() - t,
               "jobs gone; sweeper found queued runs without a job and re-enqueued them")


def redis_restart(b: Bench) -> dict:
    if not b.embedded_redis:
        return {"fault": "Redis restart", "affected": 0, "recovered": 0, "lost": 0, "seconds": 0.0,
                "notes": "skipped: REDIS_URL is external"}
    from web.redis_conn import embedded_redis_url, stop_embedded_redis

    keep = [b.confirmed()]
    b.start_service(MM_FAULT_SOLVE_DELAY="3")
    runs = b.submit(b.n)
    b.wait_phase(runs[0], "solving")
    t = time.monotonic()
    stop_embedded_redis(b.redis_dir)  # no save: everything in Redis is gone
    time.sleep(5)
    embedded_redis_url(b.redis_dir)
    b.wait_done(runs)
    out = b.outcome(runs, keep)
    alive = [name for name, (p, _) in b.procs.items() if p.poll() is None]
    b.stop_all()
    return row("Redis restart (down 5 s, data not saved) mid-solve", len(runs), out,
               time.monotonic() - t,
               f"processes alive after: {', '.join(alive)}")


def database_unavailable(b: Bench) -> dict:
    from web.extensions import db

    runs = b.submit(b.n)  # committed and enqueued; no worker yet
    db.session.close()
    t = time.monotonic()
    if db.engine.dialect.name == "sqlite":
        lock = sqlite3.connect(db.engine.url.database, timeout=1, isolation_level=None)
        lock.execute("BEGIN EXCLUSIVE")  # nobody reads or writes; the busy timeout is 5 s
        b.start_service()
        time.sleep(10)
        lock.execute("ROLLBACK")
        lock.close()
        how = "SQLite locked 10 s (OperationalError: database is locked)"
    else:
        b.start_service(MM_FAULT_SOLVE_DELAY="2")
        b.wait_phase(runs[0], "solving")
        db.session.execute(db.text(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"))
        db.session.commit()
        how = "PostgreSQL connections terminated mid-solve"
    b.wait_done(runs, timeout=240)
    out = b.outcome(runs)
    b.stop_all()
    return row(f"database unavailable: {how}", len(runs), out, time.monotonic() - t,
               "no run failed: transient errors are retried with back-off, "
               "pool_pre_ping re-opens lost connections; "
               f"{out['attempts']} executions for {len(runs)} runs")


def duplicate_execution(b: Bench) -> dict:
    from rq import Queue

    from web.extensions import db
    from web.models import SolveRun
    from workers.queue import enqueue_solve

    runs = b.submit(b.n)
    for i in runs:  # a second job for every run, as after a lost acknowledgement
        enqueue_solve(db.session.get(SolveRun, i))
    t = time.monotonic()
    b.start("worker", "workers.worker", "match")
    b.start("worker2", "workers.worker", "match")
    b.wait_done(runs)
    time.sleep(2)  # let the second jobs run too
    out = b.outcome(runs)
    pending = Queue(b.prefix + "match", connection=b.app.extensions["mm_redis"]).count
    b.stop_all()
    return row("one run enqueued twice, two workers", len(runs), out, time.monotonic() - t,
               f"claim lets one execution store; {out['attempts']} stored executions, "
               f"{pending} jobs left")


def concurrent_confirms(b: Bench) -> dict:
    from tests.workers.procs import confirm_in_process
    from web.extensions import db
    from web.models import Proposal, ProposalStatus

    consultant, placement, mentor, people = b.world(b.n)
    placement.slots = 1
    props = [Proposal(participant_id=p.id, placement_id=placement.id, mentor_id=mentor.id, hours=4,
                      status=ProposalStatus.APPROVED) for p in people]
    db.session.add_all(props)
    db.session.commit()
    ctx = mp.get_context("fork")
    barrier, out = ctx.Barrier(len(props)), ctx.Queue()
    t = time.monotonic()
    procs = [ctx.Process(target=confirm_in_process,
                         args=(b.config, p.id, consultant.id, barrier, out, 0.3))
             for p in props]
    for p in procs:
        p.start()
    results = [out.get(timeout=60) for _ in procs]
    for p in procs:
        p.join()
    db.session.expire_all()
    active = db.session.scalar(db.select(db.func.count()).select_from(Proposal).where(
        Proposal.placement_id == placement.id, Proposal.status == ProposalStatus.ACTIVE))
    ok = sum(r[0] == "ok" for r in results)
    errors = sum(r[0] == "error" for r in results)
    return {"fault": f"{len(props)} concurrent confirms for 1 slot", "affected": len(props),
            "recovered": len(props) - errors, "lost": max(0, active - 1),
            "seconds": time.monotonic() - t,
            "notes": f"{ok} confirmed, {len(props) - ok - errors} refused with a message, "
                     f"{errors} errors; overbooked: {max(0, active - 1)}"}


FAULTS = [sigkill_mid_solve, redis_flushall, redis_restart, database_unavailable,
          duplicate_execution, concurrent_confirms]


def table(rows: list[dict]) -> str:
    lines = ["| fault | runs affected | recovered | data lost | recovery s | how |",
             "|---|---:|---:|---:|---:|---|"]
    for r in rows:
        lines.append(f"| {r['fault']} | {r['affected']} | {r['recovered']} | {r['lost']} | "
                     f"{r['seconds']:.1f} | {r['notes']} |")
    return "\n".join(lines)


def write_docs(text: str, command: str, db_kind: str) -> None:
    doc = ROOT / "docs" / "reliability.md"
    block = (f"<!-- faults:begin -->\nMeasured with `{command}` ({db_kind}, "
             f"{'embedded' if not os.environ.get('REDIS_URL') else 'external'} Redis) "
             f"on {time.strftime('%Y-%m-%d')}:\n\n{text}\n<!-- faults:end -->")
    old = (doc.read_text() if doc.exists()
           else "# Reliability\n\n<!-- faults:begin -->\n<!-- faults:end -->\n")
    doc.write_text(re.sub(r"<!-- faults:begin -->.*?<!-- faults:end -->", lambda _: block, old,
                          flags=re.S))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per fault (default 3)")
    parser.add_argument("--only", help="comma-separated fault function names")
    parser.add_argument("--no-docs", action="store_true", help="do not update docs/reliability.md")
    parser.add_argument("--keep", action="store_true",
                        help="keep the scratch folder (process logs)")
    args = parser.parse_args(argv)
    chosen = [f for f in FAULTS if not args.only or f.__name__ in args.only.split(",")]
    rows = []
    holder = tempfile.TemporaryDirectory(prefix="mm-faults-")
    if args.keep:
        holder._finalizer.detach()  # noqa: SLF001 (Python 3.11 has no delete=False)
        holder.cleanup = lambda: None
    with holder as tmp:
        print(f"scratch folder: {tmp}", file=sys.stderr)
        bench = Bench(Path(tmp), args.runs)
        try:
            for fault in chosen:
                print(f"… {fault.__name__}", file=sys.stderr, flush=True)
                try:
                    rows.append(fault(bench))
                except Exception as exc:  # noqa: BLE001 (a fault that breaks the bench is a result too)
                    rows.append({"fault": fault.__name__, "affected": 0, "recovered": 0, "lost": -1,
                                 "seconds": 0.0, "notes": f"bench error: {exc!r}"})
                finally:
                    bench.stop_all()
        finally:
            from web.redis_conn import stop_embedded_redis

            bench.ctx.pop()
            if bench.embedded_redis:
                stop_embedded_redis(bench.redis_dir)
    text = table(rows)
    print(text)
    if not args.no_docs:

        kind = "PostgreSQL" if "postgresql" in bench.db_url else "SQLite"
        runs_arg = f" --runs {args.runs}" if args.runs != 3 else ""
        write_docs(text, "python -m bench.faults" + runs_arg, kind)
    return 0 if all(r["lost"] == 0 for r in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
