"""The manager's dashboard: figures, filters, CSV, and suppression of anything under five.

Figures are computed outside a request, so their labels come in Danish (the default).
"""

import re
from dataclasses import replace
from datetime import date, timedelta

from tests.web.hours.conftest import MONDAY
from web.dashboard import figures
from web.dashboard.suppress import is_suppressed
from web.dashboard.svg import bar_chart
from web.models import Outcome, Participant, SolveRun, Timesheet, TimesheetLine

PERIOD = figures.Filters(MONDAY, MONDAY + timedelta(weeks=3))


def test_suppression_rule():
    assert [is_suppressed(n) for n in (0, 1, 4, 5, 12)] == [False, True, True, False, False]


def test_svg_chart_draws_no_bar_for_suppressed_values():
    svg = bar_chart("T", [("a", [10]), ("b", ["skjult"])], ["n"])
    assert svg.count("<rect") == 1 and ">skjult<" in svg and "<script" not in svg


def test_svg_chart_is_drawn_for_a_phone():
    """About a phone wide (a user walk found 6 px text at 390 px): long labels wrap above their
    bars, longer ones are shortened with the full text in a <title>, values at the bars' end."""
    long = "Mentorer med de nødvendige kompetencer har ikke mere kapacitet"
    svg = bar_chart("T", [(long, [12]), ("Ingen praktikplads inden for rækkevidde", ["skjult"])],
                    ["n"])
    width = float(re.search(r'viewBox="0 0 ([\d.]+)', svg)[1])
    lines = re.findall(r"<tspan[^>]*>([^<]*)</tspan>", svg)
    assert width <= 400 and len(lines) == 3 and " ".join(lines[:2]) == long
    # what a screen reader reads, or a copy gives: the lines with a space between them
    text = re.sub(r"<[^>]+>", "", re.search(r"<text font-size[^>]*>.*?</text>", svg)[0])
    assert text == long
    bar = re.search(r'<rect x="(\d+)"[^>]* width="(\d+)"[^>]*/><text x="(\d+)"[^>]*>12<', svg)
    assert int(bar[3]) == int(bar[1]) + int(bar[2]) + 4
    endless = " ".join(["praktikplads"] * 12)
    svg = bar_chart("T", [(endless, ["skjult"])], ["n"])
    assert f"<title>{endless}</title>" in svg and "…</tspan>" in svg and ">skjult<" in svg


def _outcome(db, a, code, ended=MONDAY + timedelta(days=7)):
    db.session.add(
        Outcome(
            proposal_id=a.id,
            participant_id=a.participant_id,
            outcome=code,
            ended_on=ended,
            follow_up_due=ended + timedelta(days=182),
        )
    )
    a.status = "ended"
    db.session.commit()


def test_outcomes_under_five_are_suppressed_and_five_are_shown(assign, db, make):
    consultant = make.user("consultant")
    for code, n in (("flex_job", 6), ("ordinary_job", 5), ("education", 2)):
        for _ in range(n):
            _outcome(db, assign(consultant=consultant), code)
    rows = {r[0]: r[1] for r in figures.outcomes(PERIOD).rows}
    assert rows["Fleksjob"] == 6 and rows["Uddannelse"] == "skjult" and rows["Fraflyttet"] == 0
    # The outcomes add up to the ended assignments: with one row hidden, the total less the
    # rest would give it. The smallest other row is hidden too, and reads the same: which
    # of the two is the small one must not show.
    assert rows["Ordinært job"] == "skjult"
    # filtered to another team, nothing is left
    other = figures.Filters(PERIOD.start, PERIOD.end, make.user("consultant").id)
    assert {r[1] for r in figures.outcomes(other).rows} == {0}
    # outside the period, not counted
    later = figures.Filters(MONDAY + timedelta(weeks=10), MONDAY + timedelta(weeks=12))
    assert {r[1] for r in figures.outcomes(later).rows} == {0}


