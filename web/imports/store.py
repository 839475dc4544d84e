"""Write a checked import in one transaction; the caller commits or rolls back."""

from __future__ import annotations

from flask_login import current_user

from web.extensions import db
from web.imports.parse import Parsed, employer_ids
from web.models import Employer, Mentor, Participant, Placement
from web.models.cases import log_event


def _employers(rows: list[dict], create: bool) -> dict[str, int | None]:
    names = {r["employer"] for r in rows if r.get("employer")}
    known = employer_ids(names)
    for name in sorted(names, key=str.casefold):
        if name.casefold() not in known and create:
            employer = Employer(name=name)
            db.session.add(employer)
            db.session.flush()
            known[name.casefold()] = employer.id
    return known


def store(parsed: Parsed) -> int:
    """Add every row; returns how many. Nothing is committed here."""
    rows = [{k: v for k, v in r.items() if k != "_line"} for r in parsed.rows]
    if parsed.kind == "participants":
        for values in rows:
            values.pop("consultant")
            p = Participant(status="waiting", **values)
            db.session.add(p)
            db.session.flush()
            log_event(p.id, current_user, "imported")
    elif parsed.kind == "placements":
        employers = _employers(rows, create=True)
        for values in rows:
            name = values.pop("employer")
            db.session.add(Placement(employer_id=employers[name.casefold()], **values))
    else:
        employers = _employers(rows, create=True)
        for values in rows:
            name = values.pop("employer")
            db.session.add(Mentor(employer_id=employers[name.casefold()] if name else None,
                                  **values))
    db.session.flush()
    return len(rows)
