"""Absence and cover pages: bad input stores nothing, roles see only their own."""

import html
import re
from datetime import date

import pytest

from tests.cover_helpers import notice_kinds, scene, user
from web.cover import service
from web.models import Notification
from web.models.cover import Absence, CoverRequest, ParticipantHold
from workers.cover_jobs import run_cover
from workers.queue import get_queue, job_id

FORM = {"starts_on": "2055-03-03", "ends_on": "2055-03-07", "reason": "sick"}

# The absences below lie in March 2055; today is just before (the first day is at most a
# year ahead).
pytestmark = pytest.mark.usefixtures("march_2055")


@pytest.fixture
def s(db, make):
    return scene(db, make, n=2)


@pytest.fixture
def auth(auth, client):
    """Log in with the interface in English, so messages can be compared."""
    login = auth.login

    def login_en(user, password="pw"):
        r = login(user, password)
        client.post("/lang/en")
        return r

    auth.login = login_en
    return auth


def _error_at(response, field: str) -> str:
    """The error shown next to the field (empty if none)."""
    found = re.search(rf'<p class="error" id="{field}-error">(.*?)</p>',
                      response.get_data(as_text=True), re.S)
    return html.unescape(found.group(1)) if found else ""


def _count(db, model):
    return db.session.scalar(db.select(db.func.count()).select_from(model))


def test_mentor_reports_own_absence_and_a_cover_job_is_queued(app, db, auth, client, s):
    auth.login(s.mentor_user)
    r = client.post("/absences/", data={**FORM, "mentor": s.mentor.id})
    assert r.status_code == 302
    assert "Substitutes are being found for 2 participants." in client.get(
        "/absences/").get_data(as_text=True)
    absence = db.session.scalar(db.select(Absence))
    assert len(absence.needs) == 2 and absence.job_id
    queue = get_queue("cover")
    assert queue.job_ids == [absence.job_id]
    assert queue.fetch_job(absence.job_id).args == (absence.id,)  # ids only
    assert get_queue("cover").scheduled_job_registry.get_job_ids() == [
        job_id("cover-deadline", absence.id)
    ]


def test_an_assignment_confirmed_during_an_absence_gets_cover_too(db, make, auth, client, s):
    from datetime import timedelta

    from tests.cover_helpers import assign
    from web.models import ProposalStatus

    today = date.today()
    absence = service.report_absence(s.mentor, today, today + timedelta(days=4), "sick",
                                     s.consultant)
    past = service.report_absence(s.mentor, today - timedelta(days=30),
                                  today - timedelta(days=28), "sick", s.consultant)
    db.session.commit()
    newcomer = make.participant(s.consultant, hours_min=4, hours_max=8)
    proposal = assign(db, newcomer, s.placement, s.mentor, status=ProposalStatus.APPROVED)
    auth.login(s.mentor_user)
    r = client.post(f"/mentor/proposals/{proposal.id}/confirm", follow_redirects=True)
    assert "a substitute is being found for this participant too" in r.get_data(as_text=True)
    db.session.expire_all()
    assert [n.assignment_id for n in absence.needs] == [a.id for a in s.assignments] + [
        proposal.id]
    assert absence.needs[-1].status == "searching"
    assert proposal.id not in [n.assignment_id for n in past.needs]  # over: no cover now
    queue = get_queue("cover")
    assert absence.job_id in queue.job_ids
    assert queue.fetch_job(absence.job_id).args == (absence.id,)
    run_cover(absence.id)
    db.session.expire_all()
    assert absence.needs[-1].status in ("requested", "unfilled")  # the job took it up


def test_absence_list_says_where_each_participants_cover_stands(db, auth, client, s):
    from web.models.cover import NeedStatus

    auth.login(s.mentor_user)
    client.post("/absences/", data={**FORM, "mentor": s.mentor.id})
    needs = db.session.scalar(db.select(Absence)).needs
    page = client.get("/absences/").get_data(as_text=True)
    assert "0 of 2 covered" in page and "2 being arranged" in page

    needs[0].status, needs[1].status = NeedStatus.FILLED, NeedStatus.REQUESTED
    db.session.commit()
    page = client.get("/absences/").get_data(as_text=True)
    assert "1 of 2 covered" in page and "1 asked, waiting for an answer" in page
    assert "being arranged" not in page and "no substitute" not in page

    needs[1].status = NeedStatus.UNFILLED
    db.session.commit()
    page = client.get("/absences/").get_data(as_text=True)
    assert "1 of 2 covered" in page and "1 with no substitute found" in page

    needs[1].status = NeedStatus.CANCELLED  # the assignment ended: no longer counted
    db.session.commit()
    page = client.get("/absences/").get_data(as_text=True)
    assert "1 of 1 covered" in page and "no substitute" not in page

    client.post("/lang/da")
    needs[1].status = NeedStatus.REQUESTED
    db.session.commit()
    page = client.get("/absences/").get_data(as_text=True)
    assert "1 spurgt, venter på svar" in page
    # The form promises a search for cover, not cover found.
    assert "Der søges vikar til alle mentorens deltagere." in page and "findes vikar" not in page


