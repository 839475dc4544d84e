"""The text of a notice, made when it is shown or mailed, from the ids it stores."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from web.extensions import db
from web.i18n import format_date
from web.models import Mentor, Outcome, Placement, Proposal, ProposalStatus, Timesheet, User
from web.models.cover import Absence, CoverNeed, CoverRequest, ParticipantHold, RequestStatus


def _need_facts(need: CoverNeed, period=None) -> dict:
    """Participant code, placement and dates: the need's, or ``period``'s (a request)."""
    a = need.assignment
    start, end = (period.starts_on, period.ends_on) if period else need.period
    return {
        "code": a.participant.code,
        "placement": a.placement.title,
        "start": format_date(start),
        "end": format_date(end),
    }


def _cover_requested(req: CoverRequest) -> tuple[str, str]:
    facts = _need_facts(req.need, req)
    if req.status == RequestStatus.REQUESTED:
        return _("Cover request"), _(
            "You are asked to cover participant %(code)s at %(placement)s from %(start)s to "
            "%(end)s.", **facts)
    return _("Cover request"), _answered(req, facts)


def _answered(req: CoverRequest, facts: dict) -> str:
    """A cover request's text once it no longer waits for an answer: as it stands now."""
    if req.status == RequestStatus.CONFIRMED:
        return _("You were asked to cover participant %(code)s at %(placement)s from %(start)s "
                 "to %(end)s, and said yes.", **facts)
    if req.status == RequestStatus.DECLINED:
        return _("You were asked to cover participant %(code)s at %(placement)s from %(start)s "
                 "to %(end)s, and said no.", **facts)
    if req.decided_at is not None:  # cancelled after the yes
        return _("You were asked to cover participant %(code)s at %(placement)s from %(start)s "
                 "to %(end)s and said yes, but the cover has since been cancelled.", **facts)
    return _("You were asked to cover participant %(code)s at %(placement)s from %(start)s to "
             "%(end)s, but the request was withdrawn: it is no longer needed, and no answer "
             "is needed.", **facts)


def _cover_continue(req: CoverRequest) -> tuple[str, str]:
    facts = _need_facts(req.need, req)
    if req.status != RequestStatus.REQUESTED:
        return _("Cover extended?"), _answered(req, facts)
    return _("Cover extended?"), _(
        "The absence of %(mentor)s is extended. Can you go on covering participant %(code)s "
        "at %(placement)s from %(start)s to %(end)s?",
        **facts | {"mentor": req.need.absence.mentor.name},
    )


def _cover_arranged(req: CoverRequest) -> tuple[str, str]:
    return _("Cover arranged"), _(
        "Cover arranged: %(mentor)s covers participant %(code)s at %(placement)s from "
        "%(start)s to %(end)s.",
        **_need_facts(req.need, req) | {"mentor": req.substitute.name},
    )


def _cover_withdrawn(req: CoverRequest) -> tuple[str, str]:
    facts = _need_facts(req.need, req) | {"mentor": req.need.absence.mentor.name}
    absence = req.need.absence
    if req.status == RequestStatus.CANCELLED and absence.extends_id is not None:
        return _("Cover cancelled"), _(
            "The absence of %(mentor)s is not extended after all: your cover of participant "
            "%(code)s at %(placement)s from %(start)s to %(end)s is cancelled. Cover before "
            "then stays as agreed.", **facts)
    if req.status == RequestStatus.CANCELLED and req.decided_at is not None:  # was confirmed
        return _("Cover cancelled"), _(
            "%(mentor)s is not away after all: your cover of participant %(code)s at "
            "%(placement)s from %(start)s to %(end)s is cancelled.",
            **facts,
        )
    if req.status == RequestStatus.CANCELLED:
        return _("Cover no longer needed"), _(
            "The request to cover participant %(code)s at %(placement)s from %(start)s to "
            "%(end)s is cancelled: %(mentor)s is not away. No answer is needed.",
            **facts,
        )
    return _("Cover ends early"), _(
        "%(mentor)s is back: your cover of participant %(code)s at %(placement)s ended on "
        "%(end)s.",
        **facts,
    )


def _cover_missing(need: CoverNeed, user=None) -> tuple[str, str]:
    # Why nobody could be asked names the participant's needs ("no mentor with homelessness
    # and trauma"): the consultant's to read, never the employer's (told with the guarantee).
    if need.reasons and getattr(user, "role", None) != "employer":
        from web.runs.reasons import names_for, reason_text

        lang = "da" if str(get_locale() or "da").startswith("da") else "en"
        names = names_for([need.reasons])
        return _("No cover found"), _(
            "No substitute has been found for participant %(code)s at %(placement)s from "
            "%(start)s to %(end)s: %(why)s. Please arrange cover.",
            why="; ".join(reason_text(r, lang, names) for r in need.reasons),
            **_need_facts(need),
        )
    return _("No cover found"), _(
        "No substitute has been found for participant %(code)s at %(placement)s from "
        "%(start)s to %(end)s. Please arrange cover.",
        **_need_facts(need),
    )


