"""CSV exports of proposals and assignments, readable by Danish Excel."""

from __future__ import annotations

import csv
import io
from urllib.parse import quote

from flask import Response, g
from flask_babel import gettext as _
from flask_babel import to_user_timezone

from web import vocab
from web.extensions import db
from web.i18n import format_number
from web.models import Participant, Proposal, ProposalStatus, User

KINDS = {
    "proposals": (ProposalStatus.PROPOSED, ProposalStatus.APPROVED, ProposalStatus.REJECTED,
                  ProposalStatus.DECLINED, ProposalStatus.EXPIRED, ProposalStatus.SUPERSEDED),
    "assignments": (ProposalStatus.ACTIVE, ProposalStatus.ENDED),
}


def csv_response(header: list[list[str]], rows: list[list], filename: str) -> Response:
    """UTF-8 with a BOM so Excel reads æøå; ';' for a Danish Excel, ',' for an English one."""
    buf = io.StringIO()
    buf.write("\ufeff")
    writer = csv.writer(buf, delimiter=";" if (g.get("lang") or "da") == "da" else ",",
                        lineterminator="\r\n")
    writer.writerows(header)
    writer.writerows(rows)
    # An ASCII name for old clients, the real (maybe Danish) name per RFC 6266 for the rest.
    fallback = filename.encode("ascii", "replace").decode().replace("?", "_")
    disposition = f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"
    return Response(buf.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": disposition})


def _cell(value) -> str:
    """Keep spreadsheet formulas out: a cell starting with = + - @ is read as text."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def _local(at) -> str:
    """A stored time (UTC) as the pages show it, in Danish time: 2026-12-07 16:55."""
    return to_user_timezone(at).strftime("%Y-%m-%d %H:%M") if at else ""


def export(kind: str, user: User) -> Response:
    q = (db.select(Proposal).join(Participant, Proposal.participant_id == Participant.id)
         .where(Proposal.status.in_(KINDS[kind])).order_by(Proposal.id))
    if user.role != "admin":
        q = q.where(Participant.consultant_id == user.id)
    header = [_("Participant"), _("Placement"), _("Employer"), _("Mentor"), _("Hours"),
              _("Score"), _("Status"), _("Created"), _("Decided")]
    rows = [
        [_cell(p.participant.code), _cell(p.placement.title), _cell(p.placement.employer.name),
         _cell(p.mentor.name), p.hours, format_number(p.score),
         vocab.label(vocab.PROPOSAL_STATUSES, p.status),
         _local(p.created_at), _local(p.decided_at)]
        for p in db.session.scalars(q)
    ]
    names = {"proposals": _("proposals"), "assignments": _("assignments")}
    return csv_response([header], rows, f"{names[kind]}.csv")