@pytest.mark.parametrize(
    "data, message",
    [
        ({"ends_on": "2055-03-01"}, "The last day cannot be before the first day."),
        ({"ends_on": "x"}, "Not a valid date value."),
        ({"reason": "bored"}, "Not a valid choice."),
        ({"starts_on": "2025-01-10", "ends_on": "2025-01-12"},
         "The absence is already over: cover cannot be arranged for days that have passed."),
    ],
)
def test_bad_absence_input_is_explained_and_nothing_stored(db, auth, client, s, data, message):
    auth.login(s.mentor_user)
    r = client.post("/absences/", data={**FORM, "mentor": s.mentor.id, **data})
    assert r.status_code == 200 and message in r.get_data(as_text=True)
    assert _count(db, Absence) == 0


@pytest.mark.parametrize("data, field, message", [
    # today is 1 March 2055: a year ahead is 1 March 2056
    ({"starts_on": "2056-03-02", "ends_on": "2056-03-03"}, "starts_on",
     "The first day can be at most a year ahead, Mar 1, 2056 at the latest"),
    ({"starts_on": "9999-12-30", "ends_on": "9999-12-31"}, "starts_on", "at most a year ahead"),
    # a year of days from 3 March 2055 ends on 2 March 2056
    ({"ends_on": "2056-03-03"}, "ends_on",
     "An absence is reported for at most a year at a time: the last day can be Mar 2, 2056 at "
     "the latest."),
    ({"ends_on": "9999-12-31"}, "ends_on", "at most a year at a time"),
])
def test_an_absence_starts_and_lasts_at_most_a_year_and_says_so_at_the_field(
        db, auth, client, s, data, field, message):
    auth.login(s.mentor_user)
    r = client.post("/absences/", data={**FORM, "mentor": s.mentor.id, **data})
    assert r.status_code == 200
    assert message in _error_at(r, field)
    assert _count(db, Absence) == 0 and get_queue("cover").job_ids == []


def test_a_year_of_days_is_the_longest_absence_taken(db, auth, client, s):
    auth.login(s.mentor_user)
    r = client.post("/absences/", data={**FORM, "mentor": s.mentor.id, "starts_on": "2056-03-01",
                                        "ends_on": "2057-02-28"})
    assert r.status_code == 302 and _count(db, Absence) == 1


def test_an_extension_adds_at_most_a_year_and_says_so_at_the_field(db, auth, client, s):
    absence = service.report_absence(s.mentor, date(2055, 3, 3), date(2055, 3, 7), "sick",
                                     s.consultant)
    db.session.commit()
    auth.login(s.mentor_user)
    r = client.post(f"/absences/{absence.id}/extend", data={"ends_on": "2056-03-08"})
    assert "the last day can be Mar 7, 2056 at the latest" in _error_at(r, "ends_on")
    assert _count(db, Absence) == 1
    r = client.post(f"/absences/{absence.id}/extend", data={"ends_on": "2056-03-02"})
    assert "at most a year ahead: the new last day can be Mar 1, 2056" in _error_at(r, "ends_on")
    r = client.post(f"/absences/{absence.id}/extend", data={"ends_on": "2056-03-01"})
    assert r.status_code == 302 and _count(db, Absence) == 2


def test_overlapping_absence_is_refused_and_nothing_stored(db, auth, client, s):
    service.report_absence(s.mentor, date(2055, 3, 6), date(2055, 3, 9), "holiday", s.consultant)
    db.session.commit()
    auth.login(s.employer_user)
    r = client.post("/absences/", data={**FORM, "mentor": s.mentor.id})
    assert ("This overlaps the absence already reported for this mentor from Mar 6, 2055 to "
            "Mar 9, 2055.") in r.get_data(as_text=True)
    assert _count(db, Absence) == 1


