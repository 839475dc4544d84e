"""Administration: users, roles, invitations (single use, 7 days) and the queue page."""

import pytest
from rq import SimpleWorker
from rq.registry import FailedJobRegistry

from web.invitations import service
from web.models import Invitation, RunStatus, SolveRun, User
from workers.queue import get_queue


@pytest.fixture
def admin(make, auth, client):
    user = make.user("admin")
    auth.login(user)
    client.post("/lang/en", data={"next": "/"})
    return user


def _link(html: str) -> str:
    start = html.index("http://localhost/invite/")
    return html[start:html.index('"', start)].removeprefix("http://localhost")


def test_users_are_listed(client, make, admin):
    make.user("consultant", name="Camilla Jensen")
    assert "Camilla Jensen" in client.get("/admin/users").get_data(as_text=True)


def test_invitation_journey_is_single_use(client, db, admin):
    r = client.post("/admin/users/new", data={"email": "New@Demo.dk", "name": "Nina Ny",
                                               "role": "consultant", "employer": ""})
    assert r.status_code == 201  # made, and its link shown once: no form shown again (200)
    user = db.session.scalar(db.select(User).where(User.email == "new@demo.dk"))
    r = client.post(f"/admin/users/{user.id}/invite")  # a new link; the first stops working
    assert r.status_code == 201
    link = _link(r.get_data(as_text=True))
    assert user.password_hash is None and user.role == "consultant"
    client.post("/logout")
    assert client.get(link).status_code == 200
    r = client.post(link, data={"password": "long enough pw", "confirm": "long enough pw"})
    assert r.status_code == 302 and r.headers["Location"].endswith("/login")
    db.session.refresh(user)
    assert user.check_password("long enough pw")
    # the same link never works twice
    assert client.get(link).status_code == 404
    r = client.post(link, data={"password": "another password", "confirm": "another password"})
    assert r.status_code == 404
    db.session.refresh(user)
    assert user.check_password("long enough pw")
    assert client.post("/login", data={"email": "new@demo.dk", "password": "long enough pw"}
                       ).status_code == 302


def test_short_or_mismatched_password_is_refused(client, db, make, app):
    user = make.user("mentor")
    with app.test_request_context():
        link = service.invite(user, by=None).removeprefix("http://localhost")
    db.session.commit()
    r = client.post(link, data={"password": "short", "confirm": "short"})
    assert 'id="password-error"' in r.get_data(as_text=True)
    r = client.post(link, data={"password": "long enough pw", "confirm": "long enough px"})
    assert 'id="confirm-error"' in r.get_data(as_text=True)
    assert db.session.scalar(db.select(Invitation)).used_at is None


def test_expired_tampered_and_revoked_links_are_refused(client, db, make, app, monkeypatch):
    user = make.user("mentor")
    with app.test_request_context():
        old = service.invite(user, by=None).removeprefix("http://localhost")
        new = service.invite(user, by=None).removeprefix("http://localhost")
    db.session.commit()
    assert client.get(old).status_code == 404  # a newer link revokes the older
    assert client.get(new[:-2] + "xx").status_code == 404  # bad signature
    assert client.get(new).status_code == 200
    monkeypatch.setattr(service, "MAX_AGE", -1)  # every token is now older than allowed
    assert client.get(new).status_code == 404


def test_employer_user_needs_a_company(client, db, admin):
    r = client.post("/admin/users/new", data={"email": "e@x.dk", "name": "E", "role": "employer",
                                               "employer": ""})
    assert 'id="employer-error"' in r.get_data(as_text=True)
    assert db.session.scalar(db.select(User).where(User.email == "e@x.dk")) is None


def test_change_role_and_deactivate(client, db, make, admin):
    company = make.employer()
    user = make.user("consultant")
    client.post(f"/admin/users/{user.id}/edit", data={"name": user.name, "role": "employer",
                                                      "employer": str(company.id)})
    client.post(f"/admin/users/{user.id}/deactivate")
    db.session.refresh(user)
    assert (user.role, user.employer_id, user.active) == ("employer", company.id, False)
    assert client.post("/login", data={"email": user.email, "password": "pw"}).status_code == 302
    client.post(f"/admin/users/{user.id}/activate")
    db.session.refresh(user)
    assert user.active


