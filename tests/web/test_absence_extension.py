"""An absence extended: the added days are an absence of their own that names the one it
extends; the substitutes who cover on the last day are asked to go on first, and cover is
sought for the rest. Withdrawing the first withdraws the extension too. A cover job that
runs only after its absence is over asks nobody and tells nobody."""

import html
import re
from datetime import date, timedelta

import flask_babel
import pytest

from tests.cover_helpers import notice_kinds, scene, user
from web.cover import service
from web.cover.notices import notice_text
from web.i18n import format_date
from web.models import Notification
from web.models.cover import Absence, CoverRequest, NeedStatus, RequestStatus, mentor_on
from workers.cover_jobs import cover_deadline, run_cover
from workers.queue import get_queue

MAR3, MAR7, MAR10 = date(2055, 3, 3), date(2055, 3, 7), date(2055, 3, 10)
DAY = timedelta(days=1)


@pytest.fixture
def s(db, make):
    return scene(db, make, n=2)




def _covered_by_external(db, s):
    """The colleague is on holiday too, so the external support person covers both
    participants over 3-7 March, and has confirmed."""
    service.report_absence(s.colleague, MAR3, MAR7, "holiday", s.colleague_user)
    absence = service.report_absence(s.mentor, MAR3, MAR7, "sick", s.consultant)
    db.session.commit()
    assert run_cover(absence.id)["asked"] == 2
    for need in absence.needs:
        assert need.requests[0].substitute_id == s.external.id
        service.confirm_cover(need.requests[0], s.external_user)
    db.session.commit()
    return absence


def _asked_to_go_on(db, s):
    """The covered absence extended to 10 March by the consultant, and its cover job run:
    (the first absence, its extension, the first request to go on)."""
    absence = _covered_by_external(db, s)
    ext = service.extend_absence(absence, MAR10, s.consultant, today=MAR7)
    db.session.commit()
    run_cover(ext.id)
    return absence, ext, ext.needs[0].requests[0]


def test_extended_the_substitute_who_covers_is_asked_to_go_on(db, s):
    absence = _covered_by_external(db, s)
    db.session.query(Notification).delete()
    db.session.commit()

    ext = service.extend_absence(absence, MAR10, s.mentor_user, today=MAR7)
    db.session.commit()

    assert (ext.starts_on, ext.ends_on, ext.reason, ext.extends_id) == (
        MAR7 + DAY, MAR10, "sick", absence.id)
    assert absence.extension == ext and absence.last_day == MAR10
    assert absence.chain == [absence, ext]
    assert [n.assignment_id for n in ext.needs] == [a.id for a in s.assignments]
    assert notice_kinds(db, s.consultant) == ["absence_extended"]
    assert notice_kinds(db, s.mentor_user) == []  # did it: no notice to themselves

    # The colleague is back from holiday on 8 March, and a colleague on site scores higher
    # (+40) than a person the participant knows (+30): the usual solve would pick them.
    # The external support person is asked first, and asked to go on.
    out = run_cover(ext.id)
    assert (out["asked"], out["unfilled"]) == (2, 0)
    reqs = [n.requests[0] for n in ext.needs]
    assert {r.substitute_id for r in reqs} == {s.external.id}
    assert {(r.starts_on, r.ends_on) for r in reqs} == {(MAR7 + DAY, MAR10)}
    assert notice_kinds(db, s.external_user) == ["cover_continue"] * 2
    assert notice_kinds(db, s.colleague_user) == []
    for r in reqs:
        service.confirm_cover(r, s.external_user)
    db.session.commit()
    assert mentor_on(s.assignments[0], MAR10) == s.external.id
    assert mentor_on(s.assignments[0], MAR10 + DAY) == s.mentor.id


