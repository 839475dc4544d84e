"""Cover jobs run in-process: substitutes asked, declines re-solved, deadlines, holds."""

from datetime import date, timedelta
from pathlib import Path

from tests.cover_helpers import notice_kinds, scene
from web.cover import service
from web.cover.notices import notice_text
from web.extensions import mail
from web.models import CaseEvent, ProposalStatus
from web.models.cover import CoverRequest, HoldStatus, NeedStatus, RequestStatus, mentor_on
from workers.cover_jobs import cover_deadline, release_hold, run_cover

MAR3, MAR7 = date(2027, 3, 3), date(2027, 3, 7)


def _absence(db, s, **kw):
    a = service.report_absence(
        s.mentor, kw.get("start", MAR3), kw.get("end", MAR7), "sick", s.consultant
    )
    db.session.commit()
    return a




def test_run_cover_asks_colleague_first_then_next_best_after_decline(db, make):
    s = scene(db, make, n=1)
    absence = _absence(db, s)
    assert run_cover(absence.id)["asked"] == 1
    req = db.session.scalar(db.select(CoverRequest))
    assert req.substitute_id == s.colleague.id and (req.starts_on, req.ends_on) == (MAR3, MAR7)
    assert absence.needs[0].status == NeedStatus.REQUESTED
    assert notice_kinds(db, s.colleague_user) == ["cover_requested"]
    assert run_cover(absence.id)["asked"] == 0  # running twice asks nobody more

    service.decline_cover(req, s.colleague_user)
    db.session.commit()
    run_cover(absence.id)
    nxt = db.session.scalar(db.select(CoverRequest).where(CoverRequest.status == "requested"))
    assert nxt.substitute_id == s.external.id


def test_current_mentor_follows_cover_dates(db, make):
    s = scene(db, make, n=1)
    absence = _absence(db, s)
    run_cover(absence.id)
    req = db.session.scalar(db.select(CoverRequest))
    a = s.assignments[0]
    assert mentor_on(a, MAR3) == s.mentor.id  # asked, not yet confirmed
    service.confirm_cover(req, s.colleague_user)
    db.session.commit()
    assert absence.needs[0].status == NeedStatus.FILLED
    assert mentor_on(a, MAR3 - timedelta(days=1)) == s.mentor.id
    assert mentor_on(a, MAR3) == s.colleague.id
    assert mentor_on(a, MAR7) == s.colleague.id
    assert mentor_on(a, MAR7 + timedelta(days=1)) == s.mentor.id  # back without anyone acting
    assert "cover_arranged" in notice_kinds(db, s.employer_user)
    assert "cover_arranged" in notice_kinds(db, s.consultant)


def _nobody_free(db, make, guarantee: bool):
    """One participant's mentor away, and no colleague or support person to cover."""
    s = scene(db, make, n=1)
    s.placement.cover_guarantee = guarantee
    for m in (s.colleague, s.external):
        m.active = False
    db.session.commit()
    return s, _absence(db, s)


def test_no_cover_with_guarantee_tells_consultant_and_employer_at_once(app, db, make, tmp_path):
    app.config["MAIL_FILE_DIR"] = str(tmp_path / "mail")
    s, absence = _nobody_free(db, make, guarantee=True)
    with mail.record_messages() as outbox:
        assert run_cover(absence.id)["unfilled"] == 1
    assert absence.needs[0].status == NeedStatus.UNFILLED and absence.needs[0].escalated_at
    assert sorted(m.recipients[0] for m in outbox) == sorted(
        [s.consultant.email, s.employer_user.email]
    )
    assert s.participants[0].code in outbox[0].body
    assert len(list(Path(tmp_path / "mail").glob("*.eml"))) == 2
    assert notice_kinds(db, s.employer_user) == ["cover_missing"]
    with mail.record_messages() as outbox:
        cover_deadline(absence.id)  # told once only
    assert outbox == []


def test_the_employer_is_told_no_cover_was_found_but_not_the_needs_behind_it(app, db, make,
                                                                             tmp_path):
    """With the guarantee the employer got the consultant's notice and e-mail word for word,
    and a walk's employer read "no mentor with homelessness and trauma works at or reaches
    the only placement that fits": the participant's needs."""
    app.config["MAIL_FILE_DIR"] = str(tmp_path / "mail")
    s = scene(db, make, n=1)
    s.placement.cover_guarantee = True
    need = _absence(db, s).needs[0]
    need.status, need.reasons = NeedStatus.UNFILLED, [{
        "code": "no_mentor_at_placements",
        "en": "no mentor with homelessness and trauma works at or reaches the only placement",
        "da": "ingen mentor med hjemløshed og traumer arbejder på eller kan nå pladsen"}]
    with mail.record_messages() as outbox:
        assert service.escalate(need)
    db.session.commit()
    mails = {m.recipients[0]: m.body for m in outbox}
    assert "hjemløshed" in mails[s.consultant.email]
    assert "hjemløshed" not in mails[s.employer_user.email]
    assert s.participants[0].code in mails[s.employer_user.email]  # still told what is missing
    _, text = notice_text("cover_missing", {"need_id": need.id}, s.employer_user)
    assert "hjemløshed" not in text and "Sørg venligst for vikardækning." in text
    _, text = notice_text("cover_missing", {"need_id": need.id}, s.consultant)
    assert "hjemløshed" in text