def _absence_reported_you(absence: Absence) -> tuple[str, str]:
    by = db.session.get(User, absence.reported_by_id)
    return _("You are reported away"), _(
        "%(by)s has reported you away from %(start)s to %(end)s. Cover is being sought for "
        "your participants. If it is wrong, the absence can be withdrawn on the absence page.",
        by=by.name if by else "", start=format_date(absence.starts_on),
        end=format_date(absence.ends_on),
    )


def _absence_reported(absence: Absence) -> tuple[str, str]:
    return _("Mentor away"), _(
        "%(mentor)s is away from %(start)s to %(end)s. Cover is being sought for the mentor's "
        "participants; you are told when it is arranged, or if none is found.",
        mentor=absence.mentor.name, start=format_date(absence.starts_on),
        end=format_date(absence.ends_on),
    )


def _absence_extended(absence: Absence) -> tuple[str, str]:
    return _("Absence extended"), _(
        "%(mentor)s is away longer: until %(end)s instead of %(before)s. The substitutes who "
        "cover are asked to go on, and cover is sought for the others; you are told when it is "
        "arranged, or if none is found.",
        mentor=absence.mentor.name, end=format_date(absence.ends_on),
        before=format_date(absence.starts_on - timedelta(days=1)),
    )


def _absence_withdrawn(absence: Absence) -> tuple[str, str]:
    facts = {"mentor": absence.mentor.name, "start": format_date(absence.starts_on),
             "end": format_date(absence.ends_on)}
    if absence.withdrawn_at is not None and absence.extends_id is not None:
        return _("Extension withdrawn"), _(
            "%(mentor)s is not away longer after all: the extension from %(start)s to %(end)s "
            "has been withdrawn, and no cover is sought for those days.",
            **facts,
        )
    if absence.withdrawn_at is not None:
        return _("Absence withdrawn"), _(
            "The absence of %(mentor)s from %(start)s to %(end)s has been withdrawn. "
            "%(mentor)s supports their participants as usual, and no cover is sought.",
            **facts,
        )
    return _("Back early"), _(
        "%(mentor)s is back early: the absence from %(start)s, reported until %(planned)s, "
        "ended on %(end)s. The mentor supports their participants again, and no more cover "
        "is sought.",
        **facts, planned=format_date(absence.planned_ends_on or absence.ends_on),
    )


def _hold_released(hold: ParticipantHold) -> tuple[str, str]:
    return _("Slot released"), _(
        "The held slot of participant %(code)s at %(placement)s was released after "
        "%(date)s. The participant waits for a new match.",
        code=hold.participant.code,
        placement=hold.assignment.placement.title,
        date=format_date(hold.hold_until),
    )


def _participant_away(hold: ParticipantHold) -> tuple[str, str]:
    return _("Participant away"), _(
        "Participant %(code)s at %(placement)s is away from %(start)s. The slot is held until "
        "%(date)s; no support is needed until they are back, and you are told when they are.",
        code=hold.participant.code, placement=hold.assignment.placement.title,
        start=format_date(hold.starts_on), date=format_date(hold.hold_until))


def _participant_back(hold: ParticipantHold) -> tuple[str, str]:
    return _("Participant back"), _(
        "Participant %(code)s is back at %(placement)s: the assignment goes on as before.",
        code=hold.participant.code, placement=hold.assignment.placement.title)


def _proposal_declined(proposal: Proposal) -> tuple[str, str]:
    from web.runs.forms import DECLINE_REASONS

    return _("Proposal declined"), _(
        "%(mentor)s declined the proposal for participant %(code)s at %(placement)s "
        "(reason: %(reason)s). The participant waits for a new match, and %(mentor)s is not "
        "proposed for them again.",
        mentor=proposal.mentor.name, code=proposal.participant.code,
        placement=proposal.placement.title,
        reason=str(DECLINE_REASONS.get(proposal.decision_reason, proposal.decision_reason)),
    )


def _placement_closed(placement: Placement) -> tuple[str, str]:
    return _("Placement closed"), _(
        "%(employer)s has closed the placement %(title)s: it is no longer offered in matching. "
        "Participants placed there keep their place.",
        employer=placement.employer.name, title=placement.title,
    )


def _proposal_placement_closed(proposal: Proposal) -> tuple[str, str]:
    return _("Placement closed"), _(
        "%(employer)s has closed the placement %(placement)s, where the proposal for "
        "participant %(code)s waits for the answer of %(mentor)s. It can no longer be "
        "confirmed: reject it and run again.",
        employer=proposal.placement.employer.name, placement=proposal.placement.title,
        code=proposal.participant.code, mentor=proposal.mentor.name,
    )