def test_admin_cannot_lock_themselves_out(client, db, admin):
    client.post(f"/admin/users/{admin.id}/deactivate")
    r = client.post(f"/admin/users/{admin.id}/edit", data={"name": "A", "role": "consultant",
                                                           "employer": ""})
    assert r.status_code == 400
    db.session.refresh(admin)
    assert admin.active and admin.role == "admin"


def explode(run_id):
    """A job that fails with personal data in its message (which must not be shown)."""
    raise ValueError("participant AAR-1234 has a secret")


def test_queue_page_shows_failures_without_personal_data_and_retries(client, db, make, admin):
    run = make._add(SolveRun(requested_by_id=admin.id, scope=[], status=RunStatus.FAILED,
                             error="boom"))
    q = get_queue("match")
    job = q.enqueue(explode, 7)
    SimpleWorker([q], connection=q.connection).work(burst=True)
    solve = q.enqueue("workers.jobs.run_solve", run.id)
    q.remove(solve)
    FailedJobRegistry(queue=q).add(solve, ttl=600,
                                   exc_string="Traceback\nRuntimeError: AAR-9 went wrong")

    html = client.get("/admin/queues").get_data(as_text=True)
    assert job.id in html and "test_admin.explode" in html and "ValueError" in html
    assert f"<td>{run.id}</td>" in html
    assert "AAR-1234" not in html and "secret" not in html and "AAR-9" not in html

    assert client.post(f"/admin/queues/jobs/{solve.id}/retry").status_code == 302
    assert solve.id in q.job_ids and solve.id not in FailedJobRegistry(queue=q).get_job_ids()
    db.session.refresh(run)
    assert run.status == RunStatus.QUEUED and run.error is None
    assert client.post("/admin/queues/jobs/no-such-job/retry").status_code == 404


def test_a_cpr_number_in_a_users_name_is_refused_and_nothing_stored(client, db, admin):
    """A walk saved a user named "Ole 010190-1234"; it then showed in the dashboard's teams."""
    users = db.session.query(User).count()
    r = client.post("/admin/users/new", data={"email": "ole@demo.dk", "name": "Ole 010190-1234",
                                               "role": "consultant", "employer": ""})
    assert r.status_code == 200 and 'id="name-error"' in r.get_data(as_text=True)
    assert db.session.query(User).count() == users
    r = client.post(f"/admin/users/{admin.id}/edit", data={"name": "Ole 0101901234",
                                                             "role": "admin", "employer": ""})
    assert 'id="name-error"' in r.get_data(as_text=True)
    db.session.refresh(admin)
    assert "0101901234" not in admin.name


def test_a_consultant_is_not_given_a_company(client, db, make, admin):
    """A walk invited a consultant with a company chosen, and it was taken."""
    company = make.employer()
    r = client.post("/admin/users/new", data={"email": "k@x.dk", "name": "K",
                                               "role": "consultant",
                                               "employer": str(company.id)})
    page = r.get_data(as_text=True)
    assert 'id="employer-error"' in page and "belong to a company: leave it empty" in page
    assert db.session.scalar(db.select(User).where(User.email == "k@x.dk")) is None


