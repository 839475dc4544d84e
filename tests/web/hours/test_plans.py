"""Support-hour plans: stepping hours, validation, and what they commit of a mentor."""

from datetime import date, timedelta

import pytest
from babel.dates import format_date

from tests.web.hours.conftest import MONDAY, week
from web.hours.capacity import committed_hours_by_mentor
from web.hours.plans import (
    PlanError,
    Step,
    check_steps,
    monday,
    planned_hours,
    set_plan,
    steps_from_durations,
)
from web.models import PlanStep, ProposalStatus


def test_a_stepped_plan_changes_the_planned_hours_week_by_week(assign, db):
    a = assign(hours=10)
    set_plan(
        a, steps_from_durations(MONDAY, [(10, 4), (6, 4), (4, None)]), a.participant.consultant
    )
    db.session.commit()
    m = a.mentor_id
    assert [planned_hours(m, week(i)) for i in (0, 3, 4, 7, 8, 52)] == [10, 10, 6, 6, 4, 4]
    assert planned_hours(m, MONDAY - timedelta(weeks=1)) == 0
    assert planned_hours(m, week(5) + timedelta(days=3)) == 6  # any day means its week


def test_a_plan_with_an_end_frees_the_mentor_afterwards(assign, db):
    a = assign()
    set_plan(a, steps_from_durations(MONDAY, [(8, 2)]), a.participant.consultant)
    db.session.commit()
    assert planned_hours(a.mentor_id, week(1)) == 8
    assert planned_hours(a.mentor_id, week(2)) == 0


def test_without_a_plan_the_proposed_hours_count_from_the_start(assign):
    a = assign(hours=7)
    assert planned_hours(a.mentor_id, week(3)) == 7
    assert planned_hours(a.mentor_id, MONDAY - timedelta(weeks=1)) == 0


@pytest.mark.parametrize(
    "rows, step, text",
    [
        ([(1, 4)], 1, "between 2 and 20"),
        ([(21, 4)], 1, "between 2 and 20"),
        ([(10, None), (6, 4)], 1, "Only the last step"),
        ([(10, 0)], 1, "between 1 and 104"),
    ],
)
def test_bad_plans_are_refused_with_a_message_for_the_step(rows, step, text):
    with pytest.raises(PlanError) as exc:
        steps_from_durations(MONDAY, rows)
    assert text in exc.value.errors[step]


def test_a_plan_must_start_on_a_monday():
    with pytest.raises(PlanError) as exc:
        steps_from_durations(MONDAY + timedelta(days=2), [(6, None)])
    assert "Monday" in exc.value.errors[0]


def test_overlapping_or_unordered_steps_are_refused():
    a, b = Step(week(0), week(4), 10), Step(week(2), None, 6)
    with pytest.raises(PlanError) as exc:
        check_steps([a, b])
    assert "overlaps" in exc.value.errors[2]
    with pytest.raises(PlanError) as exc:
        check_steps([Step(week(4), week(6), 6), Step(week(0), week(2), 10)])
    assert exc.value.errors[2]
    with pytest.raises(PlanError):
        check_steps([])


def test_committed_hours_follow_the_plan_and_count_approved_proposals(assign, make, db):
    a = assign(hours=10)
    set_plan(a, steps_from_durations(MONDAY, [(10, 4), (4, None)]), a.participant.consultant)
    b = assign(hours=5, mentor=a.mentor)  # active, no plan: its proposed hours
    c = assign(hours=3, status=ProposalStatus.APPROVED)  # waiting for its mentor
    assign(hours=9, status=ProposalStatus.ENDED, mentor=c.mentor)  # ended: frees capacity
    db.session.commit()
    assert committed_hours_by_mentor(week(1)) == {a.mentor_id: 15, c.mentor_id: 3}
    assert committed_hours_by_mentor(week(5)) == {a.mentor_id: 9, c.mentor_id: 3}
    assert b.mentor_id == a.mentor_id


