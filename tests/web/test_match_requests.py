"""Matching requests with weights, live status, approve all, reject with a reason, run again."""

import pytest

from tests.web.pages import first_option
from web.models import CaseEvent, Proposal, ProposalStatus, SolveRun
from web.runs import service
from workers.jobs import run_solve


@pytest.fixture
def consultant(make, auth):
    u = make.user("consultant")
    auth.login(u)
    return u


@pytest.fixture
def world(make, consultant):
    employer = make.employer()
    make.placement(employer, slots=2)
    make.mentor(employer, capacity_hours=20, max_participants=3)
    return [make.participant(consultant=consultant, code=f"W-{i}") for i in range(3)]


def runs(db):
    return db.session.scalars(db.select(SolveRun).order_by(SolveRun.id)).all()


def test_request_with_a_changed_weight_is_stored_and_passed_to_the_solver(client, db, world):
    from workers.problem import build_problem
    data = {"participants": [p.id for p in world[:2]], "time_limit": "3",
            "w_match": "100", "w_area": "", "w_travel_km": "2.5"}
    r = client.post("/runs/", data=data)
    assert r.status_code == 302
    run = runs(db)[0]
    assert run.scope == sorted(p.id for p in world[:2]) and run.time_limit == 3
    assert run.weights == {"travel_km": 2.5}  # only what differs from the standard
    assert build_problem(run)["weights"] == {"travel_km": 2.5}
    assert db.session.scalar(db.select(db.func.count()).select_from(CaseEvent).where(
        CaseEvent.kind == "match_requested")) == 2


@pytest.mark.parametrize("field,value,message", [
    ("w_area", "-1", "Skal være et tal fra 0 til 10000."),
    ("w_hours", "lots", "Ikke et gyldigt tal."),
    ("w_keep_mentor", "1e9", "Skal være et tal fra 0 til 10000."),
])
def test_bad_weight_gets_a_message_and_no_run(client, db, world, field, value, message):
    r = client.post("/runs/", data={"participants": [world[0].id], "time_limit": "3", field: value})
    assert r.status_code == 400
    html = r.get_data(as_text=True)
    assert message in html and "<details class=\"weights\" open>" in html
    assert runs(db) == []


def test_weights_section_shows_plain_labels_and_defaults(client, world):
    html = client.get("/participants/").get_data(as_text=True)
    assert "<details class=\"weights\"" in html
    assert "Rejseafstand" in html and "Standard: 100" in html and 'value="100"' in html


def test_weights_are_plain_numbers_in_the_inputs_and_a_comma_reads_back(app, client, db,
                                                                          consultant, world):
    from web.participants.forms import RunAgainForm

    with app.test_request_context():
        form = RunAgainForm(formdata=None, data={"w_travel_km": 2.5, "w_match": 10000.0})
        assert 'type="number"' in str(form.w_travel_km)  # the browser shows it the user's way
        assert 'value="2.5"' in str(form.w_travel_km)
        assert 'value="10000"' in str(form.w_match)  # no "10000.0", no thousands separator
    client.post("/runs/", data={"participants": [world[0].id], "time_limit": "3",
                                "w_travel_km": "2,5", "w_match": "10000"})
    assert runs(db)[-1].weights == {"travel_km": 2.5, "match": 10000.0}


def test_cannot_request_for_someone_elses_participant(client, db, make, world):
    other = make.participant(code="THEIRS")
    r = client.post("/runs/", data={"participants": [other.id], "time_limit": "3"})
    assert r.status_code == 400 and runs(db) == []


def test_find_a_match_for_one_participant(client, db, world):
    r = client.post(f"/participants/{world[1].id}/match")
    run = runs(db)[0]
    assert r.headers["Location"].endswith(f"/runs/{run.id}")
    assert run.scope == [world[1].id]