def test_a_mentor_made_another_role_leaves_their_mentor_record_without_a_login(
        client, db, make, admin):
    """A walk made a mentor's login a consultant: their mentor record kept the login, so
    nobody could answer for that mentor, neither the login nor a consultant (who records the
    answers of mentors without one)."""
    from web.models import Mentor

    company = make.employer()
    user = make.user("mentor", employer_id=company.id)
    mentor = make.mentor(company, user=user, name="Mona Mentor")
    other = make.mentor(company, user=make.user("mentor", employer_id=company.id))
    r = client.post(f"/admin/users/{user.id}/edit", data={"name": user.name, "role": "mentor",
                                                          "employer": str(company.id)})
    assert r.status_code == 302 and db.session.get(Mentor, mentor.id).user_id == user.id
    r = client.post(f"/admin/users/{user.id}/edit", data={"name": user.name,
                                                          "role": "consultant", "employer": ""},
                    follow_redirects=True)
    assert "The mentor Mona Mentor no longer has a login" in r.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Mentor, mentor.id).user_id is None
    assert db.session.get(Mentor, other.id).user_id is not None  # only theirs


def test_switching_a_mentors_login_off_says_who_answers_for_them(client, db, make, admin):
    """The login is switched off, the mentor record keeps it (switched on, they answer
    again); the admin is told that the consultants record the answers till then."""
    from web.models import Mentor

    company = make.employer()
    user = make.user("mentor", employer_id=company.id)
    mentor = make.mentor(company, user=user, name="Mona Mentor")
    r = client.post(f"/admin/users/{user.id}/deactivate", follow_redirects=True)
    assert "The mentor Mona Mentor no longer has a login" in r.get_data(as_text=True)
    db.session.expire_all()
    mentor = db.session.get(Mentor, mentor.id)
    assert mentor.user_id == user.id and not mentor.has_login
    client.post(f"/admin/users/{user.id}/activate")
    db.session.expire_all()
    assert db.session.get(Mentor, mentor.id).has_login


def test_a_mentor_login_for_a_registered_colleague_becomes_theirs(client, db, make, auth,
                                                                  admin):
    """A walk created a mentor login for a company whose colleague-mentor had no login yet:
    filling in the profile made a second mentor record, the first stayed without a login."""
    from web.models import Mentor

    company, elsewhere = make.employer(), make.employer()
    mentor = make.mentor(company, name="Mona Mentor")
    page = client.get("/admin/users/new").get_data(as_text=True)
    assert f"{company.name}: Mona Mentor" in page
    base = {"name": "Mona M.", "email": "mona@x.dk", "mentor": str(mentor.id)}
    for role, employer, error in (
            ("consultant", "", "Only a mentor login can be a registered mentor"),
            ("mentor", str(elsewhere.id), f"Mona Mentor is a mentor at {company.name}"),
            ("mentor", "", f"Mona Mentor is a mentor at {company.name}")):
        r = client.post("/admin/users/new", data={**base, "role": role, "employer": employer})
        page = r.get_data(as_text=True)
        assert r.status_code == 200 and error in page and 'id="mentor-error"' in page
        assert db.session.scalar(db.select(User).where(User.email == "mona@x.dk")) is None
    r = client.post("/admin/users/new", data={**base, "role": "mentor",
                                              "employer": str(company.id)})
    assert r.status_code == 201 and _link(r.get_data(as_text=True))
    user = db.session.scalar(db.select(User).where(User.email == "mona@x.dk"))
    db.session.expire_all()
    assert db.session.get(Mentor, mentor.id).user_id == user.id
    assert db.session.scalar(db.select(db.func.count(Mentor.id))) == 1
    assert "Mona Mentor" not in client.get("/admin/users/new").get_data(as_text=True)
    # they log in to their own record, not to an empty profile
    auth.logout()
    user.set_password("pw")
    db.session.commit()
    auth.login(user)
    assert client.get("/mentor/").status_code == 200