def test_plan_page_saves_steps_and_shows_errors_next_to_the_step(client, auth, assign, db):
    a = assign()
    auth.login(a.participant.consultant)
    url = f"/hours/assignments/{a.id}"
    r = client.post(
        url,
        data={
            "start_week": MONDAY.isoformat(),
            "hours_1": "10",
            "weeks_1": "4",
            "hours_2": "25",
            "weeks_2": "",
        },
    )
    assert r.status_code == 200
    assert "Timer pr. uge skal være mellem 2 og 20" in r.get_data(as_text=True)
    assert db.session.query(PlanStep).count() == 0
    # A step left without its weeks, before the last: the message is at the weeks' box.
    r = client.post(url, data={"start_week": MONDAY.isoformat(), "hours_1": "10",
                               "weeks_1": "", "hours_2": "6", "weeks_2": "4"})
    cell = r.get_data(as_text=True).split('id="weeks_1"')[1].split("</td>")[0]
    assert "Kun det sidste trin kan være uden slutdato." in cell
    assert db.session.query(PlanStep).count() == 0
    r = client.post(
        url,
        data={
            "start_week": MONDAY.isoformat(),
            "hours_1": "10",
            "weeks_1": "4",
            "hours_2": "6",
            "weeks_2": "",
        },
    )
    assert r.status_code == 302
    steps = db.session.query(PlanStep).order_by(PlanStep.start_week).all()
    assert [(s.start_week, s.end_week, s.hours) for s in steps] == [
        (MONDAY, week(4), 10),
        (week(4), None, 6),
    ]
    # Four weeks from MONDAY: the page names the fourth as the last, not the fifth.
    page = client.get(url).get_data(as_text=True)
    row = page.split("<tbody>")[1].split("</tr>")[0]
    assert "<th>Til og med ugen</th>" in page
    shown = lambda d: format_date(d, format="medium", locale="da")  # noqa: E731
    assert shown(week(3)) in row and shown(week(4)) not in row
    # the saved plan stands in the form, ready to change, and the case is a click away
    for field, value in (("hours_1", "10"), ("weeks_1", "4"), ("hours_2", "6"), ("weeks_2", "")):
        tag = page.split(f'id="{field}"')[1].split(">")[0]
        assert f'value="{value}"' in tag, field
    assert f'href="/participants/{a.participant_id}"' in page
    case = client.get(f"/participants/{a.participant_id}").get_data(as_text=True)
    assert f'href="/hours/assignments/{a.id}"' in case and "Plan, timer og afslutning" in case
    # a gap between rows is refused, nothing changes
    r = client.post(
        url, data={"start_week": MONDAY.isoformat(), "hours_1": "8", "weeks_1": "2", "hours_3": "6"}
    )
    assert r.status_code == 200 and db.session.query(PlanStep).count() == 2


@pytest.mark.parametrize("start, text", [
    ("9999-12-27", "Planen kan højst starte to år frem: senest ugen fra "),
    ("0001-01-01", "Planen kan ikke starte før 2000."),
    ("1999-12-27", "Planen kan ikke starte før 2000."),
])
def test_a_plan_starting_at_the_calendars_ends_is_told_at_the_start_week(
        client, auth, assign, db, start, text):
    """A walk: a start week of 9999-12-27 with 2 weeks answered 500, and 0001-01-01 was saved
    and shown as "1. jan. 1 indtil videre"."""
    a = assign()
    auth.login(a.participant.consultant)
    r = client.post(f"/hours/assignments/{a.id}",
                    data={"start_week": start, "hours_1": "8", "weeks_1": "2", "hours_2": "4"})
    assert r.status_code == 200
    assert f'id="start_week-error">{text}' in r.get_data(as_text=True)
    assert db.session.query(PlanStep).count() == 0


def test_a_plan_starts_at_most_two_years_ahead(client, auth, assign, db):
    a = assign()
    auth.login(a.participant.consultant)
    latest = monday(date.today()) + timedelta(weeks=104)
    url = f"/hours/assignments/{a.id}"
    r = client.post(url, data={"start_week": (latest + timedelta(weeks=1)).isoformat(),
                               "hours_1": "8"})
    shown = format_date(latest, format="medium", locale="da")
    assert f"senest ugen fra {shown}." in r.get_data(as_text=True)
    assert db.session.query(PlanStep).count() == 0
    assert client.post(url, data={"start_week": latest.isoformat(),
                                  "hours_1": "8"}).status_code == 302
    assert [s.start_week for s in db.session.query(PlanStep)] == [latest]


def test_only_the_owning_consultant_sees_or_edits_a_plan(client, auth, assign, make):
    a = assign()
    auth.login(make.user("consultant"))
    assert client.get(f"/hours/assignments/{a.id}").status_code == 404
    assert (
        client.post(
            f"/hours/assignments/{a.id}", data={"start_week": MONDAY.isoformat(), "hours_1": "6"}
        ).status_code
        == 404
    )
    auth.logout()
    auth.login(make.user("mentor"))
    assert client.get(f"/hours/assignments/{a.id}").status_code == 403


def test_planned_hours_ignore_other_mentors(assign):
    a = assign(hours=6)
    other = assign(hours=4)
    assert planned_hours(a.mentor_id, week(1)) == 6
    assert planned_hours(other.mentor_id, week(1)) == 4
    assert isinstance(planned_hours(a.mentor_id, date(2026, 3, 4)), int)


@pytest.mark.parametrize("weeks", ["2", ""])
def test_hours_that_are_not_a_whole_number_get_one_message_not_a_contradicting_one(
        client, auth, assign, db, weeks):
    """'9,5' hours was told both 'not a whole number' and 'give the hours for this step' (or,
    alone in the plan, 'give at least one step'), though the hours were given."""
    a = assign()
    auth.login(a.participant.consultant)
    r = client.post(f"/hours/assignments/{a.id}",
                    data={"start_week": MONDAY.isoformat(), "hours_1": "9,5", "weeks_1": weeks})
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and "Ikke et gyldigt heltal." in page
    assert "Angiv timer pr. uge for dette trin." not in page
    assert "Angiv mindst ét trin." not in page
    assert db.session.query(PlanStep).count() == 0
