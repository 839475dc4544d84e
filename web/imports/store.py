"""Write a checked import in one transaction; the caller commits or rolls back."""

from __future__ import annotations

from flask_login import current_user

from web.extensions import db
from web.imports.parse import Parsed, employer_ids, employer_key
from web.models import Employer, Mentor, Participant, Placement
from web.models.cases import log_event


def _employers(rows: list[dict]) -> dict[str, int]:
    """Employer ids by ``employer_key``; creates the new employers the preview announced."""
    known = employer_ids({r["employer"] for r in rows if r.get("employer")})
    for row in rows:
        name = row.get("_new_employer")
        if name and employer_key(name) not in known:
            employer = Employer(name=name)
            db.session.add(employer)
            db.session.flush()
            known[employer_key(name)] = employer.id
    return known


def store(parsed: Parsed) -> int:
    """Add every row; returns how many. Nothing is committed here."""
    employers = _employers(parsed.rows) if parsed.kind != "participants" else {}
    rows = [{k: v for k, v in r.items() if not k.startswith("_")} for r in parsed.rows]
    if parsed.kind == "participants":
        for values in rows:
            values.pop("consultant")
            p = Participant(status="waiting", **values)
            db.session.add(p)
            db.session.flush()
            log_event(p.id, current_user, "imported")
    elif parsed.kind == "placements":
        for values in rows:
            name = values.pop("employer")
            db.session.add(Placement(employer_id=employers[employer_key(name)], **values))
    else:
        for values in rows:
            name = values.pop("employer")
            db.session.add(Mentor(employer_id=employers[employer_key(name)] if name else None,
                                  **values))
    db.session.flush()
    return len(rows)