def test_extended_before_the_substitute_answered_the_same_substitute_is_asked(db, s):
    """The extension came while the first request still waited for an answer: the usual
    solve would ask the colleague, back on 8 March, for the added days, and the participant
    would have had two substitutes for one absence."""
    service.report_absence(s.colleague, MAR3, MAR7, "holiday", s.colleague_user)
    absence = service.report_absence(s.mentor, MAR3, MAR7, "sick", s.consultant)
    db.session.commit()
    assert run_cover(absence.id)["asked"] == 2  # the external person; not answered yet
    ext = service.extend_absence(absence, MAR10, s.consultant, today=MAR3)
    db.session.commit()
    assert run_cover(ext.id)["asked"] == 2
    assert {n.requests[0].substitute_id for n in ext.needs} == {s.external.id}
    assert notice_kinds(db, s.colleague_user) == []
    # Saying no to both: the first part and the added days are each sought again.
    for need in [*absence.needs, *ext.needs]:
        service.decline_cover(need.requests[0], s.external_user)
    db.session.commit()
    assert run_cover(ext.id)["asked"] == 2
    assert {n.requests[-1].substitute_id for n in ext.needs} == {s.colleague.id}


def test_a_substitute_who_declines_to_go_on_is_not_asked_again(db, s):
    absence, ext, first = _asked_to_go_on(db, s)
    service.decline_cover(first, s.external_user)
    db.session.commit()

    assert run_cover(ext.id)["asked"] == 1
    again = ext.needs[0].requests[-1]
    assert again.substitute_id == s.colleague.id and again.status == RequestStatus.REQUESTED
    assert notice_kinds(db, s.colleague_user)[-1] == "cover_requested"


def test_a_substitute_away_over_the_added_days_is_not_asked_and_others_are(db, s):
    absence = _covered_by_external(db, s)
    service.report_absence(s.external, MAR10, MAR10, "other", s.external_user)
    ext = service.extend_absence(absence, MAR10, s.consultant, today=MAR7)
    db.session.commit()

    out = run_cover(ext.id)

    assert (out["asked"], out["unfilled"]) == (2, 0)
    assert {n.requests[0].substitute_id for n in ext.needs} == {s.colleague.id}
    assert [n.status for n in ext.needs] == [NeedStatus.REQUESTED] * 2


def test_confirmed_cover_goes_on_and_an_unanswered_request_is_asked_again(db, s):
    absence = service.report_absence(s.mentor, MAR3, MAR7, "sick", s.consultant)
    db.session.commit()
    run_cover(absence.id)
    first, second = (n.requests[0] for n in absence.needs)
    service.confirm_cover(first, first.substitute.user)  # the second never answered
    ext = service.extend_absence(absence, MAR10, s.consultant, today=MAR3)
    db.session.query(Notification).delete()
    db.session.commit()

    assert run_cover(ext.id)["asked"] == 2
    asked = {n.assignment_id: n.requests[0] for n in ext.needs}
    kind = {n.params["request_id"]: n.kind for n in db.session.scalars(db.select(Notification))}
    going_on, new = asked[first.assignment_id], asked[second.assignment_id]
    assert kind[going_on.id] == "cover_continue" and going_on.substitute_id == first.substitute_id
    # The second substitute has not answered for the first part: asked for the added days
    # as well, in a plain request (not "go on", as they have not begun).
    assert kind[new.id] == "cover_requested" and new.substitute_id == second.substitute_id


