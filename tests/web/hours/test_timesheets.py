"""The mentor's weekly timesheet and the consultant's approval."""

import re

import pytest

from tests.web.hours.conftest import MONDAY
from web.models import Timesheet, TimesheetLine
from web.models.hours import TASKS


def _row(pid, **hours):
    return {f"a{pid}-{t}": v for t, v in hours.items()}


def test_a_mentor_fills_in_a_week_for_each_own_participant(client, auth, assign, db):
    a = assign()
    b = assign(mentor=a.mentor)
    auth.login(a.mentor.user)
    client.post("/lang/en")
    page = client.get(f"/hours/timesheet?week={MONDAY}").get_data(as_text=True)
    assert a.participant.code in page and b.participant.code in page
    assert "On-the-job training" in page and "addiction" not in page.lower()
    assert "readonly" not in page  # only an approved week is locked
    r = client.post(
        f"/hours/timesheet?week={MONDAY}",
        data={**_row(a.id, plan_day="1,5", instruction="2"), **_row(b.id, social_support="0.75")},
    )
    assert r.status_code == 302
    sheets = {s.proposal_id: s for s in db.session.query(Timesheet)}
    assert sheets[a.id].total == 3.5 and sheets[a.id].hours_for("plan_day") == 1.5
    assert sheets[b.id].total == 0.75 and sheets[a.id].status == "submitted"
    assert sheets[a.id].week_start == MONDAY
    # one week for two participants: the message counts participants, not weeks
    assert "Hours for 2 participants sent for approval." in client.get(
        f"/hours/timesheet?week={MONDAY}").get_data(as_text=True)


def test_a_timesheet_with_no_hours_says_nothing_was_sent(client, auth, assign, db):
    a = assign()
    auth.login(a.mentor.user)
    empty = _row(a.id, **dict.fromkeys(TASKS, ""))  # what the browser sends untouched
    r = client.post(f"/hours/timesheet?week={MONDAY}", data=empty, follow_redirects=True)
    assert "Der er ikke skrevet nogen timer ind, så intet er gemt." in r.get_data(as_text=True)
    assert db.session.query(Timesheet).count() == 0
    client.post(f"/hours/timesheet?week={MONDAY}", data=_row(a.id, instruction="1"))
    page = client.get(f"/hours/timesheet?week={MONDAY}").get_data(as_text=True)
    assert "Timer for 1 deltager sendt til godkendelse." in page


def test_bad_hours_are_shown_next_to_the_field_and_nothing_is_stored(client, auth, assign, db):
    a = assign()
    auth.login(a.mentor.user)
    for bad in ("abc", "21", "-1", "1,3"):
        r = client.post(
            f"/hours/timesheet?week={MONDAY}", data=_row(a.id, plan_day="2", follow_up=bad)
        )
        assert r.status_code == 200
        assert 'aria-invalid="true"' in r.get_data(as_text=True)
    assert db.session.query(Timesheet).count() == 0
    assert db.session.query(TimesheetLine).count() == 0


def test_approve_and_return_by_the_owning_consultant(client, auth, assign, db, make):
    a = assign()
    auth.login(a.mentor.user)
    client.post(f"/hours/timesheet?week={MONDAY}", data=_row(a.id, instruction="4"))
    sheet = db.session.query(Timesheet).one()
    auth.logout()

    auth.login(make.user("consultant"))  # someone else's participant
    assert client.post(f"/hours/timesheets/{sheet.id}/approve").status_code == 404
    assert sheet.participant.code not in client.get("/hours/approvals").get_data(as_text=True)
    auth.logout()

    auth.login(a.participant.consultant)
    page = client.get("/hours/approvals").get_data(as_text=True)
    assert sheet.participant.code in page and "(planlagt: 8)" in page  # beside the total
    client.post(f"/hours/timesheets/{sheet.id}/return", data={"comment": ""})
    db.session.refresh(sheet)
    assert sheet.status == "submitted"  # a return needs a comment
    r = client.post(f"/hours/timesheets/{sheet.id}/return", data={"comment": "Tirsdag mangler"},
                    follow_redirects=True)
    assert f"Sendt retur til mentoren: {sheet.participant.code}, uge 2." in r.get_data(
        as_text=True)
    db.session.refresh(sheet)
    assert (sheet.status, sheet.comment) == ("returned", "Tirsdag mangler")
    auth.logout()

    auth.login(a.mentor.user)
    assert "Tirsdag mangler" in client.get(f"/hours/timesheet?week={MONDAY}").get_data(as_text=True)
    # Taken back as a draft, the week still shows why it came back and still waits.
    client.post(f"/hours/timesheet?week={MONDAY}", data={**_row(a.id, instruction="4"),
                                                          "draft": "1"})
    page = client.get(f"/hours/timesheet?week={MONDAY}").get_data(as_text=True)
    assert "Sendt retur af jobkonsulenten: Tirsdag mangler" in page
    assert "Uger, der venter på dig" in client.get("/hours/timesheet").get_data(as_text=True)
    client.post(f"/hours/timesheet?week={MONDAY}", data=_row(a.id, instruction="5"))
    db.session.refresh(sheet)
    assert sheet.status == "submitted" and sheet.total == 5
    from web.models import Notification  # corrected and sent: its notice no longer unread
    assert db.session.scalar(db.select(Notification.read_at).where(
        Notification.kind == "hours_returned")) is not None
    auth.logout()

    auth.login(a.participant.consultant)
    page = client.get("/hours/approvals").get_data(as_text=True)
    assert 'Sendt retur før og sendt igen: "Tirsdag mangler"' in page
    r = client.post(f"/hours/timesheets/{sheet.id}/approve", follow_redirects=True)
    assert f"Godkendt: {sheet.participant.code}, uge 2." in r.get_data(as_text=True)
    db.session.refresh(sheet)
    assert sheet.status == "approved"
    auth.logout()

    auth.login(a.mentor.user)  # an approved week is locked
    page = client.get(f"/hours/timesheet?week={MONDAY}").get_data(as_text=True)
    assert "readonly" in page and "Hele ugen er godkendt: timerne er låst." in page
    assert "Send til jobkonsulenten" not in page  # nothing to send
    r = client.post(f"/hours/timesheet?week={MONDAY}", data=_row(a.id, instruction="9"))
    db.session.refresh(sheet)
    assert sheet.total == 5 and sheet.status == "approved"
    # A value typed past readonly is refused, and the field shows the hours kept, not it.
    page = r.get_data(as_text=True)
    assert "er godkendt og kan ikke ændres" in page
    field = re.search(rf'<input[^>]*name="a{a.id}-instruction"[^>]*>', page).group(0)
    assert 'value="9"' not in field and re.search(r'value="5(,0+)?"', field), field
    assert '<span class="sum">5</span>' in page  # and the sum beside it
    # Sending the same approved hours again tells of nothing sent, not "1 participant sent".
    r = client.post(f"/hours/timesheet?week={MONDAY}", data=_row(a.id, instruction="5"),
                    follow_redirects=True)
    assert "Der er ikke skrevet nogen timer ind, så intet er gemt." in r.get_data(as_text=True)