def test_without_guarantee_only_the_deadline_tells_and_only_the_consultant(db, make):
    s = scene(db, make, n=1)
    absence = _absence(db, s)
    run_cover(absence.id)  # the colleague is asked but does not answer
    with mail.record_messages() as outbox:
        assert cover_deadline(absence.id)["escalated"] == 1
    assert outbox == []
    assert notice_kinds(db, s.consultant) == ["cover_missing"]
    assert notice_kinds(db, s.employer_user) == []


def test_nobody_to_ask_tells_the_consultant_at_once_and_why(db, make):
    """Without the guarantee the consultant heard of it only at the deadline, four hours
    later, and never read why nobody could be asked."""
    s, absence = _nobody_free(db, make, guarantee=False)
    with mail.record_messages() as outbox:
        assert run_cover(absence.id)["unfilled"] == 1
    assert outbox == []  # in-app only without the guarantee
    assert notice_kinds(db, s.consultant) == ["cover_missing"]
    assert notice_kinds(db, s.employer_user) == []
    need = absence.needs[0]
    _, text = notice_text("cover_missing", {"need_id": need.id})
    assert [r["code"] for r in need.reasons] == ["cover_nobody_free"]
    assert text.endswith(": ingen anden mentor eller støtteperson er ledig under fraværet. "
                         "Sørg venligst for vikardækning.")
    assert cover_deadline(absence.id)["escalated"] == 0  # told once


def test_deadline_after_cover_is_filled_tells_nobody(db, make):
    s = scene(db, make, n=1)
    s.placement.cover_guarantee = True
    absence = _absence(db, s)
    run_cover(absence.id)
    service.confirm_cover(db.session.scalar(db.select(CoverRequest)), s.colleague_user)
    db.session.commit()
    assert cover_deadline(absence.id)["escalated"] == 0


def test_hold_is_released_after_hold_days_and_participant_waits(app, db, make, client, auth):
    s = scene(db, make, n=1)
    p, a = s.participants[0], s.assignments[0]
    h = service.hold(p, MAR3, "relapse", s.consultant)
    db.session.commit()
    assert p.status == "paused" and h.hold_until == MAR3 + timedelta(days=app.config["HOLD_DAYS"])
    assert release_hold(h.id, today=h.hold_until)["released"] is False  # last held day
    assert a.status == ProposalStatus.ACTIVE
    assert release_hold(h.id, today=h.hold_until + timedelta(days=1))["released"] is True
    db.session.expire_all()
    assert (h.status, a.status, p.status) == (HoldStatus.RELEASED, ProposalStatus.ENDED, "waiting")
    assert notice_kinds(db, s.consultant) == ["hold_released"]
    for user in (s.mentor_user, s.employer_user):  # told when it began, and when it ended
        assert notice_kinds(db, user) == ["participant_away", "hold_released"]
    # The case history has each step: paused by the consultant, ended without anyone.
    events = db.session.execute(db.select(CaseEvent.kind, CaseEvent.actor_id, CaseEvent.detail)
                                .where(CaseEvent.participant_id == p.id)
                                .order_by(CaseEvent.id)).all()
    assert [(k, actor) for k, actor, _ in events] == [("paused", s.consultant.id), ("ended", None)]
    assert events[-1].detail == {"proposal": a.id, "reason": "hold_released"}
    assert "relapse" not in str(events)  # why the participant is away stays on the hold
    auth.login(s.consultant)
    history = client.get(f"/participants/{p.id}").get_data(as_text=True).split("timeline")[1]
    assert "Forløbet afsluttet" in history
    assert '<span class="who">automatisk</span>' in history  # not "by the matcher"


def test_resumed_hold_is_not_released(db, make):
    s = scene(db, make, n=1)
    p = s.participants[0]
    h = service.hold(p, MAR3, "sick", s.consultant)
    db.session.commit()
    service.resume(h, s.consultant)
    db.session.commit()
    assert p.status == "active"
    kinds = db.session.scalars(db.select(CaseEvent.kind).where(CaseEvent.participant_id == p.id)
                               .order_by(CaseEvent.id)).all()
    assert kinds == ["paused", "reopened"]  # the timeline shows "Resumed"
    assert release_hold(h.id, today=MAR3 + timedelta(days=100))["released"] is False
    assert s.assignments[0].status == ProposalStatus.ACTIVE


def test_release_cancels_open_cover_requests(db, make):
    s = scene(db, make, n=1)
    absence = _absence(db, s)
    run_cover(absence.id)
    h = service.hold(s.participants[0], MAR3, "sick", s.consultant)
    db.session.commit()
    release_hold(h.id, today=h.hold_until + timedelta(days=1))
    assert absence.needs[0].status == NeedStatus.CANCELLED
    assert db.session.scalar(db.select(CoverRequest)).status == RequestStatus.CANCELLED


def test_a_failed_cover_job_never_leaves_needs_searching(db, make):
    from types import SimpleNamespace

    from workers.cover_jobs import cover_failed

    s = scene(db, make, n=1)
    absence = _absence(db, s)
    cover_failed(SimpleNamespace(args=(absence.id,)), None, RuntimeError, RuntimeError("x"), None)
    db.session.expire_all()
    need = absence.needs[0]
    assert need.status == NeedStatus.UNFILLED and need.reasons[0]["code"] == "cover_job_failed"
    assert notice_kinds(db, s.consultant) == ["cover_missing"]