def test_status_json_has_phase_text_and_elapsed_against_the_limit(client, db, consultant, world):
    run = service.create_run(consultant, [world[0].id], time_limit=7)
    s = client.get(f"/runs/{run.id}/status").get_json()
    assert s["phase_text"] == "Venter på en ledig baggrundsproces"
    assert s["elapsed"] == 0 and s["time_limit"] == 7 and s["finished"] is False
    html = client.get(f"/runs/{run.id}").get_data(as_text=True)
    assert '<noscript><meta http-equiv="refresh"' in html
    assert "0 af højst 7 sekunder" in html
    assert '<span id="run-phase">Venter på en ledig baggrundsproces</span>' in html
    run_solve(run.id)
    db.session.expire_all()  # the job wrote through its own session
    html = client.get(f"/runs/{run.id}").get_data(as_text=True)
    assert 'http-equiv="refresh"' not in html
    # Once done, the status says it; the phase ("Færdig" too) is not repeated beside it.
    assert html.count(">Færdig<") == 1 and 'id="run-phase"' not in html
    # the score column says what its numbers are
    assert "Point: hvor godt et forslag passer efter anmodningens vægte" in html


def test_approve_all_then_reject_one_with_a_reason_then_run_again(client, db, consultant, world):
    run = service.create_run(consultant, [p.id for p in world], time_limit=3)
    run_solve(run.id)
    db.session.refresh(run)
    assert len(run.proposals) == 2 and len(run.unmatched) == 1
    r = client.post(f"/runs/{run.id}/approve-all", follow_redirects=True)
    assert "2 forslag godkendt" in r.get_data(as_text=True)
    assert {p.status for p in run.proposals} == {ProposalStatus.APPROVED}
    rejected = run.proposals[0]
    client.post(f"/runs/proposals/{rejected.id}/reject", data={"reason": "timing"})
    db.session.refresh(rejected)
    assert rejected.status == ProposalStatus.REJECTED and rejected.decision_reason == "timing"
    assert rejected.participant.status == "waiting"

    page = client.get(f"/runs/{run.id}").get_data(as_text=True)
    assert "Kør igen" in page
    r = client.post(f"/runs/{run.id}/again", data={"time_limit": "2", "w_area": "40"})
    new = runs(db)[-1]
    assert r.headers["Location"].endswith(f"/runs/{new.id}")
    unmatched = run.unmatched[0]["participant_id"]
    assert new.scope == sorted([rejected.participant_id, unmatched])
    assert new.weights == {"area": 40.0}


def test_run_again_offers_whom_the_mentor_declined(client, db, make, consultant, world):
    """A walk: the mentor declined, the participant waited again, and "run again" left them
    out."""
    run = service.create_run(consultant, [world[0].id], time_limit=3)
    run_solve(run.id)
    proposal = db.session.scalar(db.select(Proposal))
    service.approve(proposal, consultant)
    service.decline(proposal, make.user("mentor"), "no_capacity")
    db.session.commit()
    page = client.get(f"/runs/{run.id}").get_data(as_text=True)
    assert f"1 deltager fra denne anmodning venter på et match: {world[0].code}." in page
    r = client.post(f"/runs/{run.id}/again", data={"time_limit": "2"})
    assert r.status_code == 302 and runs(db)[-1].scope == [world[0].id]


def test_one_approval_reads_in_the_singular_and_a_quick_solve_not_as_0_seconds(
        client, db, consultant, world):
    """A walk read "1 proposals approved" and "Done 0 of at most 10 seconds"."""
    run = service.create_run(consultant, [world[0].id], time_limit=10)
    run_solve(run.id)
    db.session.refresh(run)
    run.seconds = 0.04
    db.session.commit()
    page = client.get(f"/runs/{run.id}").get_data(as_text=True)
    assert "0,04 af højst 10 sekunder" in page
    r = client.post(f"/runs/{run.id}/approve-all", follow_redirects=True)
    assert "1 forslag godkendt og sendt til mentoren." in r.get_data(as_text=True)
    r = client.post(f"/runs/{run.id}/approve-all", follow_redirects=True)
    assert "Der var ingen nye forslag at godkende." in r.get_data(as_text=True)


