"""An absence withdrawn before it starts, or ended early when the mentor is back: cover is
no longer sought, substitutes are released or their cover ends, and the people told of the
absence are told of the change."""

from datetime import date, timedelta

import flask_babel
import pytest

from tests.cover_helpers import notice_kinds, scene, user
from web.cover import service
from web.cover.notices import notice_text
from web.models import Notification
from web.models.cover import Absence, CoverRequest, NeedStatus, RequestStatus, mentor_on
from workers.cover_jobs import cover_deadline, run_cover
from workers.cover_problem import build_cover_problem

MAR3, MAR7 = date(2055, 3, 3), date(2055, 3, 7)  # a Wednesday to a Sunday
DAY = timedelta(days=1)


@pytest.fixture
def s(db, make):
    return scene(db, make, n=2)




def _covered(db, s, start=MAR3, end=MAR7):
    """An absence reported by the consultant: the first participant's cover confirmed by the
    colleague, the second's asked of someone who has not answered."""
    absence = service.report_absence(s.mentor, start, end, "sick", s.consultant)
    db.session.commit()
    assert run_cover(absence.id)["asked"] == 2
    first, second = (n.requests[0] for n in absence.needs)
    service.confirm_cover(first, first.substitute.user)
    db.session.commit()
    return absence, first, second


def test_withdrawn_before_it_starts_cancels_all_cover_and_tells_everyone(db, s):
    absence, confirmed, asked = _covered(db, s)
    db.session.query(Notification).delete()
    db.session.commit()

    service.withdraw_absence(absence, s.consultant, today=MAR3 - 2 * DAY)
    db.session.commit()

    assert absence.withdrawn_at is not None and absence.withdrawn_by_id == s.consultant.id
    assert (absence.starts_on, absence.ends_on) == (MAR3, MAR7)  # the record is kept as it was
    assert [n.status for n in absence.needs] == [NeedStatus.CANCELLED] * 2
    assert (confirmed.status, asked.status) == (RequestStatus.CANCELLED, RequestStatus.CANCELLED)
    assert mentor_on(s.assignments[0], MAR3) == s.mentor.id  # the mentor supports as usual
    for sub in {confirmed.substitute, asked.substitute}:
        assert "cover_withdrawn" in notice_kinds(db, sub.user)
    # The two notices say which was arranged cover and which an open request, with dates.
    subject, text = notice_text("cover_withdrawn", {"request_id": confirmed.id})
    assert subject == "Vikariat aflyst" and text == (
        f"{s.mentor.name} er alligevel ikke væk: dit vikariat for deltager "
        f"{s.participants[0].code} på {s.placement.title} fra 3. mar. 2055 til 7. mar. 2055 er "
        "aflyst.")
    assert notice_text("cover_withdrawn", {"request_id": asked.id})[0] == (
        "Vikar ikke længere nødvendig")
    assert notice_kinds(db, s.mentor_user) == ["absence_withdrawn"]
    assert notice_kinds(db, s.employer_user) == ["absence_withdrawn"]  # was told cover was arranged
    assert notice_kinds(db, s.consultant) == []  # did it: no notice to themselves
    # Nothing is sought or escalated any more, and the days are free to report again.
    assert run_cover(absence.id)["asked"] == 0
    assert cover_deadline(absence.id)["escalated"] == 0
    again = service.report_absence(s.mentor, MAR3, MAR7, "holiday", s.mentor_user)
    db.session.commit()
    assert len(again.needs) == 2