def test_a_mentor_sees_only_own_participants(client, auth, assign):
    a = assign()
    other = assign()
    auth.login(a.mentor.user)
    page = client.get(f"/hours/timesheet?week={MONDAY}").get_data(as_text=True)
    assert other.participant.code not in page
    # a row for someone else's assignment is ignored, never stored
    client.post(f"/hours/timesheet?week={MONDAY}", data=_row(other.id, instruction="3"))
    assert Timesheet.query.filter_by(proposal_id=other.id).count() == 0


def test_timesheet_needs_mentor_role(client, auth, make):
    auth.login(make.user("consultant"))
    assert client.get("/hours/timesheet").status_code == 403


def test_future_weeks_cannot_be_logged(client, auth, assign, db):
    from datetime import date, timedelta

    a = assign()
    auth.login(a.mentor.user)
    future = date.today() + timedelta(weeks=2)
    r = client.post(f"/hours/timesheet?week={future}", data=_row(a.id, instruction="2"))
    assert r.status_code == 200 and Timesheet.query.count() == 0
    assert r.headers["Cache-Control"] == "no-store"
    # the read-only field does not show the 2 refused as if it were kept
    field = re.search(rf'<input[^>]*name="a{a.id}-instruction"[^>]*>', r.get_data(as_text=True))
    assert "readonly" in field.group(0) and 'value="2"' not in field.group(0)


def test_a_draft_stays_the_mentors_until_sent_and_a_sent_week_can_be_taken_back(
        client, auth, assign, db):
    a = assign()
    auth.login(a.mentor.user)
    r = client.post(f"/hours/timesheet?week={MONDAY}",
                    data={**_row(a.id, instruction="2"), "draft": "1"}, follow_redirects=True)
    assert "Timer for 1 deltager gemt som kladde." in r.get_data(as_text=True)
    assert "Kladde, ikke sendt" in r.get_data(as_text=True)
    sheet = db.session.query(Timesheet).one()
    assert (sheet.status, sheet.total) == ("draft", 2)
    auth.logout()

    consultant = a.participant.consultant
    auth.login(consultant)  # the consultant neither sees nor can approve a draft
    assert a.participant.code not in client.get("/hours/approvals").get_data(as_text=True)
    assert client.post(f"/hours/timesheets/{sheet.id}/approve").status_code == 404
    db.session.refresh(sheet)
    assert sheet.status == "draft"
    auth.logout()

    auth.login(a.mentor.user)  # sent: now it waits for the consultant
    client.post(f"/hours/timesheet?week={MONDAY}", data=_row(a.id, instruction="3"))
    db.session.refresh(sheet)
    assert (sheet.status, sheet.total) == ("submitted", 3)
    client.post(f"/hours/timesheet?week={MONDAY}",  # taken back before approval
                data={**_row(a.id, instruction="3,5"), "draft": "1"})
    db.session.refresh(sheet)
    assert (sheet.status, sheet.total) == ("draft", 3.5)
    client.post(f"/hours/timesheet?week={MONDAY}", data=_row(a.id, instruction="3,5"))
    auth.logout()

    auth.login(consultant)
    assert a.participant.code in client.get("/hours/approvals").get_data(as_text=True)
    client.post(f"/hours/timesheets/{sheet.id}/approve")
    auth.logout()
    auth.login(a.mentor.user)  # approved: a draft cannot take it back
    client.post(f"/hours/timesheet?week={MONDAY}",
                data={**_row(a.id, instruction="3,5"), "draft": "1"})
    db.session.refresh(sheet)
    assert sheet.status == "approved"


