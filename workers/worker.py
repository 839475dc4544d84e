"""Worker entry point: `python -m workers.worker [queue purposes...]`.

OR-Tools and the app are loaded once in the parent, so each forked job starts warm.
Queues are served in order (cover before match), so a cover job never waits behind a
long match run when a worker is free.
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
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    app = get_app()
    with app.app_context():
        conn = get_redis()
        prefix = app.config["RQ_QUEUE_PREFIX"]
        worker = Worker([prefix + p for p in purposes], connection=conn)
    worker.work(with_scheduler=True)


if __name__ == "__main__":
    main()
