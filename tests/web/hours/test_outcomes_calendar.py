"""Ending an assignment with its outcome, the six-month follow-up, and the mentor's feed."""

from datetime import date, timedelta

from icalendar import Calendar

from tests.web.hours.conftest import MONDAY
from web.hours.plans import set_plan, steps_from_durations
from web.hours.service import add_months
from web.models import CalendarToken, CaseEvent, Outcome


def test_ending_an_assignment_records_the_outcome_and_a_follow_up(client, auth, assign, db):
    from web.hours import service

    a = assign()
    service.save_week(a, MONDAY, {"instruction": 2.5})  # sent, not approved
    db.session.commit()
    auth.login(a.participant.consultant)
    r = client.post(
        f"/hours/assignments/{a.id}/end", data={"outcome": "", "ended_on": "2026-03-02"}
    )
    assert r.status_code == 400 and db.session.query(Outcome).count() == 0
    page = r.get_data(as_text=True)  # the whole page again, not one without its hours
    assert "Vælg resultatet." in page and "2,5" in page
    assert "Ingen timer registreret endnu." not in page
    assert "Mentoren kan stadig skrive timer op til og med den uge" in page  # asked first
    assert "/static/confirm.js" in page  # in a dialog, where JavaScript runs
    future = (date.today() + timedelta(days=3)).isoformat()
    r = client.post(
        f"/hours/assignments/{a.id}/end", data={"outcome": "flex_job", "ended_on": future}
    )
    assert r.status_code == 400 and db.session.query(Outcome).count() == 0
    # Without JavaScript the question comes as a page that carries the answers on.
    r = client.post(
        f"/hours/assignments/{a.id}/end", data={"outcome": "flex_job", "ended_on": "2026-03-02"}
    )
    page = r.get_data(as_text=True)
    assert f"Vil du afslutte forløbet for {a.participant.code}" in page
    assert 'name="outcome" value="flex_job"' in page and 'value="2026-03-02"' in page
    assert db.session.query(Outcome).count() == 0
    r = client.post(
        f"/hours/assignments/{a.id}/end",
        data={"outcome": "flex_job", "ended_on": "2026-03-02", "confirmed": "1"},
    )
    assert r.status_code == 302
    o = db.session.query(Outcome).one()
    db.session.refresh(a)
    assert (o.outcome, o.follow_up_due, a.status) == ("flex_job", date(2026, 9, 2), "ended")
    assert a.participant.status == "closed"
    # ending twice is refused
    client.post(
        f"/hours/assignments/{a.id}/end",
        data={"outcome": "other", "ended_on": "2026-03-03", "confirmed": "1"},
    )
    assert db.session.query(Outcome).count() == 1
    # The case history says so, with the outcome.
    events = db.session.scalars(db.select(CaseEvent.kind).where(
        CaseEvent.participant_id == a.participant_id).order_by(CaseEvent.id)).all()
    assert events[-2:] == ["ended", "closed"]
    history = client.get(f"/participants/{a.participant_id}").get_data(as_text=True)
    assert "resultat: Fleksjob" in history


def test_follow_up_is_listed_when_due_and_can_be_recorded(client, auth, assign, db, make):
    a = assign()
    auth.login(a.participant.consultant)
    ended = date.today() - timedelta(days=200)
    client.post(
        f"/hours/assignments/{a.id}/end",
        data={"outcome": "education", "ended_on": ended.isoformat(), "confirmed": "1"},
    )
    o = db.session.query(Outcome).one()
    assert a.participant.code in client.get("/dashboard/").get_data(as_text=True)
    auth.logout()
    auth.login(make.user("consultant"))  # another consultant neither sees nor records it
    assert a.participant.code not in client.get("/dashboard/").get_data(as_text=True)
    assert (
        client.post(
            f"/hours/outcomes/{o.id}/follow-up", data={"outcome": "ordinary_job"}
        ).status_code
        == 404
    )
    auth.logout()
    auth.login(a.participant.consultant)
    client.post(f"/hours/outcomes/{o.id}/follow-up", data={"outcome": "ordinary_job"})
    db.session.refresh(o)
    assert o.follow_up_outcome == "ordinary_job" and o.followed_up_at is not None
    assert a.participant.code not in client.get("/dashboard/").get_data(as_text=True)


def test_follow_up_not_listed_before_six_months(client, auth, assign):
    a = assign()
    auth.login(a.participant.consultant)
    client.post(
        f"/hours/assignments/{a.id}/end",
        data={"outcome": "education", "ended_on": date.today().isoformat(), "confirmed": "1"},
    )
    assert a.participant.code not in client.get("/dashboard/").get_data(as_text=True)


def test_add_months_clips_to_the_month_end():
    assert add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert add_months(date(2026, 1, 15), 6) == date(2026, 7, 15)


