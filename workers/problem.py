"""Build the matching problem (matching-model.md format) from the database.

Only ids leave the database: participants appear as "p<id>", placements "l<id>",
mentors "m<id>", employers "e<id>". Capacity already taken by active assignments and
by approved proposals awaiting a mentor's answer is subtracted, so a run never
proposes what is already promised.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date

from sqlalchemy import or_, select

from matcher.explain import Reason, reason_fields
from matcher.geo import haversine_km
from matcher.schema import DAYS
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
    return problem_and_full(run)[0]


def problem_and_full(run: SolveRun) -> tuple[dict, list[Placement]]:
    """The problem for a run's scope, and the open placements it leaves out as full (no slot
    free, held by active assignments and approved proposals; the contract's slots are at
    least 1): both from one read, so they agree on which placements have room."""
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

    open_ = _open_placements()
    placements = [_placement(pl, pl.slots - slots_used[pl.id])
                  for pl in open_ if pl.slots - slots_used[pl.id] >= 1]
    full = [pl for pl in open_ if pl.slots - slots_used[pl.id] < 1]
    mentors = [
        _mentor(m, max(0, m.capacity_hours - hours_used[m.id]),
                max(0, m.max_participants - people_used[m.id]))
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
            _participant(p, current_mentor=_known(last.get(p.id, (None, None))[0], mid, known_m),
                         current_placement=_known(last.get(p.id, (None, None))[1], lid,
                                                  known_l),
                         excluded_mentors=sorted(excluded[p.id][0]),
                         excluded_placements=sorted(excluded[p.id][1]))
            for p in participants
        ],
        "placements": placements,
        "mentors": mentors,
    }, full


def _participant(p: Participant, **more) -> dict:
    return {"id": pid(p.id), "hours_min": p.hours_min, "hours_max": p.hours_max,
            "priority": p.priority, "days": p.days, "areas": p.areas, "needs": p.needs,
            "attributes": p.attributes, "location": _loc(p), "max_travel_km": p.max_travel_km,
            "current_mentor": None, "current_placement": None, "excluded_mentors": [],
            "excluded_placements": [], "pinned": None, **more}


def _placement(pl: Placement, slots: int) -> dict:
    return {"id": lid(pl.id), "employer": f"e{pl.employer_id}", "area": pl.area,
            "slots": slots, "days": pl.days, "requirements": pl.requirements,
            "location": _loc(pl)}


def _mentor(m: Mentor, capacity_hours: int, max_participants: int) -> dict:
    return {"id": mid(m.id), "employer": f"e{m.employer_id}" if m.employer_id else None,
            "skills": m.skills, "capacity_hours": capacity_hours,
            "max_participants": max_participants, "days": m.days, "location": _loc(m),
            "max_travel_km": m.max_travel_km}


def match_problem(a: Proposal) -> dict:
    """One proposal or assignment as a problem of its own, its capacity as if free: to ask
    which rules of section 2 it breaks now (``matcher.candidates.rule_breaks``)."""
    return {"format": "mentor-match/1", "weights": {},
            "participants": [_participant(a.participant)],
            "placements": [_placement(a.placement, max(1, a.placement.slots))],
            "mentors": [_mentor(a.mentor, max(a.hours, a.mentor.capacity_hours),
                                max(1, a.mentor.max_participants))]}


def _open_placements() -> list[Placement]:
    """Open, and not past their end date (a walk saw one that ended in 2020 proposed)."""
    return db.session.scalars(
        select(Placement).where(Placement.status == "open",
                                or_(Placement.end_date.is_(None),
                                    Placement.end_date >= date.today()))
        .order_by(Placement.id)).all()


# The reasons of the placement rules (matcher.diagnose.unmatched_reasons' first stage): a
# participant left unmatched by one of them had no placement with room that fits.
NOTHING_NEAR = frozenset({"no_area_anywhere", "no_placement_in_reach", "no_placement_near"})
PLACEMENT_RULES = NOTHING_NEAR | {"requirements", "excluded_placements",
                                  "no_common_day_placement"}


def blame_full_placements(result: dict, full: list[Placement]) -> None:
    """Count the full placements in where the matcher, not seeing them, blamed a placement
    rule.

    A walk approved the only kitchen placement near a participant, ran again, and read "no
    placement within 5 km offers kitchen: let the participant travel further". The
    placement is 0.3 km away and only full. A participant whom the placement rules left
    without an option, but whom a full placement fits by those rules, now reads "the only
    placement that fits is full", with its advice; one whom a full placement fits up to a
    later rule reads that rule (its requirements, an exclusion, its days)."""
    blamed = [u for u in result.get("unmatched", [])
              if {c.get("code") for c in u.get("reason_codes", [])} & PLACEMENT_RULES]
    if not full or not blamed:
        return
    people = {p.id: p for p in db.session.scalars(
        select(Participant).where(Participant.id.in_([parse_id(u["participant"])
                                                      for u in blamed])))}
    excluded = defaultdict(set)
    for pid_, lid_ in db.session.execute(
            select(Exclusion.participant_id, Exclusion.placement_id)
            .where(Exclusion.participant_id.in_(people), Exclusion.placement_id.is_not(None))):
        excluded[pid_].add(lid_)
    for u in blamed:
        p = people[parse_id(u["participant"])]
        codes = {c.get("code") for c in u["reason_codes"]}
        if reason := _with_full(p, full, excluded[p.id], codes):
            u.update(reason_fields([reason]))


def _with_full(p: Participant, full: list[Placement], excluded: set[int],
               codes: set[str]) -> Reason | None:
    """The placement rule that leaves ``p`` without an option once the full placements are
    counted (the matcher's order), or None when they change nothing."""
    wished = [pl for pl in full if not p.areas or pl.area in p.areas]
    near = [pl for pl in wished
            if haversine_km(p.lat, p.lon, pl.lat, pl.lon) <= p.max_travel_km]
    if not near:  # the reason stands, but a full placement does offer the area
        if "no_area_anywhere" in codes and wished:
            return Reason("no_placement_in_reach",
                          {"km": float(p.max_travel_km), "areas": list(p.areas)})
        return None
    if not codes & NOTHING_NEAR:  # placements with room were near: only a full fit matters
        fits = [pl for pl in near if set(pl.requirements) <= set(p.attributes)
                and pl.id not in excluded and set(p.days) & set(pl.days)]
        return Reason("placements_full", {"n": len(fits), **_the_one(fits)}) if fits else None
    fit = [pl for pl in near if set(pl.requirements) <= set(p.attributes)]
    if not fit:
        missing = sorted(set().union(*(pl.requirements for pl in near)) - set(p.attributes))
        return Reason("requirements", {"n": len(near), "missing": missing, **_the_one(near)})
    allowed = [pl for pl in fit if pl.id not in excluded]
    if not allowed:
        return Reason("excluded_placements", {"n": len(fit), **_the_one(fit)})
    open_ = [pl for pl in allowed if set(p.days) & set(pl.days)]
    if not open_:
        return Reason("no_common_day_placement", {"n": len(allowed), **_the_one(allowed),
                                                  "days": [d for d in DAYS if d in p.days]})
    return Reason("placements_full", {"n": len(open_), **_the_one(open_)})


def _the_one(found: list[Placement]) -> dict:
    """The one placement a reason counts, by its problem id, for the reason to name it."""
    return {"placement": lid(found[0].id)} if len(found) == 1 else {}


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
