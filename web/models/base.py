"""Shared column helpers and vocabularies."""

from __future__ import annotations

from datetime import UTC, datetime

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

# Primary keys are INTEGER: 32 bits on PostgreSQL. Larger ids in URLs or request bodies are
# answered as "not found"/invalid before they reach the database (never a driver overflow).
MAX_ID = 2**31 - 1


def utcnow() -> datetime:
    """Timezone-aware now; stored as naive UTC so SQLite and PostgreSQL agree."""
    return datetime.now(UTC).replace(tzinfo=None)
