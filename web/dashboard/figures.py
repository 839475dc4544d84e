"""The manager's figures: each a Table with suppressed cells, a chart and a CSV.

Every figure can be narrowed to a period and to one consultant's caseload (the team).
Cells about 1–4 participants are suppressed here, before anything is rendered or exported,
and so are the cells from which one of those could be worked out (web.dashboard.suppress):
each builder returns its figures with the people each row is about, and `_tables` hides
what `protect` finds over every team's view of them at once.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from web import vocab
from web.cover.figures import cover_period
from web.dashboard.suppress import is_suppressed, protect
from web.dashboard.vocab import reason_label
from web.extensions import db
from web.hours.plans import (
    assignment_start,
    away_in,
    hours_in_week,
    monday,
    plan_while_here,
    steps_by_proposal,
)
from web.hours.vocab import OUTCOME_LABELS
from web.i18n import format_date, utc_day_bounds
from web.models import (
    Employer,
    Mentor,
    Outcome,
    Participant,
    Proposal,
    ProposalStatus,
    SolveRun,
    Timesheet,
)

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
    # Until sealed (`_seal`), the rows hold every figure. people[i] is whom rows[i] is about.
    people: list[set[int]] = field(default_factory=list)
    derived: tuple[int, ...] = ()  # columns computed from the people; () = all but the first
    chart_of: list[int] | None = None  # chart row k draws rows[chart_of[k]]
    chart_people: list[set[int]] = field(default_factory=list)  # when chart_of is None
    chart_zeros: bool = False  # draw rows of only 0 too (weeks in a row); else the table has them
    # Sums someone could subtract: (the parts' keys, the whole's key or None when it is
    # shown elsewhere). A key is (table key, row label); a chart's rows are "<key>#chart".
    sums: list[tuple[list[Hashable], Hashable | None]] = field(default_factory=list)

    def add(self, row: list, people: set[int]) -> None:
        self.rows.append(row)
        self.people.append(people)

    def keys(self) -> list[Hashable]:
        return [(self.key, r[0]) for r in self.rows]

    def chart(self) -> list[tuple[str, list]]:
        """The rows to draw: without those of only 0 (27 of 32 mentors with no one), unless
        they are weeks in a row, where a gap would mislead."""
        if self.chart_zeros:
            return self.chart_rows
        return [(label, vs) for label, vs in self.chart_rows if any(v != 0 for v in vs)]


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


def _capacity(f: Filters, by: str) -> Table:
    """Capacity use in the period's last week: planned hours against mentors' capacity."""
    week = monday(min(f.end, date.today()))
    # The assignments of that week: active ones, and ended ones that had not ended by then
    # (a walk's week in November left out one that ended in December).
    ended = dict(db.session.execute(select(Outcome.proposal_id, Outcome.ended_on)).all())
    active = [p for p in _assignments(f, (ProposalStatus.ACTIVE, ProposalStatus.ENDED))
              if p.id not in ended or monday(ended[p.id]) >= week]
    steps = steps_by_proposal([p.id for p in active])
    groups: dict[str, dict] = defaultdict(lambda: {"people": set(), "planned": 0, "mentors": set()})
    external = _("External")
    # The active mentors' names, capacities and employers: columns, not whole mentors (a
    # region has thousands, and their JSON columns are not needed here).
    mentors = {i: (name, cap, where or external) for i, name, cap, where in db.session.execute(
        select(Mentor.id, Mentor.name, Mentor.capacity_hours, Employer.name)
        .outerjoin(Employer, Employer.id == Mentor.employer_id)
        .where(Mentor.active.is_(True)))}

    def employer(m: Mentor) -> str:
        return m.employer.name if m.employer else external

    # Namesakes get their employer (and, if need be, their number): a walk found two mentors
    # called Pia Nielsen as one row with both capacities.
    everyone = {**mentors, **{p.mentor.id: (p.mentor.name, p.mentor.capacity_hours,
                                            employer(p.mentor)) for p in active}}
    names = Counter(name for name, _cap, _where in everyone.values())
    places = Counter((name, where) for name, _cap, where in everyone.values())

    def who(i: int) -> str:
        name, _cap, where = everyone[i]
        if names[name] == 1:
            return name
        return f"{name} ({where})" if places[(name, where)] == 1 else f"{name} ({where}, {i})"

    for p in active:
        m = p.mentor
        key = {
            "mentor": who(m.id),
            "employer": employer(m),
            "area": vocab.label(vocab.AREAS, p.placement.area),
        }[by]
        g = groups[key]
        hours = hours_in_week(p, steps[p.id], week)
        if hours:  # the week's people: those the planned-and-delivered table counts too
            g["people"].add(p.participant_id)
        g["planned"] += hours
        g["mentors"].add(m.id)
    if by != "area":  # mentors without participants still have capacity to show
        for i, (_name, _cap, where) in mentors.items():
            groups[who(i) if by == "mentor" else where]["mentors"].add(i)
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
        derived=(1, 2, 4),  # capacity is the mentors', not the participants'
    )
    if by == "area":
        t.columns = [first, _("Participants"), _("Planned hours")]
        t.unit, t.derived = "", ()
    for key in sorted(groups):
        g = groups[key]
        cap = sum(mentors[i][1] for i in g["mentors"] if i in mentors)
        row = [key, len(g["people"]), g["planned"]]
        if by != "area":
            row += [cap, _pct(g["planned"], cap)]
        t.add(row, g["people"])
    t.chart_rows = [(r[0], [r[-1]]) for r in t.rows]
    t.chart_of = list(range(len(t.rows)))
    if by == "mentor":  # an employer's mentors add up to its row in the employer table
        at = {who(i): where for i, (_name, _cap, where) in everyone.items()}
        by_employer: dict[str, list] = defaultdict(list)
        for key in sorted(groups):
            by_employer[at[key]].append((t.key, key))
        t.sums = [(parts, ("capacity_employer", e)) for e, parts in by_employer.items()]
    else:  # the rows add up to the week's row of planned and delivered hours
        t.sums = [(t.keys(), ("planned_delivered", week))]
    t.note = _("Week of %(d)s.", d=format_date(week))
    return t


def _waiting(f: Filters) -> Table:
    """Participants waiting now, and for how long."""
    q = _team(select(Participant.id, Participant.created_at)
              .where(Participant.status == "waiting"), f)
    today = date.today()
    days = {pid: (today - created.date()).days for pid, created in db.session.execute(q)}
    buckets = [
        (_("Under 4 weeks"), {p for p, d in days.items() if d < 28}),
        (_("4–12 weeks"), {p for p, d in days.items() if 28 <= d < 84}),
        (_("Over 12 weeks"), {p for p, d in days.items() if d >= 84}),
    ]
    t = Table(
        "waiting",
        _("Waiting participants and time waiting"),
        [_("Waiting"), _("Participants"), _("Median days waiting")],
    )
    for label, ids in buckets + [(_("All waiting"), set(days))]:
        ds = [days[p] for p in ids]
        t.add([label, len(ids), round(statistics.median(ds)) if ds else 0], ids)
    t.chart_rows = [(r[0], [r[1]]) for r in t.rows[:3]]
    t.chart_of = [0, 1, 2]
    t.sums = [(t.keys()[:3], t.keys()[3])]
    return t


def _unmatched(f: Filters) -> Table:
    """Why participants were left unmatched by the runs finished in the period."""
    runs = db.session.scalars(
        select(SolveRun).where(
            SolveRun.status == "done",
            # the period's days as the pages show times: Danish days (a walk)
            SolveRun.finished_at >= utc_day_bounds(f.start, f.end)[0],
            SolveRun.finished_at < utc_day_bounds(f.start, f.end)[1],
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
        t.add([reason_label(code), len(ids)], ids)  # one person can have several reasons
    t.chart_rows = [(r[0], [r[1]]) for r in t.rows]
    t.chart_of = list(range(len(t.rows)))
    return t


def _weeks(f: Filters) -> list[date]:
    """The period's weeks, the last MAX_WEEKS of them: a walk chose a year and got its first
    26 weeks, all 0, with the hours of the last months left out."""
    weeks, w = [], monday(f.start)
    while w <= f.end:
        weeks.append(w)
        w += timedelta(weeks=1)
    return weeks[-MAX_WEEKS:]


def _planned_delivered(f: Filters) -> Table:
    """Planned against delivered (logged: submitted or approved) hours per week."""
    props = _assignments(f, (ProposalStatus.ACTIVE, ProposalStatus.ENDED))
    steps = steps_by_proposal([p.id for p in props])
    ended = dict(db.session.execute(select(Outcome.proposal_id, Outcome.ended_on)).all())
    weeks = _weeks(f)
    away = away_in([p.id for p in props], weeks[0], weeks[-1] + timedelta(days=6)) if weeks else {}
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
    if weeks and weeks[0] > monday(f.start):
        t.note += " " + _("The last %(n)s weeks of the period.", n=len(weeks))
    for w in weeks:
        planned, people = 0, set()
        for p in props:
            if p.id in ended and w > monday(ended[p.id]) or w < assignment_start(p):
                continue
            h = hours_in_week(p, steps[p.id], w)
            if away[p.id]:  # the plan less the days the participant was away
                h = plan_while_here(p, steps[p.id], w, away[p.id])
            if h:
                planned += h
                people.add(p.participant_id)
        planned = round(planned, 1)
        delivered = sum(s.total for s in logged[w])
        people |= {s.participant_id for s in logged[w]}
        t.add([w, len(people), planned, round(delivered, 2)], people)  # a date: shown as one
        t.chart_rows.append((_("Week %(n)s", n=w.isocalendar()[1]), [planned, round(delivered, 1)]))
    t.chart_of, t.chart_zeros = list(range(len(t.rows))), True
    return t


def _continuity(f: Filters) -> Table:
    """Mentor changes per participant, over their assignments so far."""
    q = (
        select(Proposal.participant_id, Proposal.mentor_id)
        .join(Participant, Participant.id == Proposal.participant_id)
        .where(
            Proposal.status.in_((ProposalStatus.ACTIVE, ProposalStatus.ENDED)),
            Proposal.created_at < utc_day_bounds(f.start, f.end)[1],
        )
    )
    mentors: dict[int, set] = defaultdict(set)
    for pid, mid in db.session.execute(_team(q, f)):
        mentors[pid].add(mid)
    changes: dict[int, set] = defaultdict(set)
    for pid, ms in mentors.items():
        changes[min(len(ms) - 1, 2)].add(pid)
    t = Table(
        "continuity",
        _("Continuity: mentor changes per participant"),
        [_("Mentor changes"), _("Participants")],
    )
    for k, label in ((0, _("None (same mentor)")), (1, _("One")), (2, _("Two or more"))):
        t.add([label, len(changes[k])], changes[k])
    t.chart_rows = [(r[0], [r[1]]) for r in t.rows]
    t.chart_of = list(range(len(t.rows)))
    t.sums = [(t.keys(), None)]  # everyone with an assignment
    return t


def _outcomes(f: Filters) -> Table:
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
        t.add([str(label), len(people[code])], people[code])
    t.chart_rows = [(r[0], [r[1]]) for r in t.rows]
    t.chart_of = list(range(len(t.rows)))
    t.sums = [(t.keys(), None)]  # every assignment ended in the period
    return t


def _cover_status_labels() -> dict[str, str]:
    return {
        "filled": _("Filled"),
        "requested": _("Substitute asked, no answer yet"),
        "searching": _("Searching"),
        "unfilled": _("No substitute found"),
    }


def _cover(f: Filters) -> Table:
    """Substitute cover: requests, fill rate, time to fill, participants without cover now."""
    c = cover_period(f.start, f.end, date.today(), f.consultant_id)
    t = Table(
        "cover",
        _("Substitute cover"),
        [_("Figure"), _("Participants"), _("Value")],
        series=[_("Participants")],
    )
    rate = "–" if c["fill_rate"] is None else round(100 * c["fill_rate"])
    median = c["median_hours_to_fill"]
    need = _("Absences needing cover (per participant)")
    # A rate says how many were filled and how many not: 29 % of 7 is 2. It is about the
    # smaller of the two groups (a walk worked out the 2 from the rate beside a hidden row).
    filled, unfilled = c["filled_people"], c["need_people"] - c["filled_people"]
    rate_people = min(filled, unfilled, key=len) if filled and unfilled else c["need_people"]
    for label, people, value in (
        (_("Cover requests sent"), c["request_people"], c["requests"]),
        (need, c["need_people"], c["needs"]),
        (_("Fill rate (%)"), rate_people, rate),
        (_("Median time to fill (hours)"), c["filled_people"],
         "–" if median is None else round(median, 1)),
        (_("Participants without cover now"), c["uncovered_people"],
         len(c["uncovered_people"])),
    ):
        t.add([label, len(people), value], people)
    t.rows[2][1] = len(c["need_people"])  # the rate's participants: all who needed cover
    for status, label in _cover_status_labels().items():
        people = c["status_people"].get(status, set())
        t.chart_rows.append((label, [len(people)]))
        t.chart_people.append(people)
    # the chart's states divide the absences' participants among them
    t.sums = [([(f"{t.key}#chart", label) for label, _v in t.chart_rows], (t.key, need))]
    t.note = _(
        "Requests count when sent in the period; fill rate and time to fill count the "
        "absences that overlap the period; the chart shows their participants by state. "
        "“Without cover now” is about today."
    )
    return t


ALL = "all"  # the column of all teams together


def _seal(views: list[Table], whole: list[Table], team: int | None) -> None:
    """Hide in ``views`` (one team's tables, or all teams') every cell about 1–4 people and
    every cell from which one could be worked out, in this team's view or in any other's.

    ``whole`` holds the same tables for all teams, so each row's people can be counted per
    team: a row is a line (its teams add up to all teams), and so is each of ``sums`` in
    every team's column. One `protect` over them all makes every team's view hide the
    cells that the others' views rely on.
    """
    people: dict[Hashable, set[int]] = {}
    for t in whole:
        people.update(zip(t.keys(), t.people, strict=True))
        if t.chart_of is None:
            people.update(zip([(f"{t.key}#chart", label) for label, _v in t.chart_rows],
                              t.chart_people, strict=True))
    team_of = dict(db.session.execute(select(Participant.id, Participant.consultant_id)).all())
    # Cells about nobody are left out: a 0 is never hidden and never gives anything away,
    # and most of a region's (row, team) cells are 0.
    counts, lines, teams_of = {}, [], {}
    for key, ps in people.items():
        by_team = Counter(team_of.get(p) for p in ps)
        teams_of[key] = [*by_team, ALL] if ps else []
        counts.update({(key, c): n for c, n in by_team.items()})
        counts[(key, ALL)] = len(ps)
        lines.append([(key, c) for c in teams_of[key]])
    for t in whole:
        for parts, total in t.sums:
            down: dict = defaultdict(list)  # each team's column of the sum, and all teams'
            for k in [*parts, total]:
                for c in teams_of.get(k, ()):
                    down[c].append((k, c))
            lines += down.values()
    hidden = protect(counts, lines)
    view = ALL if team is None else team

    def hides(key: Hashable, n: int) -> bool:
        return (key, view) in hidden or is_suppressed(n)

    mark = _("hidden")  # one mark for all: which are small must not show
    for t in views:
        cols = t.derived or range(1, len(t.columns))
        hide = [hides(k, len(ps)) for k, ps in zip(t.keys(), t.people, strict=True)]
        for row, h in zip(t.rows, hide, strict=True):
            if h:
                row[:] = [mark if j in cols else v for j, v in enumerate(row)]
        if t.chart_of is None:
            chart_hide = [hides((f"{t.key}#chart", label), len(ps))
                          for (label, _v), ps in zip(t.chart_rows, t.chart_people, strict=True)]
        else:
            chart_hide = [hide[i] for i in t.chart_of]
        t.chart_rows = [(label, [mark] * len(vs) if h else vs)
                        for (label, vs), h in zip(t.chart_rows, chart_hide, strict=True)]


def _tables(f: Filters, builders: list[tuple[Callable[..., Table], tuple]]) -> list[Table]:
    views = [build(f, *args) for build, args in builders]
    whole = views
    if f.consultant_id:
        everyone = replace(f, consultant_id=None)
        whole = [build(everyone, *args) for build, args in builders]
    _seal(views, whole, f.consultant_id)
    return views


def capacity(f: Filters, by: str) -> Table:
    return _tables(f, [(_capacity, (by,))])[0]


def waiting(f: Filters) -> Table:
    return _tables(f, [(_waiting, ())])[0]


def unmatched(f: Filters) -> Table:
    return _tables(f, [(_unmatched, ())])[0]


def planned_delivered(f: Filters) -> Table:
    return _tables(f, [(_planned_delivered, ())])[0]


def continuity(f: Filters) -> Table:
    return _tables(f, [(_continuity, ())])[0]


def outcomes(f: Filters) -> Table:
    return _tables(f, [(_outcomes, ())])[0]


def cover(f: Filters) -> Table:
    return _tables(f, [(_cover, ())])[0]


def all_tables(f: Filters) -> list[Table]:
    """Every figure, sealed together: what one table hides, no other table gives away."""
    return _tables(f, [
        (_capacity, ("mentor",)),
        (_capacity, ("employer",)),
        (_capacity, ("area",)),
        (_waiting, ()),
        (_unmatched, ()),
        (_planned_delivered, ()),
        (_cover, ()),
        (_continuity, ()),
        (_outcomes, ()),
    ])
