"""The employer's pages: CVR check, placements, colleague-mentors, own company only."""

import re

import pytest

from web.employers.forms import cvr_is_valid, normalise_cvr
from web.models import Invitation, Mentor, Placement, User

PLACEMENT = {"title": "Køkkenhjælp", "area": "kitchen", "slots": "2", "days": ["mon", "wed"],
             "requirements": ["abstinent"], "accommodations": "Rolig start kl. 9",
             "town": "Aarhus", "start_date": "2027-01-04", "end_date": "2027-06-30"}
MENTOR = {"name": "Kim Kollega", "skills": ["addiction"], "languages": ["lang:ar"],
          "days": ["mon", "tue"], "capacity_hours": "6", "max_participants": "2",
          "town": "Aarhus"}


@pytest.fixture
def company(make, auth):
    employer = make.employer(name="Café Kornet")
    auth.login(make.user("employer", employer_id=employer.id))
    return employer


@pytest.mark.parametrize("cvr, ok", [
    ("10000009", True), ("10000008", False), ("1000000", False), ("1000000A", False),
    ("100000090", False), ("", False),
])
def test_cvr_modulus_11(cvr, ok):
    assert cvr_is_valid(cvr) is ok


def test_cvr_is_normalised():
    assert normalise_cvr("DK 1000 0009") == "10000009"


def test_bad_cvr_is_refused_next_to_the_field(client, db, company):
    client.post("/lang/en", data={"next": "/"})
    html = client.post("/employer/company", data={"name": "Café Kornet", "cvr": "10000008",
                                                   "town": "Aarhus"}).get_data(as_text=True)
    assert '<p class="error" id="cvr-error">This is not a valid CVR number.' in html
    db.session.refresh(company)
    assert company.cvr is None


def test_short_cvr_has_its_own_message(client, company):
    client.post("/lang/en", data={"next": "/"})
    html = client.post("/employer/company", data={"name": "X", "cvr": "123",
                                                   "town": "Aarhus"}).get_data(as_text=True)
    assert "A CVR number has exactly 8 digits." in html


def test_good_cvr_is_saved(client, db, company):
    r = client.post("/employer/company", data={"name": "Café Kornet ApS", "cvr": "DK 1000 0009",
                                                "town": "Aarhus"})
    assert r.status_code == 302
    db.session.refresh(company)
    assert (company.cvr, company.name) == ("10000009", "Café Kornet ApS")


def test_cvr_of_another_company_is_refused(client, db, make, company):
    make.employer(cvr="10000009")
    r = client.post("/employer/company", data={"name": "X", "cvr": "10000009", "town": "Aarhus"})
    assert r.status_code == 200
    db.session.refresh(company)
    assert company.cvr is None


def test_create_edit_and_close_a_placement(client, db, company):
    assert client.post("/employer/placements/new", data=PLACEMENT).status_code == 302
    p = db.session.scalar(db.select(Placement))
    assert (p.employer_id, p.days, p.requirements, p.slots) == (company.id, ["mon", "wed"],
                                                                ["abstinent"], 2)
    assert p.town == "Aarhus (Aarhus Kommune)" and p.status == "open"
    client.post(f"/employer/placements/{p.id}/edit", data={**PLACEMENT, "slots": "3"})
    db.session.refresh(p)
    assert p.slots == 3
    r = client.post(f"/employer/placements/{p.id}/close")  # without JavaScript: asked first
    assert "Vil du lukke praktikpladsen Køkkenhjælp?" in r.get_data(as_text=True)
    db.session.refresh(p)
    assert p.status == "open"
    client.post(f"/employer/placements/{p.id}/close", data={"confirmed": "1"})
    db.session.refresh(p)
    assert p.status == "closed"
    page = client.get("/employer/placements").get_data(as_text=True)
    assert '>Åbn igen<span class="sr-only"> Køkkenhjælp</span></button>' in page
    client.post(f"/employer/placements/{p.id}/reopen")
    db.session.refresh(p)
    assert p.status == "open"