def test_namesake_mentors_are_told_apart_on_the_run(client, db, make, consultant):
    """A walk saw two "Pia Nielsen" on one run page and could not tell them apart."""
    employer = make.employer(name="Café Kornet")
    make.placement(employer, slots=2)
    make.mentor(employer, name="Pia Nielsen", max_participants=1)
    make.mentor(None, name="Pia Nielsen", town="Aarhus", max_participants=1)
    people = [make.participant(consultant=consultant) for _ in range(2)]
    run = service.create_run(consultant, [p.id for p in people], time_limit=3)
    run_solve(run.id)
    page = client.get(f"/runs/{run.id}").get_data(as_text=True)
    assert "Pia Nielsen<br><small>Café Kornet</small>" in page
    assert "Pia Nielsen<br><small>støtteperson, Aarhus</small>" in page


def test_reject_needs_a_known_reason(client, db, consultant, world):
    run = service.create_run(consultant, [world[0].id], time_limit=3)
    run_solve(run.id)
    proposal = db.session.scalar(db.select(Proposal))
    r = client.post(f"/runs/proposals/{proposal.id}/reject", data={"reason": "because"},
                    follow_redirects=True)
    assert "Vælg en begrundelse" in r.get_data(as_text=True)
    db.session.refresh(proposal)
    assert proposal.status == ProposalStatus.PROPOSED


def test_no_reject_reason_is_chosen_until_the_user_chooses_one(client, db, consultant, world):
    run = service.create_run(consultant, [world[0].id], time_limit=3)
    run_solve(run.id)
    proposal = db.session.scalar(db.select(Proposal))
    page = client.get(f"/runs/{run.id}").get_data(as_text=True)
    first = first_option(page, f"reason-{proposal.id}")
    assert 'value=""' in first and "Vælg en begrundelse" in first
    # the untouched select sends its first option: refused, nothing recorded
    r = client.post(f"/runs/proposals/{proposal.id}/reject", data={"reason": ""},
                    follow_redirects=True)
    assert "Vælg en begrundelse for afvisningen." in r.get_data(as_text=True)
    db.session.refresh(proposal)
    assert proposal.status == ProposalStatus.PROPOSED and proposal.decision_reason is None
    # once rejected, the row says why
    r = client.post(f"/runs/proposals/{proposal.id}/reject", data={"reason": "timing"},
                    follow_redirects=True)
    row = r.get_data(as_text=True).split(proposal.participant.code)[1].split("</tr>")[0]
    assert "Afvist" in row and "Forkert starttidspunkt" in row


def test_run_again_with_nobody_waiting_creates_nothing(client, db, consultant, world):
    run = service.create_run(consultant, [world[0].id], time_limit=3)
    run_solve(run.id)
    r = client.post(f"/runs/{run.id}/again", data={"time_limit": "2"}, follow_redirects=True)
    assert "Ingen fra denne anmodning venter på et match." in r.get_data(as_text=True)
    assert len(runs(db)) == 1


def test_run_actions_on_someone_elses_run_are_404(client, db, make, world):
    stranger = make.user("consultant")
    run = service.create_run(stranger, [make.participant(consultant=stranger).id], time_limit=3)
    for path in (f"/runs/{run.id}/approve-all", f"/runs/{run.id}/again"):
        assert client.post(path, data={"time_limit": "2"}).status_code == 404
    assert client.get(f"/runs/{run.id}/status").status_code == 404


def test_the_requests_page_says_where_a_new_request_starts(client, consultant):
    html = client.get("/runs/").get_data(as_text=True)
    assert ('En ny anmodning starter under <a href="/participants/">Deltagere</a>: sæt '
            'flueben ved dem, der skal have en plads og en mentor, og tryk Find forslag.') in html


