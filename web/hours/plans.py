"""Support-hour plans: weekly hours that step over time, and what they commit.

A plan is a list of steps ``(start_week, end_week, hours)``; weeks are Mondays and
``end_week`` is exclusive (None: open-ended). An assignment without a plan is taken
to need its proposed ``Proposal.hours`` every week from its start.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from flask_babel import to_user_timezone
from sqlalchemy import select

from web.extensions import db
from web.forms_common import FIRST_YEAR
from web.i18n import format_date
from web.models import CoverRequest, PlanStep, Proposal, ProposalStatus, utcnow
from web.models.base import WEEKDAYS
from web.models.cover import ParticipantHold, RequestStatus

HOURS_MIN, HOURS_MAX = 2, 20
PLAN_AHEAD_WEEKS = 104  # a plan starts at most two years ahead


def monday(d: date) -> date:
    """The Monday of the week ``d`` falls in."""
    return d - timedelta(days=d.weekday())


class PlanError(ValueError):
    """A plan that cannot be stored; ``errors`` maps a step number (1-based, 0 = whole plan)
    to a message, and ``weeks`` names the steps whose number of weeks is at fault (else it
    is the hours)."""

    def __init__(self, errors: dict[int, str], weeks: frozenset[int] = frozenset()):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors
        self.weeks = weeks


@dataclass(frozen=True)
class Step:
    start_week: date
    end_week: date | None
    hours: int


def start_week_error(start_week: date) -> str | None:
    """Why a plan cannot start the week of ``start_week``, or None: before FIRST_YEAR, or more
    than two years ahead (a start in year 9999 overflowed the steps' end weeks into a 500,
    and one in year 1 was stored)."""
    if start_week.year < FIRST_YEAR:
        return str(_l("The plan cannot start before %(year)s.", year=FIRST_YEAR))
    latest = monday(date.today()) + timedelta(weeks=PLAN_AHEAD_WEEKS)
    if start_week > latest:
        return str(_l("The plan can start at most two years ahead: the week of %(date)s at "
                      "the latest.", date=format_date(latest)))
    return None


def steps_from_durations(start_week: date, rows: list[tuple[int, int | None]]) -> list[Step]:
    """Turn ``[(hours, weeks), …]`` into consecutive steps from ``start_week``; ``weeks`` None
    means open-ended and is allowed only on the last row."""
    errors: dict[int, str] = {}
    if error := start_week_error(start_week):
        errors[0] = error
    elif start_week.weekday() != 0:
        errors[0] = str(_l("The plan must start on a Monday."))
    weeks_wrong = set()
    steps: list[Step] = []
    at = start_week
    for i, (hours, weeks) in enumerate(rows, start=1):
        if weeks is None and i < len(rows):
            errors[i] = str(_l("Only the last step can be open-ended."))
            weeks_wrong.add(i)
            continue
        if weeks is not None and not 1 <= weeks <= 104:
            errors[i] = str(_l("The number of weeks must be between 1 and 104."))
            weeks_wrong.add(i)
            continue
        if errors:  # refused anyway; a start out of range would overflow the end weeks
            continue
        end = None if weeks is None else at + timedelta(weeks=weeks)
        steps.append(Step(at, end, hours))
        at = end or at
    if errors:
        raise PlanError(errors, frozenset(weeks_wrong))
    check_steps(steps)
    return steps


def check_steps(steps: list[Step]) -> None:
    """Raise PlanError unless every step has 2–20 hours, starts on a Monday, and the steps
    come in order without overlapping; only the last may be open-ended."""
    errors: dict[int, str] = {}
    if not steps:
        raise PlanError({0: str(_l("Give at least one step."))})
    for i, s in enumerate(steps, start=1):
        if not HOURS_MIN <= s.hours <= HOURS_MAX:
            errors[i] = str(_l("Hours per week must be between 2 and 20."))
        elif s.start_week.weekday() != 0 or (s.end_week and s.end_week.weekday() != 0):
            errors[i] = str(_l("Steps start and end on a Monday."))
        elif s.end_week is not None and s.end_week <= s.start_week:
            errors[i] = str(_l("The step must end after it starts."))
        elif s.end_week is None and i < len(steps):
            errors[i] = str(_l("Only the last step can be open-ended."))
        elif i > 1 and steps[i - 2].end_week and s.start_week < steps[i - 2].end_week:
            errors[i] = str(_l("This step overlaps the step before it."))
        elif i > 1 and s.start_week < steps[i - 2].start_week:
            errors[i] = str(_l("Steps must be in order of time."))
    if errors:
        raise PlanError(errors)


def plan_of(proposal: Proposal) -> list[PlanStep]:
    return list(
        db.session.scalars(
            select(PlanStep)
            .where(PlanStep.proposal_id == proposal.id)
            .order_by(PlanStep.start_week)
        )
    )


def set_plan(proposal: Proposal, steps: list[Step], user) -> None:
    """Replace the assignment's plan (validated; nothing is written if it is invalid)."""
    check_steps(steps)
    for old in plan_of(proposal):
        db.session.delete(old)
    db.session.flush()
    for s in steps:
        db.session.add(
            PlanStep(
                proposal_id=proposal.id,
                start_week=s.start_week,
                end_week=s.end_week,
                hours=s.hours,
                updated_by_id=user.id,
                updated_at=utcnow(),
            )
        )


