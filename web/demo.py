"""A realistic demo municipality, built from the figures in the seed documents (domain.md).

About 60 participants, 20 employers, 40 placements and 35 mentors around Aarhus;
support hours 2–20 with most at 6–8 a week; most mentors are colleagues at the
workplace, some are external support persons; some venues are drug-free. The second
consultant's caseload has a few assignments already (:func:`_assignments`), begun six
weeks ago with their hours logged and mostly approved (:func:`_history`).
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from web.extensions import db
from web.geo import haversine_km, towns
from web.models import (
    CaseEvent,
    Employer,
    Mentor,
    MentorWage,
    Participant,
    Placement,
    Proposal,
    ProposalStatus,
    Timesheet,
    TimesheetLine,
    User,
)
from web.models.hours import TASKS

DEMO_PASSWORD = "demo"
DEMO_USERS = [
    ("consultant@demo.dk", "Camilla Jensen", "consultant"),
    ("consultant2@demo.dk", "Jonas Holm", "consultant"),
    ("employer@demo.dk", "Erik Madsen", "employer"),
    ("mentor@demo.dk", "Mette Larsen", "mentor"),
    ("admin@demo.dk", "Anne Berg", "admin"),
]
CENTRE = (56.1567, 10.2108)  # Aarhus
EMPLOYER_NAMES = [
    "Café Kornet", "Genbrugshallen", "Grøn Have ApS", "Byens Køkken", "Lagerhuset Nord",
    "Rengøringsteamet", "Cykelværkstedet", "Fællesspisningen", "Butik Mere", "Byggemand Hansen",
    "Plejecenter Solbakken", "Kontorfællesskabet", "Transport & Flyt", "Produktionshuset",
    "Kantinen på Havnen", "Gårdbutikken", "Det Gode Bageri", "Sociale Værksted", "Havnens Lager",
    "Møbelgenbrug",
]
AREAS = ["kitchen", "cafe", "retail", "cleaning", "warehouse", "gardening", "construction",
         "care", "office", "transport", "production", "recycling"]
FIRST = ["Ahmed", "Birgitte", "Carsten", "Dorthe", "Ebbe", "Fatima", "Gitte", "Hans", "Ida",
         "Jens", "Karin", "Lars", "Maja", "Niels", "Ole", "Pia", "Rasmus", "Sofie", "Torben",
         "Ulla", "Vibeke", "Yusuf", "Aase", "Bo", "Lene"]
LAST = ["Nielsen", "Hansen", "Pedersen", "Andersen", "Christensen", "Larsen", "Sørensen",
        "Rasmussen", "Jørgensen", "Petersen", "Madsen", "Kristensen", "Olsen", "Thomsen"]
ALL_DAYS = ["mon", "tue", "wed", "thu", "fri"]
AREA_NAMES_DA = {"kitchen": "Køkken", "cafe": "Café", "retail": "Butik", "cleaning": "Rengøring",
                 "warehouse": "Lager", "gardening": "Have og park", "construction": "Byggeri",
                 "care": "Pleje og omsorg", "office": "Kontor", "transport": "Transport",
                 "production": "Produktion", "recycling": "Genbrug"}


def _near_towns():
    return [t for t in towns().values() if haversine_km(*CENTRE, t.lat, t.lon) <= 35]


def _days(rng: random.Random, low: int, high: int) -> list[str]:
    chosen = set(rng.sample(ALL_DAYS, rng.randint(low, high)))
    return [d for d in ALL_DAYS if d in chosen]


def _hours(rng: random.Random) -> tuple[int, int]:
    """Mostly 6–8 hours a week, from 2 up to 20 (000:l.4048–4054)."""
    centre = min(20, max(2, round(rng.gauss(7, 3))))
    low = max(2, centre - rng.choice([0, 1, 2, 2, 3]))
    return low, min(20, max(low, centre + rng.choice([0, 1, 2])))


def load_demo(seed: int = 2026) -> dict[str, int]:
    """Create the demo users and municipality; returns counts. Expects an empty database."""
    rng = random.Random(seed)
    near = _near_towns()
    users = {}
    for email, name, role in DEMO_USERS:
        u = User(email=email, name=name, role=role)
        u.set_password(DEMO_PASSWORD)
        db.session.add(u)
        users[email] = u

    employers = []
    for name in EMPLOYER_NAMES:
        e = Employer(name=name, town=rng.choice(near).label)
        db.session.add(e)
        employers.append(e)
    users["employer@demo.dk"].employer = employers[0]
    employers[0].cvr = "10000009"  # passes the modulus-11 check (weights 2,7,6,5,4,3,2,1)
    db.session.flush()

    placements = []
    for i in range(40):
        e = employers[i % len(employers)]
        t = next(t for t in near if t.label == e.town)
        area = AREAS[(i * 7 + rng.randrange(3)) % len(AREAS)]
        drug_free = rng.random() < 0.25
        placements.append(Placement(
            employer_id=e.id, title=f"{e.name}: {AREA_NAMES_DA[area].lower()}", area=area,
            slots=rng.choice([1, 1, 2, 2, 3, 4]), days=_days(rng, 3, 5),
            requirements=["abstinent"] if drug_free else [],
            accommodations=rng.choice(["", "Rolig start kl. 9", "Fast makker første uge",
                                       "Pauser efter behov"]),
            town=t.label, lat=t.lat + rng.uniform(-.01, .01), lon=t.lon + rng.uniform(-.01, .01),
        ))
    db.session.add_all(placements)

    for i in range(35):
        # The demo mentor login is an external support person.
        external = i == 0 or rng.random() < 0.3
        e = None if external else employers[i % len(employers)]
        t = rng.choice(near) if external else next(t for t in near if t.label == e.town)
        skills = rng.sample(["addiction", "psychiatry", "homelessness", "trauma", "structure"],
                            rng.randint(1, 3))
        if rng.random() < 0.15:
            skills.append(rng.choice(["lang:ar", "lang:so", "lang:kl", "lang:en"]))
        if i == 0:
            skills = ["addiction", "psychiatry", "homelessness", "structure"]
        m = Mentor(
            name=f"{rng.choice(FIRST)} {rng.choice(LAST)}" if i else "Mette Larsen",
            employer_id=e.id if e else None, skills=skills, days=_days(rng, 2, 5),
            capacity_hours=(rng.choice([8, 10, 12, 15, 20]) if external
                            else rng.choice([4, 6, 8, 10])),
            max_participants=rng.choice([2, 3, 4]) if external else rng.choice([1, 2]),
            town=t.label, lat=t.lat, lon=t.lon,
            max_travel_km=rng.choice([15, 20, 30]) if external else 0,
        )
        if i == 0:
            m.user = users["mentor@demo.dk"]
            m.capacity_hours, m.max_participants, m.max_travel_km = 24, 4, 40
            m.days = ALL_DAYS
        db.session.add(m)

    for i in range(60):
        t = rng.choice(near)
        lo, hi = _hours(rng)
        needs = rng.sample(["addiction", "psychiatry", "homelessness", "structure", "trauma"],
                           rng.choice([0, 1, 1, 2]))
        if rng.random() < 0.06:
            needs.append(rng.choice(["lang:ar", "lang:so", "lang:kl"]))
        owner = users["consultant@demo.dk"] if i < 40 else users["consultant2@demo.dk"]
        db.session.add(Participant(
            code=f"AAR-{1001 + i}", consultant=owner, hours_min=lo, hours_max=hi,
            priority=rng.choices([1, 2, 3, 4, 5], weights=[35, 25, 20, 12, 8])[0],
            days=_days(rng, 2, 5), areas=rng.sample(AREAS, rng.choice([0, 1, 2, 2, 3])),
            needs=needs, attributes=["abstinent"] if rng.random() < 0.4 else [],
            town=t.label, lat=t.lat, lon=t.lon, max_travel_km=rng.choice([5, 10, 15, 20, 25, 30]),
        ))
    db.session.commit()
    active = _assignments(users, employers[0])
    weeks = _history(rng, users["consultant2@demo.dk"], date.today())
    return {"users": len(DEMO_USERS), "employers": 20, "placements": 40, "mentors": 35,
            "participants": 60, "active assignments": active, "weeks of hours": weeks}


def _assignments(users: dict[str, User], company: Employer, count: int = 8) -> int:
    """Some of the second consultant's participants already have an assignment, so the
    mentor's, the employer's, the hours and the overview pages have something to show.

    They are the matcher's own proposals for that caseload (so every rule holds, and later
    runs keep them as confirmed matches), approved by the consultant and confirmed by the
    mentor (by the consultant for a mentor without a login): first those of the demo
    mentor login and at the demo employer login's company, then the best of the rest. One
    of the demo mentor's stays approved, waiting for her answer. Returns how many are
    active."""
    import matcher
    from web.runs import service
    from workers.jobs import claim_run, store_result
    from workers.problem import build_problem

    consultant = users["consultant2@demo.dk"]
    demo_mentor = users["mentor@demo.dk"]
    run = service.create_run(consultant, [p.id for p in db.session.scalars(
        db.select(Participant).where(Participant.consultant_id == consultant.id))],
        time_limit=5)
    result = matcher.solve_dict(build_problem(run), time_limit=5, num_workers=1)
    store_result(run, result, claim_run(run.id))
    db.session.refresh(run)

    login = users["employer@demo.dk"]

    def colleague_at(prop: Proposal, employer_id: int) -> bool:
        return prop.placement.employer_id == prop.mentor.employer_id == employer_id

    if not any(colleague_at(prop, company.id) for prop in run.proposals):
        # The demo employer login belongs to a company with an assignment whose mentor is a
        # colleague there, so its reimbursement claim has hours to show.
        top = max((prop for prop in run.proposals
                   if colleague_at(prop, prop.placement.employer_id)),
                  key=lambda prop: prop.score, default=None)
        if top is not None:
            cvr, company.cvr = company.cvr, None
            db.session.flush()  # the number is unique: off the old company first
            company = login.employer = top.placement.employer
            company.cvr = cvr

    def first(prop: Proposal) -> tuple:
        return (prop.mentor.user_id != demo_mentor.id,
                not colleague_at(prop, company.id), -prop.score)

    chosen = sorted(run.proposals, key=first)[:count]
    waiting = next((prop for prop in chosen if prop.mentor.user_id == demo_mentor.id), None)
    for prop in chosen:
        service.approve(prop, consultant)
    db.session.commit()
    active = 0
    for prop in chosen:
        if prop is waiting:
            continue
        service.confirm(prop, prop.mentor.user or consultant)
        db.session.commit()
        active += 1
    return active


HISTORY_WEEKS = 6
WAGES_ORE = (26_500, 28_000, 29_500, 31_000)  # a colleague's hourly wage cost, 265-310 kr


def _history(rng: random.Random, consultant: User, today: date) -> int:
    """The active assignments began HISTORY_WEEKS weeks ago, so the hours, approval,
    reimbursement and dashboard pages have something to show: each week's hours are near
    the planned ones, spread over the tasks in quarter hours; the consultant approved all
    but last week's, which waits for approval; each colleague-mentor has a wage cost.
    Returns how many weeks of hours (one participant each) were logged."""
    this_monday = today - timedelta(days=today.weekday())
    start = this_monday - timedelta(weeks=HISTORY_WEEKS)
    began = datetime.combine(start, time(9))
    active = db.session.scalars(db.select(Proposal).where(
        Proposal.status == ProposalStatus.ACTIVE).order_by(Proposal.id)).all()
    sheets = 0
    for prop in active:
        # Requested, proposed, approved and confirmed then, not today, minutes apart in the
        # order they happened (at one time, the case history showed them in any order).
        events = db.session.scalars(db.select(CaseEvent).where(
            CaseEvent.participant_id == prop.participant_id).order_by(CaseEvent.id)).all()
        for i, event in enumerate(events):
            event.created_at = began + timedelta(minutes=10 * i)
        prop.created_at = began + timedelta(minutes=5)  # after the request
        prop.decided_at = began + timedelta(minutes=10 * max(0, len(events) - 1))
        for n in range(HISTORY_WEEKS):
            week = start + timedelta(weeks=n)
            quarters = min(80, max(8, 4 * prop.hours + rng.choice([-6, -4, 0, 0, 0, 2])))
            split = dict.fromkeys(TASKS, 0)
            for _ in range(quarters):
                split[rng.choices(TASKS, weights=[2, 5, 2, 1, 3])[0]] += 1
            last = n == HISTORY_WEEKS - 1
            db.session.add(Timesheet(
                proposal_id=prop.id, mentor_id=prop.mentor_id,
                participant_id=prop.participant_id, week_start=week,
                status="submitted" if last else "approved",
                submitted_at=datetime.combine(week + timedelta(days=4), time(15)),
                decided_by_id=None if last else consultant.id,
                decided_at=None if last else datetime.combine(week + timedelta(days=7), time(10)),
                lines=[TimesheetLine(task=t, hours=q / 4) for t, q in split.items() if q]))
            sheets += 1
    for mentor_id in sorted({p.mentor_id for p in active if p.mentor.employer_id is not None}):
        db.session.add(MentorWage(mentor_id=mentor_id, hourly_cost_ore=rng.choice(WAGES_ORE)))
    db.session.commit()
    return sheets
