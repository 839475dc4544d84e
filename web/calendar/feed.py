"""A mentor's iCalendar feed: their participants' days as weekly recurring all-day events,
and the days of the participants they cover for an absent colleague.

Only the participant's pseudonymous code goes into the feed (calendar apps sync to
third-party servers). The token is shown once and stored as its SHA-256.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, date, datetime, timedelta

from icalendar import Calendar, Event, vRecur
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from web.cover.service import held
from web.extensions import db
from web.hours.plans import assignment_start, steps_by_proposal, support_days
from web.models import CalendarToken, Mentor, Proposal, ProposalStatus, utcnow
from web.models.base import WEEKDAYS
from web.models.cover import CoverRequest, RequestStatus

ICAL_DAYS = dict(zip(WEEKDAYS, ("MO", "TU", "WE", "TH", "FR", "SA", "SU"), strict=True))


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token(mentor: Mentor) -> str:
    """Make (or replace) the mentor's feed token; returns the secret, which is not stored."""
    token = secrets.token_urlsafe(32)
    row = db.session.scalar(select(CalendarToken).where(CalendarToken.mentor_id == mentor.id))
    if row is None:
        row = CalendarToken(mentor_id=mentor.id, token_hash="")
        db.session.add(row)
    row.token_hash, row.created_at = hash_token(token), utcnow()
    return token


def mentor_for_token(token: str) -> Mentor | None:
    row = db.session.scalar(
        select(CalendarToken).where(CalendarToken.token_hash == hash_token(token))
    )
    if row is None:
        return None
    mentor = db.session.get(Mentor, row.mentor_id)
    return mentor if mentor is not None and mentor.active else None


def _first_on_or_after(start: date, days: list[str]) -> date:
    for i in range(7):
        d = start + timedelta(days=i)
        if WEEKDAYS[d.weekday()] in days:
            return d
    return start


def feed(mentor: Mentor) -> bytes:
    """RFC 5545 text of the mentor's active assignments and confirmed cover periods."""
    cal = Calendar()
    cal.add("prodid", "-//Mentor Match//mentor feed//DA")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", "Mentor Match")
    stamp = datetime.now(UTC).replace(microsecond=0)
    active = db.session.scalars(
        select(Proposal)
        .where(Proposal.mentor_id == mentor.id, Proposal.status == ProposalStatus.ACTIVE)
        .order_by(Proposal.id)
        .options(selectinload(Proposal.participant), selectinload(Proposal.placement))
    ).all()
    plans = steps_by_proposal([p.id for p in active])
    # Paused as away: the days stop at the first day away until they are back (a walk saw
    # the calendar keep them).
    away = {a: h.starts_on for a, h in held([p.id for p in active]).items()}
    for p in active:
        days = support_days(p)
        if not days:
            continue
        steps = plans[p.id]
        start = _first_on_or_after(steps[0].start_week if steps else assignment_start(p), days)
        rule = {"freq": "weekly", "byday": [ICAL_DAYS[d] for d in days]}
        ends = [d for d in (steps[-1].end_week if steps else None, away.get(p.id)) if d]
        if ends:
            rule["until"] = min(ends) - timedelta(days=1)
            if rule["until"] < start:  # away since before the first day: nothing to show
                continue
        ev = Event()
        ev.add("uid", f"assignment-{p.id}@mentor-match")
        ev.add("dtstamp", stamp)
        ev.add("summary", f"Mentor: {p.participant.code}")
        ev.add("dtstart", start)
        ev.add("dtend", start + timedelta(days=1))
        ev.add("rrule", vRecur(rule))
        ev.add("transp", "TRANSPARENT")
        cal.add_component(ev)
    for ev in _cover_events(mentor, stamp):
        cal.add_component(ev)
    return cal.to_ical()


def _cover_events(mentor: Mentor, stamp: datetime) -> list[Event]:
    """One weekly event per confirmed cover, on the participant's days within the cover
    period (inclusive). Only the participant's code, as for the mentor's own assignments."""
    events = []
    for r in db.session.scalars(
        select(CoverRequest)
        .join(Proposal, Proposal.id == CoverRequest.assignment_id)
        .where(
            CoverRequest.substitute_id == mentor.id,
            CoverRequest.status == RequestStatus.CONFIRMED,
            Proposal.status == ProposalStatus.ACTIVE,
        )
        .order_by(CoverRequest.id)
        .options(selectinload(CoverRequest.assignment).options(
            selectinload(Proposal.participant), selectinload(Proposal.placement)))
    ):
        days = support_days(r.assignment)
        start = _first_on_or_after(r.starts_on, days)
        if not days or start > r.ends_on:
            continue  # none of the participant's days falls in the cover period
        ev = Event()
        ev.add("uid", f"cover-{r.id}@mentor-match")
        ev.add("dtstamp", stamp)
        ev.add("summary", f"Cover: {r.assignment.participant.code}")
        ev.add("dtstart", start)
        ev.add("dtend", start + timedelta(days=1))
        ev.add(
            "rrule",
            vRecur({"freq": "weekly", "byday": [ICAL_DAYS[d] for d in days], "until": r.ends_on}),
        )
        ev.add("transp", "TRANSPARENT")
        events.append(ev)
    return events