@pytest.mark.parametrize("case, message", [
    ("withdrawn", "Fraværet er trukket tilbage."),
    ("back early", "kom tilbage før tid"),
    ("over", "Fraværet er slut."),
    ("extended", "allerede forlænget til 10. mar. 2055"),
    ("not after", "Den nye sidste dag skal ligge efter 7. mar. 2055."),
    ("overlap", "Det overlapper fraværet, der allerede er meldt for denne mentor fra 9. mar. 2055"),
    # a year from 8 March 2055, said to the mentor as to anyone else (it spoke of "mentoren")
    ("a year", "den sidste dag kan højst være 7. mar. 2056. Varer det længere, så forlæng det"),
    ("chained", "Fravær forlænges højst et år frem: den nye sidste dag kan højst være "
                "7. mar. 2056."),  # a walk extended each new piece at once, to 2033
])
def test_what_cannot_be_extended_says_why_and_stores_nothing(app, db, s, case, message):
    absence = service.report_absence(s.mentor, MAR3, MAR7, "sick", s.consultant)
    db.session.commit()
    today, ends_on = MAR7, MAR10
    if case == "withdrawn":
        service.withdraw_absence(absence, s.consultant, today=MAR3 - DAY)
    elif case == "back early":
        service.withdraw_absence(absence, s.consultant, today=MAR3 + DAY)
    elif case == "over":
        today = MAR7 + 2 * DAY
    elif case == "extended":
        service.extend_absence(absence, MAR10, s.consultant, today=MAR7)
    elif case == "not after":
        ends_on = MAR7
    elif case == "a year":
        ends_on = date(2056, 3, 8)
    elif case == "chained":  # the absence is extended to 6 March 2056, then asked again
        absence = service.extend_absence(absence, date(2056, 3, 6), s.consultant, today=MAR7)
        ends_on = date(2056, 3, 9)
    elif case == "overlap":
        service.report_absence(s.mentor, MAR7 + 2 * DAY, MAR10 + DAY, "holiday", s.consultant)
    db.session.commit()
    count = db.session.scalar(db.select(db.func.count()).select_from(Absence))
    with pytest.raises(service.TransitionError, match=message):
        service.extend_absence(absence, ends_on, s.consultant, today=today)
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count()).select_from(Absence)) == count


def test_it_can_be_extended_the_morning_after_its_last_day(db, s):
    absence = service.report_absence(s.mentor, MAR3, MAR7, "sick", s.consultant)
    ext = service.extend_absence(absence, MAR10, s.consultant, today=MAR7 + DAY)
    assert ext.starts_on == MAR7 + DAY  # no day without cover being sought
    # ... and the extension can be extended in turn.
    again = service.extend_absence(ext, MAR10 + 3 * DAY, s.consultant, today=MAR10)
    assert absence.chain == [absence, ext, again] and absence.last_day == MAR10 + 3 * DAY


def test_withdrawn_before_it_starts_takes_its_extension_with_it(db, s):
    absence = _covered_by_external(db, s)
    ext = service.extend_absence(absence, MAR10, s.consultant, today=MAR3 - 2 * DAY)
    db.session.commit()
    run_cover(ext.id)
    db.session.query(Notification).delete()

    service.withdraw_absence(absence, s.mentor_user, today=MAR3 - DAY)
    db.session.commit()

    assert absence.withdrawn_at is not None and ext.withdrawn_at is not None
    assert [n.status for n in absence.needs + ext.needs] == [NeedStatus.CANCELLED] * 4
    assert all(r.status == RequestStatus.CANCELLED
               for n in absence.needs + ext.needs for r in n.requests)
    assert notice_kinds(db, s.external_user) == ["cover_withdrawn"] * 4
    assert notice_kinds(db, s.consultant) == ["absence_withdrawn"]  # once, not once per part


def test_back_early_ends_the_absence_and_withdraws_its_extension(db, s):
    absence = _covered_by_external(db, s)
    ext = service.extend_absence(absence, MAR10, s.consultant, today=MAR3)
    db.session.commit()
    run_cover(ext.id)

    service.withdraw_absence(absence, s.mentor_user, today=MAR3 + 2 * DAY)
    db.session.commit()

    assert absence.ends_on == MAR3 + DAY and absence.planned_ends_on == MAR10
    assert ext.withdrawn_at is not None and absence.extension is None
    assert mentor_on(s.assignments[0], MAR3 + DAY) == s.external.id  # covered days stay
    assert mentor_on(s.assignments[0], MAR7 + DAY) == s.mentor.id
    with flask_babel.force_locale("en"):
        _, text = notice_text("absence_withdrawn", {"absence_id": absence.id})
    assert "reported until Mar 10, 2055, ended on Mar 4, 2055" in text