def assignment_start(proposal: Proposal) -> date:
    """The Monday of the week the assignment became active."""
    return monday((proposal.decided_at or proposal.created_at).date())


def begun_by(proposal: Proposal, week_start: date, steps: list[PlanStep]) -> bool:
    """Whether hours can be logged for the week: the assignment had begun, or its plan (which
    a consultant may start earlier) has hours in it."""
    return week_start >= assignment_start(proposal) or hours_in_week(
        proposal, steps, week_start) > 0


def hours_in_week(proposal: Proposal, steps: list[PlanStep], week_start: date) -> int:
    """Planned hours of one assignment in the week starting ``week_start``."""
    if not steps:
        return proposal.hours if week_start >= assignment_start(proposal) else 0
    for s in steps:
        if s.start_week <= week_start and (s.end_week is None or week_start < s.end_week):
            return s.hours
    return 0


def _active(mentor_id: int | None = None):
    q = select(Proposal).where(Proposal.status == ProposalStatus.ACTIVE)
    if mentor_id is not None:
        q = q.where(Proposal.mentor_id == mentor_id)
    return list(db.session.scalars(q.order_by(Proposal.id)))


def steps_by_proposal(ids: list[int]) -> dict[int, list[PlanStep]]:
    out: dict[int, list[PlanStep]] = {i: [] for i in ids}
    if ids:
        for s in db.session.scalars(
            select(PlanStep).where(PlanStep.proposal_id.in_(ids)).order_by(PlanStep.start_week)
        ):
            out[s.proposal_id].append(s)
    return out


def planned_hours(mentor_id: int, week_start: date) -> int:
    """Hours the mentor's active assignments plan for the week starting ``week_start``."""
    active = _active(mentor_id)
    steps = steps_by_proposal([p.id for p in active])
    return sum(hours_in_week(p, steps[p.id], monday(week_start)) for p in active)


def support_days(proposal: Proposal) -> list[str]:
    """The weekdays of support: those the participant and the placement share."""
    return [d for d in WEEKDAYS
            if d in proposal.participant.days and d in proposal.placement.days]


def covers_in(ids: list[int], first: date, last: date) -> dict[int, list[CoverRequest]]:
    """The confirmed covers of the assignments ``ids`` on some day from ``first`` to
    ``last``, by assignment id."""
    out: dict[int, list[CoverRequest]] = {i: [] for i in ids}
    if ids:
        for c in db.session.scalars(select(CoverRequest).where(
                CoverRequest.assignment_id.in_(ids),
                CoverRequest.status == RequestStatus.CONFIRMED,
                CoverRequest.starts_on <= last, CoverRequest.ends_on >= first)):
            out[c.assignment_id].append(c)
    return out