def _placement_misfit(proposal: Proposal) -> tuple[str, str]:
    from web.participants.fit import broken

    facts = {"employer": proposal.placement.employer.name, "title": proposal.placement.title,
             "code": proposal.participant.code, "mentor": proposal.mentor.name,
             "rules": "; ".join(broken(proposal))}
    return _misfit_text(_("Placement changed"), proposal, facts["rules"], (
        _l("%(employer)s changed the placement %(title)s so that it no longer fitted "
           "participant %(code)s with %(mentor)s, and has since changed it back: it fits "
           "again.", **facts),
        _l("%(employer)s has changed the placement %(title)s. The assignment of participant "
           "%(code)s with %(mentor)s no longer fits: %(rules)s. Talk it over with the "
           "workplace and the mentor, or end the assignment.", **facts),
        _l("%(employer)s has changed the placement %(title)s. The proposal for participant "
           "%(code)s with %(mentor)s no longer fits: %(rules)s. Reject it and run again.",
           **facts)))


def _mentor_misfit(proposal: Proposal) -> tuple[str, str]:
    from web.participants.fit import broken

    facts = {"mentor": proposal.mentor.name, "title": proposal.placement.title,
             "code": proposal.participant.code,
             "rules": "; ".join(broken(proposal))}
    return _misfit_text(_("Mentor changed"), proposal, facts["rules"], (
        _l("%(mentor)s's details changed so that they no longer fitted participant %(code)s "
           "at %(title)s, and have since changed back: it fits again.", **facts),
        _l("%(mentor)s has new details (skills, days or reach). The assignment of "
           "participant %(code)s at %(title)s no longer fits: %(rules)s. Talk it over with "
           "the mentor, or end the assignment.", **facts),
        _l("%(mentor)s has new details (skills, days or reach). The proposal for participant "
           "%(code)s at %(title)s no longer fits: %(rules)s. Reject it and run again.",
           **facts)))


def _misfit_text(subject: str, proposal: Proposal, rules: str, texts) -> tuple[str, str]:
    """A misfit notice's text as the proposal stands now: (it fits again, a running
    assignment no longer fits, a proposal no longer fits)."""
    again, running, proposed = texts
    if not rules:
        return subject, str(again)
    return subject, str(running if proposal.status == ProposalStatus.ACTIVE else proposed)


def _mentor_deactivated(mentor: Mentor) -> tuple[str, str]:
    return _("Mentor deactivated"), _(
        "%(employer)s has deactivated %(mentor)s as mentor. Participants supported by "
        "%(mentor)s need a new mentor: end the assignment and request a new match.",
        employer=mentor.employer.name if mentor.employer else "", mentor=mentor.name,
    )


def _ended_on(proposal_id: int) -> str:
    ended_on = db.session.scalar(
        db.select(Outcome.ended_on).where(Outcome.proposal_id == proposal_id))
    return format_date(ended_on) if ended_on else ""


def _cover_assignment_ended(req: CoverRequest) -> tuple[str, str]:
    facts = _need_facts(req.need, req) | {"ended": _ended_on(req.assignment_id)}
    if req.status == RequestStatus.CANCELLED:
        return _("Cover cancelled"), _(
            "The assignment of participant %(code)s at %(placement)s has ended (%(ended)s): "
            "your cover from %(start)s to %(end)s is cancelled.", **facts)
    return _("Cover shortened"), _(
        "The assignment of participant %(code)s at %(placement)s has ended: your cover ends "
        "on %(ended)s.", **facts)


def _assignment_ended(proposal: Proposal) -> tuple[str, str]:
    return _("Assignment ended"), _(
        "The assignment of participant %(code)s at %(placement)s with %(mentor)s has ended "
        "(%(date)s).", code=proposal.participant.code, placement=proposal.placement.title,
        mentor=proposal.mentor.name, date=_ended_on(proposal.id))


def _hours_returned(sheet: Timesheet) -> tuple[str, str]:
    return _("Hours returned"), _(
        "The consultant returned your hours for participant %(code)s, week %(week)s "
        "(from %(date)s): %(comment)s",
        code=sheet.participant.code, week=sheet.week_start.isocalendar()[1],
        date=format_date(sheet.week_start), comment=sheet.comment or "",
    ) if sheet.status == "returned" else _(
        "Your hours for participant %(code)s, week %(week)s (from %(date)s), were returned by "
        "the consultant; the week has since been saved again.", code=sheet.participant.code,
        week=sheet.week_start.isocalendar()[1], date=format_date(sheet.week_start))