def test_only_the_extension_can_be_withdrawn(db, s):
    absence = service.report_absence(s.mentor, MAR3, MAR7, "sick", s.consultant)
    ext = service.extend_absence(absence, MAR10, s.consultant, today=MAR3)
    db.session.commit()
    service.withdraw_absence(ext, s.mentor_user, today=MAR3)
    db.session.commit()
    assert absence.withdrawn_at is None and absence.ends_on == MAR7
    assert absence.extension is None and absence.last_day == MAR7
    with flask_babel.force_locale("en"):
        subject, text = notice_text("absence_withdrawn", {"absence_id": ext.id})
    assert subject == "Extension withdrawn" and text.startswith(
        f"{s.mentor.name} is not away longer after all: the extension from Mar 8, 2055 to "
        "Mar 10, 2055 has been withdrawn")
    # ... and it can be extended again.
    assert service.extension_refused(absence, MAR3) is None


def test_notice_texts_of_an_extension(app, db, s):
    absence, ext, req = _asked_to_go_on(db, s)
    code, place = s.participants[0].code, s.placement.title
    subject, text = notice_text("absence_extended", {"absence_id": ext.id})
    assert subject == "Fravær forlænget" and text.startswith(
        f"{s.mentor.name} er væk længere: til og med 10. mar. 2055 i stedet for 7. mar. 2055.")
    with flask_babel.force_locale("en"):
        subject, text = notice_text("cover_continue", {"request_id": req.id})
    assert subject == "Cover extended?" and text == (
        f"The absence of {s.mentor.name} is extended. Can you go on covering participant "
        f"{code} at {place} from Mar 8, 2055 to Mar 10, 2055?")


# --- too late --------------------------------------------------------------------------------

def test_a_cover_job_that_runs_after_the_absence_asks_and_tells_nobody(db, s):
    today = date.today()
    absence = service.report_absence(s.mentor, today - 3 * DAY, today - DAY, "sick",
                                     s.consultant)
    s.placement.cover_guarantee = True
    db.session.query(Notification).delete()
    db.session.commit()

    assert run_cover(absence.id) == {"absence": absence.id, "asked": 0, "unfilled": 2}
    assert [n.status for n in absence.needs] == [NeedStatus.UNFILLED] * 2
    assert absence.needs[0].reasons[0]["code"] == "absence_over"
    assert absence.needs[0].reasons[0]["da"] == "fraværet sluttede, før der blev fundet en vikar"
    assert cover_deadline(absence.id)["escalated"] == 0
    assert db.session.scalar(db.select(db.func.count()).select_from(CoverRequest)) == 0
    assert db.session.scalar(db.select(db.func.count()).select_from(Notification)) == 0


# --- the page and the API (they act on date.today()) ----------------------------------------

def _now(db, s) -> Absence:
    today = date.today()
    absence = service.report_absence(s.mentor, today - DAY, today + 2 * DAY, "sick",
                                     s.consultant)
    db.session.commit()
    return absence


def test_the_list_keeps_an_extension_under_the_absence_it_extends(db, auth, client, make, s):
    """Newest first put the extension above its absence, with other mentors' absences of
    the days between in the middle: it read as another absence."""
    today = date.today()
    first = service.report_absence(s.mentor, today, today + 2 * DAY, "sick", s.consultant)
    colleague = service.report_absence(s.colleague, today + DAY, today + DAY, "other",
                                       s.consultant)
    db.session.commit()
    ext = service.extend_absence(first, today + 9 * DAY, s.consultant, today=today)
    later = service.report_absence(s.colleague, today + 5 * DAY, today + 5 * DAY, "other",
                                   s.consultant)
    db.session.commit()
    auth.login(make.user("admin"))  # sees every mentor's absences
    page = client.get("/absences/").get_data(as_text=True)
    # the rows in the order shown, each by the address of its withdraw form
    shown = [int(i) for i in re.findall(r'action="/absences/(\d+)/withdraw"', page)]
    assert shown == [later.id, colleague.id, first.id, ext.id]  # under it, not above
    assert page.count('<tr class="continued">') == 1
    assert f"forlængelse af fraværet fra {format_date(today)}" in page