def test_one_team_cannot_be_worked_out_as_all_teams_less_the_others(assign, db, make):
    """A walk subtracted: all teams 9 "Fleksjob", team A 7, so team B's is 2."""
    a, b = make.user("consultant"), make.user("consultant")
    for consultant, n in ((a, 7), (b, 2)):
        for _ in range(n):
            _outcome(db, assign(consultant=consultant), "flex_job")
    everyone = {r[0]: r[1] for r in figures.outcomes(PERIOD).rows}
    team_a = {r[0]: r[1] for r in figures.outcomes(replace(PERIOD, consultant_id=a.id)).rows}
    team_b = {r[0]: r[1] for r in figures.outcomes(replace(PERIOD, consultant_id=b.id)).rows}
    assert everyone["Fleksjob"] == 9 and team_b["Fleksjob"] == "skjult"
    assert team_a["Fleksjob"] == "skjult"  # 9 - 7 would give team B's 2
    # The chart hides what the table hides.
    chart = dict(figures.outcomes(replace(PERIOD, consultant_id=a.id)).chart_rows)
    assert chart["Fleksjob"] == ["skjult"]
    # With team B at 0 there is nothing to protect.
    assert {r[0]: r[1] for r in figures.outcomes(
        replace(PERIOD, consultant_id=a.id, start=MONDAY + timedelta(weeks=10),
                end=MONDAY + timedelta(weeks=12))).rows}["Fleksjob"] == 0


def test_an_employer_cannot_be_worked_out_from_its_mentors_or_the_total(assign, make):
    """Capacity by employer: the rows add up to all planned hours; by mentor, an employer's
    mentors add up to its row. One row hidden would be the total less the rest."""
    big, small = make.employer(name="Stor A/S"), make.employer(name="Lille ApS")
    m1 = make.mentor(employer=big, name="Mentor Et")
    m2 = make.mentor(employer=big, name="Mentor To")
    m3 = make.mentor(employer=small, name="Mentor Tre")
    team = make.user("consultant")
    for mentor, n in ((m1, 6), (m2, 2), (m3, 7)):
        for _ in range(n):
            assign(mentor=mentor, hours=3, consultant=team)
    f = figures.Filters(MONDAY, MONDAY + timedelta(weeks=1))
    tables = {t.key: t for t in figures.all_tables(f)}
    by_mentor = {r[0]: r for r in tables["capacity_mentor"].rows}
    by_employer = {r[0]: r for r in tables["capacity_employer"].rows}
    # the people and the hours computed from them
    assert by_mentor["Mentor To"][1:3] == ["skjult", "skjult"]
    # Stor A/S (8) less Mentor Et (6) would give Mentor To's 2
    assert by_mentor["Mentor Et"][1:3] == ["skjult", "skjult"]
    assert by_mentor["Mentor Et"][3] == m1.capacity_hours  # the mentor's own, not a person's
    assert by_employer["Stor A/S"][1:3] == [8, 24] and by_employer["Lille ApS"][1:3] == [7, 21]


def test_planned_and_delivered_hours_are_suppressed_for_a_small_week(assign, db, make):
    team = make.user("consultant")  # five teams of one each would be 1 apiece: see below
    few = [assign(hours=6, consultant=team) for _ in range(3)]
    for a in few:
        db.session.add(
            Timesheet(
                proposal_id=a.id,
                mentor_id=a.mentor_id,
                week_start=MONDAY,
                participant_id=a.participant_id,
                status="approved",
                lines=[TimesheetLine(task="instruction", hours=5)],
            )
        )
    db.session.commit()
    t = figures.planned_delivered(PERIOD)
    assert t.rows[0] == [MONDAY, "skjult", "skjult", "skjult"]
    assert t.chart_rows[0][1] == ["skjult", "skjult"]
    more = [assign(hours=4, consultant=team) for _ in range(2)]
    t = figures.planned_delivered(PERIOD)
    assert t.rows[0] == [MONDAY, 5, 26, 15.0]
    assert t.chart_rows[0] == ("Uge 2", [26, 15.0])  # the chart names weeks as people do
    assert "sendt, godkendt eller ej endnu" in t.note  # what "delivered" counts
    # Spread over five teams of one, the five teams' hidden add up to the 5 shown: each is
    # 1, and each team's person would be known to have had the week's support. So the
    # total is hidden as well.
    for a in more + few:
        db.session.get(Participant, a.participant_id).consultant_id = make.user("consultant").id
    db.session.commit()
    assert figures.planned_delivered(PERIOD).rows[0] == [MONDAY] + ["skjult"] * 3