def test_an_overlap_names_the_absence_with_its_extension_and_says_to_extend(db, auth, client,
                                                                            s):
    """A walk's mentor, away Dec 7-10 and extended to Dec 15, reported Dec 9-18 and was told
    only of an absence "to Dec 10", with no word of how to be away longer."""
    first = service.report_absence(s.mentor, date(2055, 3, 6), date(2055, 3, 9), "sick",
                                   s.consultant)
    service.extend_absence(first, date(2055, 3, 14), s.consultant, date(2055, 3, 1))
    db.session.commit()
    auth.login(s.mentor_user)
    r = client.post("/absences/", data={**FORM, "mentor": s.mentor.id,
                                        "starts_on": "2055-03-08", "ends_on": "2055-03-20"})
    said = _error_at(r, "ends_on")
    assert "from Mar 6, 2055 to Mar 14, 2055." in said
    assert "extend that absence instead" in said
    # Within the days already reported, there is nothing to extend: not told to.
    r = client.post("/absences/", data={**FORM, "mentor": s.mentor.id,
                                        "starts_on": "2055-03-08", "ends_on": "2055-03-10"})
    assert "extend" not in _error_at(r, "ends_on")
    assert _count(db, Absence) == 2


def test_who_may_report_for_whom(db, make, auth, client, s):
    other_consultant = user(db, "consultant")
    other_employer = user(db, "employer", employer_id=make.employer().id)
    for who, mentor, ok in [
        (s.consultant, s.mentor, True),
        (s.employer_user, s.colleague, True),
        (s.employer_user, s.external, False),
        (other_consultant, s.mentor, False),
        (other_employer, s.mentor, False),
        (s.colleague_user, s.mentor, False),
    ]:
        auth.login(who)
        r = client.post("/absences/", data={**FORM, "mentor": mentor.id})
        assert (r.status_code == 302) is ok, (who.role, ok)
        auth.logout()
        db.session.query(Absence).delete()
        db.session.commit()


def test_the_mentor_list_tells_namesakes_apart(db, make, auth, client, s):
    one, two = make.employer(name="Café Kornet"), make.employer(name="Lagerhuset")
    make.mentor(one, name="Bo Jørgensen")
    make.mentor(two, name="Bo Jørgensen")
    make.mentor(None, name="Bo Jørgensen", town="Aarhus")
    auth.login(user(db, "admin"))
    page = client.get("/absences/").get_data(as_text=True)
    options = page.split('name="mentor"')[1].split("</select>")[0]
    for text in ("Bo Jørgensen – Café Kornet", "Bo Jørgensen – Lagerhuset",
                 "Bo Jørgensen – support person, Aarhus"):
        assert f">{text}</option>" in options, text
    auth.logout()
    auth.login(s.mentor_user)  # reporting for oneself: just the name
    own = client.get("/absences/").get_data(as_text=True).split('name="mentor"')[1]
    assert f">{s.mentor.name}</option>" in own


def test_a_cover_taken_on_gives_its_hours_as_hours_a_week(db, auth, client, s):
    """A walk's substitute, three days of cover at 8 hours a week, read "Hours 8" under
    "Cover I have taken on" and could take it for 8 hours in all."""
    absence = service.report_absence(s.mentor, date(2055, 3, 3), date(2055, 3, 5), "sick",
                                     s.consultant)
    db.session.commit()
    run_cover(absence.id)
    req = db.session.scalar(db.select(CoverRequest))
    service.confirm_cover(req, s.colleague_user)
    db.session.commit()
    auth.login(s.colleague_user)
    page = client.get("/cover/requests").get_data(as_text=True)
    taken = page[page.index("Cover I have taken on"):]
    assert "<th>Support hours per week</th>" in taken
    assert f'data-label="Support hours per week">{req.hours}</td>' in taken


def test_a_mentor_cannot_see_or_answer_another_mentors_cover_requests(db, auth, client, s):
    absence = service.report_absence(
        s.mentor, date(2055, 3, 3), date(2055, 3, 7), "sick", s.consultant
    )
    db.session.commit()
    run_cover(absence.id)
    req = db.session.scalar(db.select(CoverRequest))
    assert req.substitute_id == s.colleague.id
    auth.login(s.external_user)
    assert s.participants[0].code not in client.get("/cover/requests").get_data(as_text=True)
    assert client.post(f"/cover/requests/{req.id}/confirm").status_code == 404
    assert req.status == "requested"
    auth.logout()
    auth.login(s.colleague_user)
    page = client.get("/cover/requests").get_data(as_text=True)
    assert s.participants[0].code in page
    # Whom the substitute stands in for, whom to call, and a count in the menu.
    assert f"<dt>In place of</dt><dd>{s.mentor.name}</dd>" in page
    assert f"<dd>{s.consultant.name}, <a href=\"mailto:{s.consultant.email}\">" in page
    assert 'Cover requests <span class="badge">2<span class="sr-only"> waiting' in page
    assert client.post(f"/cover/requests/{req.id}/decline").status_code == 302
    assert 'Cover requests <span class="badge">1<' in client.get(
        "/cover/requests").get_data(as_text=True)  # one left to answer
    db.session.refresh(req)
    assert req.status == "declined"
    assert len(get_queue("cover").job_ids) == 1  # the next-best substitute is being looked for


