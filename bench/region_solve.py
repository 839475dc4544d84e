"""A region-scale solve run, end to end through the queue: `python -m bench.region_solve`.

Submits one matching request for every waiting participant of one consultant (by default
consultant1@region.dk, the large caseload of `flask --app web demo region`), exactly as the
page does (create the run, commit, enqueue), then waits for a worker to finish it and prints
one JSON line: queue wait, end-to-end seconds, solver seconds and status, matched/unmatched.

Reads the same settings as the app (DATABASE_URL, REDIS_URL, RQ_QUEUE_PREFIX, ...). With
--inline the job runs in this process instead (no queue), to time the job by itself.
"""

from __future__ import annotations

import argparse
import json
import sys
import time


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--consultant", default="consultant1@region.dk")
    ap.add_argument("--limit", type=int, default=0,
                    help="At most this many participants (0: all waiting).")
    ap.add_argument("--time-limit", type=float, default=30.0,
                    help="The run's solver time limit (s).")
    ap.add_argument("--timeout", type=float, default=600.0, help="Give up waiting after this (s).")
    ap.add_argument("--inline", action="store_true",
                    help="Run the job here instead of on a worker.")
    args = ap.parse_args(argv)

    from web import create_app
    from web.extensions import db
    from web.models import SolveRun, User
    from web.runs import service

    app = create_app()
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == args.consultant))
        if user is None:
            print(f"no user {args.consultant}; load the region first", file=sys.stderr)
            return 2
        waiting = [p.id for p in service.waiting_participants(user)]
        if args.limit:
            waiting = waiting[:args.limit]
        run = service.create_run(user, waiting, time_limit=args.time_limit)
        submitted = time.perf_counter()
        if args.inline:
            from workers.jobs import run_solve

            run_solve(run.id)
        else:
            from workers.queue import enqueue_solve

            enqueue_solve(run)
        while True:
            db.session.expire_all()
            run = db.session.get(SolveRun, run.id)
            if run.finished or time.perf_counter() - submitted > args.timeout:
                break
            time.sleep(0.5)
        total = time.perf_counter() - submitted
        wait = (run.started_at - run.created_at).total_seconds() if run.started_at else None
        print(json.dumps({
            "run": run.id, "participants": len(run.scope), "status": run.status,
            "solver_status": run.solver_status, "matched": run.matched_count,
            "unmatched": len(run.unmatched or []), "time_limit": args.time_limit,
            "queue_wait_s": round(wait, 2) if wait is not None else None,
            "solver_s": round(run.seconds, 2) if run.seconds is not None else None,
            "end_to_end_s": round(total, 2), "error": run.error,
        }))
        return 0 if run.status == "done" else 1


if __name__ == "__main__":
    sys.exit(main())