def test_a_leaving_consultants_cases_are_handed_over_with_their_requests(client, db, make,
                                                                        auth, admin):
    """A consultant who left (login switched off) left cases nobody else could see or follow,
    and their matching requests, with mentors' answers still to record, were theirs alone."""
    from datetime import timedelta

    import sqlalchemy as sa

    from web.models import AuditEntry, Participant, SolveRun, utcnow
    from web.models.cases import CaseEvent

    old, new = make.user("consultant", name="Olga Old"), make.user("consultant", name="Nina New")
    other = make.user("consultant")
    waiting, closed = make.participant(old), make.participant(old, status="closed")
    theirs = make.participant(other)
    run = SolveRun(requested_by_id=old.id, scope=[waiting.id])
    db.session.add(run)
    long_ago = (utcnow() - timedelta(days=400)).replace(microsecond=0)
    db.session.execute(sa.update(Participant).where(Participant.id == closed.id)
                       .values(updated_at=long_ago))
    db.session.commit()
    r = client.post(f"/admin/users/{old.id}/deactivate", follow_redirects=True)
    assert "Olga Old has 2 cases that nobody else follows" in r.get_data(as_text=True)
    page = client.get("/admin/users").get_data(as_text=True)
    assert f'2 <a href="/admin/users/{old.id}/cases">Hand over<' in page
    page = client.get(f"/admin/users/{old.id}/cases").get_data(as_text=True)
    assert "Olga Old has 2 cases:" in page and "closed 1" in page and "waiting 1" in page
    assert "Nina New (" in page and "Olga Old (" not in page  # not to themselves
    r = client.post(f"/admin/users/{old.id}/cases", data={"to": ""})
    assert r.status_code == 400 and "Choose the consultant who takes the cases." in r.get_data(
        as_text=True)
    assert db.session.get(Participant, waiting.id).consultant_id == old.id
    r = client.post(f"/admin/users/{old.id}/cases", data={"to": str(new.id)},
                    follow_redirects=True)
    assert "2 cases of Olga Old handed over to Nina New." in r.get_data(as_text=True)
    db.session.expire_all()
    owners = {p.id: p.consultant_id for p in db.session.scalars(sa.select(Participant))}
    assert owners == {waiting.id: new.id, closed.id: new.id, theirs.id: other.id}
    assert db.session.get(SolveRun, run.id).requested_by_id == new.id
    # the closed case's retention still counts from its last real change
    assert db.session.get(Participant, closed.id).updated_at == long_ago
    steps = db.session.scalars(sa.select(CaseEvent).where(CaseEvent.kind == "handed_over"))
    assert sorted((e.participant_id, e.actor_id, e.detail["from"], e.detail["to"])
                  for e in steps) == sorted((p.id, admin.id, old.id, new.id)
                                            for p in (waiting, closed))
    assert db.session.scalar(sa.select(sa.func.count(AuditEntry.id)).where(
        AuditEntry.action == "update", AuditEntry.participant_id == closed.id)) >= 1
    page = client.get(f"/participants/{waiting.id}").get_data(as_text=True)
    assert "<strong>Handed over</strong>" in page and "from Olga Old to Nina New" in page
    # the new consultant sees the case and the request
    auth.logout()
    auth.login(new)
    assert client.get(f"/participants/{waiting.id}").status_code == 200
    assert client.get(f"/runs/{run.id}").status_code == 200


def test_a_consultant_with_cases_is_not_made_an_employer_or_mentor(client, db, make, admin):
    from web.models import Participant

    company = make.employer()
    old = make.user("consultant", name="Olga Old")
    p = make.participant(old)
    r = client.post(f"/admin/users/{old.id}/edit", data={"name": "Olga Old", "role": "mentor",
                                                         "employer": str(company.id)})
    page = r.get_data(as_text=True)
    assert r.status_code == 400 and 'id="role-error"' in page
    assert "Olga Old has 1 cases: hand them over to another consultant first." in page
    db.session.expire_all()
    assert db.session.get(User, old.id).role == "consultant"
    assert db.session.get(Participant, p.id).consultant_id == old.id

def test_setting_a_password_logs_out_whoever_was_logged_in(client, db, make, auth, app):
    """A colleague set up at the employer's computer opens their link there: after setting
    the password they must not be working on in the employer's account (a walk's employer
    stayed logged in and was sent to their own placements)."""
    employer = make.user("employer", employer_id=make.employer().id)
    colleague = make.user("mentor")
    with app.test_request_context():
        link = service.invite(colleague, by=employer).removeprefix("http://localhost")
    db.session.commit()
    auth.login(employer)
    r = client.post(link, data={"password": "Kollega-2026", "confirm": "Kollega-2026"})
    assert r.status_code == 302 and r.headers["Location"].endswith("/login")
    r = client.get("/login")
    assert r.status_code == 200 and 'id="email"' in r.get_data(as_text=True)
    assert client.get("/employer/placements").status_code in (302, 401)


