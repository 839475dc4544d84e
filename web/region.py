"""A region-scale data set: `flask --app web demo region` (10,000 participants by default).

The same realism as web/demo.py, at the size of a Danish region: towns from the bundled
GeoNames file within reach of the centre, one job centre per kommune with consultants of
about 50 participants each (the first consultant carries one large caseload for region-wide
solve runs), support hours mostly 6–8 within 2–20, colleague-mentors at their employer's
town and external support persons who travel, a quarter of the venues drug-free, and a share
of participants already in an active assignment that respects slots and mentor capacity.

Everything is written with bulk inserts in one transaction, so 10,000 participants, 3,000
placements and 4,000 mentors load in seconds on PostgreSQL and SQLite (docs/loadtest.md).
"""

from __future__ import annotations

import random
import time
from collections import defaultdict

import click
from flask.cli import with_appcontext
from sqlalchemy import func, insert, select, text
from werkzeug.security import generate_password_hash

from web.demo import AREAS, EMPLOYER_NAMES, FIRST, LAST, _days, _hours
from web.extensions import db
from web.geo import fold, haversine_km, towns
from web.models import Employer, Mentor, Participant, Placement, Proposal, User, utcnow

REGION_PASSWORD = "demo"
REGION_CENTRE = (56.17, 9.55)  # Silkeborg: the middle of Region Midtjylland
REGION_RADIUS_KM = 80
CASELOAD = 50  # participants per consultant, as in the seed documents
SKILLS = ["addiction", "psychiatry", "homelessness", "trauma", "structure"]
LANGS = ["lang:ar", "lang:so", "lang:kl", "lang:en"]
ACCOMMODATIONS = ["", "Rolig start kl. 9", "Fast makker første uge", "Pauser efter behov"]


def region_towns(centre=REGION_CENTRE, radius_km: float = REGION_RADIUS_KM):
    return [t for t in towns().values() if haversine_km(*centre, t.lat, t.lon) <= radius_km]


def _jitter(rng: random.Random, town, spread: float = 0.01) -> tuple[float, float]:
    return town.lat + rng.uniform(-spread, spread), town.lon + rng.uniform(-spread, spread)


def _insert(model, rows: list[dict]) -> list[int]:
    """Bulk insert with ids chosen here (the next free ones); returns them in row order.

    Choosing the ids avoids RETURNING, which SQLAlchemy splices batch by batch at a cost
    that grows with the square of the row count; _fix_sequences() tells PostgreSQL after.
    """
    if not rows:
        return []
    start = (db.session.scalar(select(func.max(model.id))) or 0) + 1
    ids = list(range(start, start + len(rows)))
    for i, row in zip(ids, rows, strict=True):
        row["id"] = i
    db.session.execute(insert(model), rows)
    return ids


def _fix_sequences(models) -> None:
    """PostgreSQL's id sequences must continue after the ids the loader chose."""
    if db.engine.dialect.name != "postgresql":
        return  # SQLite takes max(rowid) + 1 by itself
    for model in models:
        table = model.__table__.name
        db.session.execute(text(
            f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
            f"(SELECT max(id) FROM \"{table}\"))"))