def test_the_consultants_plan_page_leaves_out_the_mentors_drafts(client, auth, assign, db):
    """A walk: the consultant's "Leverede timer" listed a week the mentor had only saved as a
    draft ("Kladde, ikke sendt"), though the mentor's page promises the consultant cannot
    see it."""
    from babel.dates import format_date

    from tests.web.hours.conftest import week

    a = assign()
    auth.login(a.mentor.user)
    client.post(f"/hours/timesheet?week={MONDAY}",
                data={**_row(a.id, instruction="2"), "draft": "1"})
    client.post(f"/hours/timesheet?week={week(1)}", data=_row(a.id, instruction="3"))
    assert [s.status for s in db.session.query(Timesheet).order_by(Timesheet.week_start)] == [
        "draft", "submitted"]
    auth.logout()

    auth.login(a.participant.consultant)
    page = client.get(f"/hours/assignments/{a.id}").get_data(as_text=True)
    delivered = page.split("Leverede timer")[1].split("</table>")[0]
    shown = lambda d: format_date(d, format="medium", locale="da")  # noqa: E731
    assert shown(week(1)) in delivered and "Venter på godkendelse" in delivered
    assert shown(MONDAY) not in delivered and "Kladde" not in page
    auth.logout()

    auth.login(a.mentor.user)  # sent: now the consultant sees it
    client.post(f"/hours/timesheet?week={MONDAY}", data=_row(a.id, instruction="2"))
    auth.logout()
    auth.login(a.participant.consultant)
    page = client.get(f"/hours/assignments/{a.id}").get_data(as_text=True)
    assert shown(MONDAY) in page.split("Leverede timer")[1].split("</table>")[0]


@pytest.mark.parametrize("asked", ["0001-01-01", "0001-01-02", "1999-12-27", "9999-12-27",
                                   "9999-12-31"])
def test_a_week_at_the_calendars_ends_shows_the_current_week_with_a_message(
        client, auth, assign, db, asked):
    """A walk: ?week=0001-01-01, 9999-12-27 and 9999-12-31 answered 500 (the week before or
    after, or its Sunday, overflowed)."""
    a = assign()
    auth.login(a.mentor.user)
    r = client.get(f"/hours/timesheet?week={asked}")
    assert r.status_code == 302 and r.headers["Location"] == "/hours/timesheet"
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "Vælg en uge mellem 2000 og" in page and "den aktuelle uge vises" in page
    r = client.post(f"/hours/timesheet?week={asked}", data=_row(a.id, instruction="1"))
    assert r.status_code == 302 and r.headers["Location"] == "/hours/timesheet"
    assert db.session.query(Timesheet).count() == 0


def test_the_first_and_last_weeks_shown_link_no_further_and_a_non_date_is_told(
        client, auth, assign):
    from datetime import date

    from web.forms_common import last_year
    from web.hours.plans import monday

    a = assign()
    auth.login(a.mentor.user)
    page = client.get("/hours/timesheet?week=2000-01-03").get_data(as_text=True)
    assert 'rel="prev"' not in page and 'href="/hours/timesheet?week=2000-01-10"' in page
    last = monday(date(last_year(), 12, 31))
    page = client.get(f"/hours/timesheet?week={last}").get_data(as_text=True)
    assert 'rel="next"' not in page and 'rel="prev"' in page
    page = client.get("/hours/timesheet?week=abc", follow_redirects=True).get_data(as_text=True)
    assert "Ugen i adressen er ikke en dato som fx" in page


def test_the_timesheet_sums_the_hours_against_the_plan(client, auth, assign, db):
    a = assign()  # 8 hours a week
    b = assign(mentor=a.mentor)
    auth.login(a.mentor.user)
    client.post("/lang/en")
    client.post(f"/hours/timesheet?week={MONDAY}",
                data={**_row(a.id, plan_day="1,5", instruction="2,25"), **_row(b.id, follow_up="1"),
                      "draft": "1"})
    page = client.get(f"/hours/timesheet?week={MONDAY}").get_data(as_text=True)
    assert 'entered: <span class="sum">3.75</span>' in page
    assert 'value="1.5"' in page and 'value="2.25"' in page  # as the sums, not "1,5"
    assert 'entered: <span class="sum">1</span>' in page
    assert "Week total in hours: entered" in page and '<strong class="sum">4.75</strong>' in page
    assert "planned 16" in page
    # After bad values the sums are of what was typed, each bad value counting 0, and the
    # page says that nothing was saved.
    r = client.post(f"/hours/timesheet?week={MONDAY}",
                    data={**_row(a.id, plan_day="x", instruction="2", follow_up="1,3"),
                          **_row(b.id, follow_up="1", social_support="25")})
    page = r.get_data(as_text=True)
    assert '<strong class="sum">3</strong>' in page
    assert "Nothing was saved: correct the marked fields." in page
    assert f'aria-describedby="a{a.id}-plan_day-error"' in page
    assert db.session.query(Timesheet).filter_by(proposal_id=b.id).one().total == 1
    client.post("/lang/da")  # typed, not saved: "indtastet", not "registreret"
    page = client.get(f"/hours/timesheet?week={MONDAY}").get_data(as_text=True)
    assert 'indtastet: <span class="sum">3,75</span>' in page
    assert "Ugen i alt i timer: indtastet" in page  # "1 timer" was wrong Danish


def test_a_participants_week_is_at_most_20_hours_in_all(client, auth, assign, db):
    a = assign()
    auth.login(a.mentor.user)
    r = client.post(f"/hours/timesheet?week={MONDAY}",
                    data=_row(a.id, plan_day="8", instruction="8", follow_up="4,5"))
    page = r.get_data(as_text=True)
    assert "Højst 20 timer om ugen i alt for én deltager; her står der 20,5." in page
    assert db.session.query(Timesheet).count() == 0
    client.post(f"/hours/timesheet?week={MONDAY}",
                data=_row(a.id, plan_day="8", instruction="8", follow_up="4"))
    assert db.session.query(Timesheet).one().total == 20