# kind: (the record its id names, the parameter holding that id, the subject if it is gone,
# the text)
KINDS = {
    "cover_requested": (CoverRequest, "request_id", _l("Cover"), _cover_requested),
    "cover_arranged": (CoverRequest, "request_id", _l("Cover"), _cover_arranged),
    "cover_withdrawn": (CoverRequest, "request_id", _l("Cover"), _cover_withdrawn),
    "cover_missing": (CoverNeed, "need_id", _l("Cover"), _cover_missing),
    "absence_reported": (Absence, "absence_id", _l("Absence"), _absence_reported),
    "absence_reported_you": (Absence, "absence_id", _l("Absence"), _absence_reported_you),
    "cover_continue": (CoverRequest, "request_id", _l("Cover"), _cover_continue),
    "absence_extended": (Absence, "absence_id", _l("Absence"), _absence_extended),
    "absence_withdrawn": (Absence, "absence_id", _l("Absence"), _absence_withdrawn),
    "hold_released": (ParticipantHold, "hold_id", _l("Slot released"), _hold_released),
    "participant_away": (ParticipantHold, "hold_id", _l("Participant away"), _participant_away),
    "participant_back": (ParticipantHold, "hold_id", _l("Participant back"), _participant_back),
    "proposal_declined": (Proposal, "proposal_id", _l("Proposal declined"), _proposal_declined),
    "placement_closed": (Placement, "placement_id", _l("Placement closed"), _placement_closed),
    "proposal_placement_closed": (Proposal, "proposal_id", _l("Placement closed"),
                                  _proposal_placement_closed),
    "placement_misfit": (Proposal, "proposal_id", _l("Placement changed"), _placement_misfit),
    "mentor_misfit": (Proposal, "proposal_id", _l("Mentor changed"), _mentor_misfit),
    "mentor_deactivated": (Mentor, "mentor_id", _l("Mentor deactivated"), _mentor_deactivated),
    "hours_returned": (Timesheet, "timesheet_id", _l("Hours returned"), _hours_returned),
    "assignment_ended": (Proposal, "proposal_id", _l("Assignment ended"), _assignment_ended),
    "cover_assignment_ended": (CoverRequest, "request_id", _l("Cover"), _cover_assignment_ended),
}


# Texts that depend on who reads them (an employer reads less of them).
FOR_THE_READER = {_cover_missing}


def notice_text(kind: str, params: dict, user=None) -> tuple[str, str]:
    """(subject, text) of a notice; a notice whose records are gone says so."""
    if kind not in KINDS:
        return _("Notice"), kind
    model, key, subject, text = KINDS[kind]
    record = db.session.get(model, params[key]) if params.get(key) is not None else None
    if record is None:
        return str(subject), _("This notice refers to a record that no longer exists.")
    return text(record, user) if text in FOR_THE_READER else text(record)


def _preload_options() -> dict:
    """What each kind's text reads from its record, loaded with it."""
    assignment = (selectinload(Proposal.participant), selectinload(Proposal.placement))
    return {
        CoverRequest: (selectinload(CoverRequest.substitute),
                       selectinload(CoverRequest.need).options(
                           selectinload(CoverNeed.assignment).options(*assignment),
                           selectinload(CoverNeed.absence).selectinload(Absence.mentor))),
        CoverNeed: (selectinload(CoverNeed.assignment).options(*assignment),
                    selectinload(CoverNeed.absence)),
        Absence: (selectinload(Absence.mentor),),
        ParticipantHold: (selectinload(ParticipantHold.participant),
                          selectinload(ParticipantHold.assignment)
                          .selectinload(Proposal.placement)),
        Proposal: (*assignment, selectinload(Proposal.mentor),
                   selectinload(Proposal.placement).selectinload(Placement.employer)),
        Placement: (selectinload(Placement.employer),),
        Mentor: (selectinload(Mentor.employer),),
        Timesheet: (selectinload(Timesheet.participant),),
    }


def notice_texts(notices, user=None) -> list[tuple[str, str]]:
    """(subject, text) of each of ``notices``, their records loaded in one query per kind of
    record (with what their texts read) instead of a few per notice."""
    ids: dict = defaultdict(set)
    for n in notices:
        if n.kind in KINDS:
            model, key = KINDS[n.kind][:2]
            if (n.params or {}).get(key) is not None:
                ids[model].add(n.params[key])
    options = _preload_options()
    # Held here while the texts are made: the session keeps loaded rows only weakly.
    loaded = [row for model, wanted in ids.items()  # noqa: F841
              for row in db.session.scalars(db.select(model).where(model.id.in_(wanted))
                                            .options(*options[model]))]
    return [notice_text(n.kind, n.params, user) for n in notices]


def mentor_users(mentor_ids: list[int]) -> list:
    return [
        m.user
        for m in db.session.scalars(db.select(Mentor).where(Mentor.id.in_(mentor_ids)))
        if m.user is not None and m.user.active  # a switched-off login reads nothing
    ]