@pytest.mark.parametrize("change, field", [
    ({"slots": "0"}, "slots"),
    ({"end_date": "2026-12-01"}, "end_date"),
    ({"days": []}, "days"),
    ({"requirements": ["cpr"]}, "requirements"),
    ({"town": "Atlantis"}, "town"),
    ({"area": "weapons"}, "area"),
    ({"accommodations": "Spørg efter Jens (010190-1234), tlf. 12345678"}, "accommodations"),
    ({"title": "Køkken 0101901234"}, "title"),
    ({"start_date": "0001-01-01", "end_date": ""}, "start_date"),  # a walk: taken, and proposed
    ({"end_date": "9999-12-31"}, "end_date"),
])
def test_bad_placement_is_refused_and_nothing_stored(client, db, company, change, field):
    r = client.post("/employer/placements/new", data={**PLACEMENT, **change})
    assert r.status_code == 200
    assert f'id="{field}-error"' in r.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(Placement)) == 0


def test_an_ended_placement_says_so_and_is_not_offered(client, db, make, company):
    """A walk: a placement that ended long ago was listed as open and proposed."""
    from datetime import date, timedelta

    from web.runs import service
    from workers.problem import build_problem

    today = date.today()
    ended = make.placement(company, title="Sluttet", start_date=date(2026, 1, 5),
                           end_date=today - timedelta(days=1))
    last_day = make.placement(company, title="Sidste dag", end_date=today)
    always = make.placement(company, title="Altid")
    page = client.get("/employer/placements").get_data(as_text=True)
    row = page.split(">Sluttet<")[1].split("</tr>")[0]
    assert "Afsluttet" in row and "5. jan. 2026 til" in row
    # nothing to close (a walk saw "Luk" beside "Afsluttet"); a new end date opens it again
    assert f"/placements/{ended.id}/close" not in row and "Ret" in row
    assert "Åben" in page.split(">Sidste dag<")[1].split("</tr>")[0]
    assert f"/placements/{last_day.id}/close" in page
    consultant = make.user("consultant")
    run = service.create_run(consultant, [make.participant(consultant).id], time_limit=2)
    assert [q["id"] for q in build_problem(run)["placements"]] == [
        f"l{last_day.id}", f"l{always.id}"]
    assert ended.status == "open"  # the status stays; the date decides


def test_another_companys_placement_and_mentor_are_404(client, make, company):
    other = make.employer()
    p, m = make.placement(other), make.mentor(other)
    assert client.get(f"/employer/placements/{p.id}/edit").status_code == 404
    yes = {"confirmed": "1"}
    assert client.post(f"/employer/placements/{p.id}/close", data=yes).status_code == 404
    assert client.post(f"/employer/placements/{p.id}/reopen").status_code == 404
    assert client.get(f"/employer/mentors/{m.id}/edit").status_code == 404
    assert client.post(f"/employer/mentors/{m.id}/deactivate", data=yes).status_code == 404
    assert client.post(f"/employer/mentors/{m.id}/activate").status_code == 404
    external = make.mentor(None)
    assert client.get(f"/employer/mentors/{external.id}/edit").status_code == 404
    assert "Kitchen help" not in client.get("/employer/placements").get_data(as_text=True)


def test_employer_user_without_a_company_is_forbidden(client, make, auth):
    auth.login(make.user("employer"))
    assert client.get("/employer/placements").status_code == 403