def test_a_week_cleared_of_all_hours_is_not_sent(client, auth, assign, db):
    a = assign()
    b = assign(mentor=a.mentor)
    auth.login(a.mentor.user)
    client.post(f"/hours/timesheet?week={MONDAY}",
                data={**_row(a.id, instruction="2"), **_row(b.id, instruction="1"), "draft": "1"})
    assert db.session.query(Timesheet).count() == 2
    r = client.post(f"/hours/timesheet?week={MONDAY}",
                    data={**_row(a.id, instruction="2"), **_row(b.id, instruction="")},
                    follow_redirects=True)
    assert "Timer for 1 deltager sendt til godkendelse." in r.get_data(as_text=True)
    assert [(t.proposal_id, t.status) for t in db.session.query(Timesheet)] == [
        (a.id, "submitted")]  # nothing for the consultant to approve for b


def test_a_sent_week_offers_to_take_it_back_and_a_future_week_cannot_be_filled(
        client, auth, assign, db):
    from datetime import date, timedelta

    from web.hours.plans import monday

    a = assign()
    auth.login(a.mentor.user)
    client.post("/lang/en")
    page = client.get(f"/hours/timesheet?week={MONDAY}").get_data(as_text=True)
    assert ">Save as draft</button>" in page
    client.post(f"/hours/timesheet?week={MONDAY}", data=_row(a.id, instruction="2"))
    page = client.get(f"/hours/timesheet?week={MONDAY}").get_data(as_text=True)
    assert ">Take back as draft</button>" in page and ">Save as draft</button>" not in page
    ahead = monday(date.today()) + timedelta(weeks=1)
    page = client.get(f"/hours/timesheet?week={ahead}").get_data(as_text=True)
    assert "This week has not started" in page and "Send to the consultant" not in page
    assert page.count("readonly") == 5


def test_no_hours_for_weeks_before_the_assignment_began(client, auth, assign, db):
    """A user walk logged and got approved hours for a week before the assignment was
    confirmed (planned: 0). Weeks before its start take none, unless the plan has hours in
    them (a consultant may start the plan earlier)."""
    from datetime import timedelta

    import pytest

    from web.hours import service
    from web.hours.plans import set_plan, steps_from_durations

    a = assign()  # began the week of MONDAY
    earlier = assign(mentor=a.mentor, started=MONDAY - timedelta(weeks=4))
    before = MONDAY - timedelta(weeks=1)
    auth.login(a.mentor.user)
    page = client.get(f"/hours/timesheet?week={before}").get_data(as_text=True)
    assert earlier.participant.code in page and a.participant.code not in page
    with pytest.raises(service.BeforeStartError, match="Forløbet for .* begyndte ugen fra"):
        service.save_week(a, before, {"instruction": 2})
    assert service.save_week(a, before, {}) is None  # nothing entered: nothing to refuse
    set_plan(a, steps_from_durations(before, [(6, None)]), a.participant.consultant)
    db.session.commit()
    assert service.save_week(a, before, {"instruction": 2}).total == 2


def test_hours_can_be_logged_up_to_the_week_an_assignment_ended(client, auth, assign, db):
    """Hours are often logged days after the week: ending an assignment left its last week
    (and any returned week) with no place to log or correct them."""
    from datetime import timedelta

    import pytest

    from tests.web.hours.conftest import week
    from web.hours import service

    a = assign()
    service.end_assignment(a, a.participant.consultant, "flex_job", week(1) + timedelta(days=2))
    db.session.commit()
    auth.login(a.mentor.user)
    page = client.get(f"/hours/timesheet?week={week(1)}").get_data(as_text=True)
    assert a.participant.code in page and "sluttede 14. jan. 2026" in page
    r = client.post(f"/hours/timesheet?week={week(1)}", data=_row(a.id, instruction="3"))
    assert r.status_code == 302
    assert db.session.query(Timesheet).one().status == "submitted"
    # The week after it ended takes no hours, on the page or in the service.
    assert a.participant.code not in client.get(
        f"/hours/timesheet?week={week(2)}").get_data(as_text=True)
    with pytest.raises(service.AfterEndError, match="sluttede den 14. jan. 2026"):
        service.save_week(a, week(2), {"instruction": 1})
    assert service.save_week(a, week(2), {}) is None
    assert db.session.query(Timesheet).count() == 1
    # The consultant approves it as before.
    auth.logout()
    auth.login(a.participant.consultant)
    sheet = db.session.query(Timesheet).one()
    assert a.participant.code in client.get("/hours/approvals").get_data(as_text=True)
    client.post(f"/hours/timesheets/{sheet.id}/approve")
    db.session.refresh(sheet)
    assert sheet.status == "approved"


def test_a_timesheet_that_does_not_exist_is_not_found_whatever_the_role(
        client, auth, assign, db, make):
    """A walk: GET /hours/timesheets/99999 answered 403, as if the sheet were there."""
    from tests.web.hours.conftest import employer_login, sheet

    a = assign()
    own = sheet(db, a, MONDAY, 2, status="returned")
    for user in (a.mentor.user, a.participant.consultant, make.user("admin"),
                 employer_login(make, a.mentor.employer)):
        auth.login(user)
        assert client.get("/hours/timesheets/99999").status_code == 404, user.role
        if user.role != "mentor":  # nor does an existing sheet answer otherwise
            assert client.get(f"/hours/timesheets/{own.id}").status_code == 404, user.role
        auth.logout()
    auth.login(a.mentor.user)
    r = client.get(f"/hours/timesheets/{own.id}")
    assert r.status_code == 302 and r.headers["Location"] == f"/hours/timesheet?week={MONDAY}"


