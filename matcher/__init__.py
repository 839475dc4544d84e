"""Mentor Match's matching model and solver (see docs/matching-model.md)."""

from matcher._interim import solve_dict

__all__ = ["solve_dict"]
