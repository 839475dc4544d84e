"""The mentor's profile and own participants."""

import pytest

from tests.web.pages import first_option
from web.models import Mentor, Proposal, ProposalStatus

PROFILE = {"skills": ["addiction", "trauma"], "languages": ["lang:so"], "days": ["tue", "thu"],
           "capacity_hours": "12", "max_participants": "3", "town": "Aarhus",
           "max_travel_km": "25"}


def test_external_support_person_keeps_town_and_travel(client, db, make, auth):
    user = make.user("mentor")
    m = make.mentor(None, user=user)
    auth.login(user)
    assert 'name="max_travel_km"' in client.get("/mentor/profile").get_data(as_text=True)
    assert client.post("/mentor/profile", data=PROFILE).status_code == 302
    db.session.refresh(m)
    assert (m.skills, m.days, m.capacity_hours, m.max_participants, m.max_travel_km) == (
        ["addiction", "trauma", "lang:so"], ["tue", "thu"], 12, 3, 25.0)


def test_colleague_mentor_has_no_town_or_travel(client, db, make, auth):
    company = make.employer()
    user = make.user("mentor", employer_id=company.id)
    m = make.mentor(company, user=user, max_travel_km=0)
    auth.login(user)
    assert 'name="max_travel_km"' not in client.get("/mentor/profile").get_data(as_text=True)
    client.post("/mentor/profile", data={**PROFILE, "max_travel_km": "99"})
    db.session.refresh(m)
    assert m.capacity_hours == 12 and m.max_travel_km == 0


def test_bad_profile_is_refused(client, db, make, auth):
    user = make.user("mentor")
    m = make.mentor(None, user=user, capacity_hours=20)
    auth.login(user)
    r = client.post("/mentor/profile", data={**PROFILE, "capacity_hours": "61"})
    assert 'id="capacity_hours-error"' in r.get_data(as_text=True)
    db.session.refresh(m)
    assert m.capacity_hours == 20


def test_invited_support_person_without_a_profile_creates_one(client, db, make, auth):
    user = make.user("mentor", name="Sara Støtte")
    auth.login(user)
    assert client.get("/mentor/").headers["Location"].endswith("/mentor/profile")
    client.post("/mentor/profile", data=PROFILE)
    m = db.session.scalar(db.select(Mentor).where(Mentor.user_id == user.id))
    assert m.name == "Sara Støtte" and m.town == "Aarhus (Aarhus Kommune)"
    assert client.get("/mentor/").status_code == 200


def test_my_participants_lists_only_my_active_ones(client, make, auth):
    user = make.user("mentor")
    me, other = make.mentor(None, user=user), make.mentor(None)
    placement = make.placement(title="Lager")
    mine = make.participant(code="MINE-1", days=["mon", "wed"])
    theirs = make.participant(code="THEIRS-1")
    waiting = make.participant(code="WAIT-1")
    for p, m, status in ((mine, me, ProposalStatus.ACTIVE), (theirs, other, ProposalStatus.ACTIVE),
                         (waiting, me, ProposalStatus.APPROVED)):
        make._add(Proposal(participant_id=p.id, placement_id=placement.id, mentor_id=m.id,
                           hours=5, status=status))
    auth.login(user)
    html = client.get("/mentor/participants").get_data(as_text=True)
    assert "MINE-1" in html and "Lager" in html and ">5</td>" in html
    assert "THEIRS-1" not in html and "WAIT-1" not in html


def test_a_decline_needs_a_reason_the_mentor_chose(client, db, make, auth):
    user = make.user("mentor")
    me = make.mentor(None, user=user)
    p = make.participant(code="ASK-1", status="proposed")
    proposal = make._add(Proposal(participant_id=p.id, placement_id=make.placement().id,
                                  mentor_id=me.id, hours=5, status=ProposalStatus.APPROVED))
    auth.login(user)
    page = client.get("/mentor/").get_data(as_text=True)
    consultant = p.consultant
    assert f'{consultant.name}, <a href="mailto:{consultant.email}">' in page  # whom to ask
    first = first_option(page, f"decline-{proposal.id}")
    assert 'value=""' in first and "Vælg en begrundelse" in first
    r = client.post(f"/mentor/proposals/{proposal.id}/decline", data={"reason": ""},
                    follow_redirects=True)
    assert "Vælg en begrundelse." in r.get_data(as_text=True)
    db.session.refresh(proposal)
    assert proposal.status == ProposalStatus.APPROVED and proposal.decision_reason is None


def test_a_proposal_at_a_closed_placement_says_it_is_closed_not_full(client, db, make, auth):
    """An employer closes a placement while a proposal there waits for the mentor: the
    mentor's yes was refused with "The placement has no free slot any more" (it had two
    free), and the consultant's approval likewise spoke of no free slot."""
    from web.runs import service

    user = make.user("mentor")
    me = make.mentor(None, user=user)
    placement = make.placement(slots=2)
    p = make.participant(code="ASK-2", status="proposed")
    waiting = make._add(Proposal(participant_id=p.id, placement_id=placement.id,
                                 mentor_id=me.id, hours=5, status=ProposalStatus.APPROVED))
    new = make._add(Proposal(participant_id=make.participant(status="proposed").id,
                             placement_id=placement.id, mentor_id=me.id, hours=5,
                             status=ProposalStatus.PROPOSED))
    placement.status = "closed"
    db.session.commit()
    auth.login(user)
    client.post("/lang/en")
    r = client.post(f"/mentor/proposals/{waiting.id}/confirm", follow_redirects=True)
    page = r.get_data(as_text=True)
    assert "The employer has closed the placement, and it takes nobody new." in page
    assert "no free slot" not in page
    db.session.refresh(waiting)
    assert waiting.status == ProposalStatus.APPROVED
    with pytest.raises(service.TransitionError, match="the employer has closed"):
        service.approve(new, p.consultant)


