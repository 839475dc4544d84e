"""Cover on the manager's dashboard (suppressed under five) and in the substitute's feed."""

from datetime import date, datetime, timedelta

from dateutil.rrule import rrulestr
from icalendar import Calendar

from tests.web.hours.conftest import MONDAY
from web.calendar.feed import new_token
from web.dashboard import figures
from web.models.cover import Absence, CoverNeed, CoverRequest, NeedStatus, RequestStatus

TODAY = date.today()
NOW_PERIOD = figures.Filters(TODAY - timedelta(days=14), TODAY + timedelta(days=14))


def _cover(db, a, substitute, *, status, request=RequestStatus.CONFIRMED, starts=None, ends=None,
           hours_to_fill=6):
    starts = starts or TODAY - timedelta(days=1)
    ends = ends or TODAY + timedelta(days=3)
    absence = Absence(mentor_id=a.mentor_id, starts_on=starts, ends_on=ends, reason="sick",
                      reported_by_id=a.participant.consultant_id)
    created = datetime.combine(TODAY, datetime.min.time())
    need = CoverNeed(absence=absence, assignment_id=a.id, status=status, created_at=created)
    if status == NeedStatus.FILLED:
        need.filled_at = created + timedelta(hours=hours_to_fill)
    r = CoverRequest(need=need, assignment_id=a.id, substitute_id=substitute.id, hours=4,
                     starts_on=starts, ends_on=ends, status=request, created_at=created)
    db.session.add(r)
    db.session.commit()
    return r


def _scene(assign, make, db, filled: int, unfilled: int):
    consultant = make.user("consultant")
    sub = make.mentor(make.employer())
    for i in range(filled):
        _cover(db, assign(consultant=consultant), sub, status=NeedStatus.FILLED,
               hours_to_fill=2 + 2 * i)
    for _ in range(unfilled):
        _cover(db, assign(consultant=consultant), sub, status=NeedStatus.UNFILLED,
               request=RequestStatus.DECLINED)
    return consultant


def _rows(f):
    return {r[0]: r[1:] for r in figures.cover(f).rows}


def test_cover_figures_shown_for_five_people_and_filtered_by_team_and_period(assign, make, db):
    consultant = _scene(assign, make, db, filled=5, unfilled=5)
    rows = _rows(NOW_PERIOD)
    assert rows["Vikarforespørgsler sendt"] == [10, 10]
    assert rows["Dækningsgrad (%)"] == [10, 50]
    assert rows["Mediantid til dækning (timer)"] == [5, 6.0]  # 2, 4, 6, 8, 10 hours
    assert rows["Deltagere uden vikar nu"] == [5, 5]
    chart = dict(figures.cover(NOW_PERIOD).chart_rows)
    assert chart["Dækket"] == [5] and chart["Ingen vikar fundet"] == [5]
    # the team filter: this consultant's caseload, and another's (empty)
    assert _rows(figures.Filters(NOW_PERIOD.start, NOW_PERIOD.end, consultant.id)) == rows
    other = _rows(figures.Filters(NOW_PERIOD.start, NOW_PERIOD.end, make.user("consultant").id))
    assert other["Vikarforespørgsler sendt"] == [0, 0] and other["Dækningsgrad (%)"] == [0, "–"]
    # a period long before: no requests, no absences (but "now" is still today)
    old = _rows(figures.Filters(MONDAY - timedelta(weeks=30), MONDAY - timedelta(weeks=20)))
    assert old["Vikarforespørgsler sendt"] == [0, 0] and old["Deltagere uden vikar nu"] == [5, 5]


def test_the_chart_counts_each_participant_once_in_the_state_of_the_latest_need(
        assign, make, db):
    """A walk: an absence filled and its extension still asked put one participant under
    both "Dækket" and "Vikar spurgt": the states added up to more people than needed cover."""
    consultant = make.user("consultant")
    sub = make.mentor(make.employer())
    people = [assign(consultant=consultant) for _ in range(10)]
    for a in people:
        _cover(db, a, sub, status=NeedStatus.FILLED, ends=TODAY)
    for a in people[:5]:  # extended, the extension asked and not yet answered
        _cover(db, a, sub, status=NeedStatus.REQUESTED, request=RequestStatus.REQUESTED,
               starts=TODAY + timedelta(days=1), ends=TODAY + timedelta(days=4))
    t = figures.cover(NOW_PERIOD)
    chart = dict(t.chart_rows)
    assert chart["Vikar spurgt, intet svar endnu"] == [5]
    assert chart["Dækket"] == [5]  # not 10: five of them are waiting for the extension's
    assert {r[0]: r[1] for r in t.rows}["Fravær, der kræver vikar (pr. deltager)"] == 10