def test_add_edit_and_deactivate_a_colleague_mentor(client, db, company):
    assert client.post("/employer/mentors/new", data=MENTOR).status_code == 302
    m = db.session.scalar(db.select(Mentor))
    assert (m.employer_id, m.skills, m.days, m.capacity_hours) == (
        company.id, ["addiction", "lang:ar"], ["mon", "tue"], 6)
    assert m.user_id is None and m.max_travel_km == 0
    client.post(f"/employer/mentors/{m.id}/edit", data={**MENTOR, "capacity_hours": "8"})
    db.session.refresh(m)
    assert m.capacity_hours == 8
    client.post(f"/employer/mentors/{m.id}/deactivate")  # asked first: nothing yet
    db.session.refresh(m)
    assert m.active is True
    client.post(f"/employer/mentors/{m.id}/deactivate", data={"confirmed": "1"})
    db.session.refresh(m)
    assert m.active is False
    client.post(f"/employer/mentors/{m.id}/activate")
    db.session.refresh(m)
    assert m.active is True


def test_closing_a_placement_or_deactivating_a_mentor_with_people_asks_and_tells(
        client, db, make, company):
    from tests.cover_helpers import assign, notice_kinds
    from web.cover.notices import notice_text

    consultant = make.user("consultant")
    mentor_user = make.user("mentor")
    place, mentor = make.placement(company, title="Lager"), make.mentor(company, mentor_user)
    for _ in range(2):
        assign(db, make.participant(consultant), place, mentor)
    page = client.get("/employer/placements").get_data(as_text=True)
    assert "2 deltagere er her nu og beholder deres pladser; sagsbehandlerne får besked." in page
    page = client.get("/employer/mentors").get_data(as_text=True)
    assert "Vedkommende støtter 2 deltagere nu, som skal have en ny mentor" in page

    client.post(f"/employer/placements/{place.id}/close", data={"confirmed": "1"})
    client.post(f"/employer/mentors/{mentor.id}/deactivate", data={"confirmed": "1"})

    assert notice_kinds(db, consultant) == ["placement_closed", "mentor_deactivated"]  # once each
    assert mentor_user.active is False  # the login is off with the mentor
    _, text = notice_text("mentor_deactivated", {"mentor_id": mentor.id})
    assert text.startswith(f"Café Kornet har deaktiveret {mentor.name} som mentor.")
    page = client.get("/employer/mentors").get_data(as_text=True)
    assert ">Slået fra<" in page  # the login column follows the user
    client.post(f"/employer/mentors/{mentor.id}/activate")
    db.session.refresh(mentor_user)
    assert mentor_user.active is True
    assert ">Ja<" in client.get("/employer/mentors").get_data(as_text=True)  # password set


@pytest.mark.parametrize("hours", ["-1", "61", ""])
def test_capacity_hours_outside_0_to_60_is_refused(client, db, company, hours):
    r = client.post("/employer/mentors/new", data={**MENTOR, "capacity_hours": hours})
    assert 'id="capacity_hours-error"' in r.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(Mentor)) == 0


def test_inviting_a_colleague_makes_a_mentor_user_with_a_one_time_link(client, db, company):
    r = client.post("/employer/mentors/new", data={**MENTOR, "email": "Kim@Cafe.dk"})
    html = r.get_data(as_text=True)
    assert r.status_code == 201 and "/invite/" in html  # made, and its link shown once
    user = db.session.scalar(db.select(User).where(User.email == "kim@cafe.dk"))
    assert (user.role, user.employer_id, user.password_hash) == ("mentor", company.id, None)
    assert db.session.scalar(db.select(Mentor)).user_id == user.id
    assert db.session.scalar(db.select(db.func.count()).select_from(Invitation)) == 1


