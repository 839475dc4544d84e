"""The week of a mentor without a login, entered by their employer or the consultant.

Most colleague-mentors have no login (a walk), and only a mentor could log hours: their
weeks could not be logged at all, so nothing reached the approvals or the employer's
reimbursement claim.
"""

from tests.web.hours.conftest import MONDAY, employer_login
from web.models import Notification, Timesheet


def _row(pid, **hours):
    return {f"a{pid}-{t}": v for t, v in hours.items()}


def test_the_employer_enters_the_week_of_a_colleague_without_a_login(client, auth, assign, db,
                                                                      make):
    company = make.employer()
    colleague = make.mentor(company, name="Carl Colleague")
    a = assign(mentor=colleague)
    boss = employer_login(make, company)
    auth.login(boss)
    client.post("/lang/en")
    page = client.get("/employer/mentors").get_data(as_text=True)
    assert f'href="/hours/mentors/{colleague.id}/week">Enter hours' in page
    url = f"/hours/mentors/{colleague.id}/week?week={MONDAY}"
    page = client.get(url).get_data(as_text=True)
    assert "Hours of Carl Colleague" in page and a.participant.code in page
    assert "addiction" not in page.lower()  # an employer never sees needs
    r = client.post(url, data=_row(a.id, instruction="3", follow_up="1"))
    assert r.status_code == 302 and r.headers["Location"] == url
    s = db.session.query(Timesheet).one()
    assert (s.mentor_id, s.recorded_by_id, s.status, s.total) == (colleague.id, boss.id,
                                                                 "submitted", 4)
    auth.logout()

    # the consultant sees who entered it, and a returned week goes back to them
    auth.login(a.participant.consultant)
    client.post("/lang/en")
    page = client.get("/hours/approvals").get_data(as_text=True)
    assert f"Carl Colleague · entered for them by {boss.name}" in page
    client.post(f"/hours/timesheets/{s.id}/return", data={"comment": "Tuesday missing"})
    auth.logout()
    notice = db.session.query(Notification).filter_by(user_id=boss.id,
                                                      kind="hours_returned").one()
    auth.login(boss)
    r = client.get(f"/hours/timesheets/{s.id}")
    assert r.status_code == 302 and r.headers["Location"] == url
    db.session.refresh(notice)
    assert notice.read_at is not None
    assert "Tuesday missing" in client.get(url).get_data(as_text=True)


def test_only_for_a_mentor_without_a_login_and_only_their_own(client, auth, assign, db, make):
    company = make.employer()
    colleague = make.mentor(company)
    a = assign(mentor=colleague)
    other = assign(mentor=colleague, consultant=make.user("consultant"))
    url = f"/hours/mentors/{colleague.id}/week?week={MONDAY}"
    for outsider in (employer_login(make, make.employer()), make.user("consultant"),
                     make.user("mentor")):
        auth.login(outsider)
        assert client.get(url).status_code in (403, 404)
        assert client.post(url, data=_row(a.id, instruction="2")).status_code in (403, 404)
        auth.logout()
    assert db.session.query(Timesheet).count() == 0
    # a consultant enters the weeks of their own participants only
    auth.login(a.participant.consultant)
    page = client.get(url).get_data(as_text=True)
    assert a.participant.code in page and other.participant.code not in page
    client.post(url, data={**_row(a.id, instruction="2"), **_row(other.id, instruction="9")})
    assert [(s.proposal_id, s.total) for s in db.session.query(Timesheet)] == [(a.id, 2)]
    auth.logout()
    # with a login that is on, the mentor logs their own hours
    colleague.user = make.user("mentor")
    db.session.commit()
    auth.login(employer_login(make, company))
    assert client.get(url).status_code == 404
    colleague.user.active = False
    db.session.commit()
    assert client.get(url).status_code == 200
