"""The cover problem built from the database (matching-model.md section 5)."""

from datetime import date

import matcher
from tests.cover_helpers import assign, scene
from web.cover import service
from web.models import Exclusion, ProposalStatus
from web.models.cover import CoverRequest, RequestStatus
from workers.cover_problem import build_cover_problem

MAR3, MAR7 = date(2027, 3, 3), date(2027, 3, 7)


def _report(db, s, start=MAR3, end=MAR7, mentor=None):
    a = service.report_absence(mentor or s.mentor, start, end, "sick", s.consultant)
    db.session.commit()
    return a


def _mentor(problem, mentor):
    return next(m for m in problem["mentors"] if m["id"] == f"m{mentor.id}")


def test_problem_covers_every_active_assignment_of_the_absent_mentor(db, make):
    s = scene(db, make, n=3)
    problem = build_cover_problem(_report(db, s))
    assert problem["absent"] == [f"m{s.mentor.id}"]
    assert sorted(a["participant"] for a in problem["assignments"]) == sorted(
        f"p{p.id}" for p in s.participants
    )
    assert {a["hours"] for a in problem["assignments"]} == {6}
    assert matcher.cover_dict(problem, num_workers=1)["status"] != "INVALID"


def test_spare_capacity_counts_own_assignments_and_held_covers(db, make):
    s = scene(db, make, n=1)
    own = make.participant(s.consultant)
    assign(db, own, s.placement, s.colleague, hours=5)
    problem = build_cover_problem(_report(db, s))
    colleague = _mentor(problem, s.colleague)
    assert (colleague["capacity_hours"], colleague["max_participants"]) == (15, 2)


def test_mentors_absent_in_the_period_are_left_out(db, make):
    s = scene(db, make, n=1)
    service.report_absence(
        s.colleague, date(2027, 3, 6), date(2027, 3, 10), "holiday", s.consultant
    )
    problem = build_cover_problem(_report(db, s))
    ids = {m["id"] for m in problem["mentors"]}
    assert f"m{s.colleague.id}" not in ids and f"m{s.external.id}" in ids


def test_known_mentors_are_earlier_mentors_and_confirmed_substitutes(db, make):
    s = scene(db, make, n=1)
    p = s.participants[0]
    assign(db, p, s.placement, s.external, status=ProposalStatus.ENDED)
    problem = build_cover_problem(_report(db, s))
    assert f"m{s.external.id}" in problem["known"][f"p{p.id}"]
    result = matcher.cover_dict(problem, num_workers=1)
    # A known external beats nobody, but a colleague on site still scores higher (140 > 130).
    assert result["matches"][0]["mentor"] == f"m{s.colleague.id}"


def test_decliners_and_exclusions_are_excluded(db, make):
    s = scene(db, make, n=1)
    p = s.participants[0]
    db.session.add(Exclusion(participant_id=p.id, mentor_id=s.external.id))
    absence = _report(db, s)
    need = absence.needs[0]
    db.session.add(
        CoverRequest(
            need_id=need.id,
            assignment_id=need.assignment_id,
            substitute_id=s.colleague.id,
            hours=6,
            starts_on=MAR3,
            ends_on=MAR7,
            status=RequestStatus.DECLINED,
        )
    )
    db.session.commit()
    problem = build_cover_problem(absence)
    assert problem["participants"][0]["excluded_mentors"] == sorted(
        [f"m{s.colleague.id}", f"m{s.external.id}"]
    )
    result = matcher.cover_dict(problem, num_workers=1)
    assert result["matches"] == [] and result["unmatched"][0]["reasons"]


def test_a_substitute_works_on_a_day_the_cover_is_for(db, make):
    """A walk: for a Wednesday away, a substitute who works Monday, Tuesday and Thursday was
    asked and said yes. The participant's days in the problem are those of the period."""
    s = scene(db, make, n=1)
    s.colleague.days = ["mon", "tue", "thu"]  # on site, so otherwise the first choice
    db.session.commit()
    problem = build_cover_problem(_report(db, s, MAR3, MAR3))  # a Wednesday
    assert problem["participants"][0]["days"] == ["wed"]
    result = matcher.cover_dict(problem, num_workers=1)
    assert [m["mentor"] for m in result["matches"]] == [f"m{s.external.id}"]
    # A week or more away keeps every day, and the colleague is the first choice again.
    week = build_cover_problem(_report(db, s, date(2027, 4, 5), date(2027, 4, 11)))
    assert len(week["participants"][0]["days"]) == 7
    assert [m["mentor"] for m in matcher.cover_dict(week, num_workers=1)["matches"]] == [
        f"m{s.colleague.id}"]