@pytest.mark.parametrize("password", ["aaaaaaaaaa", "1212121212", "1234567890", "Password123!",
                                      "adgangskode1", "nina.ny@demo.dk", "Nina-Nyborg-1",
                                      # keyboard rows: zxcvbn knows them
                                      "qazwsxedcrfv", "zxcvbnm,./12", "a" * 150])
def test_a_password_easy_to_guess_is_refused(client, db, make, app, password):
    """Ten characters were all the check asked for: a walk set "aaaaaaaaaa" for a login
    that reads participants' data."""
    user = make.user("mentor", email="nina.ny@demo.dk", name="Nina Nyborg")
    with app.test_request_context():
        link = service.invite(user, by=None).removeprefix("http://localhost")
    db.session.commit()
    client.post("/lang/en", data={"next": "/"})
    r = client.post(link, data={"password": password, "confirm": password})
    assert r.status_code == 200 and "too easy to guess" in r.get_data(as_text=True)
    assert db.session.scalar(db.select(Invitation)).used_at is None
    r = client.post(link, data={"password": "Lager-hus 2026", "confirm": "Lager-hus 2026"})
    assert r.status_code == 302


def test_an_invalid_link_says_why_only_when_it_was_a_real_invitation(client, db, make, app,
                                                                      monkeypatch):
    """A walk: the page said "expired or already used" for a link replaced by a newer one and
    for a user whose login is switched off too. A token that matches nothing keeps the
    generic text."""
    generic = "Linket er udløbet eller allerede brugt."
    user = make.user("mentor")
    with app.test_request_context():
        old = service.invite(user, by=None).removeprefix("http://localhost")
        new = service.invite(user, by=None).removeprefix("http://localhost")
    db.session.commit()

    def page(link):
        r = client.get(link)
        assert r.status_code == 404
        return r.get_data(as_text=True)

    assert "Der er lavet et nyere link til dig" in page(old)
    for random in (new[:-2] + "xx", "/invite/abc", "/invite/" + "x" * 80):
        assert generic in page(random)
    monkeypatch.setattr(service, "MAX_AGE", -1)
    assert "Linket er udløbet: et link gælder i 7 dage." in page(new)
    monkeypatch.undo()
    user.active = False
    db.session.commit()
    assert "Dit login er slået fra" in page(new)
    user.active = True
    db.session.commit()
    r = client.post(new, data={"password": "long enough pw 42", "confirm": "long enough pw 42"})
    assert r.status_code == 302
    assert "Linket er allerede brugt til at vælge en adgangskode." in page(new)
    assert generic not in page(new)


def _button_names(page: str) -> list[str]:
    """The accessible name of each submit button in the page's tables (its text, the
    screen-reader-only part included)."""
    import html
    import re

    tables = "".join(re.findall(r"<table.*?</table>", page, re.S))
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", "", b)).split())
            for b in re.findall(r'<button type="submit"[^>]*>(.*?)</button>', tables, re.S)]


def test_the_row_buttons_of_the_users_list_name_their_user(client, db, make, admin):
    """A walk: every row's "New invitation link" and "Deactivate" read the same to a screen
    reader, with nothing saying whose."""
    make.user("consultant", name="Camilla Jensen")
    make.user("mentor", name="Mads Holm").active = False
    db.session.commit()
    names = _button_names(client.get("/admin/users").get_data(as_text=True))
    assert "New invitation link Camilla Jensen" in names
    assert "Deactivate Camilla Jensen" in names and "Activate Mads Holm" in names
    assert len(names) == len(set(names))