@pytest.mark.parametrize(
    "path, roles_ok",
    [
        ("/cover/requests", ("mentor",)),
        ("/cover/", ("employer",)),
        ("/cover/guarantee", ("employer",)),
        ("/cover/figures", ("admin",)),
        ("/absences/participants", ("consultant", "admin")),
        ("/cover/notices", ("consultant", "employer", "mentor", "admin")),
    ],
)
def test_pages_by_role(db, make, auth, client, path, roles_ok):
    for role in ("consultant", "employer", "mentor", "admin"):
        u = user(db, role)
        if role == "mentor":
            make.mentor(user=u)
        auth.login(u)
        assert client.get(path).status_code == (200 if role in roles_ok else 403), role
        auth.logout()


def test_employer_sees_who_covers_and_no_needs(db, auth, client, make, s):
    s.participants[0].needs = ["addiction"]
    db.session.commit()
    absence = service.report_absence(s.mentor, date.today(), date.today(), "sick", s.consultant)
    db.session.commit()
    run_cover(absence.id)
    req = db.session.scalar(
        db.select(CoverRequest).where(CoverRequest.substitute_id == s.colleague.id)
    )
    auth.login(s.employer_user)
    page = client.get("/cover/").get_data(as_text=True)
    # asked, not yet answered: said so, and not who (they may decline)
    assert "Substitute asked, no answer yet" in page and "Being arranged" not in page
    assert s.colleague.name not in page
    service.confirm_cover(req, s.colleague_user)
    db.session.commit()
    page = client.get("/cover/").get_data(as_text=True)
    assert s.colleague.name in page and "Cover arranged" in page
    assert req.assignment.participant.code in page
    assert "addiction" not in page.lower() and "misbrug" not in page.lower()
    auth.logout()
    auth.login(user(db, "employer", employer_id=make.employer().id))
    assert req.assignment.participant.code not in client.get("/cover/").get_data(as_text=True)


def test_guarantee_toggle_is_a_post_on_own_placements_only(db, make, auth, client, s):
    auth.login(s.employer_user)
    assert client.post(f"/cover/guarantee/{s.placement.id}").status_code == 302
    db.session.refresh(s.placement)
    assert s.placement.cover_guarantee is True
    assert ">Switched on</span>" in client.get("/cover/guarantee").get_data(as_text=True)
    s.placement.status = "closed"  # still listed: whoever is placed there may need cover
    db.session.commit()
    page = client.get("/cover/guarantee").get_data(as_text=True)
    assert f'{s.placement.title}, {s.placement.town} <span class="tag">Closed</span>' in page
    other = make.placement(make.employer())
    assert client.post(f"/cover/guarantee/{other.id}").status_code == 404
    assert client.get(f"/cover/guarantee/{s.placement.id}").status_code == 405


@pytest.mark.parametrize("starts_on, message", [
    # today is 1 March 2055, and a slot is held 14 days
    ("2055-02-14", "The slot is held 14 days from the first day, so a pause from then would "
                   "already be over. The first day can be Feb 15, 2055 at the earliest."),
    ("0001-01-01", "The first day can be Feb 15, 2055 at the earliest."),
    ("2055-03-02", "A pause starts today at the latest: report it on its first day."),
    ("9999-12-31", "A pause starts today at the latest"),
])
def test_a_pause_that_would_be_over_or_is_far_ahead_is_refused_at_the_field(
        db, auth, client, s, starts_on, message):
    auth.login(s.consultant)
    p = s.participants[0]
    r = client.post("/absences/participants",
                    data={"participant": p.id, "starts_on": starts_on, "reason": "sick"})
    assert r.status_code == 200 and message in _error_at(r, "starts_on")
    assert _count(db, ParticipantHold) == 0 and p.status == "active"
    r = client.post("/absences/participants",
                    data={"participant": p.id, "starts_on": "2055-02-15", "reason": "sick"})
    assert r.status_code == 302 and _count(db, ParticipantHold) == 1