def test_two_runs_proposing_the_last_slot_only_the_first_approval_gets_it(
        client, db, make, consultant):
    employer = make.employer()
    place = make.placement(employer, slots=1)
    make.mentor(employer, capacity_hours=20, max_participants=3)
    make.mentor(employer, capacity_hours=20, max_participants=3)
    a, b = (make.participant(consultant=consultant, code=c) for c in ("ONE-1", "TWO-2"))
    first = service.create_run(consultant, [a.id], time_limit=3)
    second = service.create_run(consultant, [b.id], time_limit=3)
    run_solve(first.id)
    run_solve(second.id)  # made before the first is approved: the slot looks free to both
    db.session.expire_all()
    assert [p.placement_id for p in first.proposals + second.proposals] == [place.id, place.id]

    client.post(f"/runs/{first.id}/approve-all")
    r = client.post(f"/runs/{second.id}/approve-all", follow_redirects=True)
    html = r.get_data(as_text=True)
    assert "0 forslag godkendt" not in html  # not "0 approved" beside the error
    assert f"TWO-2: {place.title} har ingen ledig plads" in html
    db.session.expire_all()
    assert first.proposals[0].status == ProposalStatus.APPROVED
    assert second.proposals[0].status == ProposalStatus.PROPOSED  # untouched: can be rejected


def test_approval_refuses_a_mentor_without_room_for_the_hours(client, db, make, consultant):
    employer = make.employer()
    make.placement(employer, slots=2)
    mentor = make.mentor(employer, capacity_hours=10, max_participants=3)
    a, b = (make.participant(consultant=consultant, code=c, hours_min=6, hours_max=6)
            for c in ("ONE-1", "TWO-2"))
    first = service.create_run(consultant, [a.id], time_limit=3)
    second = service.create_run(consultant, [b.id], time_limit=3)
    run_solve(first.id)
    run_solve(second.id)
    client.post(f"/runs/{first.id}/approve-all")
    html = client.post(f"/runs/{second.id}/approve-all", follow_redirects=True).get_data(
        as_text=True)
    assert f"TWO-2: {mentor.name} har ikke plads til 6 timer mere om ugen" in html


def test_the_consultant_records_the_answer_of_a_mentor_without_a_login(client, db, make,
                                                                       consultant, world):
    """A walk: most mentors have no login, and their approved proposals waited for an answer
    nobody could give in the service."""
    run = service.create_run(consultant, [p.id for p in world[:2]], time_limit=3)
    run_solve(run.id)
    yes, no = run.proposals
    for p in (yes, no):
        service.approve(p, consultant)
    db.session.commit()
    page = client.get(f"/runs/{run.id}").get_data(as_text=True)
    assert page.count("Registrér mentorens svar") == 2  # the world's mentor has no login
    r = client.post(f"/runs/proposals/{yes.id}/confirm-for-mentor", follow_redirects=True)
    assert f"Registreret: {yes.mentor.name} sagde ja. Forløbet er nu i gang." in r.get_data(
        as_text=True)
    r = client.post(f"/runs/proposals/{no.id}/decline-for-mentor", data={"reason": ""},
                    follow_redirects=True)
    assert "Vælg mentorens begrundelse." in r.get_data(as_text=True)
    client.post(f"/runs/proposals/{no.id}/decline-for-mentor", data={"reason": "no_capacity"})
    db.session.refresh(yes)
    db.session.refresh(no)
    assert (yes.status, yes.decided_by_id) == (ProposalStatus.ACTIVE, consultant.id)
    assert (no.status, no.decision_reason) == (ProposalStatus.DECLINED, "no_capacity")
    row = client.get(f"/runs/{run.id}").get_data(as_text=True).split(
        no.participant.code + "</a>")[1].split("</tr>")[0]
    assert "Jeg har ikke kapacitet" in row  # the mentor's reason, as a rejection's is shown
    assert no.participant.status == "waiting" and yes.participant.status == "active"
    # the case history says the consultant recorded the answer, not that they gave it
    for proposal, kind in ((yes, "Bekræftet"), (no, "Afslået af mentor")):
        page = client.get(f"/participants/{proposal.participant_id}").get_data(as_text=True)
        step = page.split(f"<strong>{kind}")[1].split("</li>")[0]
        assert f'<span class="who">registreret af {consultant.name}</span>' in step, step
    # a second yes, from a second tab, speaks of the mentor, not to them
    r = client.post(f"/runs/proposals/{yes.id}/confirm-for-mentor", follow_redirects=True)
    assert "Mentorens svar er allerede registreret" in r.get_data(as_text=True)
    # the consultant recorded the no: no notice to themselves
    from web.models import Notification
    assert db.session.query(Notification).filter_by(user_id=consultant.id).count() == 0
    # a mentor with a login answers themselves
    p = make.participant(consultant=consultant)
    mentor = make.mentor(make.employer(), user=make.user("mentor"))
    own = Proposal(run_id=run.id, participant_id=p.id, placement_id=yes.placement_id,
                   mentor_id=mentor.id, hours=4, status=ProposalStatus.APPROVED)
    db.session.add(own)
    db.session.commit()
    assert client.post(f"/runs/proposals/{own.id}/confirm-for-mentor").status_code == 404
    assert own.status == ProposalStatus.APPROVED