def test_calendar_feed_behind_a_hashed_token_with_codes_only(client, auth, assign, db):
    a = assign()
    set_plan(a, steps_from_durations(MONDAY, [(10, 4), (6, 4)]), a.participant.consultant)
    db.session.commit()
    auth.login(a.mentor.user)
    r = client.post("/calendar/regenerate")
    assert r.status_code == 201  # made, its link shown once: no form shown again (200)
    page = r.get_data(as_text=True)
    url = page.split('id="ics-url" type="text" readonly value="')[1].split('"')[0]
    token = url.rsplit("/", 1)[1].removesuffix(".ics")
    row = db.session.query(CalendarToken).one()
    assert token not in row.token_hash and len(row.token_hash) == 64
    auth.logout()
    r = client.get(f"/calendar/{token}.ics")  # no login: the token is the credential
    assert r.status_code == 200 and r.content_type == "text/calendar; charset=utf-8"
    cal = Calendar.from_ical(r.get_data())
    events = [c for c in cal.walk("VEVENT")]
    assert len(events) == 1
    ev = events[0]
    assert str(ev["summary"]) == f"Mentor: {a.participant.code}"
    assert ev.decoded("dtstart") == MONDAY  # participant works mon+wed
    rule = ev["rrule"]
    assert rule["FREQ"] == ["WEEKLY"] and rule["BYDAY"] == ["MO", "WE"]
    assert rule["UNTIL"][0] == MONDAY + timedelta(weeks=8) - timedelta(days=1)
    text = r.get_data(as_text=True)
    assert "addiction" not in text and a.participant.town.split()[0] not in text
    # a new token replaces the old one, once the mentor has said yes to that
    auth.login(a.mentor.user)
    assert 'class="confirm" data-confirm="Vil du lave et nyt kalenderlink?' in client.get(
        "/calendar/").get_data(as_text=True)
    page = client.post("/calendar/regenerate").get_data(as_text=True)  # no JavaScript: asked
    assert "Det gamle link holder op med at virke" in page and 'id="ics-url"' not in page
    assert client.get(f"/calendar/{token}.ics").status_code == 200
    client.post("/calendar/regenerate", data={"confirmed": "1"})
    assert client.get(f"/calendar/{token}.ics").status_code == 404
    assert client.get("/calendar/not-a-token.ics").status_code == 404


def test_an_end_date_before_the_start_or_before_sent_hours_is_refused_at_the_field(
        client, auth, assign, db):
    """A walk ended an assignment that began 26 Oct on 1 Oct, with hours approved through
    November: past planned hours fell below those delivered and paid."""
    from tests.web.hours.conftest import week
    from web.hours import service

    a = assign()  # began the week of MONDAY (5 Jan 2026)
    sheet = service.save_week(a, week(2), {"instruction": 3})
    service.approve(sheet, a.participant.consultant)
    db.session.commit()
    auth.login(a.participant.consultant)
    for ended_on, message in [
        ("2026-01-02", "Forløbet begyndte ugen fra 5. jan. 2026: det kan ikke slutte før."),
        ("2026-01-16", "Der er sendt eller godkendt timer for ugen fra 19. jan. 2026"),
    ]:
        r = client.post(f"/hours/assignments/{a.id}/end",
                        data={"outcome": "other", "ended_on": ended_on, "confirmed": "1"})
        page = r.get_data(as_text=True)
        assert r.status_code == 400
        assert f'<p class="error" id="ended_on-error">{message}' in page  # next to the field
        assert db.session.query(Outcome).count() == 0
    r = client.post(f"/hours/assignments/{a.id}/end",
                    data={"outcome": "other", "ended_on": "2026-01-21", "confirmed": "1"})
    assert r.status_code == 302 and db.session.query(Outcome).one().ended_on == date(2026, 1, 21)


def test_the_mentor_and_the_employer_are_told_an_assignment_ended(client, auth, assign, db, make):
    from tests.cover_helpers import notice_kinds
    from web.hours import service

    a = assign()
    boss = make.user("employer")
    boss.employer_id = a.placement.employer_id
    db.session.commit()
    service.end_assignment(a, a.participant.consultant, "flex_job", date(2026, 2, 6))
    db.session.commit()
    assert notice_kinds(db, a.mentor.user) == ["assignment_ended"]
    assert notice_kinds(db, boss) == ["assignment_ended"]
    assert notice_kinds(db, a.participant.consultant) == []
    auth.login(boss)
    page = client.get("/cover/notices").get_data(as_text=True)
    assert (f"Forløbet for deltager {a.participant.code} på {a.placement.title} med "
            f"{a.mentor.name} er afsluttet (6. feb. 2026).") in page
    assert "addiction" not in page and "misbrug" not in page.lower()  # no needs to employers


def test_the_dashboard_counts_weeks_to_approve_not_hours(client, auth, assign, db):
    """A walk read "Timer der venter på godkendelse: 9" as nine hours; it was nine weeks of
    hours (here: one week of 7,5 hours)."""
    from web.hours import service

    a = assign()
    service.save_week(a, MONDAY, {"instruction": 5, "follow_up": 2.5})
    db.session.commit()
    auth.login(a.participant.consultant)
    page = client.get("/dashboard/").get_data(as_text=True)
    assert "1 uge med timer venter på din godkendelse" in page
    assert "Timer der venter på godkendelse" not in page


def test_the_calendar_stops_the_days_while_a_participant_is_away(client, auth, assign, db):
    """A walk paused a participant as away: the mentor's calendar kept their days."""
    from web.calendar.feed import feed
    from web.cover import service

    a = assign()
    set_plan(a, steps_from_durations(MONDAY, [(10, 4), (6, 4)]), a.participant.consultant)
    away = MONDAY + timedelta(weeks=2, days=2)
    h = service.hold(a.participant, away, "sick", a.participant.consultant)
    db.session.commit()
    (ev,) = Calendar.from_ical(feed(a.mentor)).walk("VEVENT")
    assert ev["rrule"]["UNTIL"][0] == away - timedelta(days=1)
    service.resume(h, a.participant.consultant)  # back: the plan's end again
    db.session.commit()
    (ev,) = Calendar.from_ical(feed(a.mentor)).walk("VEVENT")
    assert ev["rrule"]["UNTIL"][0] == MONDAY + timedelta(weeks=8) - timedelta(days=1)