def test_page_extends_and_says_so(db, auth, client, s):
    absence = _now(db, s)
    auth.login(s.mentor_user)
    client.post("/lang/en")
    page = client.get("/absences/").get_data(as_text=True)
    assert f'href="/absences/{absence.id}/extend"' in page and ">Extend</a>" in page
    form = client.get(f"/absences/{absence.id}/extend").get_data(as_text=True)
    assert "New last day away" in form and "are asked to go on" in form

    new_end = date.today() + 5 * DAY
    r = client.post(f"/absences/{absence.id}/extend", data={"ends_on": new_end.isoformat()},
                    follow_redirects=True)
    page = r.get_data(as_text=True)
    assert f"now runs until {new_end.strftime('%b %-d, %Y')}" in page
    db.session.expire_all()
    ext = db.session.get(Absence, absence.id).extension
    assert ext is not None and ext.ends_on == new_end and ext.job_id
    assert get_queue("cover").job_ids[-1] == ext.job_id
    assert f"extended until {new_end.strftime('%b %-d, %Y')}" in page
    first_day = (date.today() - DAY).strftime('%b %-d, %Y')
    assert f"extension of the absence from {first_day}" in page
    # The first part cannot be extended twice; the extension can.
    assert f'href="/absences/{absence.id}/extend"' not in page
    assert f'href="/absences/{ext.id}/extend"' in page


@pytest.mark.parametrize("value, message", [
    ("", "Feltet skal udfyldes."),
    ("nope", "Ikke en gyldig dato."),
    ("today", "Den nye sidste dag skal ligge efter"),
])
def test_page_bad_date_is_told_next_to_the_field_and_stores_nothing(
        db, auth, client, s, value, message):
    absence = _now(db, s)
    auth.login(s.consultant)
    if value == "today":
        value = date.today().isoformat()
    r = client.post(f"/absences/{absence.id}/extend", data={"ends_on": value})
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and message in page
    assert 'aria-invalid="true"' in page
    assert db.session.scalar(db.select(db.func.count()).select_from(Absence)) == 1
    assert get_queue("cover").job_ids == []


def test_page_only_those_who_may_report_may_extend(db, auth, client, s):
    absence = _now(db, s)
    auth.login(user(db, "consultant"))
    assert client.get(f"/absences/{absence.id}/extend").status_code == 404
    assert client.post(f"/absences/{absence.id}/extend",
                       data={"ends_on": "2099-01-01"}).status_code == 404
    assert db.session.scalar(db.select(db.func.count()).select_from(Absence)) == 1


def test_page_refused_extension_goes_back_with_the_reason(db, auth, client, s):
    absence = _now(db, s)
    service.withdraw_absence(absence, s.consultant, today=date.today())  # back today
    db.session.commit()
    auth.login(s.mentor_user)
    r = client.get(f"/absences/{absence.id}/extend", follow_redirects=True)
    assert "kom tilbage før tid" in r.get_data(as_text=True)


def test_cover_is_sought_only_where_the_participant_works_on_a_day_away(db, s):
    """A participant who works Wednesday and Thursday needs no substitute for an absence from
    Saturday to Monday, nor for an extension over Sunday and Monday (a user walk saw a
    substitute asked to go on over two days with no support in them)."""
    wed_thu, other = s.participants
    wed_thu.days = ["wed", "thu"]
    sat, mon = date(2055, 3, 6), date(2055, 3, 8)
    absence = service.report_absence(s.mentor, sat, mon, "sick", s.consultant)
    assert [n.assignment.participant for n in absence.needs] == [other]
    away = service.report_absence(s.mentor, mon + DAY, mon + 2 * DAY, "sick", s.consultant)
    assert len(away.needs) == 2  # Tuesday and Wednesday: both
    ext = service.extend_absence(away, mon + 7 * DAY, s.consultant, today=mon)
    assert len(ext.needs) == 2  # Thursday to the next Monday
    sunday = date(2055, 3, 21)
    short = service.report_absence(s.mentor, sunday, sunday, "sick", s.consultant)
    assert [n.assignment.participant for n in short.needs] == [other]