def test_a_returned_week_reaches_the_mentor_and_can_be_corrected_after_the_end(
        client, auth, assign, db, make):
    from datetime import timedelta

    from tests.cover_helpers import notice_kinds
    from tests.web.hours.conftest import week
    from web.hours import service

    a = assign()
    sheet = service.save_week(a, week(1), {"instruction": 2})
    draft = service.save_week(assign(mentor=a.mentor), week(2), {"follow_up": 1}, send=False)
    db.session.commit()
    auth.login(a.participant.consultant)
    client.post(f"/hours/timesheets/{sheet.id}/return", data={"comment": "Tirsdag mangler"})
    service.end_assignment(a, a.participant.consultant, "other", week(1) + timedelta(days=4))
    db.session.commit()
    auth.logout()

    mentor = a.mentor.user
    assert notice_kinds(db, mentor) == ["hours_returned", "assignment_ended"]
    auth.login(mentor)
    notices = client.get("/cover/notices").get_data(as_text=True)
    assert f"Konsulenten har sendt dine timer for deltager {a.participant.code}, uge 3" in notices
    assert "Tirsdag mangler" in notices and f"/hours/timesheets/{sheet.id}" in notices
    assert '<span class="badge">2<span class="sr-only"> ulæste</span></span>' in notices
    r = client.get(f"/hours/timesheets/{sheet.id}")
    assert r.status_code == 302 and r.location.endswith(f"/hours/timesheet?week={week(1)}")
    # Opening the week read its notice; the notice of the end is still unread.
    assert '<span class="badge">1<span' in client.get("/cover/notices").get_data(as_text=True)
    # The start page and any week of My hours list what waits for the mentor.
    assert "2 uger med timer venter på dig" in client.get("/mentor/").get_data(as_text=True)
    page = client.get("/hours/timesheet").get_data(as_text=True)
    assert "Uger, der venter på dig" in page and "Tirsdag mangler" in page
    assert f"?week={week(1)}" in page and f"?week={week(2)}" in page
    assert "gemt, ikke sendt" in page  # the draft of a week gone by
    # Corrected and sent again after the assignment ended.
    client.post(f"/hours/timesheet?week={week(1)}", data=_row(a.id, instruction="4"))
    client.post(f"/hours/timesheet?week={week(2)}", data=_row(draft.proposal_id, follow_up="1"))
    db.session.refresh(sheet)
    assert (sheet.status, sheet.total) == ("submitted", 4)
    assert "Uger, der venter på dig" not in client.get("/hours/timesheet").get_data(as_text=True)
    assert "venter på dig" not in client.get("/mentor/").get_data(as_text=True)
    assert "er siden gemt igen" in client.get("/cover/notices").get_data(as_text=True)
    auth.logout()
    # Another mentor cannot open the week through the sheet's id.
    auth.login(make.mentor(make.employer(), user=make.user("mentor")).user)
    assert client.get(f"/hours/timesheets/{sheet.id}").status_code == 404


def _cover(db, a, substitute, starts_on, ends_on, status="confirmed"):
    """``substitute`` covers assignment ``a`` while its mentor is away (``status``)."""
    from web.models.cover import Absence, CoverNeed, CoverRequest

    absence = Absence(mentor_id=a.mentor_id, starts_on=starts_on, ends_on=ends_on, reason="sick",
                      reported_by_id=a.mentor.user.id)
    need = CoverNeed(absence=absence, assignment_id=a.id, status="filled")
    db.session.add_all([absence, need, CoverRequest(
        need=need, assignment_id=a.id, substitute_id=substitute.id, hours=a.hours,
        starts_on=starts_on, ends_on=ends_on, status=status)])
    db.session.commit()


def test_a_substitute_logs_the_covered_weeks_on_a_sheet_of_their_own(
        client, auth, assign, db, make):
    """The hours a substitute gives while covering are support hours too: before, they could
    not be logged anywhere, so not approved nor reimbursed."""
    from datetime import timedelta

    import pytest

    from tests.web.hours.conftest import week
    from web.hours import service

    a = assign()
    sub = make.mentor(make.employer(), user=make.user("mentor"))
    _cover(db, a, sub, week(1) + timedelta(days=2), week(2) + timedelta(days=1))
    other = assign()  # covered by nobody
    _cover(db, other, sub, week(1), week(1), status="declined")
    # The mentor logs Monday-Tuesday of week 1, the substitute the rest: two sheets.
    auth.login(a.mentor.user)
    client.post(f"/hours/timesheet?week={week(1)}", data=_row(a.id, instruction="2"))
    auth.logout()
    auth.login(sub.user)
    page = client.get(f"/hours/timesheet?week={week(1)}").get_data(as_text=True)
    assert a.participant.code in page and f"vikar for {a.mentor.name}" in page
    assert other.participant.code not in page  # a declined request covers nothing
    assert a.participant.code in client.get(
        f"/hours/timesheet?week={week(2)}").get_data(as_text=True)
    assert a.participant.code not in client.get(
        f"/hours/timesheet?week={week(3)}").get_data(as_text=True)  # the cover is over
    r = client.post(f"/hours/timesheet?week={week(1)}", data=_row(a.id, social_support="3"))
    assert r.status_code == 302
    sheets = {s.mentor_id: s for s in db.session.query(Timesheet)}
    assert sheets[sub.id].total == 3 and sheets[a.mentor_id].total == 2
    assert sheets[sub.id].proposal_id == a.id and sheets[sub.id].status == "submitted"
    # Only the weeks of a confirmed cover, and not for others' participants.
    with pytest.raises(service.NotCoveringError, match="Du er ikke vikar for"):
        service.save_week(a, week(3), {"instruction": 1}, mentor_id=sub.id)
    client.post(f"/hours/timesheet?week={week(1)}",
                data={**_row(a.id, social_support="3"), **_row(other.id, instruction="1")})
    assert db.session.query(Timesheet).count() == 2
    auth.logout()
    # The consultant sees who logged which, and approves the substitute's week as any other.
    auth.login(a.participant.consultant)
    page = client.get("/hours/approvals").get_data(as_text=True)
    assert f"{sub.name} (vikar)" in page
    # Each sheet says what the week holds in all: the plan is for the week, not each.
    assert page.count("<dt>Ugen i alt</dt><dd><strong>5</strong>") == 2
    assert "mod 8 planlagt" in page
    plan = client.get(f"/hours/assignments/{a.id}").get_data(as_text=True)
    assert f"{sub.name} (vikar)" in plan and a.mentor.name in plan
    client.post(f"/hours/timesheets/{sheets[sub.id].id}/approve")
    db.session.refresh(sheets[sub.id])
    assert sheets[sub.id].status == "approved"


