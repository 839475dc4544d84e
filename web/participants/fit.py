"""Whether a participant's proposals and assignment still fit them after an edit.

A walk changed an approved participant's days, travel and needs; the proposal stayed with
the mentor as it was, though it broke three rules now. The rules are the matcher's own
(matching-model.md section 2, ``matcher.candidates.rule_breaks``), asked of each open
proposal and running assignment as a problem of its own.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from matcher.candidates import rule_breaks
from matcher.schema import parse_problem
from web.models import Proposal, ProposalStatus
from workers.problem import match_problem

# The rules an edit of the participant can break, in words (6 and 7 are the mentor's reach
# and the exclusions, which the participant's details do not change).
RULES = {
    1: _l("the placement's work area is not among the wishes"),
    2: _l("the placement requires what the participant lacks"),
    3: _l("the mentor lacks a skill the participant needs"),
    4: _l("no day is shared with the placement and the mentor"),
    5: _l("the placement is further away than the participant travels"),
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
