"""The periodic jobs: `python -m workers.cron` (the Procfile's `cron:` process). Run exactly one.

RQ 3.0's CronScheduler keeps the schedule in this process, not in Redis, so a flushed
or restarted Redis cannot lose it. It only enqueues; a worker serving `default` (the
cover worker, which never runs long match jobs) executes. Its loop does not survive a
Redis outage on its own, so main() restarts it until Redis answers again.
"""

from __future__ import annotations

import logging
import os
import time

import redis
from rq.cron import CronScheduler

from web.redis_conn import get_redis
from workers.app import get_app
from workers.queue import queue_name
from workers.retention import run_retention
from workers.sweeper import expire_proposals, sweep

log = logging.getLogger(__name__)


def sweep_interval() -> int:
    return int(os.environ.get("MM_SWEEP_INTERVAL", "30"))


def build() -> CronScheduler:
    """The scheduler with our periodic jobs registered (call inside an app context)."""
    cron = CronScheduler(connection=get_redis())
    every = sweep_interval()
    # ttl: a sweep not started within one interval is dropped, the next one does its work.
    cron.register(sweep, queue_name("default"), interval=every, job_timeout=120, ttl=every,
                  result_ttl=600, failure_ttl=24 * 3600)
    cron.register(expire_proposals, queue_name("default"), interval=3600, job_timeout=300, ttl=3600,
                  result_ttl=600, failure_ttl=24 * 3600)
    # Closed cases past RETENTION_DAYS are erased once a day (GDPR storage limitation).
    cron.register(run_retention, queue_name("default"), interval=24 * 3600, job_timeout=1800,
                  ttl=3600, result_ttl=24 * 3600, failure_ttl=7 * 24 * 3600)
    return cron


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    app = get_app()
    while True:
        try:
            with app.app_context():
                build().start()  # returns on SIGTERM/SIGINT
            return
        except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError) as exc:
            log.warning("cron: Redis unavailable (%s); retrying in 5 s", type(exc).__name__)
            time.sleep(5)


if __name__ == "__main__":
    main()
