"""The text of a notice, made when it is shown or mailed, from the ids it stores."""

from __future__ import annotations

from flask_babel import gettext as _

from web.extensions import db
from web.i18n import format_date
from web.models import Mentor, Proposal
from web.models.cover import CoverNeed, CoverRequest, ParticipantHold


def _need_facts(need: CoverNeed) -> dict:
    a = need.assignment
    return {
        "code": a.participant.code,
        "placement": a.placement.title,
        "start": format_date(need.absence.starts_on),
        "end": format_date(need.absence.ends_on),
    }


def notice_text(kind: str, params: dict, user=None) -> tuple[str, str]:
    """(subject, text) of a notice; a notice whose records are gone says so."""
    if kind in ("cover_requested", "cover_arranged"):
        req = db.session.get(CoverRequest, params.get("request_id"))
        if req is None:
            return _("Cover"), _("This notice refers to a record that no longer exists.")
        facts = _need_facts(req.need) | {"mentor": req.substitute.name}
        if kind == "cover_requested":
            return _("Cover request"), _(
                "You are asked to cover participant %(code)s at %(placement)s from %(start)s "
                "to %(end)s.",
                **facts,
            )
        return _("Cover arranged"), _(
            "Cover arranged: %(mentor)s covers participant %(code)s at %(placement)s from "
            "%(start)s to %(end)s.",
            **facts,
        )
    if kind == "cover_missing":
        need = db.session.get(CoverNeed, params.get("need_id"))
        if need is None:
            return _("Cover"), _("This notice refers to a record that no longer exists.")
        return _("No cover found"), _(
            "No substitute has been found for participant %(code)s at %(placement)s from "
            "%(start)s to %(end)s. Please arrange cover.",
            **_need_facts(need),
        )
    if kind == "hold_released":
        hold = db.session.get(ParticipantHold, params.get("hold_id"))
        if hold is None:
            return _("Slot released"), _("This notice refers to a record that no longer exists.")
        return _("Slot released"), _(
            "The held slot of participant %(code)s at %(placement)s was released after "
            "%(date)s. The participant waits for a new match.",
            code=hold.participant.code,
            placement=hold.assignment.placement.title,
            date=format_date(hold.hold_until),
        )
    if kind == "proposal_declined":
        proposal = db.session.get(Proposal, params.get("proposal_id"))
        if proposal is None:
            return _("Proposal declined"), _(
                "This notice refers to a record that no longer exists.")
        from web.runs.forms import DECLINE_REASONS

        return _("Proposal declined"), _(
            "%(mentor)s declined the proposal for participant %(code)s at %(placement)s "
            "(reason: %(reason)s). The participant waits for a new match, and %(mentor)s is not "
            "proposed for them again.",
            mentor=proposal.mentor.name, code=proposal.participant.code,
            placement=proposal.placement.title,
            reason=str(DECLINE_REASONS.get(proposal.decision_reason, proposal.decision_reason)),
        )
    return _("Notice"), kind


def mentor_users(mentor_ids: list[int]) -> list:
    return [
        m.user
        for m in db.session.scalars(db.select(Mentor).where(Mentor.id.in_(mentor_ids)))
        if m.user is not None
    ]
