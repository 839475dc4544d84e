"""The solver's view of a mentor's free hours comes from the support-hour plans:
workers/problem.py takes committed hours from web.hours.capacity.committed_hours_by_mentor,
so a plan that steps down frees capacity for new matches."""

from datetime import date, timedelta

from tests.web.hours.conftest import make_assignment
from web.hours.plans import monday, set_plan, steps_from_durations
from web.models import SolveRun
from workers.problem import build_problem


def test_a_plan_that_steps_down_frees_mentor_capacity_for_the_solver(make, db):
    mentor = make.mentor(make.employer(), capacity_hours=20, max_participants=3)
    a = make_assignment(make, db, mentor=mentor, hours=12,
                        started=monday(date.today()) - timedelta(weeks=6))
    set_plan(a, steps_from_durations(a.decided_at.date(), [(12, 4), (4, None)]),
             a.participant.consultant)
    waiting = make.participant()
    run = SolveRun(requested_by_id=waiting.consultant_id, scope=[waiting.id])
    db.session.add(run)
    db.session.commit()
    problem = build_problem(run)
    m = next(x for x in problem["mentors"] if x["id"] == f"m{mentor.id}")
    assert m["capacity_hours"] == 20 - 4