def test_back_early_ends_the_absence_yesterday_and_shortens_the_cover(db, s):
    absence, confirmed, asked = _covered(db, s)
    back = MAR3 + 2 * DAY

    service.withdraw_absence(absence, s.mentor_user, today=back)
    db.session.commit()

    assert absence.withdrawn_at is None and absence.ends_on == back - DAY
    assert absence.planned_ends_on == MAR7  # what was reported is kept
    assert (confirmed.status, confirmed.ends_on) == (RequestStatus.CONFIRMED, back - DAY)
    assert asked.status == RequestStatus.CANCELLED  # never answered: nothing more to ask
    assert [n.status for n in absence.needs] == [NeedStatus.FILLED, NeedStatus.CANCELLED]
    a = s.assignments[0]
    assert mentor_on(a, back - DAY) == confirmed.substitute_id  # the days covered stay covered
    assert mentor_on(a, back) == s.mentor.id
    assert "absence_withdrawn" in notice_kinds(db, s.consultant)
    assert "absence_withdrawn" not in notice_kinds(db, s.mentor_user)  # did it themselves
    # Away again two days later: the substitute's hours are free again over those days.
    again = service.report_absence(s.mentor, back + DAY, MAR7, "sick", s.mentor_user)
    db.session.commit()
    sub = next(m for m in build_cover_problem(again)["mentors"]
               if m["id"] == f"m{confirmed.substitute_id}")
    assert sub["capacity_hours"] == confirmed.substitute.capacity_hours


def test_notice_texts_say_what_changed(app, db, s):
    absence, confirmed, asked = _covered(db, s)
    service.withdraw_absence(absence, s.consultant, today=MAR3 + 2 * DAY)
    db.session.commit()
    code, place = s.participants[0].code, s.placement.title
    _, text = notice_text("cover_withdrawn", {"request_id": confirmed.id})
    assert text == (f"{s.mentor.name} er tilbage: din vikardækning for deltager {code} på "
                    f"{place} sluttede 4. mar. 2055.")
    with flask_babel.force_locale("en"):
        _, text = notice_text("cover_withdrawn", {"request_id": confirmed.id})
        assert text == (f"{s.mentor.name} is back: your cover of participant {code} at {place} "
                        "ended on Mar 4, 2055.")
        _, text = notice_text("cover_withdrawn", {"request_id": asked.id})
        assert text == (f"The request to cover participant {s.participants[1].code} at {place} "
                        f"from Mar 3, 2055 to Mar 7, 2055 is cancelled: {s.mentor.name} is not "
                        "away. No answer is needed.")
        subject, text = notice_text("absence_withdrawn", {"absence_id": absence.id})
        assert subject == "Back early" and text.startswith(
            f"{s.mentor.name} is back early: the absence from Mar 3, 2055, reported until "
            "Mar 7, 2055, ended on Mar 4, 2055.")
    ahead = service.report_absence(s.mentor, MAR7 + 7 * DAY, MAR7 + 9 * DAY, "other",
                                   s.mentor_user)
    service.withdraw_absence(ahead, s.consultant, today=MAR7)
    subject, text = notice_text("absence_withdrawn", {"absence_id": ahead.id})
    assert subject == "Fravær trukket tilbage" and "fra 14. mar. 2055 til 16. mar. 2055" in text


def test_a_withdrawn_mentor_can_cover_others_on_those_days(db, s):
    away = service.report_absence(s.colleague, MAR3, MAR7, "holiday", s.consultant)
    db.session.commit()
    service.withdraw_absence(away, s.colleague_user, today=MAR3 - DAY)
    absence = service.report_absence(s.mentor, MAR3, MAR7, "sick", s.consultant)
    db.session.flush()
    assert f"m{s.colleague.id}" in {m["id"] for m in build_cover_problem(absence)["mentors"]}
    assert build_cover_problem(absence)["absent"] == [f"m{s.mentor.id}"]


@pytest.mark.parametrize("today, message", [
    (MAR7 + DAY, "Fraværet er allerede slut."),
    (None, "Fraværet er allerede trukket tilbage."),
])
def test_an_absence_over_or_withdrawn_cannot_be_withdrawn(app, db, s, today, message):
    absence = service.report_absence(s.mentor, MAR3, MAR7, "sick", s.consultant)
    db.session.commit()
    if today is None:
        service.withdraw_absence(absence, s.consultant, today=MAR3)
        db.session.commit()
        today = MAR3
    before = (absence.ends_on, absence.withdrawn_at, [n.status for n in absence.needs])
    with pytest.raises(service.TransitionError, match=message):
        service.withdraw_absence(absence, s.consultant, today=today)
    assert (absence.ends_on, absence.withdrawn_at, [n.status for n in absence.needs]) == before