def test_a_colleague_whose_link_was_lost_gets_a_new_one_from_the_employer(client, db, make,
                                                                          company):
    """The link is shown only once and runs out in 7 days; the e-mail field goes once a
    colleague is invited, so a walk's employer had no way to a new link (only an admin)."""
    r = client.post("/employer/mentors/new", data={**MENTOR, "email": "kim@cafe.dk"})
    first = re.search(r'value="(http://localhost/invite/[^"]+)"', r.get_data(as_text=True))[1]
    mentor = db.session.scalar(db.select(Mentor))
    page = client.get("/employer/mentors").get_data(as_text=True)
    assert f"/employer/mentors/{mentor.id}/invite" in page
    r = client.post(f"/employer/mentors/{mentor.id}/invite")
    new = re.search(r'value="(http://localhost/invite/[^"]+)"', r.get_data(as_text=True))[1]
    assert r.status_code == 201 and new != first  # a new link, shown once
    assert client.get(first.removeprefix("http://localhost")).status_code == 404  # revoked
    # Once the colleague has a password, the employer cannot get a link to their login.
    mentor.user.set_password("Kollega-kode 1")
    db.session.commit()
    assert f"/employer/mentors/{mentor.id}/invite" not in client.get(
        "/employer/mentors").get_data(as_text=True)
    r = client.post(f"/employer/mentors/{mentor.id}/invite")
    assert r.status_code == 302 and db.session.scalar(
        db.select(db.func.count()).select_from(Invitation)) == 2
    other = make.mentor(make.employer(), user=make.user("mentor"))
    assert client.post(f"/employer/mentors/{other.id}/invite").status_code == 404


def test_inviting_with_a_taken_email_stores_nothing(client, db, make, company):
    make.user("consultant", email="taken@x.dk")
    r = client.post("/employer/mentors/new", data={**MENTOR, "email": "taken@x.dk"})
    assert 'id="email-error"' in r.get_data(as_text=True)
    assert "Denne e-mail kan ikke få et nyt login her." in r.get_data(as_text=True)
    assert "findes allerede en bruger" not in r.get_data(as_text=True)  # whose login: not said
    assert db.session.scalar(db.select(db.func.count()).select_from(Mentor)) == 0


@pytest.mark.parametrize("path, data", [
    ("/employer/company", {"name": "Café 010190-1234", "cvr": "10000009", "town": "Aarhus"}),
    ("/employer/mentors/new", {**MENTOR, "name": "Hans 010190-1234"}),  # a walk saved this one
])
def test_a_cpr_number_in_a_name_is_refused_at_the_field(client, db, company, path, data):
    r = client.post(path, data=data)
    assert r.status_code == 200 and 'id="name-error"' in r.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(Mentor)) == 0
    db.session.refresh(company)
    assert company.name == "Café Kornet"


def test_empty_optional_dates_say_nothing_when_another_field_is_wrong(client, db, company):
    """A walk saw "Ikke en gyldig dato." under both empty dates when only the title was
    missing (the one-message rule for unreadable values, before it let Optional speak)."""
    r = client.post("/employer/placements/new",
                    data={**PLACEMENT, "title": "", "start_date": "", "end_date": ""})
    html = r.get_data(as_text=True)
    assert 'id="title-error"' in html
    assert 'id="start_date-error"' not in html and 'id="end_date-error"' not in html
    r = client.post("/employer/placements/new", data={**PLACEMENT, "slots": ""})
    assert "Feltet skal udfyldes." in r.get_data(as_text=True)  # required, not "not a number"


def test_closing_a_placement_tells_the_consultant_of_a_proposal_waiting_there(client, db,
                                                                            make, company):
    """Closing told only the consultants of those placed; one whose proposal there waited
    for the mentor heard nothing, and the mentor's yes was refused later."""
    from tests.cover_helpers import notice_kinds
    from web.cover.notices import notice_text
    from web.models import Notification, Proposal, ProposalStatus

    place = make.placement(company, title="Lager")
    consultant = make.user("consultant")
    waiting = make._add(Proposal(
        participant_id=make.participant(consultant, code="WAIT-1", status="proposed").id,
        placement_id=place.id, mentor_id=make.mentor(company, name="Kim Kollega").id, hours=6,
        status=ProposalStatus.APPROVED))
    client.post(f"/employer/placements/{place.id}/close", data={"confirmed": "1"})
    assert notice_kinds(db, consultant) == ["proposal_placement_closed"]
    told = db.session.scalar(db.select(Notification).where(Notification.user_id == consultant.id))
    assert told.params == {"proposal_id": waiting.id}
    _, text = notice_text(told.kind, told.params)
    assert text == ("Café Kornet har lukket praktikpladsen Lager, hvor forslaget til deltager "
                    "WAIT-1 venter på svar fra Kim Kollega. Det kan ikke længere bekræftes: "
                    "afvis det, og kør igen.")


