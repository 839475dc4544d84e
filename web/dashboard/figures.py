"""The manager's figures: each a Table with suppressed cells, a chart and a CSV.

Every figure can be narrowed to a period and to one consultant's caseload (the team).
Cells about 1–4 participants are suppressed here, before anything is rendered or exported.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from web import vocab
from web.cover.figures import cover_period
from web.dashboard.suppress import cell, count, is_suppressed
from web.dashboard.vocab import reason_label
from web.extensions import db
from web.hours.plans import assignment_start, hours_in_week, monday, steps_by_proposal
from web.hours.vocab import OUTCOME_LABELS
from web.i18n import format_date
from web.models import Mentor, Outcome, Participant, Proposal, ProposalStatus, SolveRun, Timesheet

MAX_WEEKS = 26


@dataclass(frozen=True)
class Filters:
    start: date
    end: date
    consultant_id: int | None = None


@dataclass
class Table:
    key: str
    title: str
    columns: list[str]
    rows: list[list] = field(default_factory=list)
    chart_rows: list[tuple[str, list]] = field(default_factory=list)
    series: list[str] = field(default_factory=list)
    unit: str = ""
    note: str = ""


def _team(q, f: Filters):
    return q.where(Participant.consultant_id == f.consultant_id) if f.consultant_id else q


def _assignments(f: Filters, statuses=(ProposalStatus.ACTIVE,)) -> list[Proposal]:
    q = (
        select(Proposal)
        .join(Participant, Participant.id == Proposal.participant_id)
        .where(Proposal.status.in_(statuses))
        .order_by(Proposal.id)
        .options(selectinload(Proposal.placement),
                 selectinload(Proposal.mentor).selectinload(Mentor.employer))
    )
    return list(db.session.scalars(_team(q, f)))


def _pct(a: int, b: int):
    return round(100 * a / b) if b else 0


def capacity(f: Filters, by: str) -> Table:
    """Capacity use in the period's last week: planned hours against mentors' capacity."""
    week = monday(min(f.end, date.today()))
    active = _assignments(f)
    steps = steps_by_proposal([p.id for p in active])
    groups: dict[str, dict] = defaultdict(lambda: {"people": set(), "planned": 0, "mentors": set()})
    mentors = {m.id: m for m in db.session.scalars(
        select(Mentor).where(Mentor.active.is_(True)).options(selectinload(Mentor.employer)))}
    for p in active:
        m = p.mentor
        key = {
            "mentor": m.name,
            "employer": m.employer.name if m.employer else _("External"),
            "area": vocab.label(vocab.AREAS, p.placement.area),
        }[by]
        g = groups[key]
        g["people"].add(p.participant_id)
        g["planned"] += hours_in_week(p, steps[p.id], week)
        g["mentors"].add(m.id)
    if by != "area":  # mentors without participants still have capacity to show
        for m in mentors.values():
            key = m.name if by == "mentor" else (m.employer.name if m.employer else _("External"))
            groups[key]["mentors"].add(m.id)
    title = {
        "mentor": _("Capacity use by mentor"),
        "employer": _("Capacity use by employer"),
        "area": _("Planned hours by work area"),
    }[by]
    first = {"mentor": _("Mentor"), "employer": _("Employer"), "area": _("Work area")}[by]
    t = Table(
        f"capacity_{by}",
        title,
        [first, _("Participants"), _("Planned hours"), _("Capacity (hours)"), _("Use %")],
        unit="%",
    )
    if by == "area":
        t.columns = [first, _("Participants"), _("Planned hours")]
        t.unit = ""
    for key in sorted(groups):
        g = groups[key]
        n = len(g["people"])
        cap = sum(mentors[i].capacity_hours for i in g["mentors"] if i in mentors)
        use = cell(n, _pct(g["planned"], cap))
        row = [key, count(n), cell(n, g["planned"])]
        if by != "area":
            row += [cap, use]
        t.rows.append(row)
        t.chart_rows.append((key, [None if is_suppressed(n) else (row[-1])]))
    t.note = _("Week of %(d)s.", d=format_date(week))
    return t


def waiting(f: Filters) -> Table:
    """Participants waiting now, and for how long."""
    q = _team(select(Participant).where(Participant.status == "waiting"), f)
    today = date.today()
    days = [(today - p.created_at.date()).days for p in db.session.scalars(q)]
    buckets = [
        (_("Under 4 weeks"), [d for d in days if d < 28]),
        (_("4–12 weeks"), [d for d in days if 28 <= d < 84]),
        (_("Over 12 weeks"), [d for d in days if d >= 84]),
    ]
    t = Table(
        "waiting",
        _("Waiting participants and time waiting"),
        [_("Waiting"), _("Participants"), _("Median days waiting")],
    )
    for label, ds in buckets + [(_("All waiting"), days)]:
        n = len(ds)
        t.rows.append([label, count(n), cell(n, round(statistics.median(ds)) if ds else 0)])
    t.chart_rows = [(label, [None if is_suppressed(len(ds)) else len(ds)]) for label, ds in buckets]
    return t


def unmatched(f: Filters) -> Table:
    """Why participants were left unmatched by the runs finished in the period."""
    runs = db.session.scalars(
        select(SolveRun).where(
            SolveRun.status == "done",
            SolveRun.finished_at >= f.start,
            SolveRun.finished_at < f.end + timedelta(days=1),
        )
    )
    mine = None
    if f.consultant_id:
        mine = set(
            db.session.scalars(
                select(Participant.id).where(Participant.consultant_id == f.consultant_id)
            )
        )
    people: dict[str, set] = defaultdict(set)
    for run in runs:
        for u in run.unmatched or []:
            if mine is not None and u["participant_id"] not in mine:
                continue
            for r in u.get("reasons") or []:
                people[r.get("code", "?")].add(u["participant_id"])
    t = Table(
        "unmatched", _("Reasons participants were not matched"), [_("Reason"), _("Participants")]
    )
    for code, ids in sorted(people.items(), key=lambda kv: -len(kv[1])):
        t.rows.append([reason_label(code), count(len(ids))])
        t.chart_rows.append((reason_label(code), [None if is_suppressed(len(ids)) else len(ids)]))
    return t


def _weeks(f: Filters) -> list[date]:
    weeks, w = [], monday(f.start)
    while w <= f.end and len(weeks) < MAX_WEEKS:
        weeks.append(w)
        w += timedelta(weeks=1)
    return weeks


def planned_delivered(f: Filters) -> Table:
    """Planned against delivered (logged: submitted or approved) hours per week."""
    props = _assignments(f, (ProposalStatus.ACTIVE, ProposalStatus.ENDED))
    steps = steps_by_proposal([p.id for p in props])
    ended = dict(db.session.execute(select(Outcome.proposal_id, Outcome.ended_on)).all())
    weeks = _weeks(f)
    q = (
        select(Timesheet)
        .join(Participant, Participant.id == Timesheet.participant_id)
        .where(
            Timesheet.status.in_(("submitted", "approved")),
            Timesheet.week_start >= weeks[0] if weeks else False,
            Timesheet.week_start <= weeks[-1] if weeks else False,
        )
        .options(selectinload(Timesheet.lines))
    )
    logged: dict[date, list[Timesheet]] = defaultdict(list)
    for s in db.session.scalars(_team(q, f)):
        logged[s.week_start].append(s)
    t = Table(
        "planned_delivered",
        _("Planned and delivered support hours"),
        [_("Week of"), _("Participants"), _("Planned hours"), _("Delivered hours")],
        series=[_("Planned"), _("Delivered")],
    )
    t.note = _("Delivered: hours the mentors sent, approved or not yet. The current week fills "
               "in as they log it.")
    for w in weeks:
        planned, people = 0, set()
        for p in props:
            if p.id in ended and w > monday(ended[p.id]) or w < assignment_start(p):
                continue
            h = hours_in_week(p, steps[p.id], w)
            if h:
                planned += h
                people.add(p.participant_id)
        delivered = sum(s.total for s in logged[w])
        people |= {s.participant_id for s in logged[w]}
        n = len(people)
        t.rows.append([w.isoformat(), count(n), cell(n, planned), cell(n, round(delivered, 2))])
        sup = is_suppressed(n)
        t.chart_rows.append(
            (_("Week %(n)s", n=w.isocalendar()[1]),
             [None if sup else planned, None if sup else round(delivered, 1)])
        )
    return t


def continuity(f: Filters) -> Table:
    """Mentor changes per participant, over their assignments so far."""
    q = (
        select(Proposal.participant_id, Proposal.mentor_id)
        .join(Participant, Participant.id == Proposal.participant_id)
        .where(
            Proposal.status.in_((ProposalStatus.ACTIVE, ProposalStatus.ENDED)),
            Proposal.created_at < f.end + timedelta(days=1),
        )
    )
    mentors: dict[int, set] = defaultdict(set)
    for pid, mid in db.session.execute(_team(q, f)):
        mentors[pid].add(mid)
    changes = Counter(min(len(ms) - 1, 2) for ms in mentors.values())
    t = Table(
        "continuity",
        _("Continuity: mentor changes per participant"),
        [_("Mentor changes"), _("Participants")],
    )
    for k, label in ((0, _("None (same mentor)")), (1, _("One")), (2, _("Two or more"))):
        t.rows.append([label, count(changes[k])])
        t.chart_rows.append((label, [None if is_suppressed(changes[k]) else changes[k]]))
    return t


def outcomes(f: Filters) -> Table:
    """Outcomes of the assignments that ended in the period."""
    q = (
        select(Outcome.outcome, Outcome.participant_id)
        .join(Participant, Participant.id == Outcome.participant_id)
        .where(Outcome.ended_on >= f.start, Outcome.ended_on <= f.end)
    )
    people: dict[str, set] = defaultdict(set)
    for code, pid in db.session.execute(_team(q, f)):
        people[code].add(pid)
    t = Table("outcomes", _("Outcomes of ended assignments"), [_("Outcome"), _("Participants")])
    for code, label in OUTCOME_LABELS.items():
        n = len(people[code])
        t.rows.append([str(label), count(n)])
        t.chart_rows.append((str(label), [None if is_suppressed(n) else n]))
    return t


def _cover_status_labels() -> dict[str, str]:
    return {
        "filled": _("Filled"),
        "requested": _("Substitute asked, no answer yet"),
        "searching": _("Searching"),
        "unfilled": _("No substitute found"),
    }


def cover(f: Filters) -> Table:
    """Substitute cover: requests, fill rate, time to fill, participants without cover now."""
    c = cover_period(f.start, f.end, date.today(), f.consultant_id)
    t = Table(
        "cover",
        _("Substitute cover"),
        [_("Figure"), _("Participants"), _("Value")],
        series=[_("Participants")],
    )
    n_req, n_need = len(c["request_people"]), len(c["need_people"])
    n_filled, n_now = len(c["filled_people"]), len(c["uncovered_people"])
    rate = "–" if c["fill_rate"] is None else round(100 * c["fill_rate"])
    median = c["median_hours_to_fill"]
    t.rows = [
        [_("Cover requests sent"), count(n_req), cell(n_req, c["requests"])],
        [_("Absences needing cover (per participant)"), count(n_need), cell(n_need, c["needs"])],
        [_("Fill rate (%)"), count(n_need), cell(n_need, rate)],
        [
            _("Median time to fill (hours)"),
            count(n_filled),
            cell(n_filled, "–" if median is None else round(median, 1)),
        ],
        [_("Participants without cover now"), count(n_now), count(n_now)],
    ]
    for status, label in _cover_status_labels().items():
        n = len(c["status_people"].get(status, ()))
        t.chart_rows.append((label, [None if is_suppressed(n) else n]))
    t.note = _(
        "Requests count when sent in the period; fill rate and time to fill count the "
        "absences that overlap the period; the chart shows their participants by state. "
        "“Without cover now” is about today."
    )
    return t


def all_tables(f: Filters) -> list[Table]:
    return [
        capacity(f, "mentor"),
        capacity(f, "employer"),
        capacity(f, "area"),
        waiting(f),
        unmatched(f),
        planned_delivered(f),
        cover(f),
        continuity(f),
        outcomes(f),
    ]
