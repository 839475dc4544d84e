"""Build the matching problem (matching-model.md format) from the database.

Only ids leave the database: participants appear as "p<id>", placements "l<id>",
mentors "m<id>", employers "e<id>". Capacity already taken by active assignments and
by approved proposals awaiting a mentor's answer is subtracted, so a run never
proposes what is already promised.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date

from sqlalchemy import select

from web.extensions import db
from web.hours.capacity import committed_hours_by_mentor
from web.models import Exclusion, Mentor, Participant, Placement, Proposal, ProposalStatus, SolveRun


def pid(i: int) -> str:
    return f"p{i}"


def lid(i: int) -> str:
    return f"l{i}"


def mid(i: int) -> str:
    return f"m{i}"


def parse_id(s: str) -> int:
    return int(s[1:])


def _loc(row) -> dict:
    return {"lat": row.lat, "lon": row.lon}


def build_problem(run: SolveRun) -> dict:
    """The problem for a run's scope: its waiting participants against open capacity."""
    participants = db.session.scalars(
        select(Participant).where(Participant.id.in_(run.scope), Participant.status == "waiting")
        .order_by(Participant.id)
    ).all()
    held = db.session.scalars(
        select(Proposal)
        .where(Proposal.status.in_((ProposalStatus.ACTIVE, ProposalStatus.APPROVED)))
    ).all()
    slots_used = Counter(p.placement_id for p in held)
    # Hours come from the support-hour plans for this week (a step down frees capacity).
    hours_used = Counter(committed_hours_by_mentor(date.today()))
    people_used = Counter(p.mentor_id for p in held)

    placements = [
        {"id": lid(pl.id), "employer": f"e{pl.employer_id}", "area": pl.area,
         "slots": pl.slots - slots_used[pl.id], "days": pl.days, "requirements": pl.requirements,
         "location": _loc(pl)}
        for pl in db.session.scalars(
            select(Placement).where(Placement.status == "open").order_by(Placement.id))
        if pl.slots - slots_used[pl.id] >= 1
    ]
    mentors = [
        {"id": mid(m.id), "employer": f"e{m.employer_id}" if m.employer_id else None,
         "skills": m.skills, "capacity_hours": max(0, m.capacity_hours - hours_used[m.id]),
         "max_participants": max(0, m.max_participants - people_used[m.id]), "days": m.days,
         "location": _loc(m), "max_travel_km": m.max_travel_km}
        for m in db.session.scalars(
            select(Mentor).where(Mentor.active.is_(True)).order_by(Mentor.id))
    ]
    known_l = {p["id"] for p in placements}
    known_m = {m["id"] for m in mentors}
    excluded: dict[int, tuple[set, set]] = defaultdict(lambda: (set(), set()))
    for ex in db.session.scalars(
        select(Exclusion).where(Exclusion.participant_id.in_([p.id for p in participants]))
    ):
        if ex.mentor_id and mid(ex.mentor_id) in known_m:
            excluded[ex.participant_id][0].add(mid(ex.mentor_id))
        if ex.placement_id and lid(ex.placement_id) in known_l:
            excluded[ex.participant_id][1].add(lid(ex.placement_id))
    last = _last_assignment(participants)

    return {
        "format": "mentor-match/1",
        "weights": run.weights or {},
        "participants": [
            {"id": pid(p.id), "hours_min": p.hours_min, "hours_max": p.hours_max,
             "priority": p.priority, "days": p.days, "areas": p.areas, "needs": p.needs,
             "attributes": p.attributes, "location": _loc(p), "max_travel_km": p.max_travel_km,
             "current_mentor": _known(last.get(p.id, (None, None))[0], mid, known_m),
             "current_placement": _known(last.get(p.id, (None, None))[1], lid, known_l),
             "excluded_mentors": sorted(excluded[p.id][0]),
             "excluded_placements": sorted(excluded[p.id][1]),
             "pinned": None}
            for p in participants
        ],
        "placements": placements,
        "mentors": mentors,
    }


def _known(value, fmt, known):
    return fmt(value) if value is not None and fmt(value) in known else None


def _last_assignment(participants) -> dict[int, tuple[int, int]]:
    """The mentor and placement each participant had most recently (continuity)."""
    rows = db.session.execute(
        select(Proposal.participant_id, Proposal.mentor_id, Proposal.placement_id)
        .where(Proposal.participant_id.in_([p.id for p in participants]),
               Proposal.status.in_((ProposalStatus.ACTIVE, ProposalStatus.ENDED)))
        .order_by(Proposal.id)
    ).all()
    return {r.participant_id: (r.mentor_id, r.placement_id) for r in rows}