def test_planned_hours_leave_out_the_days_a_participant_is_away(assign, db, make):
    """Paused as away, a participant was still counted with the whole plan against the
    hours delivered: the weeks looked short of support that nobody was to give."""
    from web.cover import service

    team = make.user("consultant")
    people = [assign(hours=6, consultant=team) for _ in range(7)]
    away = people[0].participant
    service.hold(away, MONDAY + timedelta(weeks=1), "relapse", team)  # 14 days from week 2
    db.session.commit()
    rows = {r[0]: r for r in figures.planned_delivered(PERIOD).rows}
    assert rows[MONDAY][1:3] == [7, 42]
    assert rows[MONDAY + timedelta(weeks=1)][1:3] == [6, 36]  # nobody plans their weeks
    assert rows[MONDAY + timedelta(weeks=2)][1:3] == [6, 36]
    # The hold runs to Monday of week 4: one of their days, if they have five (a fifth of 6).
    days = len(set(away.days) & set(people[0].placement.days) or range(5))
    assert rows[MONDAY + timedelta(weeks=3)][2] == round(36 + 6 - 6 / days, 1)


def test_unmatched_reasons_count_people_and_suppress_small_groups(db, make):
    consultant = make.user("consultant")
    people = [make.participant(consultant) for _ in range(6)]
    run = SolveRun(
        requested_by_id=consultant.id,
        scope=[p.id for p in people],
        status="done",
        finished_at=datetime_in_period(),
        unmatched=[
            {
                "participant_id": p.id,
                "reasons": [{"code": "no_mentor_skills", "params": {}}]
                + ([{"code": "placements_full", "params": {}}] if i < 2 else []),
            }
            for i, p in enumerate(people)
        ],
    )
    db.session.add(run)
    db.session.commit()
    rows = {r[0]: r[1] for r in figures.unmatched(PERIOD).rows}
    assert rows["Ingen mentor har de nødvendige kompetencer"] == 6
    assert rows["Passende pladser er fyldt op"] == "skjult"


def test_the_period_is_of_danish_days(db, make):
    """The filters compared stored UTC times with the period's days: a run finished at 00.30
    Danish time on the day after the period counted in it, and one at 00.30 on its first
    day did not (a walk found the same in the audit log)."""
    from datetime import datetime

    consultant = make.user("consultant")
    people = [make.participant(consultant) for _ in range(11)]
    reason = [{"code": "no_mentor_skills", "params": {}}]

    def run(at, who):
        db.session.add(SolveRun(requested_by_id=consultant.id, scope=[p.id for p in who],
                                status="done", finished_at=at,
                                unmatched=[{"participant_id": p.id, "reasons": reason}
                                           for p in who]))

    # 23.30 UTC in January is 00.30 the next day in Denmark
    run(datetime.combine(PERIOD.start - timedelta(days=1), datetime.min.time())
        + timedelta(hours=23, minutes=30), people[:5])  # Danish: the period's first day
    run(datetime.combine(PERIOD.end, datetime.min.time())
        + timedelta(hours=23, minutes=30), people[5:])  # the day after the period: 6 people
    db.session.commit()
    rows = {r[0]: r[1] for r in figures.unmatched(PERIOD).rows}
    assert rows["Ingen mentor har de nødvendige kompetencer"] == 5


def datetime_in_period():
    from datetime import datetime

    return datetime.combine(MONDAY + timedelta(days=2), datetime.min.time())