def test_the_consultant_records_the_answer_of_a_mentor_whose_login_is_switched_off(
        client, db, make, consultant, world):
    """An admin switched a mentor's login off: the service still counted it, so nobody could
    answer the approved proposal (the previous note's list)."""
    run = service.create_run(consultant, [world[0].id], time_limit=3)
    run_solve(run.id)
    proposal = run.proposals[0]
    service.approve(proposal, consultant)
    proposal.mentor.user = make.user("mentor")
    db.session.commit()
    assert "Registrér mentorens svar" not in client.get(f"/runs/{run.id}").get_data(as_text=True)
    assert client.post(f"/runs/proposals/{proposal.id}/confirm-for-mentor").status_code == 404
    proposal.mentor.user.active = False
    db.session.commit()
    assert "Registrér mentorens svar" in client.get(f"/runs/{run.id}").get_data(as_text=True)
    client.post(f"/runs/proposals/{proposal.id}/confirm-for-mentor")
    db.session.refresh(proposal)
    assert (proposal.status, proposal.decided_by_id) == (ProposalStatus.ACTIVE, consultant.id)


def test_a_yes_for_a_proposal_that_no_longer_fits_is_refused(client, db, make, consultant,
                                                             world):
    """A walk edited an approved participant so the proposal broke three rules, was told so,
    then recorded the mentor's yes, and the assignment began."""
    run = service.create_run(consultant, [world[0].id], time_limit=3)
    run_solve(run.id)
    proposal = run.proposals[0]
    service.approve(proposal, consultant)
    world[0].days = ["sun"]
    db.session.commit()
    r = client.post(f"/runs/proposals/{proposal.id}/confirm-for-mentor", follow_redirects=True)
    assert ("Forslaget passer ikke længere til deltagerens oplysninger: der er ingen fælles "
            "dag med pladsen og mentoren. Afvis det og kør igen.") in r.get_data(as_text=True)
    db.session.refresh(proposal)
    assert proposal.status == ProposalStatus.APPROVED and world[0].status == "proposed"


def test_a_placement_that_begins_later_says_when_on_the_proposal_and_to_the_mentor(
        client, db, make, auth, consultant):
    """A proposal at a placement starting months ahead read like one starting now: the
    consultant, and the mentor asked to confirm, saw no start date."""
    from datetime import date, timedelta

    from babel.dates import format_date

    employer = make.employer()
    later = date.today() + timedelta(days=60)
    make.placement(employer, title="Køkken", start_date=later)
    mentor_user = make.user("mentor")
    make.mentor(employer, user=mentor_user, capacity_hours=20, max_participants=3)
    who = make.participant(consultant=consultant, code="LATER-1")
    run = service.create_run(consultant, [who.id], time_limit=3)
    run_solve(run.id)
    shown = format_date(later, format="medium", locale="da")
    page = client.get(f"/runs/{run.id}").get_data(as_text=True)
    assert f"<small>Starter {shown}</small>" in page
    proposal = db.session.scalar(db.select(Proposal))
    service.approve(proposal, consultant)
    db.session.commit()
    auth.logout()
    auth.login(mentor_user)
    page = client.get("/mentor/").get_data(as_text=True)
    assert f"<dt>Starter</dt><dd>{shown}</dd>" in page
    service.confirm(proposal, mentor_user)
    db.session.commit()
    for url in ("/mentor/", "/mentor/participants"):
        page = client.get(url).get_data(as_text=True)
        assert "LATER-1" in page and f"<small>Starter {shown}</small>" in page, url


