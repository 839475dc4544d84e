"""The solve job, called directly: builds the problem from the database, stores one result."""

import pytest

from web.models import Exclusion, Proposal, ProposalStatus, RunStatus
from web.runs import service
from workers.jobs import run_solve
from workers.problem import build_problem


@pytest.fixture
def world(make):
    consultant = make.user("consultant")
    employer = make.employer()
    placement = make.placement(employer, slots=1)
    mentor = make.mentor(employer)
    p1 = make.participant(consultant, priority=5)
    p2 = make.participant(consultant, priority=1)
    far = make.participant(consultant, lat=55.0, lon=8.5, town="Far away")
    return dict(consultant=consultant, placement=placement, mentor=mentor, p1=p1, p2=p2, far=far)


def test_problem_carries_ids_only_and_subtracts_held_capacity(db, make, world):
    held = make.participant(world["consultant"], status="active")
    db.session.add(Proposal(participant_id=held.id, placement_id=world["placement"].id,
                            mentor_id=world["mentor"].id, hours=6, status=ProposalStatus.ACTIVE))
    db.session.commit()
    run = service.create_run(world["consultant"], [world["p1"].id, world["p2"].id], time_limit=2)
    problem = build_problem(run)
    assert [p["id"] for p in problem["participants"]] == [
        f"p{world['p1'].id}", f"p{world['p2'].id}"]
    assert problem["placements"] == []  # its only slot is taken
    assert problem["mentors"][0]["capacity_hours"] == 14
    assert "code" not in str(problem) and "T-" not in str(problem)


def test_run_solve_stores_proposals_and_unmatched_with_reasons(app, db, world):
    run = service.create_run(world["consultant"],
                             [p.id for p in (world["p1"], world["p2"], world["far"])],
                             time_limit=2)
    out = run_solve(run.id)
    db.session.refresh(run)
    assert run.status == RunStatus.DONE and run.progress == 100
    assert out["matched"] == 1 == len(run.proposals)
    assert run.proposals[0].participant_id == world["p1"].id  # priority 5 takes the one slot
    unmatched = {u["participant_id"] for u in run.unmatched}
    assert unmatched == {world["p2"].id, world["far"].id}
    assert all(u["reasons"] and u["reasons"][0]["en"] and u["reasons"][0]["da"]
               for u in run.unmatched)
    assert world["p1"].status == "proposed"


def test_a_full_placement_is_named_not_distance(app, db, make, world):
    """A walk approved the only kitchen placement near a participant, ran again, and was
    told no placement within 20 km offers kitchen, and to let them travel further."""
    held = make.participant(world["consultant"], status="active")
    db.session.add(Proposal(participant_id=held.id, placement_id=world["placement"].id,
                            mentor_id=world["mentor"].id, hours=6, status=ProposalStatus.ACTIVE))
    cafe = make.participant(world["consultant"], areas=["cafe"])  # nothing offers cafe at all
    gone = make.participant(world["consultant"])
    db.session.add(Exclusion(participant_id=gone.id, placement_id=world["placement"].id))
    db.session.commit()
    run = service.create_run(world["consultant"],
                             [p.id for p in (world["p1"], world["far"], cafe, gone)],
                             time_limit=2)
    run_solve(run.id)
    db.session.refresh(run)
    codes = {u["participant_id"]: [r["code"] for r in u["reasons"]] for u in run.unmatched}
    assert codes == {world["p1"].id: ["placements_full"],
                     world["far"].id: ["no_placement_in_reach"],  # the full one is too far
                     cafe.id: ["no_area_anywhere"],  # no placement offers cafe, full or not
                     gone.id: ["excluded_placements"]}
    full = next(u for u in run.unmatched if u["participant_id"] == world["p1"].id)["reasons"][0]
    place = f"l{world['placement'].id}"  # named, shown by its title on the pages
    assert (full["en"], full["da"], full["params"]) == (
        f"the only placement that fits ({place}) is full",
        f"den eneste plads der passer ({place}) er fyldt op", {"n": 1, "placement": place})