def load_region(participants: int = 10_000, placements: int = 3_000, mentors: int = 4_000,
                seed: int = 2026, large_caseload: int = 500, active_share: float = 0.15,
                mentor_logins: int = 400, employer_logins: int = 200) -> dict[str, int]:
    """Create a region's users, employers, placements, mentors and participants in one transaction.

    Expects an empty database; returns counts. Every login's password is ``demo``; the
    password hash is computed once and shared, so loading stays fast.
    """
    rng = random.Random(seed)
    region = region_towns()
    by_kommune: dict[str, list] = defaultdict(list)
    for t in region:
        by_kommune[t.kommune].append(t)
    kommuner = sorted(by_kommune)
    pw = generate_password_hash(REGION_PASSWORD)
    now = utcnow()

    # Employers: about three placements each, in the region's towns.
    n_employers = max(1, placements // 3)
    employer_towns = [rng.choice(region) for _ in range(n_employers)]
    employer_ids = _insert(Employer, [
        {"name": f"{EMPLOYER_NAMES[i % len(EMPLOYER_NAMES)]} {employer_towns[i].name}"
                 + (f" {i // len(EMPLOYER_NAMES) + 1}" if i >= len(EMPLOYER_NAMES) else ""),
         "town": employer_towns[i].label, "created_at": now}
        for i in range(n_employers)
    ])

    # Logins: one admin, consultants per kommune, some employers and some mentors.
    rest = max(0, participants - large_caseload)
    n_consultants = 1 + max(1, -(-rest // CASELOAD))
    consultant_kommune = [kommuner[i % len(kommuner)] for i in range(n_consultants)]
    user_rows = [{"email": "admin@region.dk", "name": "Anne Berg", "role": "admin",
                  "password_hash": pw, "created_at": now}]
    user_rows += [{"email": f"consultant{i + 1}@region.dk", "name": _name(rng),
                   "role": "consultant",
                   "password_hash": pw, "created_at": now} for i in range(n_consultants)]
    n_emp_logins = min(employer_logins, max(1, n_employers // 5))
    user_rows += [{"email": f"employer{i + 1}@region.dk", "name": _name(rng), "role": "employer",
                   "employer_id": employer_ids[i], "password_hash": pw, "created_at": now}
                  for i in range(n_emp_logins)]
    n_mentor_logins = min(mentor_logins, max(1, mentors // 10))
    user_rows += [{"email": f"mentor{i + 1}@region.dk", "name": _name(rng), "role": "mentor",
                   "password_hash": pw, "created_at": now} for i in range(n_mentor_logins)]
    user_ids = _insert(User, user_rows)
    consultant_ids = user_ids[1:1 + n_consultants]
    mentor_user_ids = user_ids[1 + n_consultants + n_emp_logins:]

    # Placements: employer i offers placements i, i + n, i + 2n, ... in its own town.
    placement_rows = []
    for i in range(placements):
        e = i % n_employers
        drug_free = rng.random() < 0.25
        area = AREAS[(i * 7 + rng.randrange(3)) % len(AREAS)]
        lat, lon = _jitter(rng, employer_towns[e])
        placement_rows.append({
            "employer_id": employer_ids[e], "title": f"{area.capitalize()} {i + 1}", "area": area,
            "slots": rng.choice([1, 1, 2, 2, 3, 4]), "days": _days(rng, 3, 5),
            "requirements": ["abstinent"] if drug_free else [],
            "accommodations": rng.choice(ACCOMMODATIONS), "town": employer_towns[e].label,
            "lat": lat, "lon": lon, "status": "open", "created_at": now,
        })
    placement_ids = _insert(Placement, placement_rows)

    # Mentors: about 70 % colleagues at an employer, the rest external support persons;
    # the first ones have logins (their inbox shows their proposals and assignments).
    mentor_rows = []
    for i in range(mentors):
        external = rng.random() < 0.3
        e = None if external else rng.randrange(n_employers)
        town = rng.choice(region) if external else employer_towns[e]
        skills = rng.sample(SKILLS, rng.randint(1, 3))
        if rng.random() < 0.15:
            skills.append(rng.choice(LANGS))
        mentor_rows.append({
            "user_id": mentor_user_ids[i] if i < n_mentor_logins else None,
            "employer_id": employer_ids[e] if e is not None else None, "name": _name(rng),
            "skills": skills, "days": _days(rng, 2, 5),
            "capacity_hours": (rng.choice([8, 10, 12, 15, 20]) if external
                               else rng.choice([4, 6, 8, 10])),
            "max_participants": rng.choice([2, 3, 4]) if external else rng.choice([1, 2]),
            "town": town.label, "lat": town.lat, "lon": town.lon,
            "max_travel_km": rng.choice([15, 20, 30]) if external else 0.0,
            "active": True, "created_at": now,
        })
    mentor_ids = _insert(Mentor, mentor_rows)

    # Participants: the first consultant's large caseload, then about 50 per consultant,
    # each living in a town of their consultant's kommune.
    participant_rows = []
    owner_of = [0] * min(large_caseload, participants)
    owner_of += [1 + (j // CASELOAD) for j in range(participants - len(owner_of))]
    for i in range(participants):
        c = owner_of[i]
        town = rng.choice(by_kommune[consultant_kommune[c]])
        lo, hi = _hours(rng)
        needs = rng.sample(SKILLS, rng.choice([0, 1, 1, 2]))
        if rng.random() < 0.06:
            needs.append(rng.choice(LANGS[:3]))
        lat, lon = _jitter(rng, town, 0.005)
        participant_rows.append({
            "code": f"{_prefix(town.kommune)}-{100001 + i}", "consultant_id": consultant_ids[c],
            "hours_min": lo, "hours_max": hi,
            "priority": rng.choices([1, 2, 3, 4, 5], weights=[35, 25, 20, 12, 8])[0],
            "days": _days(rng, 2, 5), "areas": rng.sample(AREAS, rng.choice([0, 1, 2, 2, 3])),
            "needs": needs, "attributes": ["abstinent"] if rng.random() < 0.4 else [],
            "town": town.label, "lat": lat, "lon": lon,
            "max_travel_km": rng.choice([5, 10, 15, 20, 25, 30]), "status": "waiting",
            "created_at": now, "updated_at": now,
        })
    participant_ids = _insert(Participant, participant_rows)

    active = _active_assignments(rng, participant_rows, participant_ids, placement_rows,
                                 placement_ids, mentor_rows, mentor_ids, active_share, now)
    if active:
        db.session.execute(insert(Proposal), active)
        ids = [a["participant_id"] for a in active]
        for start in range(0, len(ids), 900):  # SQLite's bound-parameter limit
            db.session.execute(Participant.__table__.update()
                               .where(Participant.id.in_(ids[start:start + 900]))
                               .values(status="active"))
    _fix_sequences([User, Employer, Placement, Mentor, Participant])
    db.session.commit()
    return {"users": len(user_ids), "consultants": n_consultants, "employers": n_employers,
            "placements": placements, "mentors": mentors, "participants": participants,
            "active assignments": len(active)}


def _active_assignments(rng, p_rows, p_ids, l_rows, l_ids, m_rows, m_ids, share, now) -> list[dict]:
    """Greedy assignments that respect slots, mentor hours and mentor head count."""
    slots = [row["slots"] for row in l_rows]
    hours = [row["capacity_hours"] for row in m_rows]
    heads = [row["max_participants"] for row in m_rows]
    colleagues: dict[int, list[int]] = defaultdict(list)
    for j, row in enumerate(m_rows):
        if row["employer_id"] is not None:
            colleagues[row["employer_id"]].append(j)
    by_town: dict[str, list[int]] = defaultdict(list)
    for k, row in enumerate(l_rows):
        by_town[row["town"]].append(k)
    out = []
    for i, p in enumerate(p_rows):
        if rng.random() >= share or not by_town.get(p["town"]):
            continue
        k = rng.choice(by_town[p["town"]])
        if slots[k] < 1:
            continue
        h = p["hours_min"]
        fit = [j for j in colleagues[l_rows[k]["employer_id"]] if hours[j] >= h and heads[j] >= 1]
        if not fit:
            continue
        j = fit[0]
        slots[k] -= 1
        hours[j] -= h
        heads[j] -= 1
        out.append({"run_id": None, "participant_id": p_ids[i], "placement_id": l_ids[k],
                    "mentor_id": m_ids[j], "hours": h, "score": 0.0, "reasons": [],
                    "status": "active", "decided_at": now, "created_at": now})
    return out


def _name(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


def _prefix(kommune: str) -> str:
    letters = [c for c in fold(kommune).upper() if c.isalpha()]
    return "".join(letters[:3]) or "REG"


@click.command("region")
@click.option("--participants", default=10_000, show_default=True)
@click.option("--placements", default=3_000, show_default=True)
@click.option("--mentors", default=4_000, show_default=True)
@click.option("--large-caseload", default=500, show_default=True,
              help="Participants of consultant1@region.dk, for region-wide solve runs.")
@click.option("--seed", default=2026, show_default=True)
@click.option("--if-empty", is_flag=True, help="Do nothing when the database has users.")
@with_appcontext
def region_command(participants: int, placements: int, mentors: int, large_caseload: int,
                   seed: int, if_empty: bool) -> None:
    """Load a region-scale data set (bulk inserts, one transaction) and print the time taken."""
    if min(participants, placements, mentors) < 1 or large_caseload < 0:
        raise click.BadParameter("the counts must be positive")
    if db.session.scalar(select(func.count()).select_from(User)):
        if if_empty:
            click.echo("Database has data; region not loaded.")
            return
        raise click.ClickException("the database is not empty; region data goes into an empty one")
    started = time.perf_counter()
    counts = load_region(participants, placements, mentors, seed=seed,
                         large_caseload=large_caseload)
    seconds = time.perf_counter() - started
    click.echo(f"Loaded region data in {seconds:.1f} s: "
               + ", ".join(f"{v} {k}" for k, v in counts.items()))
    click.echo(f"  logins: admin@region.dk, consultant1@region.dk (large caseload) … "
               f"consultant{counts['consultants']}@region.dk, employer1@region.dk, "
               f"mentor1@region.dk; password: {REGION_PASSWORD}")

