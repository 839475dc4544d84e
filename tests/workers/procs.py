"""Functions run in separate processes by the concurrency tests.

They are run with multiprocessing, forked: each builds its own app and engine.
"""

from __future__ import annotations

import time


def _app(config: dict):
    from web import create_app

    return create_app(config)


def solve_in_process(config: dict, run_id: int, barrier, out) -> None:
    """Run the solve job for run_id once the other process is ready too."""
    app = _app(config)
    with app.app_context():
        from workers.jobs import run_solve

        barrier.wait()
        out.put(run_solve(run_id))


def confirm_in_process(config: dict, proposal_id: int, user_id: int, barrier, out,
                       pause: float) -> None:
    """Confirm one proposal; `pause` widens the window between the capacity check and the write."""
    app = _app(config)
    with app.app_context():
        from web.extensions import db
        from web.models import Proposal, User
        from web.runs import service

        real_decide = service._decide

        def slow_decide(*args, **kw):
            # both requests have read capacity by now, unless the lock serialised them
            time.sleep(pause)
            return real_decide(*args, **kw)

        service._decide = slow_decide
        proposal, user = db.session.get(Proposal, proposal_id), db.session.get(User, user_id)
        barrier.wait()
        try:
            service.confirm(proposal, user)
            db.session.commit()
            out.put(("ok", proposal_id))
        except service.TransitionError as exc:
            db.session.rollback()
            out.put(("refused", str(exc)))
        except Exception as exc:  # noqa: BLE001 (reported to the test, which fails on it)
            db.session.rollback()
            out.put(("error", repr(exc)))
        finally:
            db.session.remove()
            db.engine.dispose()
