"""Example client: submit a matching request and wait for its proposals.

    MM_URL=http://localhost:8000 MM_TOKEN=mm_... python docs/api_client.py

Create the token in the app under "API-nøgler / API tokens" (as a job consultant).
Uses only the standard library.
"""

from __future__ import annotations

import json
import os
import sys
import time
import urllib.error
import urllib.request

BASE = os.environ.get("MM_URL", "http://localhost:8000").rstrip("/")
TOKEN = os.environ["MM_TOKEN"]


def call(method: str, path: str, body: dict | None = None) -> tuple[int, dict, dict]:
    req = urllib.request.Request(
        BASE + path, method=method, data=json.dumps(body).encode() if body is not None else None,
        headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, dict(r.headers), json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:  # errors are application/problem+json
        return e.code, dict(e.headers), json.loads(e.read() or b"null")


def main() -> int:
    status, headers, run = call("POST", "/api/v1/runs", {"time_limit": 10})
    if status != 202:
        print(f"request refused ({status}): {run.get('detail')}", file=sys.stderr)
        for err in run.get("errors", []):
            print(f"  {err['field']}: {err['message']}", file=sys.stderr)
        return 1
    url = headers["Location"]
    print(f"run {run['id']} queued; polling {url}")
    while True:
        _, _, run = call("GET", url)
        print(f"  {run['status']:<8} {run['phase']:<10} {run['progress']:>3} %")
        if run["status"] in ("done", "failed", "superseded"):
            break
        time.sleep(1)
    if run["status"] != "done":
        print(f"run ended {run['status']}: {run.get('error')}", file=sys.stderr)
        return 1
    for p in run["proposals"]:
        why = "; ".join(r["en"] for r in p["reasons"])
        print(f"participant {p['participant_id']} -> placement {p['placement_id']}, "
              f"mentor {p['mentor_id']}, {p['hours']} h/week ({why})")
    for u in run["unmatched"]:
        print(f"participant {u['participant_id']} unmatched: "
              + "; ".join(r["en"] for r in u["reasons"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