def test_a_substitute_plans_the_days_they_cover_and_the_mentor_the_rest(
        client, auth, assign, db, make):
    """The plan's 8 hours of a week are for the participant's days (here Monday and
    Wednesday). With Wednesday covered, 4 are the substitute's and 4 the mentor's: before,
    each was shown all 8, and two sheets against 8 each looked like half the support."""
    from datetime import timedelta

    from tests.web.hours.conftest import week

    a = assign(hours=8)
    sub = make.mentor(make.employer(), user=make.user("mentor"))
    _cover(db, a, sub, week(1) + timedelta(days=2), week(2) + timedelta(days=1))
    auth.login(sub.user)
    page = client.get(f"/hours/timesheet?week={week(1)}").get_data(as_text=True)
    assert "Planlagt for de dage, du dækker: 4 af ugens 8 timer" in page
    assert "planlagt 4" in page  # the week's total line
    # Week 2: the cover ends Tuesday, so it holds Monday only.
    page = client.get(f"/hours/timesheet?week={week(2)}").get_data(as_text=True)
    assert "Planlagt for de dage, du dækker: 4 af ugens 8 timer" in page
    client.post(f"/hours/timesheet?week={week(1)}", data=_row(a.id, instruction="4"))
    auth.logout()
    auth.login(a.mentor.user)
    page = client.get(f"/hours/timesheet?week={week(1)}").get_data(as_text=True)
    assert "Planlagt denne uge: 4 af 8 timer; en vikar har resten" in page
    page = client.get(f"/hours/timesheet?week={week(3)}").get_data(as_text=True)
    assert "Planlagt denne uge: 8 timer" in page  # nobody covers week 3
    _cover(db, a, sub, week(4), week(4) + timedelta(days=6))  # the whole of week 4
    page = client.get(f"/hours/timesheet?week={week(4)}").get_data(as_text=True)
    assert "ingen af de 8 timer; en vikar har dem alle" in page  # not "0 af 8"
    client.post(f"/hours/timesheet?week={week(1)}", data=_row(a.id, instruction="3,5"))
    auth.logout()
    auth.login(a.participant.consultant)
    page = client.get("/hours/approvals").get_data(as_text=True)
    assert "(planlagt for de dækkede dage: 4 af ugens 8)" in page
    assert "(planlagt: 4 af ugens 8; en vikar dækkede resten)" in page
    assert "mod 8 planlagt" in page  # the week in all, against the whole plan


def test_share_of_week_counts_support_days(assign, db, make):
    from datetime import timedelta

    from tests.web.hours.conftest import week
    from web.hours.plans import covers_in, share_of_week, steps_by_proposal

    a = assign(hours=9)
    a.participant.days = ["mon", "tue", "wed"]
    sub = make.mentor(make.employer(), user=make.user("mentor"))
    _cover(db, a, sub, week(1) + timedelta(days=1), week(1) + timedelta(days=1))
    steps = steps_by_proposal([a.id])[a.id]
    covers = covers_in([a.id], week(1), week(1) + timedelta(days=6))[a.id]
    assert share_of_week(a, steps, week(1), sub.id, covers) == 3
    assert share_of_week(a, steps, week(1), a.mentor_id, covers) == 6
    other = make.mentor(make.employer(), user=make.user("mentor"))
    assert share_of_week(a, steps, week(1), other.id, covers) == 0  # covers nothing
    # A walk: the request said 6 hours a week and the timesheet planned the plan's 9. The
    # substitute plans what they said yes to.
    covers[0].hours = 6
    assert share_of_week(a, steps, week(1), sub.id, covers) == 2
    assert share_of_week(a, steps, week(1), a.mentor_id, covers) == 6  # the plan's, as before
    a.placement.days = ["thu", "fri"]  # no day in common: the weekdays count
    assert share_of_week(a, steps, week(1), sub.id, covers) == round(6 / 5, 1)