# --- the page and the API (they act on date.today()) ----------------------------------------

def _report(db, s, start_in: int, end_in: int) -> Absence:
    today = date.today()
    absence = service.report_absence(s.mentor, today + start_in * DAY, today + end_in * DAY,
                                     "sick", s.consultant)
    db.session.commit()
    return absence


def test_page_asks_first_then_withdraws(db, auth, client, s):
    ahead, now = _report(db, s, 10, 12), _report(db, s, -2, 3)
    auth.login(s.mentor_user)
    client.post("/lang/en")
    page = client.get("/absences/").get_data(as_text=True)
    assert page.count(">Withdraw</button>") == 1 and page.count(">Back today</button>") == 1
    assert "Withdraw your absence from" in page  # the question the button asks (confirm.js)

    # Without JavaScript the question comes as a page, and nothing has changed yet.
    r = client.post(f"/absences/{ahead.id}/withdraw")
    assert "Are you sure?" in r.get_data(as_text=True)
    assert db.session.get(Absence, ahead.id).withdrawn_at is None

    r = client.post(f"/absences/{ahead.id}/withdraw", data={"confirmed": "1"},
                    follow_redirects=True)
    page = r.get_data(as_text=True)
    assert "The absence is withdrawn. No cover is sought." in page
    assert ">Withdrawn<" in page and page.count(">Withdraw</button>") == 0

    r = client.post(f"/absences/{now.id}/withdraw", data={"confirmed": "1"},
                    follow_redirects=True)
    yesterday = date.today() - DAY
    db.session.expire_all()
    assert db.session.get(Absence, now.id).ends_on == yesterday
    page = r.get_data(as_text=True)
    assert "Welcome back. The last day away is now" in page
    assert ">Back today</button>" not in page  # over now
    # The row keeps what was reported and says the search stopped (not "no cover needed").
    planned = (date.today() + 3 * DAY).strftime("%b %-d, %Y")
    assert f"back early; reported until {planned}" in page
    assert "The search for cover stopped." in page
    assert "No cover needed" not in page and "0 of 0 covered" not in page


def test_page_withdraw_in_danish(db, auth, client, s):
    ahead = _report(db, s, 10, 12)
    auth.login(s.mentor_user)
    assert ">Træk tilbage</button>" in client.get("/absences/").get_data(as_text=True)
    r = client.post(f"/absences/{ahead.id}/withdraw", data={"confirmed": "1"},
                    follow_redirects=True)
    assert "Fraværet er trukket tilbage. Der søges ikke vikar." in r.get_data(as_text=True)


def test_only_those_who_may_report_may_withdraw(db, make, auth, client, s):
    ahead = _report(db, s, 10, 12)
    other = user(db, "consultant")  # no participant with this mentor
    auth.login(other)
    assert client.post(f"/absences/{ahead.id}/withdraw",
                       data={"confirmed": "1"}).status_code == 404
    assert client.post("/absences/999999/withdraw", data={"confirmed": "1"}).status_code == 404
    db.session.expire_all()
    assert db.session.get(Absence, ahead.id).withdrawn_at is None


def test_a_withdrawal_while_the_cover_job_solves_leaves_nobody_asked(db, s, monkeypatch):
    """The job reads the needs, solves, then stores: what a withdrawal wrote in between
    (another process, so not in the job's session) wins."""
    import matcher

    absence = service.report_absence(s.mentor, MAR3, MAR7, "sick", s.consultant)
    db.session.commit()
    solve = matcher.cover_dict

    def solve_then_withdrawn_elsewhere(problem, **kw):
        result = solve(problem, **kw)
        assert result["matches"]
        with db.engine.begin() as other:
            other.execute(db.text("UPDATE cover_need SET status = 'cancelled' "
                                  "WHERE absence_id = :a"), {"a": absence.id})
        return result

    monkeypatch.setattr(matcher, "cover_dict", solve_then_withdrawn_elsewhere)
    assert run_cover(absence.id)["asked"] == 0
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count()).select_from(CoverRequest)) == 0
    assert [n.status for n in absence.needs] == [NeedStatus.CANCELLED] * 2