def test_running_the_job_twice_stores_one_set(app, db, world):
    run = service.create_run(world["consultant"], [world["p1"].id], time_limit=2)
    run_solve(run.id)
    run.status = RunStatus.RUNNING  # as if the first attempt died after storing
    db.session.commit()
    world["p1"].status = "waiting"
    db.session.commit()
    run_solve(run.id)
    assert db.session.scalar(db.select(db.func.count()).select_from(Proposal)) == 1


def test_decline_returns_participant_to_waiting_and_excludes_the_mentor(app, db, make, world):
    run = service.create_run(world["consultant"], [world["p1"].id], time_limit=2)
    run_solve(run.id)
    proposal = run.proposals[0]
    service.approve(proposal, world["consultant"])
    mentor_user = make.user("mentor")
    service.decline(proposal, mentor_user, "skills")
    db.session.commit()
    assert world["p1"].status == "waiting"
    assert db.session.scalar(db.select(Exclusion)).mentor_id == world["mentor"].id
    run2 = service.create_run(world["consultant"], [world["p1"].id], time_limit=2)
    assert build_problem(run2)["participants"][0]["excluded_mentors"] == [f"m{world['mentor'].id}"]


def test_a_mentor_without_capacity_is_asked_by_nobody_and_excludes_nobody(app, db, make, world):
    """A mentor who says "I do not have the capacity" was excluded for that participant
    for good, and proposed to the next one. Now their maximum drops to what they have."""
    world["mentor"].max_participants = 3
    kept = make.participant(world["consultant"], status="active")
    elsewhere = make.placement(world["placement"].employer)
    db.session.add(Proposal(participant_id=kept.id, placement_id=elsewhere.id,
                            mentor_id=world["mentor"].id, hours=4, status=ProposalStatus.ACTIVE))
    run = service.create_run(world["consultant"], [world["p1"].id], time_limit=2)
    run_solve(run.id)
    proposal = run.proposals[0]
    service.approve(proposal, world["consultant"])
    assert service.decline(proposal, make.user("mentor"), "no_capacity") == 1
    db.session.commit()
    assert world["p1"].status == "waiting" and world["mentor"].max_participants == 1
    assert db.session.scalar(db.select(Exclusion)) is None
    run2 = service.create_run(world["consultant"], [world["p1"].id], time_limit=2)
    problem = build_problem(run2)
    assert problem["participants"][0]["excluded_mentors"] == []
    mentor = f"m{world['mentor'].id}"
    held = {m["id"]: m["max_participants"] for m in problem["mentors"]}
    assert held.get(mentor, 0) == 0  # the one they have fills it: proposed to nobody


def test_a_no_capacity_recorded_by_the_consultant_excludes_as_before(app, db, make, world):
    """The consultant cannot change a mentor's profile, but can lift an exclusion."""
    run = service.create_run(world["consultant"], [world["p1"].id], time_limit=2)
    run_solve(run.id)
    proposal = run.proposals[0]
    service.approve(proposal, world["consultant"])
    before = world["mentor"].max_participants
    assert service.decline(proposal, world["consultant"], "no_capacity", recorded=True) is None
    db.session.commit()
    assert world["mentor"].max_participants == before
    assert db.session.scalar(db.select(Exclusion)).mentor_id == world["mentor"].id


def test_confirm_refuses_to_overbook_a_placement(app, db, make, world):
    other = make.participant(world["consultant"])
    props = []
    for p in (world["p1"], other):
        props.append(Proposal(participant_id=p.id, placement_id=world["placement"].id,
                              mentor_id=world["mentor"].id, hours=4,
                              status=ProposalStatus.APPROVED))
    db.session.add_all(props)
    db.session.commit()
    service.confirm(props[0], world["consultant"])
    db.session.commit()
    with pytest.raises(service.TransitionError, match="ledig plads"):
        service.confirm(props[1], world["consultant"])