def test_participant_pause_and_resume(db, auth, client, make, s):
    auth.login(s.consultant)
    p = s.participants[0]
    # Nobody is chosen beforehand, and a pause without a participant is refused.
    page = client.get("/absences/participants").get_data(as_text=True)
    assert '<option selected value="">—</option>' in page
    r = client.post("/absences/participants",
                    data={"participant": "", "starts_on": "2055-03-01", "reason": "sick"})
    assert r.status_code == 200 and "Choose the participant." in r.get_data(as_text=True)
    assert _count(db, ParticipantHold) == 0
    r = client.post(
        "/absences/participants",
        data={"participant": p.id, "starts_on": "2055-03-01", "reason": "relapse"},
    )
    assert r.status_code == 302
    h = db.session.scalar(db.select(ParticipantHold))
    assert p.status == "paused" and h.job_id == job_id("release-hold", h.id)
    r = client.post(
        "/absences/participants",
        data={"participant": p.id, "starts_on": "2055-03-01", "reason": "sick"},
    )
    assert r.status_code == 200 and _count(db, ParticipantHold) == 1  # no longer active: no choice
    auth.logout()
    auth.login(user(db, "consultant"))
    assert client.post(f"/absences/holds/{h.id}/resume").status_code == 404
    auth.logout()
    auth.login(s.consultant)
    assert client.post(f"/absences/holds/{h.id}/resume").status_code == 302
    db.session.refresh(p)
    assert p.status == "active"


def test_figures_and_notices(db, auth, client, make, s):
    absence = service.report_absence(s.mentor, date.today(), date.today(), "sick", s.consultant)
    db.session.commit()
    run_cover(absence.id)
    req = db.session.scalars(db.select(CoverRequest)).first()
    service.confirm_cover(req, req.substitute.user)
    db.session.commit()
    auth.login(user(db, "admin"))
    page = client.get("/cover/figures").get_data(as_text=True)
    assert 'id="uncovered">1<' in page and "Without cover now" in page  # (English session)
    # A walk: the figures over all time stood here unsuppressed, to subtract from the
    # dashboard's suppressed ones. They are on the dashboard only.
    assert "Fill rate" not in page and 'id="requests"' not in page
    assert 'href="/dashboard/manager#cover"' in page
    auth.logout()
    auth.login(s.consultant)
    page = client.get("/cover/notices").get_data(as_text=True)
    assert s.colleague.name in page
    client.post("/cover/notices/read")
    assert (
        db.session.scalar(
            db.select(Notification).where(Notification.user_id == s.consultant.id)
        ).read_at
        is not None
    )


def test_a_request_notice_links_to_the_answer_and_is_read_once_seen_there(db, auth, client, s):
    absence = service.report_absence(s.mentor, date.today(), date.today(), "sick", s.consultant)
    db.session.commit()
    run_cover(absence.id)
    sub = db.session.scalars(db.select(CoverRequest)).first().substitute.user
    other = Notification(user_id=sub.id, kind="absence_reported", params={"absence_id": absence.id})
    db.session.add(other)
    db.session.commit()
    auth.login(sub)
    page = client.get("/cover/notices").get_data(as_text=True)
    assert 'href="/cover/requests"' in page

    client.get("/cover/requests")

    unread = db.session.scalars(db.select(Notification.kind).where(
        Notification.user_id == sub.id, Notification.read_at.is_(None))).all()
    assert unread == ["absence_reported"]  # only the asking notices are read by the visit


def test_a_substitute_reported_away_is_asked_no_more_and_cannot_confirm(db, auth, client, s):
    """A walk: a mentor asked to cover was then reported away over the same days, kept the
    open request, confirmed it, and the cover showed as arranged."""
    from datetime import timedelta

    from web.models.cover import NeedStatus, RequestStatus

    start = date(2055, 3, 3)
    absence = service.report_absence(s.mentor, start, start + timedelta(days=4), "sick",
                                     s.consultant)
    db.session.commit()
    assert run_cover(absence.id)["asked"] == 2
    req = absence.needs[0].requests[0]
    sub = db.session.get(type(s.mentor), req.substitute_id)
    queue = get_queue("cover")
    before = len(queue.job_ids)
    auth.login(sub.user)  # reports their own absence
    r = client.post("/absences/", data={"mentor": sub.id, "starts_on": "2055-03-05",
                                        "ends_on": "2055-03-06", "reason": "sick"})
    assert r.status_code == 302, r.get_data(as_text=True)
    db.session.refresh(req)
    assert req.status == RequestStatus.CANCELLED
    assert req.need.status == NeedStatus.SEARCHING
    # and the first absence's cover job runs again, to ask someone else
    assert (absence.id,) in [queue.fetch_job(j).args for j in queue.job_ids[before:]]
    # A request made before the report, answered after it, cannot be confirmed either.
    late = CoverRequest(need=req.need, assignment_id=req.assignment_id, substitute_id=sub.id,
                        hours=4, starts_on=start, ends_on=start + timedelta(days=4))
    db.session.add(late)
    db.session.commit()
    with pytest.raises(service.TransitionError, match="(reported away from|meldt fraværende fra)"):
        service.confirm_cover(late, sub.user)


