"""Pause, close and reopen a case; every step lands on the case page's timeline."""

import pytest

from web.models import CaseEvent, Proposal, ProposalStatus
from web.runs import service
from workers.problem import build_problem


@pytest.fixture
def consultant(make, auth):
    u = make.user("consultant")
    auth.login(u)
    return u


@pytest.fixture
def world(make):
    employer = make.employer()
    return dict(placement=make.placement(employer), mentor=make.mentor(employer))


YES = {"confirmed": "1"}  # what the confirmation dialog (or page) adds


def events(db, p):
    return [e.kind for e in db.session.scalars(
        db.select(CaseEvent).where(CaseEvent.participant_id == p.id).order_by(CaseEvent.id))]


def test_pause_then_reopen(client, db, make, consultant):
    p = make.participant(consultant=consultant)
    r = client.post(f"/participants/{p.id}/pause", data=YES)
    assert r.status_code == 302
    db.session.refresh(p)
    assert p.status == "paused"
    client.post(f"/participants/{p.id}/reopen")
    db.session.refresh(p)
    assert p.status == "waiting"
    assert events(db, p) == ["paused", "reopened"]
    e = db.session.scalar(db.select(CaseEvent).where(CaseEvent.kind == "paused"))
    assert e.actor_id == consultant.id and e.detail == {"status": "waiting"}


def test_paused_and_closed_are_not_offered_for_matching(client, db, make, consultant):
    paused = make.participant(consultant=consultant, code="PAUSED-1")
    closed = make.participant(consultant=consultant, code="CLOSED-1")
    waiting = make.participant(consultant=consultant, code="WAIT-1")
    client.post(f"/participants/{paused.id}/pause", data=YES)
    client.post(f"/participants/{closed.id}/close", data=YES)
    assert [p.id for p in service.waiting_participants(consultant)] == [waiting.id]
    html = client.get("/participants/").get_data(as_text=True)
    assert f'name="participants" type="checkbox" value="{waiting.id}"' in html
    assert f'type="checkbox" value="{paused.id}"' not in html  # no box to tick for them
    # ...nor by a request that names them anyway
    run = service.create_run(consultant, [paused.id, closed.id, waiting.id], time_limit=1)
    assert [p["id"] for p in build_problem(run)["participants"]] == [f"p{waiting.id}"]


def test_close_ends_the_active_assignment_and_withdraws_open_proposals(
        client, db, make, consultant, world):
    p = make.participant(consultant=consultant, status="active")
    active = Proposal(participant_id=p.id, placement_id=world["placement"].id,
                      mentor_id=world["mentor"].id, hours=6, status=ProposalStatus.ACTIVE)
    open_ = Proposal(participant_id=p.id, placement_id=world["placement"].id,
                     mentor_id=world["mentor"].id, hours=4, status=ProposalStatus.APPROVED)
    db.session.add_all([active, open_])
    db.session.commit()
    client.post(f"/participants/{p.id}/close", data=YES)
    db.session.refresh(active), db.session.refresh(open_), db.session.refresh(p)
    assert p.status == "closed"
    assert active.status == ProposalStatus.ENDED and active.decided_by_id == consultant.id
    assert open_.status == ProposalStatus.REJECTED and open_.decision_reason == "participant_closed"
    assert events(db, p) == ["ended", "closed"]
    client.post(f"/participants/{p.id}/reopen")
    db.session.refresh(p)
    assert p.status == "waiting"  # the assignment ended, so the case waits again


def test_pause_keeps_an_active_assignment_and_reopen_returns_to_active(
        client, db, make, consultant, world):
    p = make.participant(consultant=consultant, status="active")
    active = Proposal(participant_id=p.id, placement_id=world["placement"].id,
                      mentor_id=world["mentor"].id, hours=6, status=ProposalStatus.ACTIVE)
    db.session.add(active)
    db.session.commit()
    client.post(f"/participants/{p.id}/pause", data=YES)
    db.session.refresh(p), db.session.refresh(active)
    assert p.status == "paused" and active.status == ProposalStatus.ACTIVE
    client.post(f"/participants/{p.id}/reopen")
    db.session.refresh(p)
    assert p.status == "active"


def test_pause_and_close_ask_first_and_change_nothing_until_confirmed(client, db, make, consultant):
    p = make.participant(consultant=consultant, code="ASK-1")
    for action in ("pause", "close"):
        r = client.post(f"/participants/{p.id}/{action}")
        html = r.get_data(as_text=True)
        assert r.status_code == 200 and "Er du sikker?" in html and "ASK-1" in html
        assert ('name="confirmed" type="hidden" value="1"' in html
                or 'name="confirmed" value="1"' in html)
        db.session.refresh(p)
        assert p.status == "waiting" and events(db, p) == []