def test_the_profile_shows_the_load_and_warns_when_capacity_drops_below_it(client, db, make,
                                                                          auth):
    user = make.user("mentor")
    m = make.mentor(None, user=user, capacity_hours=20, max_participants=4)
    place = make.placement()
    for code, hours, status in (("A-1", 8, ProposalStatus.ACTIVE),
                                ("B-2", 6, ProposalStatus.ACTIVE),
                                ("C-3", 5, ProposalStatus.APPROVED),
                                ("D-4", 9, ProposalStatus.ENDED)):
        make._add(Proposal(participant_id=make.participant(code=code).id, placement_id=place.id,
                           mentor_id=m.id, hours=hours, status=status))
    auth.login(user)
    page = client.get("/mentor/profile").get_data(as_text=True)
    assert "Nu: 19 timer om ugen · deltagere: 3" in page  # the ended one no longer counts
    assert "deltagere: 3 (1 forslag venter på dit svar og er talt med)" in page
    r = client.post("/mentor/profile", data=PROFILE, follow_redirects=True)  # 12 hours, 3 people
    html = r.get_data(as_text=True)
    assert "Profilen er gemt." in html
    assert "Du har allerede 19 timer om ugen (deltagere: 3), mere end den nye kapacitet." in html
    db.session.refresh(m)
    assert m.capacity_hours == 12  # saved all the same: the mentor knows their week
    r = client.post("/mentor/profile", data={**PROFILE, "capacity_hours": "20"},
                    follow_redirects=True)
    assert "mere end den nye kapacitet" not in r.get_data(as_text=True)


def test_skills_are_worded_from_the_mentors_side(client, make, auth):
    user = make.user("mentor")
    make.mentor(None, user=user)
    auth.login(user)
    page = client.get("/mentor/profile").get_data(as_text=True)
    assert "Kan give en fast struktur i dagen" in page and "Behov for fast struktur" not in page


def test_a_mentor_without_capacity_is_told_they_get_no_new_proposals(client, db, make, auth):
    user = make.user("mentor")
    me = make.mentor(None, user=user, max_participants=4)
    p = make.participant(code="ASK-2", status="proposed")
    proposal = make._add(Proposal(participant_id=p.id, placement_id=make.placement().id,
                                  mentor_id=me.id, hours=5, status=ProposalStatus.APPROVED))
    auth.login(user)
    r = client.post(f"/mentor/proposals/{proposal.id}/decline", data={"reason": "no_capacity"},
                    follow_redirects=True)
    page = r.get_data(as_text=True)
    assert ("Du får ingen nye forslag: &#34;Højst så mange deltagere ad gangen&#34; er nu 0, det "
            "antal du har. Hæv det under Min profil, når du har plads.") in page
    db.session.refresh(me)
    assert me.max_participants == 0
    page = client.get("/mentor/profile").get_data(as_text=True)
    assert 'name="max_participants"' in page and 'value="0"' in page


def test_a_profile_edit_that_breaks_an_assignment_tells_its_consultant(client, db, make, auth):
    """A walk: the mentor took off a skill her participant needs and cut her travel to 1 km,
    saved with not a word to anyone; the consultant learnt nothing."""
    from web.cover.notices import notice_text
    from web.models import Notification

    user = make.user("mentor")
    m = make.mentor(None, user=user, skills=["psychiatry", "trauma"], days=["tue", "thu"])
    consultant = make.user("consultant")
    p = make.participant(consultant, status="active", needs=["psychiatry"], days=["tue"],
                         areas=["kitchen"])
    a = make._add(Proposal(participant_id=p.id, placement_id=make.placement().id,
                           mentor_id=m.id, hours=6, status=ProposalStatus.ACTIVE))
    auth.login(user)
    data = {**PROFILE, "skills": ["psychiatry"], "languages": []}
    r = client.post("/mentor/profile", data=data, follow_redirects=True)  # still fits
    assert db.session.query(Notification).count() == 0
    r = client.post("/mentor/profile", data={**data, "skills": ["trauma"]},
                    follow_redirects=True)
    assert ("De nye oplysninger passer ikke længere til forløbet eller forslaget for 1 "
            "deltager: deltagerens konsulent får besked.") in r.get_data(as_text=True)
    [told] = db.session.query(Notification).filter_by(user_id=consultant.id).all()
    assert told.kind == "mentor_misfit" and told.params == {"proposal_id": a.id}
    subject, text = notice_text(told.kind, told.params)
    assert subject == "Mentor ændret" and f"Forløbet for deltager {p.code}" in text
    assert "mentoren mangler en kompetence, deltageren har brug for" in text


def test_a_mentor_without_a_profile_is_sent_to_fill_it_in_from_every_menu_page(
        client, db, make, auth):
    """A new mentor login (no profile yet) got "no access" from every page of their menu
    but the inbox, which sends them to the profile: now every page does, and says why."""
    from web.nav import menu_for

    user = make.user("mentor")
    auth.login(user)
    with client.application.test_request_context():
        menu = [item["url"] for item in menu_for(user)]
    assert "/mentor/profile" in menu
    for url in menu:
        if url in ("/mentor/profile", "/cover/notices", "/account/tokens/"):
            continue  # pages of their own, with or without a profile
        r = client.get(url)
        assert r.status_code == 302 and r.location.endswith("/mentor/profile"), url
        html = client.get(r.location).get_data(as_text=True)
        assert "Udfyld først din profil" in html, url
    assert db.session.scalar(db.select(db.func.count()).select_from(Mentor)) == 0