def test_no_cover_is_sought_for_a_day_the_mentor_never_supports(db, s):
    """A walk: a Monday-Thursday mentor away on a Friday got a need, then "no substitute
    found", for a participant who comes on Fridays too."""
    s.mentor.days = ["mon", "tue", "wed", "thu"]
    db.session.commit()
    friday = date(2055, 3, 5)
    assert friday.weekday() == 4
    absence = service.report_absence(s.mentor, friday, friday, "sick", s.consultant)
    db.session.commit()
    assert absence.needs == []
    thursday = service.report_absence(s.mentor, date(2055, 3, 11), date(2055, 3, 11), "sick",
                                      s.consultant)
    db.session.commit()
    assert len(thursday.needs) == len(s.assignments)


def test_reopening_a_participant_away_on_the_case_page_ends_the_hold(db, auth, client, s):
    """A walk paused a participant on "Participant away", then pressed "Reopen" on the case
    page (the button a paused case shows): the case was active again, but the slot stayed
    held, so at the end of the hold the assignment ended and the participant waited again."""
    from datetime import timedelta

    from web.models import Proposal, ProposalStatus
    from web.models.cover import HoldStatus

    auth.login(s.consultant)
    p = s.participants[0]
    client.post("/absences/participants",
                data={"participant": p.id, "starts_on": "2055-03-01", "reason": "sick"})
    h = db.session.scalar(db.select(ParticipantHold))
    assert p.status == "paused" and h.status == HoldStatus.HELD
    assert client.post(f"/participants/{p.id}/reopen").status_code == 302
    db.session.refresh(p)
    db.session.refresh(h)
    assert p.status == "active" and h.status == HoldStatus.RESUMED
    assert not service.release_if_due(h, h.hold_until + timedelta(days=1))
    assert db.session.get(Proposal, h.assignment_id).status == ProposalStatus.ACTIVE
    page = client.get("/absences/participants").get_data(as_text=True)
    assert f"/absences/holds/{h.id}/resume" not in page  # no longer listed as held


def test_closing_the_case_of_a_participant_away_ends_the_hold(db, auth, client, s):
    """Closing a case paused as away left its slot held: at the end of the hold the closed
    case was made waiting again, offered for matching."""
    from datetime import timedelta

    from web.models.cover import HoldStatus

    auth.login(s.consultant)
    p = s.participants[0]
    client.post("/absences/participants",
                data={"participant": p.id, "starts_on": "2055-03-01", "reason": "relapse"})
    h = db.session.scalar(db.select(ParticipantHold))
    client.post(f"/participants/{p.id}/close", data={"confirmed": "1"})
    db.session.refresh(p)
    db.session.refresh(h)
    assert p.status == "closed" and h.status != HoldStatus.HELD
    service.release_if_due(h, h.hold_until + timedelta(days=1))
    db.session.commit()
    db.session.refresh(p)
    assert p.status == "closed"


def test_ending_the_assignment_of_a_participant_away_ends_the_hold(db, auth, client, s):
    """Ending the assignment of a participant away (the case closes) left the slot held:
    "Back again" then made the closed case active, and the end of the hold made it waiting."""
    from datetime import timedelta

    from web.models.cover import HoldStatus

    auth.login(s.consultant)
    p = s.participants[0]
    client.post("/absences/participants",
                data={"participant": p.id, "starts_on": "2055-03-01", "reason": "sick"})
    h = db.session.scalar(db.select(ParticipantHold))
    r = client.post(f"/hours/assignments/{h.assignment_id}/end",
                    data={"outcome": "ordinary_job", "ended_on": "2055-03-01", "confirmed": "1"})
    assert r.status_code == 302, r.get_data(as_text=True)[:2000]
    db.session.refresh(p)
    db.session.refresh(h)
    assert p.status == "closed" and h.status == HoldStatus.RELEASED
    assert client.post(f"/absences/holds/{h.id}/resume").status_code == 302
    service.release_if_due(h, h.hold_until + timedelta(days=1))
    db.session.commit()
    db.session.refresh(p)
    assert p.status == "closed"


def _asked_without_login(db, s, switched_off=False):
    """The colleague (first choice as substitute) has no login, or (``switched_off``) one an
    admin switched off: asked, they cannot answer."""
    if switched_off:
        s.colleague_user.active = False
    else:
        s.colleague.user_id = None
    db.session.commit()
    absence = service.report_absence(s.mentor, date(2055, 3, 3), date(2055, 3, 7), "sick",
                                     s.consultant)
    db.session.commit()
    run_cover(absence.id)
    reqs = db.session.scalars(db.select(CoverRequest).order_by(CoverRequest.id)).all()
    assert {r.substitute_id for r in reqs} == {s.colleague.id} and len(reqs) == 2
    return reqs