def test_page_says_why_no_cover_is_sought(db, auth, client, s):
    auth.login(s.colleague_user)  # a mentor without participants
    today = date.today()
    r = client.post("/absences/", data={
        "mentor": s.colleague.id, "starts_on": today.isoformat(),
        "ends_on": (today + DAY).isoformat(), "reason": "sick"}, follow_redirects=True)
    assert ("Fraværet er meldt. Ingen af mentorens deltagere arbejder på de dage, så der skal "
            "ikke findes vikar.") in r.get_data(as_text=True)


def _first_assignment_covered(db, s):
    """The mentor away 3-7 March; the first assignment's substitute has confirmed:
    (the assignment, the confirmed request)."""
    absence = service.report_absence(s.mentor, MAR3, MAR7, "sick", s.consultant)
    db.session.commit()
    run_cover(absence.id)
    a = s.assignments[0]
    first = next(n for n in absence.needs if n.assignment_id == a.id).requests[0]
    service.confirm_cover(first, first.substitute.user)
    db.session.commit()
    return a, first


def test_a_substitute_away_during_the_cover_gets_cover_for_those_days(db, s):
    """A walk found a participant left with nobody: the substitute reported sick while
    covering, and the cover still showed as arranged."""
    a, first = _first_assignment_covered(db, s)
    sub = first.substitute
    db.session.query(Notification).delete()
    db.session.commit()

    away = service.report_absence(sub, MAR3 + 2 * DAY, MAR3 + 3 * DAY, "sick", sub.user)
    db.session.commit()
    need = next(n for n in away.needs if n.assignment_id == a.id)
    assert need.period == (MAR3 + 2 * DAY, MAR3 + 3 * DAY)
    assert "absence_reported" in notice_kinds(db, s.consultant)
    run_cover(away.id)
    second = need.requests[0]
    assert second.substitute_id not in (sub.id, s.mentor.id)
    assert (second.starts_on, second.ends_on) == (MAR3 + 2 * DAY, MAR3 + 3 * DAY)
    service.confirm_cover(second, second.substitute.user)
    db.session.commit()
    assert mentor_on(a, MAR3 + DAY) == sub.id  # before the substitute's own absence
    assert mentor_on(a, MAR3 + 2 * DAY) == second.substitute_id
    assert mentor_on(a, MAR7) == sub.id  # back, and still covering


def test_the_employer_sees_the_days_a_second_substitute_covers_not_the_first_ones_absence(
        db, auth, client, s):
    """The substitute is away longer than they cover: the employer's page gave the row of
    their absence all its days, not the days someone else now covers."""
    a, first = _first_assignment_covered(db, s)
    away = service.report_absence(first.substitute, MAR3 + 2 * DAY, MAR10 + 5 * DAY, "sick",
                                  first.substitute.user)  # 5-15 March; the cover ends on 7
    db.session.commit()
    auth.login(s.employer_user)
    client.post("/lang/en")
    page = client.get("/cover/").get_data(as_text=True)
    rows = re.findall(rf"<td[^>]*>{a.participant.code}</td>.*?</tr>", page, re.S)
    dates = [re.findall(r"Mar \d+, 2055", row) for row in rows]
    assert dates == [["Mar 3, 2055", "Mar 7, 2055"], ["Mar 5, 2055", "Mar 7, 2055"]], dates
    assert away.needs  # the second row is the substitute's absence