def test_ending_a_placement_by_its_date_tells_the_consultant_of_a_proposal_waiting_there(
        client, db, make, company):
    """As closing it does (a walk: only closing told them)."""
    from datetime import date, timedelta

    from tests.cover_helpers import notice_kinds
    from web.models import Proposal, ProposalStatus

    place = make.placement(company, title="Lager")
    consultant = make.user("consultant")
    make._add(Proposal(
        participant_id=make.participant(consultant, status="proposed").id,
        placement_id=place.id, mentor_id=make.mentor(company).id, hours=6,
        status=ProposalStatus.APPROVED))
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    data = {**PLACEMENT, "title": "Lager", "start_date": "", "end_date": yesterday}
    client.post(f"/employer/placements/{place.id}/edit", data=data)
    client.post(f"/employer/placements/{place.id}/edit", data=data)  # saved again: told once
    assert notice_kinds(db, consultant) == ["proposal_placement_closed"]


def test_ending_a_placement_by_its_date_tells_the_consultants_of_those_placed(client, db,
                                                                             make, company):
    """A walk set a past end date on a placement with an active participant; nobody heard."""
    from datetime import date, timedelta

    from web.models import Notification, Proposal, ProposalStatus

    place = make.placement(company, title="Lager")
    consultant = make.user("consultant")
    p = make.participant(consultant, status="active")
    db.session.add(Proposal(participant_id=p.id, placement_id=place.id,
                            mentor_id=make.mentor(company).id, hours=6,
                            status=ProposalStatus.ACTIVE))
    db.session.commit()
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    data = {**PLACEMENT, "title": "Lager", "start_date": "", "end_date": yesterday}
    r = client.post(f"/employer/placements/{place.id}/edit", data=data, follow_redirects=True)
    assert ("1 deltager har stadig et forløb her: deltagerens konsulent får besked om, at "
            "pladsen er afsluttet.") in r.get_data(as_text=True)
    told = db.session.query(Notification).filter_by(user_id=consultant.id).all()
    assert [n.kind for n in told] == ["placement_closed"]
    client.post(f"/employer/placements/{place.id}/edit", data=data)  # saved again: told once
    assert db.session.query(Notification).filter_by(user_id=consultant.id).count() == 1


def test_a_placement_edit_that_breaks_an_assignment_tells_its_consultant(client, db, make,
                                                                          company):
    """A walk took Wednesday and Thursday off a placement whose participant works there on
    Wednesdays and Thursdays, and made it drug-free: saved without a word to anyone (a
    participant's edit says which proposals no longer fit)."""
    from web.cover.notices import notice_text
    from web.models import Notification, Proposal, ProposalStatus

    place = make.placement(company, title="Lager", days=["mon", "wed"])
    consultant = make.user("consultant")
    p = make.participant(consultant, status="active", days=["wed"])
    a = Proposal(participant_id=p.id, placement_id=place.id,
                 mentor_id=make.mentor(company).id, hours=6, status=ProposalStatus.ACTIVE)
    db.session.add(a)
    db.session.commit()
    data = {**PLACEMENT, "title": "Lager", "days": ["mon", "wed"], "requirements": [],
            "start_date": "", "end_date": ""}
    client.post(f"/employer/placements/{place.id}/edit", data=data)  # still fits: no word
    assert db.session.query(Notification).filter_by(user_id=consultant.id).count() == 0
    r = client.post(f"/employer/placements/{place.id}/edit",
                    data={**data, "days": ["mon", "tue"]}, follow_redirects=True)
    assert ("De nye oplysninger passer ikke længere til 1 deltager, der er i praktik eller "
            "foreslået her: deltagerens konsulent får besked.") in r.get_data(as_text=True)
    [told] = db.session.query(Notification).filter_by(user_id=consultant.id).all()
    assert told.kind == "placement_misfit"
    subject, text = notice_text(told.kind, told.params)
    assert subject == "Praktikplads ændret"
    assert f"Forløbet for deltager {p.code}" in text
    assert "der er ingen fælles dag med pladsen og mentoren" in text
    client.post(f"/employer/placements/{place.id}/edit", data={**data, "days": ["mon", "tue"]})
    assert db.session.query(Notification).filter_by(user_id=consultant.id).count() == 1


