"""Mentor Match's matching model and solver (see docs/matching-model.md)."""

from .cover import cover, cover_dict
from .schema import ProblemError, parse_problem
from .solve import Result, solve, solve_dict
from .validate import check_problem, validate, validate_cover

__all__ = ["ProblemError", "Result", "check_problem", "cover", "cover_dict", "parse_problem",
           "solve", "solve_dict", "validate", "validate_cover"]