def test_the_consultant_records_the_answer_of_a_substitute_without_a_login(db, auth, client, s):
    """A walk: substitutes without a login were asked, and nobody could answer for them; the
    request waited for its deadline."""
    yes, no = _asked_without_login(db, s)
    auth.login(s.consultant)
    page = client.get("/absences/").get_data(as_text=True)
    assert "Substitutes without a login, asked to cover" in page
    assert page.count(f"Record {s.colleague.name}'s answer") == 2
    r = client.post(f"/cover/requests/{yes.id}/confirm/recorded", follow_redirects=True)
    assert (f"Recorded: {s.colleague.name} covers {s.participants[0].code} from Mar 3, 2055 "
            "to Mar 7, 2055.") in r.get_data(as_text=True)
    r = client.post(f"/cover/requests/{no.id}/decline/recorded", follow_redirects=True)
    assert f"Recorded: {s.colleague.name} said no." in r.get_data(as_text=True)
    db.session.refresh(yes)
    db.session.refresh(no)
    assert (yes.status, yes.decided_by_id, yes.need.status) == ("confirmed", s.consultant.id,
                                                                "filled")
    assert (no.status, no.need.status) == ("declined", "searching")
    assert len(get_queue("cover").job_ids) == 1  # the next-best substitute is looked for
    # told: the employer, not the consultant who recorded it
    assert "cover_arranged" in notice_kinds(db, s.employer_user)
    assert "cover_arranged" not in notice_kinds(db, s.consultant)
    r = client.post(f"/cover/requests/{yes.id}/decline/recorded", follow_redirects=True)
    assert "already recorded" in r.get_data(as_text=True)
    # the case history has the cover, recorded by the consultant
    page = client.get(f"/participants/{s.participants[0].id}").get_data(as_text=True)
    step = page.split("<strong>Cover arranged</strong>")[1].split("</li>")[0]
    assert f"{s.colleague.name} covers from Mar 3, 2055 to Mar 7, 2055" in step
    assert f'<span class="who">recorded by {s.consultant.name}</span>' in step
    assert "Substitutes without a login" not in client.get("/absences/").get_data(as_text=True)


def test_the_employer_records_it_on_the_cover_page(db, auth, client, s):
    yes, _ = _asked_without_login(db, s)
    auth.login(s.employer_user)
    page = client.get("/cover/").get_data(as_text=True)
    assert f"Record {s.colleague.name}'s answer" in page
    r = client.post(f"/cover/requests/{yes.id}/confirm/recorded")
    assert r.status_code == 302 and r.headers["Location"] == "/cover/"
    db.session.refresh(yes)
    assert yes.status == "confirmed"


def test_only_those_of_the_case_record_and_only_for_a_substitute_without_a_login(
        db, make, auth, client, s):
    req, _ = _asked_without_login(db, s)
    for outsider in (user(db, "consultant"), user(db, "employer", employer_id=make.employer().id),
                     s.mentor_user):
        auth.login(outsider)
        assert client.post(f"/cover/requests/{req.id}/confirm/recorded").status_code in (403,
                                                                                         404)
        if outsider.role == "consultant":
            assert "Substitutes without a login" not in client.get("/absences/").get_data(
                as_text=True)
        auth.logout()
    s.colleague.user_id = s.colleague_user.id  # with a login, they answer themselves
    db.session.commit()
    auth.login(s.consultant)
    assert client.post(f"/cover/requests/{req.id}/confirm/recorded").status_code == 404
    db.session.refresh(req)
    assert req.status == "requested"


def test_a_substitute_whose_login_is_switched_off_is_answered_for(db, auth, client, s):
    """An admin switched a colleague's login off: the service still counted them as having a
    login, so nobody could answer their cover request (the previous note's list)."""
    req, _ = _asked_without_login(db, s, switched_off=True)
    assert "cover_requested" not in notice_kinds(db, s.colleague_user)  # cannot read it
    auth.login(s.employer_user)
    assert f"Record {s.colleague.name}'s answer" in client.get("/cover/").get_data(as_text=True)
    auth.logout()
    auth.login(s.consultant)
    assert f"Record {s.colleague.name}'s answer" in client.get("/absences/").get_data(
        as_text=True)
    r = client.post(f"/cover/requests/{req.id}/confirm/recorded")
    assert r.status_code == 302
    db.session.refresh(req)
    assert (req.status, req.decided_by_id) == ("confirmed", s.consultant.id)