def test_a_long_unbroken_accommodation_wraps_in_our_participants(client, db, make, company):
    """A walk saved 1000 characters with no space (a pasted link does it) as how the
    workplace adapts: "Our participants" grew 10,000 pixels wide, the mentor off screen."""
    from web.models import Proposal, ProposalStatus

    place = make.placement(company, accommodations="x" * 1000)
    db.session.add(Proposal(participant_id=make.participant(status="active").id,
                            placement_id=place.id, mentor_id=make.mentor(company).id, hours=6,
                            status=ProposalStatus.ACTIVE))
    db.session.commit()
    html = client.get("/employer/participants").get_data(as_text=True)
    cell = re.search(r'<td [^>]*>x{1000}</td>', html)
    assert cell and 'class="wrap"' in cell.group(0)
    assert ".wrap { overflow-wrap: anywhere; }" in (
        client.get("/static/style.css").get_data(as_text=True))


def test_a_placement_changed_back_says_the_assignment_fits_again(client, db, make, company):
    """A walk changed a placement's days back the minute after: the consultant's notice then
    read "passer ikke længere: det passer igen nu"."""
    from web.cover.notices import notice_text
    from web.models import Notification, Proposal, ProposalStatus

    place = make.placement(company, title="Lager", days=["mon", "wed"])
    consultant = make.user("consultant")
    p = make.participant(consultant, status="active", days=["wed"])
    db.session.add(Proposal(participant_id=p.id, placement_id=place.id,
                            mentor_id=make.mentor(company).id, hours=6,
                            status=ProposalStatus.ACTIVE))
    db.session.commit()
    data = {**PLACEMENT, "title": "Lager", "requirements": [], "start_date": "", "end_date": ""}
    client.post(f"/employer/placements/{place.id}/edit", data={**data, "days": ["mon"]})
    client.post(f"/employer/placements/{place.id}/edit", data={**data, "days": ["mon", "wed"]})
    [told] = db.session.query(Notification).filter_by(user_id=consultant.id).all()
    _subject, text = notice_text(told.kind, told.params)
    assert "passer ikke længere" not in text and "den passer igen" in text


def test_the_row_buttons_of_the_employer_lists_name_their_row(client, db, make, company):
    """A walk: every row's "Activate" or "Open again" read the same to a screen reader."""
    import html

    make.mentor(employer=company, name="Kim Kollega", active=False)
    make.mentor(employer=company, name="Lone Lund", active=False)
    make.placement(employer=company, title="Opvask", status="closed")
    make.placement(employer=company, title="Lager", status="closed")
    db.session.commit()

    def names(url):
        page = client.get(url).get_data(as_text=True)
        return [" ".join(html.unescape(re.sub(r"<[^>]+>", "", b)).split())
                for b in re.findall(r'<button type="submit"[^>]*>(.*?)</button>', page, re.S)]

    assert {"Aktiver Kim Kollega", "Aktiver Lone Lund"} <= set(names("/employer/mentors"))
    assert {"Åbn igen Opvask", "Åbn igen Lager"} <= set(names("/employer/placements"))
