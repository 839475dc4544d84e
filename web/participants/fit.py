"""Whether a participant's proposals and assignment still fit them after an edit.

A walk changed an approved participant's days, travel and needs; the proposal stayed with
the mentor as it was, though it broke three rules now. The rules are the matcher's own
(matching-model.md section 2, ``matcher.candidates.rule_breaks``), asked of each open
proposal and running assignment as a problem of its own.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import select

from matcher.candidates import rule_breaks
from matcher.schema import parse_problem
from web.extensions import db
from web.models import Proposal, ProposalStatus
from workers.problem import match_problem

# The rules an edit of the participant, the placement or the mentor can break, in words (7,
# the exclusions, no edit changes).
RULES = {
    1: _l("the placement's work area is not among the wishes"),
    2: _l("the placement requires what the participant lacks"),
    3: _l("the mentor lacks a skill the participant needs"),
    4: _l("no day is shared with the placement and the mentor"),
    5: _l("the placement is further away than the participant travels"),
    6: _l("the mentor does not reach the placement"),
    8: _l("the hours are outside the participant's range"),
}
OPEN = (ProposalStatus.PROPOSED, ProposalStatus.APPROVED, ProposalStatus.ACTIVE)


def misfits(proposals: list[Proposal]) -> list[tuple[Proposal, list[str]]]:
    """Each open proposal or running assignment among ``proposals`` (a participant's) that
    breaks a rule now, with the rules it breaks, in words."""
    return [(a, words) for a in proposals if a.status in OPEN and (words := broken(a))]


def broken(a: Proposal) -> list[str]:
    """The rules the proposal ``a`` breaks with its participant's details now, in words."""
    problem = parse_problem(match_problem(a))
    rules = rule_breaks(problem, problem.participants[0], problem.placements[0],
                        problem.mentors[0], a.hours)
    return [str(RULES[n]) for n, _detail in rules if n in RULES]


def fitting(column, value) -> list[Proposal]:
    """The open proposals and running assignments whose ``column`` is ``value`` (a
    placement's or a mentor's) that break no rule: asked before an edit of it."""
    rows = db.session.scalars(select(Proposal).where(column == value, Proposal.status.in_(OPEN)))
    return [a for a in rows if not broken(a)]


def tell_broken(fitted: list[Proposal], kind: str) -> list[Proposal]:
    """After the edit: those of ``fitted`` that break a rule now; each one's consultant gets
    a notice of ``kind`` (the caller commits)."""
    from web.cover.notify import notify

    now = [a for a in fitted if broken(a)]
    for a in now:
        notify([a.participant.consultant], kind, proposal_id=a.id)
    return now


def mentor_misfit_message(num: int) -> str:
    return ngettext("The new details no longer fit the assignment or proposal of %(num)d "
                    "participant: their consultant is told.",
                    "The new details no longer fit the assignments or proposals of %(num)d "
                    "participants: their consultants are told.", num)
