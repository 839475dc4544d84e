"""Worker entry point: `python -m workers.worker [queue purposes...]`.

OR-Tools and the app are loaded once in the parent, so each forked job starts warm.
Queues are served in the order given. Production runs two kinds (see Procfile):
- `worker` (cover match default): mostly match runs, which may take minutes;
- `cover_worker` (cover default): never takes a match job, so an urgent cover request
  or a sweep never waits behind a long match run, even when every `worker` is busy.

with_scheduler=True: RQ's scheduler (one per queue set, elected by a Redis lock) moves
scheduled jobs back to their queues, which is how Retry(interval=...) back-off works.
"""

from __future__ import annotations

import logging
import sys

import ortools.sat.python.cp_model  # noqa: F401  (preload before forking)
from rq import Worker

import matcher  # noqa: F401
from web.config import QUEUE_NAMES
from web.redis_conn import get_redis
from workers.app import get_app


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    purposes = argv or list(QUEUE_NAMES)
    unknown = [p for p in purposes if p not in QUEUE_NAMES]
    if unknown:
        raise SystemExit(f"unknown queue purpose(s): {', '.join(unknown)}; choose from {', '.join(QUEUE_NAMES)}")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    app = get_app()
    with app.app_context():
        conn = get_redis()
        prefix = app.config["RQ_QUEUE_PREFIX"]
        # Registry cleanup (abandoned jobs of dead workers) every minute instead of every ten.
        worker = Worker([prefix + p for p in purposes], connection=conn, maintenance_interval=60)
    worker.work(with_scheduler=True)


if __name__ == "__main__":
    main()