def test_waiting_and_continuity_are_suppressed(make, assign, db):
    c = make.user("consultant")
    for _ in range(2):
        make.participant(c)
    t = figures.waiting(PERIOD)
    assert all(r[1] in (0, "skjult") for r in t.rows)
    assert {r[2] for r in t.rows if r[1] == "skjult"} == {"skjult"}  # the median days
    p = make.participant(c)
    first = assign(participant=p, status="ended")
    assign(participant=p)  # a second mentor for the same person
    rows = {r[0]: r[1] for r in figures.continuity(figures.Filters(MONDAY, date.today())).rows}
    assert rows["Ét"] == "skjult" and first


def test_manager_page_and_csv_show_only_suppressed_figures(client, auth, make, assign):
    for _ in range(2):
        assign()
    auth.login(make.user("admin"))
    client.post("/lang/en")
    html = client.get(f"/dashboard/manager?start={MONDAY}&end={MONDAY + timedelta(weeks=2)}")
    text = html.get_data(as_text=True)
    assert html.status_code == 200 and "<td>hidden</td>" in text
    # Two people: every chart would be only "hidden" with no bar, so none is drawn. Its
    # sentence speaks of the chart: the capacity tables show the mentors' capacity still (a
    # walk read "every figure here is 0 or hidden" above a table of figures).
    assert "<svg" not in text and "No chart: every figure it would draw is 0 or hidden." in text
    # The charts need no script: the only one is the site's, for forms with errors.
    assert "Substitute cover" in text
    assert re.findall(r"<script[^>]*>", text) == ['<script src="/static/errors.js" defer>']
    assert "Week of Jan 19, 2026." in text  # the period's last week, as dates are elsewhere
    assert "<td>Jan 5, 2026</td>" in text and "<td>2026-01-05</td>" not in text  # each week
    r = client.get(f"/dashboard/manager/planned_delivered.csv?start={MONDAY}&end={MONDAY}")
    assert r.get_data().decode("utf-8-sig").split("\r\n")[1].startswith("2026-01-05;")  # ISO
    r = client.get(f"/dashboard/manager/capacity_employer.csv?start={MONDAY}")
    body = r.get_data().decode("utf-8-sig")
    assert r.status_code == 200 and body.startswith("Employer;Participants;")
    assert r.content_type == "text/csv; charset=utf-8"  # the charset once, not twice
    assert all(line.split(";")[1] in ("0", "hidden") for line in body.strip().split("\r\n")[1:])
    assert client.get("/dashboard/manager/nope.csv").status_code == 404
    # a bad period gives a message, not a 500
    r = client.get("/dashboard/manager?start=2026-05-01&end=2026-01-01")
    assert r.status_code == 200 and "on or after the start" in r.get_data(as_text=True)
    # A walk asked for six years: some 300 weekly rows. At most two years, said at the field.
    for query in ("start=2020-01-01&end=2026-01-01", "start=2020-01-01"):  # end: today
        r = client.get(f"/dashboard/manager?{query}")
        page = r.get_data(as_text=True)
        assert r.status_code == 200 and "Choose a period of at most two years." in page
        assert "2020-01-06" not in page  # the default period is shown instead
    page = client.get("/dashboard/manager?start=2024-12-07&end=2026-12-07").get_data(
        as_text=True)
    assert "at most two years" not in page  # exactly two years is allowed


def test_manager_dashboard_is_for_admins_only(client, auth, make):
    for role in ("consultant", "mentor", "employer"):
        auth.login(make.user(role))
        assert client.get("/dashboard/manager").status_code == 403
        assert client.get("/dashboard/manager/outcomes.csv").status_code == 403
        auth.logout()