def test_the_substitute_sees_that_they_are_away_during_a_cover_they_took_on(db, auth, client,
                                                                           s):
    """Their 'Cover I have taken on' listed the cover whole, though others now cover the days
    they are away (a walk)."""
    a, first = _first_assignment_covered(db, s)
    sub = first.substitute
    service.report_absence(sub, MAR3 + 2 * DAY, MAR3 + 3 * DAY, "sick", sub.user)
    db.session.commit()
    auth.login(sub.user)
    client.post("/lang/en")
    page = client.get("/cover/requests").get_data(as_text=True)
    row = re.findall(rf"<td[^>]*>{a.participant.code}</td>.*?</tr>", page, re.S)
    assert len(row) == 1 and ("You are away yourself from Mar 5, 2055 to Mar 6, 2055: other "
                              "cover is sought for those days.") in row[0]


def test_a_substitute_away_outside_the_cover_changes_nothing(db, s):
    absence = service.report_absence(s.mentor, MAR3, MAR7, "sick", s.consultant)
    db.session.commit()
    run_cover(absence.id)
    req = absence.needs[0].requests[0]
    service.confirm_cover(req, req.substitute.user)
    db.session.commit()
    later = service.report_absence(req.substitute, MAR10, MAR10 + DAY, "holiday",
                                   req.substitute.user)
    db.session.commit()
    assert req.assignment_id not in {n.assignment_id for n in later.needs}


def test_a_substitute_going_on_hears_that_only_the_extension_is_withdrawn(db, s):
    """A walk read "is not away after all: your cover ... is cancelled" while the mentor was
    still away and the cover before the extension stood."""
    absence, ext, going_on = _asked_to_go_on(db, s)
    service.confirm_cover(going_on, s.external_user)
    db.session.commit()
    service.withdraw_absence(ext, s.consultant, today=MAR7)
    db.session.commit()
    _, text = notice_text("cover_withdrawn", {"request_id": going_on.id})
    assert text.startswith(f"Fraværet for {s.mentor.name} bliver alligevel ikke forlænget")
    assert text.endswith("Vikariatet før da står ved magt.")
    assert absence.needs[0].confirmed is not None  # the first part's cover stands


def test_an_extension_of_an_extension_names_the_absence_it_continues(db, auth, client, make, s):
    """A walk: the second extension read "extension of the absence from" the first
    extension's first day, a day nobody reported an absence from."""
    today = date.today()
    first = service.report_absence(s.mentor, today, today + 2 * DAY, "sick", s.consultant)
    db.session.commit()
    ext = service.extend_absence(first, today + 5 * DAY, s.consultant, today=today)
    db.session.commit()
    service.extend_absence(ext, today + 9 * DAY, s.consultant, today=today)
    db.session.commit()
    auth.login(make.user("admin"))
    page = client.get("/absences/").get_data(as_text=True)
    assert page.count(f"forlængelse af fraværet fra {format_date(today)}") == 2
    assert f"forlængelse af fraværet fra {format_date(today + 3 * DAY)}" not in page


def test_a_mentor_is_spoken_to_about_their_own_absence(db, auth, client, s):
    """A walk's mentor extended her own absence and read "The absence of Mette Larsen now
    runs until ...", and was asked "Is Mette Larsen back today?"."""
    absence = _now(db, s)
    new_end = date.today() + 5 * DAY
    auth.login(s.mentor_user)
    client.post("/lang/en")
    page = html.unescape(client.get("/absences/").get_data(as_text=True))
    assert "Are you back today?" in page and f"Is {s.mentor.name} back" not in page
    r = client.post(f"/absences/{absence.id}/extend", data={"ends_on": new_end.isoformat()},
                    follow_redirects=True)
    page = html.unescape(r.get_data(as_text=True))
    assert f"Your absence now runs until {new_end.strftime('%b %-d, %Y')}." in page
    assert f"The absence of {s.mentor.name}" not in page
    auth.logout()
    auth.login(s.consultant)  # reported for the mentor: by name
    client.post("/lang/en")
    page = html.unescape(client.get("/absences/").get_data(as_text=True))
    assert f"Is {s.mentor.name} back today?" in page