def test_nobody_is_planned_hours_for_the_days_the_participant_is_away(
        client, auth, assign, db, make):
    """A walk paused a participant as away, and the mentor's week still planned all the
    hours (the consultant's approval measured the week against them too). The days away are
    nobody's now: the mentor's, the substitute's or the consultant's view of the week."""
    from datetime import datetime, timedelta

    from tests.web.hours.conftest import sheet, week
    from web.cover import service

    a = assign(hours=8)  # Monday and Wednesday, 4 hours a day
    h = service.hold(a.participant, week(2) + timedelta(days=2), "sick", a.participant.consultant)
    db.session.commit()  # away from Wednesday of week 2, held for 14 days
    auth.login(a.mentor.user)

    def planned(n):
        page = client.get(f"/hours/timesheet?week={week(n)}").get_data(as_text=True)
        return re.search(r'<p class="planned">\s*(.*?) ·', page, re.S)[1]

    assert planned(1) == "Planlagt denne uge: 8 timer"
    assert planned(2) == "Planlagt denne uge: 4 af 8 timer; ingen, mens deltageren er væk"
    assert planned(3) == "Planlagt denne uge: ingen af de 8 timer; deltageren er væk"
    assert planned(5) == "Planlagt denne uge: 8 timer"  # after the hold
    # Back on Wednesday of week 3: the mentor plans that day again.
    h.status, h.ended_at = "resumed", datetime.combine(week(3) + timedelta(days=2),
                                                       datetime.min.time()) + timedelta(hours=9)
    a.participant.status = "active"
    db.session.commit()
    assert planned(3) == "Planlagt denne uge: 4 af 8 timer; ingen, mens deltageren er væk"
    assert planned(4) == "Planlagt denne uge: 8 timer"
    # A substitute covering all of week 3 plans its Wednesday only; the mentor nothing.
    sub = make.mentor(make.employer(), user=make.user("mentor"))
    _cover(db, a, sub, week(3), week(3) + timedelta(days=6))
    assert planned(3) == ("Planlagt denne uge: ingen af de 8 timer; deltageren er væk, og en "
                          "vikar har resten")
    sheet(db, a, week(3), 2, status="submitted").mentor_id = sub.id
    db.session.commit()
    auth.logout()
    auth.login(sub.user)
    assert planned(3) == ("Planlagt for de dage, du dækker: 4 af ugens 8 timer; ingen, mens "
                          "deltageren er væk")
    auth.logout()
    auth.login(a.participant.consultant)
    page = client.get("/hours/approvals").get_data(as_text=True)
    assert "(planlagt: 4 af ugens 8; ingen, mens deltageren var væk)" in page


@pytest.mark.parametrize("typed", ["1e3", "nan", "inf", "1e0"])
def test_hours_that_are_not_plain_numbers_are_refused_and_shown_as_typed(
        client, auth, assign, db, typed):
    """'1e3' came back in the field as '1.000' (a thousand in Danish, one hour to the page's
    sum), 'nan' as 'NaN' and 'inf' as '∞', each told it must be 0 to 20 hours."""
    a = assign()
    auth.login(a.mentor.user)
    r = client.post(f"/hours/timesheet?week={MONDAY}", data=_row(a.id, follow_up=typed))
    page = r.get_data(as_text=True)
    assert r.status_code == 200
    assert f'name="a{a.id}-follow_up" size="4" type="text" value="{typed}"' in page
    assert "Skriv timer som et tal, fx 1,5." in page
    assert db.session.query(Timesheet).count() == 0


def test_the_plan_page_shows_quarter_hours_delivered_as_logged(client, auth, assign, db):
    """A walk: a week of 0,75 hours showed as '0,8' and 8,25 as '8,2' under "Leverede timer"
    on the consultant's plan page, though the approval page shows 0,75."""
    from tests.web.hours.conftest import week

    a = assign()
    auth.login(a.mentor.user)
    client.post(f"/hours/timesheet?week={MONDAY}", data=_row(a.id, follow_up="0,75"))
    client.post(f"/hours/timesheet?week={week(1)}", data=_row(a.id, instruction="8,25"))
    auth.logout()
    auth.login(a.participant.consultant)
    page = client.get(f"/hours/assignments/{a.id}").get_data(as_text=True)
    delivered = page.split("Leverede timer")[1].split("</table>")[0]
    assert "<td>0,75</td>" in delivered and "<td>8,25</td>" in delivered


def _sent_to_the_consultant(client, auth, assign, db):
    """A week of 4 hours sent by the mentor, and its consultant logged in to approve it."""
    a = assign()
    auth.login(a.mentor.user)
    client.post(f"/hours/timesheet?week={MONDAY}", data=_row(a.id, instruction="4"))
    sheet = db.session.query(Timesheet).one()
    auth.logout()
    auth.login(a.participant.consultant)
    return a, sheet


def test_a_refused_return_comment_says_why(client, auth, assign, db):
    """A walk returned a week with a CPR number in the comment, then with 301 characters:
    both times the page said "Skriv, hvad mentoren skal rette." as if the comment were
    empty."""
    a, sheet = _sent_to_the_consultant(client, auth, assign, db)
    url = f"/hours/timesheets/{sheet.id}/return"
    page = client.post(url, data={"comment": "Ring til 010190-1234"},
                       follow_redirects=True).get_data(as_text=True)
    assert "Det ligner et CPR-nummer." in page and "Skriv, hvad mentoren skal rette." not in page
    page = client.post(url, data={"comment": "x" * 301},
                       follow_redirects=True).get_data(as_text=True)
    assert "300" in page and "Skriv, hvad mentoren skal rette." not in page
    page = client.post(url, data={"comment": ""}, follow_redirects=True).get_data(as_text=True)
    assert "Skriv, hvad mentoren skal rette." in page
    db.session.refresh(sheet)
    assert sheet.status == "submitted" and not sheet.comment


