"""A consultant can see why a mentor is no longer proposed for a participant, and lift it."""

import re

import pytest

from web.models import CaseEvent, Exclusion, Proposal, ProposalStatus
from web.runs import service
from workers.problem import build_problem


@pytest.fixture
def consultant(make, auth):
    u = make.user("consultant")
    auth.login(u)
    return u


def declined(db, make, p, mentor_name="Mette Larsen", reason="knows_participant"):
    """``p`` proposed with a mentor who declines it: the mentor is excluded."""
    employer = make.employer()
    mentor = make.mentor(employer, name=mentor_name)
    prop = Proposal(participant_id=p.id, placement_id=make.placement(employer).id,
                    mentor_id=mentor.id, hours=6, status=ProposalStatus.APPROVED)
    db.session.add(prop)
    db.session.commit()
    service.decline(prop, make.user("mentor"), reason)
    db.session.commit()
    return mentor, db.session.scalar(db.select(Exclusion).where(Exclusion.mentor_id == mentor.id))


def excluded_mentors(consultant, p):
    run = service.create_run(consultant, [p.id], time_limit=1)
    return next(q for q in build_problem(run)["participants"]
                if q["id"] == f"p{p.id}")["excluded_mentors"]


def test_a_declined_mentor_is_listed_with_the_reason_and_can_be_lifted(client, db, make,
                                                                       consultant):
    p = make.participant(consultant=consultant, code="EXCL-1", status="proposed")
    mentor, ex = declined(db, make, p)
    assert excluded_mentors(consultant, p) == [f"m{mentor.id}"]
    html = client.get(f"/participants/{p.id}").get_data(as_text=True)
    assert "Fravalgte mentorer og pladser" in html
    assert "Afslået af mentor: Jeg kender deltageren privat" in html
    assert "Mette Larsen" in html

    r = client.post(f"/participants/{p.id}/exclusions/{ex.id}/lift", follow_redirects=True)
    html = r.get_data(as_text=True)
    assert r.status_code == 200
    assert "Mette Larsen kan foreslås til EXCL-1 igen." in html
    assert "Fravalgte mentorer og pladser" not in html  # none left
    assert "Fravalg ophævet" in html  # on the timeline, with the mentor's name
    assert html.index("Fravalg ophævet") < html.index("Mette Larsen", html.index("Fravalg ophævet"))
    assert db.session.scalar(db.select(Exclusion).where(Exclusion.id == ex.id)) is None
    event = db.session.scalar(db.select(CaseEvent).where(CaseEvent.kind == "exclusion_lifted"))
    assert event.detail == {"mentor": mentor.id, "placement": None}
    assert event.actor_id == consultant.id
    assert excluded_mentors(consultant, p) == []


def test_the_page_is_in_english_too(client, db, make, consultant):
    p = make.participant(consultant=consultant, status="proposed")
    declined(db, make, p, reason="skills")
    client.post("/lang/en", data={"next": "/"})
    html = client.get(f"/participants/{p.id}").get_data(as_text=True)
    assert "Excluded mentors and placements" in html
    assert "Declined by mentor: I do not have the right skills" in html
    assert "Lift exclusion" in html


def test_no_list_without_exclusions(client, make, consultant):
    p = make.participant(consultant=consultant)
    html = client.get(f"/participants/{p.id}").get_data(as_text=True)
    assert "Fravalgte mentorer og pladser" not in html and 'id="exclusions"' not in html


def test_only_the_own_caseloads_exclusions_can_be_lifted(client, db, make, consultant):
    theirs = make.participant(code="THEIRS-1", status="proposed")
    _, their_ex = declined(db, make, theirs, "Bo Jensen")
    mine = make.participant(consultant=consultant, status="proposed")
    _, my_ex = declined(db, make, mine, "Lars Hansen")
    # Another consultant's participant, or my participant with someone else's exclusion.
    for pid, eid in ((theirs.id, their_ex.id), (mine.id, their_ex.id), (mine.id, 99999)):
        assert client.post(f"/participants/{pid}/exclusions/{eid}/lift").status_code == 404
    assert client.get(f"/participants/{mine.id}/exclusions/{my_ex.id}/lift").status_code == 405
    assert db.session.scalar(db.select(Exclusion).where(Exclusion.id == their_ex.id)) is not None
    assert db.session.scalar(db.select(Exclusion).where(Exclusion.id == my_ex.id)) is not None


@pytest.mark.parametrize("role", ["mentor", "employer"])
def test_mentors_and_employers_cannot_lift(client, db, make, auth, role):
    p = make.participant(status="proposed")
    _, ex = declined(db, make, p)
    auth.login(make.user(role))
    assert client.post(f"/participants/{p.id}/exclusions/{ex.id}/lift").status_code in (403, 404)
    assert db.session.scalar(db.select(Exclusion).where(Exclusion.id == ex.id)) is not None


