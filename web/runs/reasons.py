"""Reasons are stored with record ids ("m12 is at its 20-hour capacity"); pages show names.

Ids stay in storage (a renamed mentor never leaves a stale text behind); the names of all
ids on a page are fetched in two queries, however many reasons it shows.
"""

from __future__ import annotations

import re

from matcher.explain import Reason
from web.extensions import db
from web.models import Mentor, Placement

RECORD_ID = re.compile(r"\b([ml])(\d+)\b")


def names_for(reason_lists) -> dict[str, str]:
    """{"m12": "Mette Larsen", "l3": "Café Kornet: køkken"} for every id in these reasons."""
    wanted: dict[str, set[int]] = {"m": set(), "l": set()}
    for reasons in reason_lists:
        for r in reasons:
            for text in (r.get("en", ""), r.get("da", "")):
                for kind, num in RECORD_ID.findall(text):
                    wanted[kind].add(int(num))
    out: dict[str, str] = {}
    if wanted["m"]:
        rows = db.session.execute(
            db.select(Mentor.id, Mentor.name).where(Mentor.id.in_(wanted["m"])))
        out |= {f"m{i}": name for i, name in rows}
    if wanted["l"]:
        rows = db.session.execute(
            db.select(Placement.id, Placement.title).where(Placement.id.in_(wanted["l"])))
        out |= {f"l{i}": title for i, title in rows}
    return out


def reason_text(reason: dict, lang: str, names: dict[str, str]) -> str:
    """The reason in ``lang`` with record ids replaced by names (unknown ids stay as they are)."""
    text = reason.get(lang) or reason.get("en", "")
    return RECORD_ID.sub(lambda m: names.get(m.group(0), m.group(0)), text)


def reason_help(reason: dict, lang: str) -> str | None:
    """What a consultant can do about an unmatched participant's reason, in ``lang``,
    starting with a capital (None when there is nothing to suggest)."""
    code = reason.get("code")
    if not code:
        return None
    text = Reason(code, reason.get("params") or {}).help(lang)
    return text[:1].upper() + text[1:] if text else None