def test_cover_figures_about_fewer_than_five_are_suppressed(assign, make, db):
    _scene(assign, make, db, filled=3, unfilled=1)
    rows = _rows(NOW_PERIOD)
    assert all(v == ["skjult", "skjult"] for v in rows.values()), rows
    assert {v for _label, (v,) in figures.cover(NOW_PERIOD).chart_rows} <= {"skjult", 0}


def test_cover_figure_on_the_page_and_as_csv(client, auth, make, assign, db):
    _scene(assign, make, db, filled=5, unfilled=0)
    auth.login(make.user("admin"))
    client.post("/lang/en")
    text = client.get("/dashboard/manager").get_data(as_text=True)
    assert 'id="cover"' in text and "Substitute cover" in text and "Placeholder" not in text
    body = client.get("/dashboard/manager/cover.csv").get_data().decode("utf-8-sig")
    lines = body.strip().split("\r\n")
    assert lines[0] == "Figure;Participants;Value"
    assert "Fill rate (%);5;100" in lines and "Median time to fill (hours);5;6" in lines


def test_substitute_feed_has_the_cover_period_on_the_participants_days_code_only(
    client, assign, make, db
):
    a = assign()  # participant works mon+wed; needs "addiction"
    sub = make.mentor(make.employer(), user=make.user("mentor"))
    wed = MONDAY + timedelta(days=2)
    _cover(db, a, sub, status=NeedStatus.FILLED, starts=wed, ends=MONDAY + timedelta(days=15))
    _cover(db, assign(), sub, status=NeedStatus.UNFILLED, request=RequestStatus.DECLINED)
    token = new_token(sub)
    db.session.commit()
    r = client.get(f"/calendar/{token}.ics")
    assert r.status_code == 200
    events = list(Calendar.from_ical(r.get_data()).walk("VEVENT"))
    assert len(events) == 1  # the confirmed cover only; the declined one is not there
    ev = events[0]
    assert str(ev["summary"]) == f"Cover: {a.participant.code}"
    start = ev.decoded("dtstart")
    first = datetime.combine(start, datetime.min.time())
    rule = rrulestr(ev["rrule"].to_ical().decode(), dtstart=first)
    days = [d.date() for d in rule]
    assert days == [wed, MONDAY + timedelta(days=7), MONDAY + timedelta(days=9),
                    MONDAY + timedelta(days=14)]
    text = r.get_data(as_text=True)
    assert "addiction" not in text and a.mentor.name not in text
    # the absent mentor's own feed is unchanged: their assignment, no cover event
    own = new_token(a.mentor)
    db.session.commit()
    own_feed = Calendar.from_ical(client.get(f"/calendar/{own}.ics").get_data())
    assert [str(e["summary"]) for e in own_feed.walk("VEVENT")] == [f"Mentor: {a.participant.code}"]


def test_the_fill_rate_is_hidden_when_it_would_count_a_small_group(assign, make, db):
    """A walk: 7 needed cover, 29 % filled, so exactly 2 were, while the time to fill (about
    those 2) was hidden."""
    _scene(assign, make, db, filled=2, unfilled=5)
    rows = _rows(NOW_PERIOD)
    assert rows["Fravær, der kræver vikar (pr. deltager)"] == [7, 7]
    assert rows["Dækningsgrad (%)"] == ["skjult", "skjult"]
    assert rows["Mediantid til dækning (timer)"] == ["skjult", "skjult"]
    _scene(assign, make, db, filled=5, unfilled=0)  # 7 of 12 filled, 5 not: both 5 or more
    assert _rows(NOW_PERIOD)["Dækningsgrad (%)"] == [12, 58]


def test_cover_requests_count_by_the_danish_day_they_were_sent(assign, make, db):
    """Sent at 00.30 Danish time (23.30 UTC the day before), a request counted in the period
    before the one it was sent in (a walk; the dashboard and the audit log had the same)."""
    from web.cover.figures import cover_period

    sub = make.mentor(make.employer())
    late = datetime.combine(TODAY - timedelta(days=1), datetime.min.time()) + timedelta(
        hours=23, minutes=30)  # Danish: today, after midnight
    for at in (late, late + timedelta(days=1), late + timedelta(days=1)):  # today, tomorrow x2
        _cover(db, assign(), sub, status=NeedStatus.FILLED).created_at = at
    db.session.commit()
    assert cover_period(TODAY, TODAY, TODAY)["requests"] == 1
    assert cover_period(TODAY + timedelta(days=1), TODAY + timedelta(days=1), TODAY)[
        "requests"] == 2
