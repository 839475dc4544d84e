"""A matching request through a real worker process and a real Redis server."""

import pytest

from tests.e2e.conftest import wait_for
from web.models import RunStatus, SolveRun

pytestmark = pytest.mark.e2e


def test_request_is_solved_by_a_real_worker(app, db, make, auth, client, worker):
    consultant = make.user("consultant")
    employer = make.employer()
    make.placement(employer, slots=2)
    make.mentor(employer)
    people = [make.participant(consultant) for _ in range(3)]
    auth.login(consultant)

    r = client.post("/runs/", data={"participants": [p.id for p in people], "time_limit": 3})
    assert r.status_code == 302
    run = db.session.scalar(db.select(SolveRun))
    assert run.job_id  # stored before the worker could pick it up

    def finished():
        db.session.expire_all()
        return db.session.get(SolveRun, run.id).finished

    wait_for(finished, timeout=90)
    run = db.session.get(SolveRun, run.id)
    assert run.status == RunStatus.DONE, run.error
    assert run.matched_count == 2 and len(run.unmatched) == 1  # two slots, three people
    status = client.get(f"/runs/{run.id}/status").get_json()
    assert status == {"status": "done", "phase": "done", "progress": 100, "finished": True,
                      "error": None, "phase_text": "Færdig", "status_text": "Færdig",
                      "time_limit": 3, "elapsed": status["elapsed"]}
    assert isinstance(status["elapsed"], (int, float))
