"""Consultants, employers and mentors doing their journeys against a running service.

Run through bench/loadtest/run.sh (which starts the service on 127.0.0.1 against a fresh
PostgreSQL database holding the region data set), or by hand against a service you started:

    locust -f bench/loadtest/locustfile.py --headless -u 50 -r 10 -t 2m --host http://127.0.0.1:8765

Logins are those of `flask --app web demo region` (password `demo`). consultant1 is left
alone: bench/region_solve.py submits that large caseload as one region-scale run.
Only loopback hosts are accepted.
"""

from __future__ import annotations

import json
import os
import random
import re
import time
from urllib.parse import urlsplit

from locust import HttpUser, between, events, task

CONSULTANTS = int(os.environ.get("MM_CONSULTANTS", "191"))
EMPLOYERS = int(os.environ.get("MM_EMPLOYERS", "200"))
MENTORS = int(os.environ.get("MM_MENTORS", "400"))
SUBMIT_SHARE = float(os.environ.get("MM_SUBMIT_SHARE", "0.3"))  # consultants who submit a run
PASSWORD = "demo"
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
PARTICIPANT_LINK = re.compile(r'href="/participants/(\d+)"')
WAITING_BOX = re.compile(r'name="participants"[^>]*value="(\d+)"')
RUN_LINK = re.compile(r"/runs/(\d+)$")
PROPOSED_BOX = re.compile(r'form="approve-form" name="proposals" value="(\d+)"')


@events.test_start.add_listener
def _loopback_only(environment, **_kw):
    host = urlsplit(environment.host or "").hostname or ""
    if not (host == "localhost" or host.startswith("127.") or host == "::1"):
        raise SystemExit(f"refusing to load-test {host!r}: loopback addresses only")


def _log_run(run_id: str, participants: int, seconds: float, finished: bool) -> None:
    """Submit-to-finished times go to their own file (MM_RUN_LOG), not into page latency."""
    path = os.environ.get("MM_RUN_LOG")
    if path:
        with open(path, "a") as fh:
            fh.write(json.dumps({"run": run_id, "participants": participants,
                                 "seconds": round(seconds, 1), "finished": finished}) + "\n")


class Journey(HttpUser):
    abstract = True
    wait_time = between(1, 3)  # people read pages between clicks
    email = ""

    def on_start(self) -> None:
        page = self.client.get("/login", name="GET /login")
        token = CSRF.search(page.text)
        with self.client.post("/login", data={"email": self.email, "password": PASSWORD,
                                              "csrf_token": token.group(1) if token else ""},
                              name="POST /login", catch_response=True, allow_redirects=False) as r:
            if r.status_code != 302:
                r.failure(f"login {r.status_code}")


class Consultant(Journey):
    weight = 5

    def on_start(self) -> None:
        self.email = f"consultant{random.randint(2, CONSULTANTS)}@region.dk"
        self.will_submit = random.random() < SUBMIT_SHARE
        self.people: list[str] = []
        self.waiting: list[str] = []
        self.token = ""
        super().on_start()
        self.caseload()

    @task(4)
    def caseload(self) -> None:
        r = self.client.get("/participants/", name="GET /participants/")
        self.people = PARTICIPANT_LINK.findall(r.text) or self.people
        self.waiting = WAITING_BOX.findall(r.text)
        token = CSRF.search(r.text)
        self.token = token.group(1) if token else self.token

    @task(4)
    def case_page(self) -> None:
        if self.people:
            self.client.get(f"/participants/{random.choice(self.people)}",
                            name="GET /participants/[id]")

    @task(2)
    def runs(self) -> None:
        self.client.get("/runs/", name="GET /runs/")

    @task(1)
    def matching_request(self) -> None:
        """Once per session for some consultants: submit, poll the run, approve its proposals."""
        if not self.will_submit or not self.waiting:
            return
        self.will_submit = False
        chosen = random.sample(self.waiting, min(5, len(self.waiting)))
        r = self.client.post("/runs/", data={"participants": chosen, "time_limit": 5,
                                            "csrf_token": self.token},
                             name="POST /runs/ (submit)", allow_redirects=False)
        found = RUN_LINK.search(r.headers.get("Location", ""))
        if r.status_code != 302 or not found:
            return
        run_id = found.group(1)
        started = time.monotonic()
        while time.monotonic() - started < 90:  # bounded: a stuck run does not stall the test
            status = self.client.get(f"/runs/{run_id}/status", name="GET /runs/[id]/status").json()
            if status.get("finished"):
                break
            time.sleep(1)
        page = self.client.get(f"/runs/{run_id}", name="GET /runs/[id]")
        _log_run(run_id, len(chosen), time.monotonic() - started, bool(status.get("finished")))
        proposed = PROPOSED_BOX.findall(page.text)
        token = CSRF.search(page.text)
        if proposed and token:
            self.client.post(f"/runs/{run_id}/approve",
                             data={"proposals": proposed, "csrf_token": token.group(1)},
                             name="POST /runs/[id]/approve", allow_redirects=False)


class Mentor(Journey):
    weight = 3

    def on_start(self) -> None:
        self.email = f"mentor{random.randint(1, MENTORS)}@region.dk"
        super().on_start()

    @task
    def inbox(self) -> None:
        self.client.get("/mentor/", name="GET /mentor/")


class Employer(Journey):
    weight = 2

    def on_start(self) -> None:
        self.email = f"employer{random.randint(1, EMPLOYERS)}@region.dk"
        super().on_start()

    @task
    def home(self) -> None:
        self.client.get("/", name="GET / (employer home)")