def test_a_placement_begun_already_shows_no_start(client, db, make, consultant):
    from datetime import date, timedelta

    employer = make.employer()
    make.placement(employer, start_date=date.today() - timedelta(days=3))
    make.mentor(employer, capacity_hours=20, max_participants=3)
    who = make.participant(consultant=consultant, code="NOW-1")
    run = service.create_run(consultant, [who.id], time_limit=3)
    run_solve(run.id)
    page = client.get(f"/runs/{run.id}").get_data(as_text=True)
    assert "NOW-1" in page and "Starter" not in page


def test_an_unmatched_reason_names_the_one_placement_by_its_title(client, db, make, consultant):
    """"The only placement that fits is full" left the consultant to guess which one."""
    employer = make.employer()
    make.placement(employer, title="Køkkenhjælper", slots=1)
    make.mentor(employer, capacity_hours=20, max_participants=3)
    first, second = (make.participant(consultant=consultant, code=c) for c in ("FULL-1", "FULL-2"))
    run = service.create_run(consultant, [first.id], time_limit=3)
    run_solve(run.id)
    service.approve(db.session.scalar(db.select(Proposal)), consultant)
    db.session.commit()
    run = service.create_run(consultant, [second.id], time_limit=3)
    run_solve(run.id)
    page = client.get(f"/runs/{run.id}").get_data(as_text=True)
    assert "den eneste plads der passer (Køkkenhjælper) er fyldt op" in page


def test_a_proposal_the_participant_no_longer_fits_is_marked_and_not_sent(client, db, consultant,
                                                                          world):
    """An edit after the run broke a proposal; the run page still offered it, ticked, and
    approving sent the mentor a proposal they could not confirm."""
    run = service.create_run(consultant, [world[0].id], time_limit=3)
    run_solve(run.id)
    proposal = db.session.scalar(db.select(Proposal))
    world[0].days = ["sun"]
    db.session.commit()
    page = client.get(f"/runs/{run.id}").get_data(as_text=True)
    assert ("Passer ikke længere til deltageren: der er ingen fælles dag med pladsen og "
            "mentoren") in page
    box = page.split(f'id="choose-{proposal.id}"')[1].split(">")[0]
    assert "checked" not in box
    r = client.post(f"/runs/{run.id}/approve-all", follow_redirects=True)
    assert (f"{world[0].code}: forslaget passer ikke længere til deltagerens oplysninger: der "
            "er ingen fælles dag med pladsen og mentoren. Afvis det og kør igen."
            ) in r.get_data(as_text=True)
    db.session.refresh(proposal)
    assert proposal.status == ProposalStatus.PROPOSED


def test_a_request_that_left_the_participant_unmatched_is_in_the_case_history(
        client, db, make, consultant):
    """The history showed "Matching requested" and then nothing, as if it still ran."""
    far = make.participant(consultant=consultant, code="FAR-1", lat=55.0, lon=8.5,
                           town="Far away", max_travel_km=5)
    make.placement(make.employer())
    run = service.create_run(consultant, [far.id], time_limit=3)
    run_solve(run.id)
    page = client.get(f"/participants/{far.id}").get_data(as_text=True)
    step = page.split("<strong>Ikke matchet</strong>")[1].split("</li>")[0]
    assert f"anmodning {run.id}" in step
    assert "begrundelse: Ingen plads inden for rækkevidde tilbyder de ønskede områder" in step
    assert '<span class="who">af matcheren</span>' in step