def test_a_notice_whose_record_is_gone_says_so(app, db):
    assert notice_text("absence_withdrawn", {"absence_id": 999999}) == (
        "Fravær", "Beskeden henviser til noget, der ikke findes længere.")
    assert notice_text("cover_withdrawn", {})[0] == "Vikardækning"
    assert notice_text("something_new", {"x": 1}) == ("Besked", "something_new")


def test_the_consultants_hear_of_a_reported_absence_and_cover_starts_today(db, s):
    today = date.today()
    absence = service.report_absence(s.mentor, today - 2 * DAY, today + 2 * DAY, "sick",
                                     s.mentor_user)
    db.session.commit()
    assert notice_kinds(db, s.consultant) == ["absence_reported"]
    with flask_babel.force_locale("en"):
        subject, text = notice_text("absence_reported", {"absence_id": absence.id})
    assert subject == "Mentor away" and text.startswith(f"{s.mentor.name} is away from ")
    assert run_cover(absence.id)["asked"] == 2
    # Substitutes are asked from today: the days gone by cannot be covered any more.
    assert {(r.starts_on, r.ends_on) for r in db.session.scalars(db.select(CoverRequest))} == {
        (today, today + 2 * DAY)}
    # Reported by the consultant: no notice to themselves.
    other = service.report_absence(s.colleague, MAR3, MAR7, "sick", s.consultant)
    db.session.commit()
    assert notice_kinds(db, s.consultant) == ["absence_reported"] and other.needs == []


def test_back_on_the_day_cover_began_leaves_no_cover_counted(db, s):
    """Reported while under way, cover starts today; back today, that cover never happens:
    its request is cancelled and the need no longer counts as filled."""
    today = date.today()
    absence = service.report_absence(s.mentor, today - DAY, today + 2 * DAY, "sick",
                                     s.mentor_user)
    db.session.commit()
    run_cover(absence.id)
    req = absence.needs[0].requests[0]
    service.confirm_cover(req, req.substitute.user)
    db.session.commit()
    assert req.starts_on == today and absence.needs[0].status == NeedStatus.FILLED

    service.withdraw_absence(absence, s.mentor_user, today=today)
    db.session.commit()
    assert req.status == RequestStatus.CANCELLED
    assert [n.status for n in absence.needs] == [NeedStatus.CANCELLED] * 2
    assert absence.ends_on == today - DAY and absence.cover_counts[NeedStatus.FILLED] == 0


def test_back_today_said_by_someone_else_names_the_mentor(db, auth, client, s):
    """A consultant who pressed "Tilbage i dag" for a mentor was welcomed back."""
    now = _report(db, s, -2, 3)
    auth.login(s.consultant)
    r = client.post(f"/absences/{now.id}/withdraw", data={"confirmed": "1"},
                    follow_redirects=True)
    page = r.get_data(as_text=True)
    assert f"{s.mentor.name} er tilbage. Sidste fraværsdag er nu" in page
    assert "Velkommen tilbage" not in page


def test_a_mentor_reported_away_by_someone_else_is_told(db, s):
    from tests.cover_helpers import notice_kinds
    from web.cover.notices import notice_text

    absence = _report(db, s, 5, 7)  # reported by the consultant
    assert notice_kinds(db, s.mentor_user) == ["absence_reported_you"]
    subject, text = notice_text("absence_reported_you", {"absence_id": absence.id})
    assert subject == "Du er meldt fraværende"
    assert text.startswith(f"{s.consultant.name} har meldt dig fraværende fra ")
    service.report_absence(s.colleague, date.today() + 5 * DAY, date.today() + 6 * DAY, "sick",
                           s.colleague_user)  # their own report: nothing to tell them
    db.session.commit()
    assert notice_kinds(db, s.colleague_user) == []
