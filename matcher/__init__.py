"""Mentor Match's matching model and solver (see docs/matching-model.md)."""
