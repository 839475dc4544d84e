"""Ending an assignment while its mentor is away: no cover is sought or kept after the end,
and the substitutes are told as substitutes (a walk found a substitute still booked for a
participant who had left)."""

from datetime import date

import pytest

from tests.cover_helpers import notice_kinds, scene
from web.cover import service
from web.cover.notices import notice_text
from web.hours import service as hours
from web.models.cover import NeedStatus, RequestStatus
from workers.cover_jobs import run_cover

MAR1, MAR3, MAR4, MAR7 = (date(2055, 3, d) for d in (1, 3, 4, 7))


@pytest.fixture
def s(db, make):
    return scene(db, make, n=3)


def test_ending_cancels_or_shortens_the_cover_and_tells_the_substitutes(db, s):
    absence = service.report_absence(s.mentor, MAR3, MAR7, "sick", s.consultant)
    db.session.commit()
    assert run_cover(absence.id)["asked"] == 3
    needs = {n.assignment_id: n for n in absence.needs}
    first, second, third = (needs[a.id] for a in s.assignments)
    for need in (first, second):  # the third request stays unanswered
        service.confirm_cover(need.requests[0], need.requests[0].substitute.user)
    db.session.commit()

    hours.end_assignment(s.assignments[0], s.consultant, "flex_job", MAR4)  # mid-cover
    hours.end_assignment(s.assignments[1], s.consultant, "moved", MAR1)  # before it began
    hours.end_assignment(s.assignments[2], s.consultant, "other", MAR1)
    db.session.commit()

    shortened, cancelled, unanswered = (n.requests[0] for n in (first, second, third))
    assert (shortened.status, shortened.ends_on) == (RequestStatus.CONFIRMED, MAR4)
    assert cancelled.status == unanswered.status == RequestStatus.CANCELLED
    assert first.status == NeedStatus.FILLED
    assert second.status == third.status == NeedStatus.CANCELLED
    subs = {r.substitute.user.id: r.substitute.user for r in (shortened, cancelled, unanswered)}
    kinds = [k for u in subs.values() for k in notice_kinds(db, u)]
    assert kinds.count("cover_assignment_ended") == 3  # one per request
    subject, text = notice_text("cover_assignment_ended", {"request_id": shortened.id})
    assert subject == "Vikariat forkortet" and text.endswith("dit vikariat slutter 4. mar. 2055.")
    subject, text = notice_text("cover_assignment_ended", {"request_id": cancelled.id})
    assert subject == "Vikariat aflyst" and "er aflyst." in text


def test_the_end_is_told_to_the_employer_not_to_other_mentors_there(db, s):
    """A colleague-mentor at the same workplace got the notice of a participant who was
    none of theirs: the employer's notices go to its employer logins only."""
    s.colleague_user.employer_id = s.employer.id
    db.session.commit()
    hours.end_assignment(s.assignments[0], s.consultant, "flex_job", MAR4)
    db.session.commit()
    assert notice_kinds(db, s.employer_user) == ["assignment_ended"]
    assert notice_kinds(db, s.mentor_user) == ["assignment_ended"]
    assert notice_kinds(db, s.colleague_user) == []