def test_impossible_transitions_are_refused_with_a_message(client, db, make, consultant):
    p = make.participant(consultant=consultant)
    r = client.post(f"/participants/{p.id}/reopen", follow_redirects=True)
    assert "Kun en sag, der er sat på pause eller lukket, kan genåbnes." in r.get_data(as_text=True)
    db.session.refresh(p)
    assert p.status == "waiting" and events(db, p) == []


def test_state_changes_are_posts_and_only_for_own_caseload(client, db, make, consultant):
    other = make.participant(code="THEIRS-9")
    for action in ("pause", "close", "reopen", "match"):
        assert client.post(f"/participants/{other.id}/{action}").status_code == 404
    mine = make.participant(consultant=consultant)
    assert client.get(f"/participants/{mine.id}/pause", data=YES).status_code == 405
    db.session.refresh(other)
    assert other.status == "waiting"


def test_case_page_shows_the_timeline_with_who_and_what(client, db, make, consultant, world):
    p = make.participant(consultant=consultant, code="CASE-1")
    client.post(f"/participants/{p.id}/edit", data={
        "code": "CASE-1", "hours_min": "6", "hours_max": "8", "priority": "2", "days": ["mon"],
        "wish1": "kitchen", "town": "Aarhus", "max_travel_km": "20"})
    prop = Proposal(participant_id=p.id, placement_id=world["placement"].id,
                    mentor_id=world["mentor"].id, hours=6)
    db.session.add(prop)
    db.session.commit()
    service.reject(prop, consultant, "timing")
    db.session.commit()
    client.post(f"/participants/{p.id}/pause", data=YES)
    html = client.get(f"/participants/{p.id}").get_data(as_text=True)
    assert 'class="timeline"' in html
    for text in ("Ændret", "mindste antal timer", "Forslag afvist", "Forkert starttidspunkt",
                 "På pause", consultant.name, "<strong>Foreslået</strong>",
                 '<span class="who">af matcheren</span>'):
        assert text in html, text
    assert "Foreslået af matcheren" not in html  # said once, by whom, not twice


def test_a_mentors_decline_is_on_the_timeline_with_the_reason(client, db, make, consultant, world):
    p = make.participant(consultant=consultant, status="proposed")
    prop = Proposal(participant_id=p.id, placement_id=world["placement"].id,
                    mentor_id=world["mentor"].id, hours=6, status=ProposalStatus.APPROVED)
    db.session.add(prop)
    db.session.commit()
    service.decline(prop, make.user("mentor"), "no_capacity")
    db.session.commit()
    e = db.session.scalar(db.select(CaseEvent).where(CaseEvent.kind == "declined"))
    assert e.detail == {"proposal": prop.id, "mentor": world["mentor"].id, "reason": "no_capacity"}
    html = client.get(f"/participants/{p.id}").get_data(as_text=True)
    assert "Afslået af mentor" in html and "Jeg har ikke kapacitet" in html
    # ...and the consultant is told at once, among the notices, without opening the case.
    notices = client.get("/cover/notices").get_data(as_text=True)
    assert "Forslag afslået" in notices
    assert (f"{world['mentor'].name} har afslået forslaget for deltager {p.code}" in notices
            and "begrundelse: Jeg har ikke kapacitet" in notices)


def test_a_proposal_withdrawn_by_a_pause_is_not_shown_as_rejected(client, db, make, consultant,
                                                                   world):
    p = make.participant(consultant=consultant, status="proposed")
    prop = make._add(Proposal(participant_id=p.id, placement_id=world["placement"].id,
                              mentor_id=world["mentor"].id, hours=6,
                              status=ProposalStatus.APPROVED))
    client.post(f"/participants/{p.id}/pause", data=YES)
    db.session.refresh(prop)
    assert prop.status == ProposalStatus.REJECTED and prop.decision_reason == "participant_paused"
    html = client.get(f"/participants/{p.id}").get_data(as_text=True)
    table = html.split("<tbody>")[1].split("</tbody>")[0]
    assert "Trukket tilbage: sagen blev sat på pause" in table and "Afvist" not in table
    assert ">Genoptag</button>" in html and ">Genåbn</button>" not in html  # a pause resumes
    client.post(f"/participants/{p.id}/reopen")
    timeline = client.get(f"/participants/{p.id}").get_data(as_text=True).split(
        'class="timeline"')[1]
    assert "<strong>Genoptaget</strong>" in timeline and "Genåbnet" not in timeline
    client.post(f"/participants/{p.id}/close", data=YES)
    assert ">Genåbn</button>" in client.get(f"/participants/{p.id}").get_data(as_text=True)