def test_lifting_needs_the_form_token(app, client, db, make, consultant):
    p = make.participant(consultant=consultant, status="proposed")
    _, ex = declined(db, make, p)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        client.post(f"/participants/{p.id}/exclusions/{ex.id}/lift")
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert db.session.scalar(db.select(Exclusion).where(Exclusion.id == ex.id)) is not None


def rejected(client, db, make, p, reason, title="Café Kornet: køkken"):
    """``p`` proposed at a placement in a run of the logged-in consultant, who rejects it."""
    employer = make.employer()
    placement = make.placement(employer, title=title)
    run = service.create_run(p.consultant, [p.id], time_limit=1)
    prop = Proposal(run_id=run.id, participant_id=p.id, placement_id=placement.id,
                    mentor_id=make.mentor(employer).id, hours=6)
    db.session.add(prop)
    db.session.commit()
    r = client.post(f"/runs/proposals/{prop.id}/reject", data={"reason": reason},
                    follow_redirects=True)
    return placement, r.get_data(as_text=True)


def excluded_placements(consultant, p):
    run = service.create_run(consultant, [p.id], time_limit=1)
    return next(q for q in build_problem(run)["participants"]
                if q["id"] == f"p{p.id}")["excluded_placements"]


@pytest.mark.parametrize("reason", ["poor_fit", "participant_said_no"])
def test_a_placement_rejected_as_wrong_is_not_proposed_again(client, db, make, consultant,
                                                            reason):
    p = make.participant(consultant=consultant, code="REJ-1")
    placement, html = rejected(client, db, make, p, reason)
    assert ("Forslaget er afvist. Café Kornet: køkken foreslås ikke til REJ-1 igen; det kan "
            "ophæves på deltagerens side.") in html
    assert excluded_placements(consultant, p) == [f"l{placement.id}"]
    page = client.get(f"/participants/{p.id}").get_data(as_text=True)
    label = {"poor_fit": "Pladsen passer ikke",
             "participant_said_no": "Deltageren sagde nej til praktikpladsen"}[reason]
    assert f"Forslag afvist: {label}" in page
    ex = db.session.scalar(db.select(Exclusion).where(Exclusion.participant_id == p.id))
    assert (ex.placement_id, ex.mentor_id, ex.reason) == (placement.id, None, "rejected")

    r = client.post(f"/participants/{p.id}/exclusions/{ex.id}/lift", follow_redirects=True)
    html = r.get_data(as_text=True)
    assert "Café Kornet: køkken kan foreslås til REJ-1 igen." in html
    assert re.search(r"Fravalg ophævet</strong>\s*— Café Kornet: køkken", html)
    assert excluded_placements(consultant, p) == []


def test_a_mentor_the_participant_said_no_to_is_not_proposed_again(client, db, make,
                                                                   consultant):
    """A participant may accept the workplace and not the person: before, the only "said no"
    excluded the placement and left the mentor to be proposed again."""
    p = make.participant(consultant=consultant, code="REJ-2")
    placement, html = rejected(client, db, make, p, "participant_declined_mentor")
    ex = db.session.scalar(db.select(Exclusion).where(Exclusion.participant_id == p.id))
    assert (ex.placement_id, ex.reason) == (None, "rejected") and ex.mentor_id is not None
    assert (f"Forslaget er afvist. {ex.mentor.name} foreslås ikke til REJ-2 igen; det kan "
            "ophæves på deltagerens side.") in html
    assert excluded_mentors(consultant, p) == [f"m{ex.mentor_id}"]
    assert excluded_placements(consultant, p) == []
    page = client.get(f"/participants/{p.id}").get_data(as_text=True)
    assert "Forslag afvist: Deltageren sagde nej til mentoren" in page


@pytest.mark.parametrize("reason", ["timing", "other"])
def test_a_placement_rejected_for_another_reason_stays_open(client, db, make, consultant,
                                                           reason):
    p = make.participant(consultant=consultant)
    _, html = rejected(client, db, make, p, reason)
    assert "Forslaget er afvist." in html and "foreslås ikke" not in html
    assert excluded_placements(consultant, p) == []
    assert db.session.scalar(db.select(Exclusion)) is None


def test_the_same_placement_rejected_twice_is_excluded_once(client, db, make, consultant):
    p = make.participant(consultant=consultant)
    placement, _ = rejected(client, db, make, p, "poor_fit")
    prop = Proposal(run_id=service.create_run(consultant, [p.id], time_limit=1).id,
                    participant_id=p.id, placement_id=placement.id,
                    mentor_id=make.mentor(placement.employer).id, hours=6)
    db.session.add(prop)
    db.session.commit()
    client.post(f"/runs/proposals/{prop.id}/reject", data={"reason": "participant_said_no"})
    assert len(db.session.scalars(db.select(Exclusion)).all()) == 1