def test_a_table_cannot_be_worked_out_against_the_weeks_people(assign, make):
    """A walk: capacity by employer showed "skjult" and "<5" with every other row 0, and the
    planned-and-delivered row of that week said 6 people; a "skjult" was 5 or more, so the
    "<5" was 1. Both now read "skjult": two hidden rows making 6 may be 1 and 5 or 3 and 3.
    """
    team = make.user("consultant")
    big, small = make.employer(name="Stor A/S"), make.employer(name="Lille ApS")
    for employer, n in ((big, 5), (small, 1)):
        for _ in range(n):
            assign(employer=employer, mentor=make.mentor(employer=employer), consultant=team)
    f = figures.Filters(MONDAY, MONDAY + timedelta(weeks=1))
    tables = {t.key: t for t in figures.all_tables(f)}
    by_employer = {r[0]: r[1] for r in tables["capacity_employer"].rows}
    assert by_employer["Lille ApS"] == "skjult" and by_employer["Stor A/S"] == "skjult"
    week = {r[0]: r[1] for r in tables["planned_delivered"].rows}[MONDAY + timedelta(weeks=1)]
    assert week == 6  # the sum the two hidden rows make: it pins neither


def test_charts_leave_out_rows_of_only_zero_but_not_weeks(assign, db, make):
    """A walk: the capacity charts were 32 labels of "0%" with no bars on a phone. The
    table keeps every row; the chart draws what has something to draw."""
    team = make.user("consultant")
    for _ in range(5):
        _outcome(db, assign(consultant=team), "flex_job")
    t = figures.outcomes(PERIOD)
    assert len(t.rows) == 9 and [label for label, _v in t.chart()] == ["Fleksjob"]
    weeks = figures.planned_delivered(figures.Filters(MONDAY + timedelta(weeks=40),
                                                      MONDAY + timedelta(weeks=42)))
    assert len(weeks.chart()) == 3  # weeks of nothing stay: a gap in a series misleads


def test_a_chart_with_a_bar_is_drawn(client, auth, assign, db, make):
    team = make.user("consultant")
    for _ in range(5):
        _outcome(db, assign(consultant=team), "flex_job")
    auth.login(make.user("admin"))
    text = client.get(f"/dashboard/manager?start={MONDAY}&end={MONDAY + timedelta(weeks=3)}"
                      ).get_data(as_text=True)
    outcomes = text[text.index('id="outcomes"'):]
    assert outcomes.index("<svg") < outcomes.index("</section>")  # its own chart


def test_namesakes_are_two_rows(assign, make):
    """A walk: two mentors called Pia Nielsen were one row, with both capacities."""
    a, b = make.employer(name="Café A"), make.employer(name="Lager B")
    make.mentor(employer=a, name="Pia Nielsen", capacity_hours=20)
    make.mentor(employer=b, name="Pia Nielsen", capacity_hours=12)
    rows = {r[0]: r for r in figures.capacity(PERIOD, "mentor").rows}
    assert rows["Pia Nielsen (Café A)"][3] == 20 and rows["Pia Nielsen (Lager B)"][3] == 12
    assert "Pia Nielsen" not in rows


def test_a_long_period_shows_its_last_weeks(assign):
    """A walk chose a year and got its first 26 weeks, all 0: the recent ones were left out."""
    assign(hours=6)
    year = figures.Filters(MONDAY - timedelta(weeks=40), MONDAY + timedelta(weeks=2))
    t = figures.planned_delivered(year)
    assert len(t.rows) == figures.MAX_WEEKS and t.rows[-1][0] == MONDAY + timedelta(weeks=2)
    assert "Periodens sidste 26 uger." in t.note


def test_capacity_of_a_past_week_counts_assignments_ended_since(assign, db, make):
    """A walk: a week in November showed a mentor with 0 hours whose assignment ended in
    December."""
    team = make.user("consultant")
    mentor = make.mentor(make.employer(), name="Ida Nielsen")
    people = [assign(mentor=mentor, hours=3, consultant=team) for _ in range(5)]
    for a in people:
        _outcome(db, a, "ordinary_job", ended=MONDAY + timedelta(weeks=6))
    week2 = figures.Filters(MONDAY, MONDAY + timedelta(weeks=2))
    row = {r[0]: r for r in figures.capacity(week2, "mentor").rows}["Ida Nielsen"]
    assert row[1:3] == [5, 15]
    after = figures.Filters(MONDAY, MONDAY + timedelta(weeks=8))
    assert {r[0]: r for r in figures.capacity(after, "mentor").rows}["Ida Nielsen"][1] == 0
