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
import signal
import sys
import time

import ortools.sat.python.cp_model  # noqa: F401  (preload before forking)
from rq import Worker

import matcher  # noqa: F401
from matcher.solve import warm
from web.config import QUEUE_NAMES
from web.redis_conn import get_redis
from workers.app import get_app
from workers.queue import REDIS_DOWN

log = logging.getLogger(__name__)


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    purposes = argv or list(QUEUE_NAMES)
    unknown = [p for p in purposes if p not in QUEUE_NAMES]
    if unknown:
        raise SystemExit(f"unknown queue purpose(s): {', '.join(unknown)}; "
                         f"choose from {', '.join(QUEUE_NAMES)}")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    app = get_app()
    warm()  # the compiled kernels, once for every job this worker forks
    while True:
        with app.app_context():
            conn = get_redis()
            prefix = app.config["RQ_QUEUE_PREFIX"]
            # Registry cleanup (abandoned jobs of dead workers) every minute instead of every ten.
            worker = Worker([prefix + p for p in purposes], connection=conn,
                            maintenance_interval=60)
        try:
            worker.work(with_scheduler=True)
        except REDIS_DOWN as exc:  # raised from RQ's teardown when Redis is gone
            log.warning("worker: Redis unavailable (%s)", type(exc).__name__)
        # SIGTERM/SIGINT: a warm shutdown, not a crash. (RQ sets _stop_requested only when the
        # signal came during a job; the date is set in every case.)
        if worker._stop_requested or getattr(worker, "_shutdown_requested_date", None) is not None:
            return
        # RQ's work loop quits on errors it does not handle itself, e.g. Redis going away while
        # a job runs (found in bench/faults.py). Start again instead of leaving the queue unserved.
        if getattr(worker, "pubsub_thread", None) is not None:
            # The old worker's command channel; the new one subscribes its own.
            worker.pubsub_thread.stop()
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        log.warning("worker: RQ's loop stopped unexpectedly; starting again in 5 s")
        time.sleep(5)


if __name__ == "__main__":
    main()