@pytest.mark.parametrize("back_by", ["back again", "reopen"])
def test_the_mentor_and_employer_hear_that_a_participant_is_away_and_back(db, auth, client, s,
                                                                          back_by):
    """A walk paused a participant as away: the mentor and the employer heard nothing until
    the hold ran out. They are told now, without the reason."""
    auth.login(s.consultant)
    p = s.participants[0]
    client.post("/absences/participants",
                data={"participant": p.id, "starts_on": "2055-03-01", "reason": "relapse"})
    h = db.session.scalar(db.select(ParticipantHold))
    for u in (s.mentor_user, s.employer_user):
        assert notice_kinds(db, u) == ["participant_away"]
    assert "participant_away" not in notice_kinds(db, s.consultant)  # who paused it
    if back_by == "reopen":
        client.post(f"/participants/{p.id}/reopen")
    else:
        client.post(f"/absences/holds/{h.id}/resume")
    for u in (s.mentor_user, s.employer_user):
        assert notice_kinds(db, u) == ["participant_away", "participant_back"]
    auth.logout()
    auth.login(s.employer_user)
    page = client.get("/cover/notices").get_data(as_text=True)
    assert f"Participant {p.code} at {s.placement.title} is away from Mar 1, 2055." in page
    assert f"Participant {p.code} is back at {s.placement.title}" in page
    assert "relapse" not in page.lower() and "tilbagefald" not in page.lower()


def test_the_case_history_has_the_cover_the_substitute_took(db, auth, client, s):
    """The history said nothing of a mentor away and a substitute standing in."""
    absence = service.report_absence(s.mentor, date(2055, 3, 3), date(2055, 3, 7), "sick",
                                     s.consultant)
    db.session.commit()
    run_cover(absence.id)
    req = db.session.scalars(db.select(CoverRequest).order_by(CoverRequest.id)).first()
    auth.login(s.colleague_user)
    assert client.post(f"/cover/requests/{req.id}/confirm").status_code == 302
    auth.logout()
    auth.login(s.consultant)
    page = client.get(f"/participants/{req.assignment.participant_id}").get_data(as_text=True)
    step = page.split("<strong>Cover arranged</strong>")[1].split("</li>")[0]
    assert f"{s.colleague.name} covers from Mar 3, 2055 to Mar 7, 2055" in step
    assert f'<span class="who">by {s.colleague_user.name}</span>' in step
    step = page.split("<strong>Mentor away</strong>")[1].split("</li>")[0]
    assert f"{s.mentor.name} away from Mar 3, 2055 to Mar 7, 2055" in step
    assert page.index("<strong>Cover arranged</strong>") < page.index("<strong>Mentor away")


def test_the_case_history_says_when_no_substitute_was_found(db, auth, client, s):
    from web.models.cover import CoverNeed, NeedStatus

    service.report_absence(s.mentor, date(2055, 3, 3), date(2055, 3, 7), "sick", s.consultant)
    db.session.commit()
    need = db.session.scalars(db.select(CoverNeed).order_by(CoverNeed.id)).first()
    need.status = NeedStatus.UNFILLED
    db.session.commit()
    auth.login(s.consultant)
    page = client.get(f"/participants/{need.assignment.participant_id}").get_data(as_text=True)
    step = page.split("<strong>Mentor away</strong>")[1].split("</li>")[0]
    assert f"{s.mentor.name} away from Mar 3, 2055 to Mar 7, 2055 · No substitute found" in step


def test_a_request_notice_follows_the_answer_and_the_withdrawal(db, auth, client, s):
    """A walk: the notice went on saying "You are asked ..." with a link to answer after the
    request was answered or withdrawn."""
    from datetime import timedelta

    absence = service.report_absence(s.mentor, date.today(), date.today(), "sick", s.consultant)
    db.session.commit()
    run_cover(absence.id)
    yes, no = db.session.scalars(db.select(CoverRequest).order_by(CoverRequest.id)).all()
    service.confirm_cover(yes, yes.substitute.user)
    service.decline_cover(no, no.substitute.user)
    db.session.commit()
    auth.login(yes.substitute.user)
    page = html.unescape(client.get("/cover/notices").get_data(as_text=True))
    assert "and said yes." in page and "You are asked" not in page
    assert "Answer on the cover requests page" not in page
    auth.logout()
    auth.login(no.substitute.user)
    page = html.unescape(client.get("/cover/notices").get_data(as_text=True))
    assert "and said no." in page and "You are asked" not in page
    auth.logout()

    later = date.today() + timedelta(days=7)
    absence = service.report_absence(s.mentor, later, later, "sick", s.consultant)
    db.session.commit()
    run_cover(absence.id)
    req = absence.needs[0].requests[0]
    auth.login(req.substitute.user)
    assert "Answer on the cover requests page" in client.get("/cover/notices").get_data(
        as_text=True)
    service.withdraw_absence(absence, s.consultant, date.today())
    db.session.commit()
    page = html.unescape(client.get("/cover/notices").get_data(as_text=True))
    assert "the request was withdrawn" in page and "Answer on the cover requests page" not in page
