"""Cover solve time for one absent mentor with 10 participants, on a database-sized problem.

    .venv/bin/python bench/cover_bench.py [--reps 20] [--seed 7] [--workers 2]

Builds a migrated SQLite database in a temporary folder with a municipality-sized caseload
(default: 60 employers with 2 placements each, 3 colleague-mentors per employer, 80 external
support persons, ~600 participants in active assignments around Aarhus), makes one colleague-
mentor with 10 participants absent, and times, median of ``reps`` runs:

- build: ``workers.cover_problem.build_cover_problem`` (database -> section-5 dict),
- solve: ``matcher.cover_dict`` (time limit 5 s, ``--workers`` CP-SAT workers),
- job:   the whole ``run_cover`` job body (build, solve, store), rolled back after each run;

then, with every substitute confirmed, the committed ``run_cover`` job for the absence and for
an extension of it by a week (the substitutes asked to go on first, then the rest).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

AREAS = ["kitchen", "cafe", "retail", "cleaning", "warehouse", "gardening", "production"]
SKILLS = ["addiction", "psychiatry", "homelessness", "trauma", "structure"]
DAYS = ["mon", "tue", "wed", "thu", "fri"]
AARHUS = (56.157, 10.211)


def _near(rng: random.Random, km: float) -> dict:
    return {
        "lat": AARHUS[0] + rng.uniform(-km, km) / 111.0,
        "lon": AARHUS[1] + rng.uniform(-km, km) / 62.0,
    }


def _days(rng: random.Random, k: int) -> list[str]:
    return sorted(rng.sample(DAYS, k), key=DAYS.index)


def populate(db, rng: random.Random, employers: int, externals: int):
    """Fill the database; return the absent-to-be mentor."""
    from werkzeug.security import generate_password_hash

    from web.models import Employer, Mentor, Participant, Placement, Proposal, User

    pw = generate_password_hash("x", method="pbkdf2:sha256:1")
    consultant = User(email="c@bench", name="C", role="consultant", password_hash=pw)
    db.session.add(consultant)
    placements, mentors = [], []
    for e in range(employers):
        emp = Employer(name=f"E{e}")
        db.session.add(emp)
        db.session.flush()
        for _ in range(2):
            pl = Placement(
                employer_id=emp.id,
                title="P",
                area=rng.choice(AREAS),
                slots=rng.randint(4, 12),
                days=_days(rng, rng.randint(3, 5)),
                requirements=[],
                town="Aarhus",
                **_near(rng, 25),
            )
            placements.append(pl)
        for _ in range(3):
            mentors.append(
                Mentor(
                    employer_id=emp.id,
                    name="M",
                    skills=rng.sample(SKILLS, 2),
                    days=_days(rng, rng.randint(3, 5)),
                    capacity_hours=rng.choice([12, 20, 30]),
                    max_participants=rng.randint(2, 5),
                    town="Aarhus",
                    max_travel_km=0.0,
                    **_near(rng, 25),
                )
            )
    for _ in range(externals):
        mentors.append(
            Mentor(
                employer_id=None,
                name="X",
                skills=rng.sample(SKILLS, 3),
                days=_days(rng, rng.randint(3, 5)),
                capacity_hours=rng.choice([20, 30, 37]),
                max_participants=rng.randint(4, 8),
                town="Aarhus",
                max_travel_km=rng.choice([10.0, 20.0, 30.0]),
                **_near(rng, 25),
            )
        )
    db.session.add_all(placements + mentors)
    db.session.flush()
    absent = next(m for m in mentors if m.employer_id is not None)
    absent.capacity_hours, absent.max_participants, absent.days = 60, 10, DAYS
    others = [m for m in mentors if m is not absent]
    load: dict[int, tuple[int, int]] = {}
    n = 0
    for i in range(700):
        mentor = absent if i < 10 else rng.choice(others)
        pl = rng.choice(
            [p for p in placements if p.employer_id == mentor.employer_id]
            if mentor.employer_id
            else placements
        )
        hours = rng.randint(4, 8)
        h, c = load.get(mentor.id, (0, 0))
        if mentor is not absent and (
            h + hours > mentor.capacity_hours or c >= mentor.max_participants
        ):
            continue
        load[mentor.id] = (h + hours, c + 1)
        p = Participant(
            code=f"B-{i}",
            consultant_id=consultant.id,
            hours_min=4,
            hours_max=8,
            priority=rng.randint(1, 5),
            days=_days(rng, 3),
            areas=[pl.area],
            needs=rng.sample(mentor.skills, rng.randint(0, 1)),
            attributes=[],
            town="Aarhus",
            max_travel_km=30.0,
            status="active",
            **_near(rng, 25),
        )
        db.session.add(p)
        db.session.flush()
        db.session.add(
            Proposal(
                participant_id=p.id,
                placement_id=pl.id,
                mentor_id=mentor.id,
                hours=hours,
                status="active",
            )
        )
        n += 1
    db.session.commit()
    return absent, n, len(mentors), len(placements)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=20)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--employers", type=int, default=60)
    ap.add_argument("--externals", type=int, default=80)
    args = ap.parse_args(argv)

    from flask_migrate import upgrade

    import matcher
    from web import create_app
    from web.cover import service
    from web.extensions import db
    from web.models import User
    from workers.cover_jobs import store_cover
    from workers.cover_problem import build_cover_problem, searching_needs

    tmp = Path(tempfile.mkdtemp(prefix="cover-bench-"))
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 'bench.db'}",
            "SECRET_KEY": "bench",
            "TESTING": True,
        }
    )
    with app.app_context():
        upgrade()
        absent, n_assign, n_mentors, n_placements = populate(
            db, random.Random(args.seed), args.employers, args.externals
        )
        by = db.session.scalar(db.select(User))
        absence = service.report_absence(absent, date(2027, 3, 1), date(2027, 3, 14), "sick", by)
        db.session.commit()
        assert len(absence.needs) == 10, len(absence.needs)
        build, solve, job, covered = [], [], [], []
        for _ in range(args.reps):
            t0 = time.perf_counter()
            problem = build_cover_problem(absence)
            t1 = time.perf_counter()
            result = matcher.cover_dict(problem, time_limit=5.0, num_workers=args.workers)
            t2 = time.perf_counter()
            store_cover(absence, searching_needs(absence), result)
            db.session.flush()
            t3 = time.perf_counter()
            db.session.rollback()
            build.append(t1 - t0), solve.append(t2 - t1), job.append(t3 - t0)
            covered.append(len(result["matches"]))
        med = statistics.median
        print(
            f"database: {n_assign} active assignments, {n_mentors} mentors, "
            f"{n_placements} placements; cover file: {len(problem['mentors'])} mentors"
        )
        print(
            f"status {result['status']}, covered {med(covered):.0f}/10, reps {args.reps}, "
            f"workers {args.workers}"
        )
        print(f"build  median {1000 * med(build):7.1f} ms   max {1000 * max(build):7.1f} ms")
        print(f"solve  median {1000 * med(solve):7.1f} ms   max {1000 * max(solve):7.1f} ms")
        print(f"job    median {1000 * med(job):7.1f} ms   max {1000 * max(job):7.1f} ms")

        # The absence extended by a week once every substitute has confirmed: the whole
        # committed job (run_cover) for the first absence and for the extension, whose
        # substitutes are asked to go on first (a second, small solve).
        first = _timed_jobs(db, absence, args.reps)
        for need in absence.needs:
            service.confirm_cover(need.requests[-1], by)
        ext = service.extend_absence(absence, date(2027, 3, 21), by, today=date(2027, 3, 14))
        db.session.commit()
        extension = _timed_jobs(db, ext, args.reps)
        going_on = sum(n.requests[-1].substitute_id == p.confirmed.substitute_id
                       for n, p in zip(ext.needs, absence.needs, strict=True))
        print(f"run_cover, first absence  median {1000 * med(first):7.1f} ms   "
              f"max {1000 * max(first):7.1f} ms")
        print(f"run_cover, its extension  median {1000 * med(extension):7.1f} ms   "
              f"max {1000 * max(extension):7.1f} ms   ({going_on}/10 asked to go on)")


def _timed_jobs(db, absence, reps: int) -> list[float]:
    """Seconds of ``reps`` committed runs of the cover job; the requests of each run but the
    last are deleted after it and the needs set searching again."""
    from web.models import Notification
    from web.models.cover import CoverRequest, NeedStatus
    from workers.cover_jobs import run_cover

    times = []
    for rep in range(reps):
        t0 = time.perf_counter()
        out = run_cover(absence.id)
        times.append(time.perf_counter() - t0)
        assert out["asked"] == 10, out
        if rep < reps - 1:
            ids = [n.id for n in absence.needs]
            db.session.execute(db.delete(CoverRequest).where(CoverRequest.need_id.in_(ids)))
            db.session.execute(db.delete(Notification))
            for need in absence.needs:
                need.status = NeedStatus.SEARCHING
            db.session.commit()
            db.session.expire_all()
    return times


if __name__ == "__main__":
    main()