def test_a_refused_return_comment_is_shown_again_as_typed(client, auth, assign, db):
    """A walk: a return comment refused (a CPR number, or empty) was lost: the page
    redirected and the consultant typed it all again."""
    import re

    a, sheet = _sent_to_the_consultant(client, auth, assign, db)
    r = client.post(f"/hours/timesheets/{sheet.id}/return",
                    data={"comment": "Tirsdag mangler, ring 010190-1234"})
    page = r.get_data(as_text=True)
    assert r.status_code == 400
    field = re.search(rf'<input[^>]*id="comment-{sheet.id}"[^>]*>', page).group(0)
    assert 'value="Tirsdag mangler, ring 010190-1234"' in field
    assert f'aria-describedby="comment-{sheet.id}-error"' in field
    assert re.search(rf'<p class="error" id="comment-{sheet.id}-error">Det ligner et CPR', page)
    r = client.post(f"/hours/timesheets/{sheet.id}/return", data={"comment": ""})
    assert r.status_code == 400 and "Skriv, hvad mentoren skal rette." in r.get_data(
        as_text=True)
    db.session.refresh(sheet)
    assert sheet.status == "submitted" and not sheet.comment
    client.post(f"/hours/timesheets/{sheet.id}/approve")
    r = client.post(f"/hours/timesheets/{sheet.id}/return", data={"comment": ""},
                    follow_redirects=True)  # approved meanwhile: not on the page any more
    assert "Kun en timeseddel, der venter på godkendelse" in r.get_data(as_text=True)


def test_the_week_says_when_a_participant_is_away(client, auth, assign, db):
    """A walk paused a participant as away: the mentor's week planned the hours with no
    word of it."""
    from datetime import timedelta

    from babel.dates import format_date

    from web.cover import service

    a = assign()
    starts = MONDAY + timedelta(weeks=2, days=2)  # a Wednesday
    service.hold(a.participant, starts, "sick", a.participant.consultant)
    db.session.commit()
    auth.login(a.mentor.user)
    shown = format_date(starts, format="medium", locale="da")
    page = client.get(f"/hours/timesheet?week={MONDAY + timedelta(weeks=2)}").get_data(
        as_text=True)
    assert f"deltageren er væk fra {shown}: ingen støtte, før deltageren er tilbage" in page
    page = client.get(f"/hours/timesheet?week={MONDAY + timedelta(weeks=1)}").get_data(
        as_text=True)
    assert "deltageren er væk" not in page  # the week before the pause


def test_a_returned_week_cleared_leaves_no_dead_link_in_the_notices(client, auth, assign, db):
    """A walk's mentor, away that week, answered a returned week by clearing its hours: the
    sheet went, but its notice stayed unread with an "Open the week" link to a 404 page."""
    from web.models import Notification

    a = assign()
    auth.login(a.mentor.user)
    client.post(f"/hours/timesheet?week={MONDAY}", data=_row(a.id, plan_day="2"))
    sheet = db.session.query(Timesheet).one()
    sheet_id = sheet.id
    auth.logout()
    auth.login(a.participant.consultant)
    client.post(f"/hours/timesheets/{sheet_id}/return", data={"comment": "Du var væk"})
    auth.logout()

    auth.login(a.mentor.user)
    assert f"/hours/timesheets/{sheet_id}" in client.get("/cover/notices").get_data(as_text=True)
    client.post(f"/hours/timesheet?week={MONDAY}", data=_row(a.id, **dict.fromkeys(TASKS, "")))
    assert db.session.get(Timesheet, sheet_id) is None
    assert db.session.scalar(db.select(Notification.read_at).where(
        Notification.kind == "hours_returned")) is not None
    page = client.get("/cover/notices").get_data(as_text=True)
    assert f"/hours/timesheets/{sheet_id}" not in page and "Åbn ugen" not in page


def test_clearing_a_returned_week_says_its_hours_were_removed(client, auth, assign, db):
    """A walk cleared a returned week's hours and saved: the page said "No hours were
    entered, so nothing was saved" (or counted only the other participants), though the
    week's hours were deleted."""
    from web.models import Notification

    a = assign()
    b = assign(mentor=a.mentor)
    auth.login(a.mentor.user)
    client.post(f"/hours/timesheet?week={MONDAY}", data=_row(a.id, plan_day="2"))
    sheet_id = db.session.query(Timesheet).one().id
    auth.logout()
    auth.login(a.participant.consultant)
    client.post(f"/hours/timesheets/{sheet_id}/return", data={"comment": "Du var væk"})
    told = db.session.query(Notification).count()
    auth.logout()

    auth.login(a.mentor.user)
    page = client.post(f"/hours/timesheet?week={MONDAY}",
                       data={**_row(a.id, **dict.fromkeys(TASKS, "")),
                             **_row(b.id, instruction="1")},
                       follow_redirects=True).get_data(as_text=True)
    code = a.participant.code
    assert f"Ugens timer er fjernet for deltager {code}." in page
    assert "Timer for 1 deltager sendt til godkendelse." in page
    assert not db.session.query(Timesheet).filter_by(proposal_id=a.id).count()
    client.post(f"/hours/timesheet?week={MONDAY}", data=_row(a.id, instruction="3"))
    page = client.post(f"/hours/timesheet?week={MONDAY}",
                       data={**_row(a.id, **dict.fromkeys(TASKS, "")),
                             **_row(b.id, instruction="1")},
                       follow_redirects=True).get_data(as_text=True)
    assert f"Ugens timer er fjernet for deltager {code}." in page
    assert "ikke skrevet nogen timer ind" not in page
    # The consultant is told of no change to hours not approved: it leaves their list.
    assert db.session.query(Notification).count() == told
