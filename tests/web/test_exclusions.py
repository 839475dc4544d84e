"""A consultant can see why a mentor is no longer proposed for a participant, and lift it."""

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
    declined(db, make, p, reason="no_capacity")
    client.post("/lang/en", data={"next": "/"})
    html = client.get(f"/participants/{p.id}").get_data(as_text=True)
    assert "Excluded mentors and placements" in html
    assert "Declined by mentor: I do not have the capacity" in html
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