def away_in(ids: list[int], first: date, last: date) -> dict[int, list[tuple[date, date]]]:
    """The days from ``first`` to ``last`` each assignment's participant was away, paused on
    the absences page, as periods (first day, last day) by assignment id: from the hold's
    first day to the day before they were back, or to the hold's end."""
    out: dict[int, list[tuple[date, date]]] = {i: [] for i in ids}
    if ids:
        for h in db.session.scalars(select(ParticipantHold).where(
                ParticipantHold.assignment_id.in_(ids), ParticipantHold.starts_on <= last)):
            end = h.hold_until
            if h.ended_at is not None:  # back (or the slot freed) on that day, Danish time
                end = min(end, to_user_timezone(h.ended_at).date() - timedelta(days=1))
            if end >= max(first, h.starts_on):
                out[h.assignment_id].append((h.starts_on, end))
    return out


def share_of_week(proposal: Proposal, steps: list[PlanStep], week_start: date, mentor_id: int,
                  covers: list[CoverRequest], away: list[tuple[date, date]] = ()) -> float:
    """The part of the week's planned hours that falls to ``mentor_id``, by support days:
    the assignment's own mentor plans the days nobody covers; a substitute the days of their
    confirmed cover, at the weekly hours they were asked for and said yes to (the cover
    request's, which the cover solve may set below the plan's). 8 hours over Monday and
    Wednesday, with Wednesday covered, are 4 and 4. Nobody plans the days the participant
    is ``away`` (periods of `away_in`): a walk's mentor was planned their hours while the
    participant was paused. Without support days in common, the weekdays count."""
    names = support_days(proposal) or list(WEEKDAYS[:5])
    days = [week_start + timedelta(days=i) for i, d in enumerate(WEEKDAYS) if d in names]
    here = [d for d in days if not any(a <= d <= b for a, b in away)]

    def within(day: date, c: CoverRequest) -> bool:
        return c.starts_on <= day <= c.ends_on

    if mentor_id == proposal.mentor_id:
        mine = [d for d in here if not any(within(d, c) for c in covers)]
        return round(hours_in_week(proposal, steps, week_start) * len(mine) / len(days), 1)
    return round(sum(c.hours * sum(within(d, c) for d in here) / len(days)
                     for c in covers if c.substitute_id == mentor_id), 1)


def plan_while_here(proposal: Proposal, steps: list[PlanStep], week_start: date,
                    away: list[tuple[date, date]]) -> float:
    """The week's plan less the days the participant is ``away``, whoever supports."""
    return share_of_week(proposal, steps, week_start, proposal.mentor_id, [], away)


def planned_for_sheets(sheets: list) -> tuple[dict[int, float], dict[int, int], set[int]]:
    """Planned hours of each timesheet in its own week, by sheet id: the part of the
    assignment's plan that falls to the sheet's mentor (`share_of_week`), and the week's
    whole plan; and the sheets of weeks the participant was away some days."""
    if not sheets:
        return {}, {}, set()
    ids = list({s.proposal_id for s in sheets})
    steps = steps_by_proposal(ids)
    first = min(s.week_start for s in sheets)
    last = max(s.week_start for s in sheets) + timedelta(days=6)
    covers, away = covers_in(ids, first, last), away_in(ids, first, last)
    planned, whole, less = {}, {}, set()
    for s in sheets:
        p, plan = s.proposal, steps[s.proposal_id]
        planned[s.id] = share_of_week(p, plan, s.week_start, s.mentor_id, covers[p.id], away[p.id])
        whole[s.id] = hours_in_week(p, plan, s.week_start)
        if plan_while_here(p, plan, s.week_start, away[p.id]) < whole[s.id]:
            less.add(s.id)
    return planned, whole, less
