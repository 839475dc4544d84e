"""The manager's dashboard at region scale: what sealing the figures costs.

Loads `web.region.load_region` (10,000 participants, 3,000 placements, 4,000 mentors, 15 %
in an active assignment, about 200 consultants) into a fresh SQLite file, then times
`figures.all_tables` (the page's and the CSV's work) for all teams and for one team, with
the suppression in use and, in the same run, with `<5` alone (the code before secondary
suppression: no whole-region tables for a team's view, no `protect`).

    .venv/bin/python -m bench.dashboard [--repeat 5] [--participants 10000]

Prints a Markdown table of medians, and how many rows of the nine tables are hidden with
the suppression in use: about 1-4 people, or to protect those.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--participants", type=int, default=10_000)
    ap.add_argument("--profile", action="store_true", help="Profile one team's view instead.")
    args = ap.parse_args()
    from datetime import date, timedelta

    from flask_migrate import upgrade
    from sqlalchemy import func, select

    from web import create_app
    from web.dashboard import figures, suppress
    from web.extensions import db
    from web.models import Participant
    from web.region import load_region

    tmp = Path(tempfile.mkdtemp(prefix="dash-bench-"))
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 'region.db'}",
                      "TESTING": True})
    scale = args.participants / 10_000
    with app.app_context():
        upgrade()
        load_region(args.participants, round(3000 * scale), round(4000 * scale))
        db.session.commit()
        team = db.session.scalar(select(Participant.consultant_id).group_by(
            Participant.consultant_id).order_by(func.count().desc()).limit(2).offset(1))
        end = date.today()
        views = {"all teams": figures.Filters(end - timedelta(weeks=12), end),
                 "one team": figures.Filters(end - timedelta(weeks=12), end, team)}
        in_use = figures._tables

        def primary_only(f, builders):  # before: each view alone, "<5" only
            tables = [build(f, *a) for build, a in builders]
            figures.protect = lambda counts, lines: {
                c for c, n in counts.items() if suppress.is_suppressed(n)}
            try:
                figures._seal(tables, tables, None)
            finally:
                figures.protect = suppress.protect
            return tables

        if args.profile:
            import cProfile
            import pstats
            with cProfile.Profile() as prof:
                figures.all_tables(views["one team"])
            pstats.Stats(prof).sort_stats("cumulative").print_stats(25)
            return
        print(f"{args.participants:,} participants; {args.repeat} runs each, medians\n")
        print("| view | small figures alone (before) | with secondary suppression "
              "| rows hidden, about 1-4 | rows hidden to protect them |")
        print("|---|---|---|---|---|")
        for name, f in views.items():
            times = {}
            figures.all_tables(f)  # warm: the first call loads what the others reuse
            db.session.rollback()
            for label, impl in (("before", primary_only), ("now", in_use)):
                figures._tables = impl
                ts = []
                for _ in range(args.repeat):
                    t0 = time.perf_counter()
                    tables = figures.all_tables(f)
                    ts.append(time.perf_counter() - t0)
                    db.session.rollback()
                times[label] = statistics.median(ts)
            figures._tables = in_use
            rows = [(r[1], len(ps)) for t in tables
                    for r, ps in zip(t.rows, t.people, strict=True)]
            small = sum(v == "skjult" and suppress.is_suppressed(n) for v, n in rows)
            more = sum(v == "skjult" and not suppress.is_suppressed(n) for v, n in rows)
            print(f"| {name} | {times['before'] * 1000:.0f} ms | {times['now'] * 1000:.0f} ms "
                  f"| {small} | {more} |")


if __name__ == "__main__":
    main()
