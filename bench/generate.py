"""Realistic Mentor Match instances from the seed figures, deterministic by seed.

    python -m bench.generate --size S --seed 1 --out s1.json
    python -m bench.generate --size M --seed 1 --cover --out m1-cover.json

Figures (see /work/shared/spec/domain.md): support hours 2-20 with a mean of
6-8 a week; mentors mostly colleagues at the workplace (~75 %), the rest
external support persons; company centres take 4-12 people; some venues
require abstinence. Places are spread a few km around real Danish towns; an S
instance covers a municipality (a few neighbouring towns), XL the country.
"""

from __future__ import annotations

import argparse
import json
import math
import random
from pathlib import Path

from bench.feasible import DAYS, DEFAULT_WEIGHTS, dist

# name, lat, lon, relative population (thousands, rounded)
TOWNS = [
    ("København", 55.676, 12.568, 650), ("Aarhus", 56.157, 10.211, 290),
    ("Odense", 55.396, 10.388, 180), ("Aalborg", 57.048, 9.921, 120),
    ("Esbjerg", 55.476, 8.459, 72), ("Randers", 56.461, 10.036, 63),
    ("Kolding", 55.490, 9.472, 62), ("Horsens", 55.861, 9.850, 61),
    ("Vejle", 55.709, 9.536, 60), ("Roskilde", 55.642, 12.080, 52),
    ("Herning", 56.139, 8.974, 51), ("Helsingør", 56.036, 12.613, 47),
    ("Silkeborg", 56.169, 9.545, 50), ("Næstved", 55.230, 11.761, 44),
    ("Fredericia", 55.565, 9.753, 41), ("Viborg", 56.453, 9.402, 41),
    ("Køge", 55.458, 12.182, 38), ("Holstebro", 56.360, 8.616, 37),
    ("Taastrup", 55.652, 12.300, 35), ("Slagelse", 55.402, 11.355, 34),
    ("Hillerød", 55.927, 12.300, 34), ("Sønderborg", 54.909, 9.792, 28),
    ("Svendborg", 55.060, 10.607, 27), ("Hjørring", 57.464, 9.982, 25),
    ("Holbæk", 55.717, 11.713, 29), ("Frederikshavn", 57.441, 10.534, 23),
    ("Ringsted", 55.443, 11.790, 23), ("Haderslev", 55.249, 9.488, 22),
    ("Skive", 56.567, 9.027, 21), ("Nykøbing F", 54.769, 11.874, 17),
    ("Aabenraa", 55.044, 9.419, 16), ("Kalundborg", 55.681, 11.089, 17),
    ("Nyborg", 55.313, 10.790, 17), ("Thisted", 56.958, 8.694, 13),
    ("Ringkøbing", 56.090, 8.244, 10), ("Frederikssund", 55.840, 12.069, 16),
    ("Middelfart", 55.506, 9.731, 16), ("Grenaa", 56.416, 10.879, 14),
    ("Rønne", 55.100, 14.706, 13), ("Ballerup", 55.731, 12.363, 49),
    ("Lyngby", 55.771, 12.504, 56), ("Glostrup", 55.666, 12.403, 23),
]

AREAS = {"kitchen": 1.2, "retail": 1.0, "cleaning": 1.0, "warehouse": 1.0, "gardening": 0.8,
         "construction": 0.6, "care": 0.6, "office": 0.5, "transport": 0.5,
         "production": 0.8, "recycling": 0.7, "cafe": 0.9}
NEEDS = {"addiction": 0.35, "psychiatry": 0.35, "homelessness": 0.2,
         "lang:ar": 0.05, "lang:so": 0.03, "lang:kl": 0.03, "lang:tr": 0.02}
# probability that a colleague / an external mentor has a skill
SKILLS = {"addiction": (0.35, 0.7), "psychiatry": (0.3, 0.65), "homelessness": (0.2, 0.5),
          "lang:ar": (0.04, 0.1), "lang:so": (0.03, 0.08), "lang:kl": (0.03, 0.08),
          "lang:tr": (0.03, 0.08)}
SIZES = {"S": (60, 40, 35, 3), "M": (300, 90, 120, 8), "L": (2000, 600, 800, 20),
         "XL": (10000, 3000, 4000, len(TOWNS))}  # participants, placements, mentors, towns
WEEKDAYS = DAYS[:5]


def _town_weights(towns: list[tuple]) -> list[float]:
    """Square root of population: every municipality runs its own scheme, so caseloads
    spread more evenly than people do (and the capital does not hold most records)."""
    return [math.sqrt(t[3]) for t in towns]


def _pick(rng: random.Random, table: dict) -> str:
    return rng.choices(list(table), weights=list(table.values()))[0]


def _sample_areas(rng: random.Random, n: int) -> list[str]:
    pool = dict(AREAS)
    out = []
    for _ in range(n):
        a = _pick(rng, pool)
        out.append(a)
        del pool[a]
    return out


def _near(rng: random.Random, town: tuple, sigma_km: float) -> dict:
    """A point spread around a town centre (normal, sigma in km)."""
    _, lat, lon, _ = town
    dlat = rng.gauss(0, sigma_km) / 111.2
    dlon = rng.gauss(0, sigma_km) / (111.2 * math.cos(math.radians(lat)))
    return {"lat": round(lat + dlat, 5), "lon": round(lon + dlon, 5)}


def _days(rng: random.Random, k: int, weekend: float) -> list[str]:
    days = set(rng.sample(WEEKDAYS, min(k, 5)))
    if rng.random() < weekend:
        days.add(rng.choice(("sat", "sun")))
    return [d for d in DAYS if d in days]


def _region(rng: random.Random, n_towns: int) -> list[tuple]:
    """The anchor town (drawn by seed among the larger ones) and its nearest neighbours."""
    anchor = rng.choice([t for t in TOWNS if t[3] >= 40])
    return sorted(TOWNS, key=lambda t: math.dist(t[1:3], anchor[1:3]))[:n_towns]


def _participant(rng: random.Random, i: int, towns: list[tuple]) -> dict:
    town = rng.choices(towns, weights=_town_weights(towns))[0]
    hmin = rng.choices([2, 3, 4, 5, 6, 8, 10, 12], [15, 15, 20, 15, 15, 10, 6, 4])[0]
    hmax = min(20, hmin + rng.choices([0, 2, 3, 4, 6, 8], [10, 25, 20, 25, 15, 5])[0])
    needs = [n for n, pr in NEEDS.items() if rng.random() < pr]
    attrs = []
    if rng.random() < (0.35 if "addiction" in needs else 0.85):
        attrs.append("abstinent")
    if rng.random() < 0.3:
        attrs.append("driving_licence")
    if rng.random() < 0.15:
        attrs.append("food_hygiene")
    return {
        "id": f"p{i:05d}", "hours_min": hmin, "hours_max": hmax,
        "priority": rng.choices([1, 2, 3, 4, 5], [35, 28, 20, 12, 5])[0],
        "days": _days(rng, rng.choices([2, 3, 4, 5], [15, 30, 30, 25])[0], 0.1),
        "areas": _sample_areas(rng, rng.choices([0, 1, 2, 3], [15, 35, 30, 20])[0]),
        "needs": needs, "attributes": attrs, "location": _near(rng, town, 3.0),
        "max_travel_km": rng.choices([5, 8, 10, 12, 15, 20, 25, 30],
                                     [8, 12, 20, 15, 20, 12, 7, 6])[0],
        "current_mentor": None, "current_placement": None,
        "excluded_mentors": [], "excluded_placements": [], "pinned": None,
    }


def _placements(rng: random.Random, n: int, towns: list[tuple]) -> list[dict]:
    out: list[dict] = []
    e = 0
    while len(out) < n:
        e += 1
        town = rng.choices(towns, weights=_town_weights(towns))[0]
        home = _near(rng, town, 3.0)
        for _ in range(min(n - len(out), rng.choices([1, 2, 3], [55, 30, 15])[0])):
            area = _pick(rng, AREAS)
            reqs = []
            if rng.random() < (0.25 if area in ("kitchen", "cafe", "care") else 0.12):
                reqs.append("abstinent")
            if area == "transport" and rng.random() < 0.6:
                reqs.append("driving_licence")
            if area in ("kitchen", "cafe") and rng.random() < 0.3:
                reqs.append("food_hygiene")
            weekend = 0.35 if area in ("cafe", "retail", "care") else 0.05
            r = rng.random()
            days = list(WEEKDAYS) if r < 0.7 else _days(rng, rng.choice([3, 4]), 0)
            if rng.random() < weekend:
                days = [d for d in DAYS if d in {*days, rng.choice(("sat", "sun"))}]
            centre = rng.random() < 0.1  # a company centre takes 4-12 people
            out.append({
                "id": f"l{len(out) + 1:05d}", "employer": f"e{e:05d}", "area": area,
                "slots": rng.randint(4, 12) if centre else rng.choices([1, 2, 3], [50, 35, 15])[0],
                "days": days, "requirements": reqs,
                "location": {"lat": round(home["lat"] + rng.uniform(-0.002, 0.002), 5),
                             "lon": round(home["lon"] + rng.uniform(-0.003, 0.003), 5)},
            })
    return out


def _mentors(rng: random.Random, n: int, placements: list[dict], towns: list[tuple]) -> list:
    out = []
    for j in range(1, n + 1):
        colleague = rng.random() < 0.75
        skills = [s for s, pr in SKILLS.items() if rng.random() < pr[0 if colleague else 1]]
        if colleague:
            pl = rng.choices(placements, weights=[x["slots"] for x in placements])[0]
            employer, loc, reach = pl["employer"], dict(pl["location"]), 0
            cap, maxp = rng.randint(5, 20), rng.choices([1, 2, 3], [40, 40, 20])[0]
            days = _days(rng, rng.choice([3, 4, 5]), 0.05)
        else:
            town = rng.choices(towns, weights=_town_weights(towns))[0]
            employer, loc = None, _near(rng, town, 4.0)
            reach = rng.choice([10, 10, 15, 15, 20, 25, 30, 40])
            cap, maxp = rng.randint(10, 40), rng.randint(2, 6)
            days = _days(rng, rng.choice([2, 3, 4, 5]), 0.1)
        out.append({"id": f"m{j:05d}", "employer": employer, "skills": skills,
                    "capacity_hours": cap, "max_participants": maxp, "days": days,
                    "location": loc, "max_travel_km": reach})
    return out


def _history(rng: random.Random, problem: dict) -> None:
    """Current mentors/placements, exclusions and a few confirmed (pinned) matches."""
    P, L, M = problem["participants"], problem["placements"], problem["mentors"]
    for p in P:
        r = rng.random()
        if r < 0.06:
            near = [pl for pl in rng.sample(L, min(len(L), 50))
                    if dist(p, pl) <= p["max_travel_km"]]
            if near:
                p["current_placement"] = near[0]["id"]
        if rng.random() < 0.08:
            p["current_mentor"] = rng.choice(M)["id"]
        if rng.random() < 0.03:
            p["excluded_mentors"] = [rng.choice(M)["id"]]
        if rng.random() < 0.03:
            p["excluded_placements"] = [rng.choice(L)["id"]]
    # Pins come from a greedy solution, so together they obey rules 1-10.
    from bench.baselines import greedy

    res = greedy(problem)
    for x in res["matches"]:
        if rng.random() < 0.02:
            p = next(q for q in P if q["id"] == x["participant"])
            p["pinned"] = {"placement": x["placement"], "mentor": x["mentor"], "hours": x["hours"]}
            p["current_mentor"], p["current_placement"] = x["mentor"], x["placement"]


def generate(size: str, seed: int) -> dict:
    """A section-1 problem of the given size; the same (size, seed) gives the same file."""
    n_p, n_l, n_m, n_towns = SIZES[size]
    rng = random.Random(f"mentor-match/{size}/{seed}")
    towns = _region(rng, n_towns)
    placements = _placements(rng, n_l, towns)
    problem = {
        "format": "mentor-match/1",
        "weights": dict(DEFAULT_WEIGHTS),
        "generator": {"size": size, "seed": seed, "towns": [t[0] for t in towns]},
        "participants": [_participant(rng, i, towns) for i in range(1, n_p + 1)],
        "placements": placements,
        "mentors": _mentors(rng, n_m, placements, towns),
    }
    _history(rng, problem)
    return problem


def make_cover(problem: dict, seed: int, n_cover: int = 10) -> dict:
    """A section-5 cover problem: one absent external mentor with ~n_cover participants."""
    from bench.baselines import greedy

    rng = random.Random(f"mentor-cover/{seed}")
    cover = json.loads(json.dumps(problem))
    for p in cover["participants"]:
        p["pinned"] = None
    res = greedy(cover)
    asg = [{k: x[k] for k in ("participant", "placement", "mentor", "hours")}
           for x in res["matches"]]
    L = {pl["id"]: pl for pl in cover["placements"]}
    M = cover["mentors"]
    absent = rng.choice([m for m in M if m["employer"] is None])
    # The absent support person carries a caseload of the nearest assigned participants.
    asg.sort(key=lambda a: dist(L[a["placement"]], absent))
    chosen = asg[:n_cover]
    for a in asg:
        if a["mentor"] == absent["id"] and a not in chosen:
            a["mentor"] = M[0]["id"] if M[0]["id"] != absent["id"] else M[1]["id"]
    for a in chosen:
        a["mentor"] = absent["id"]
    absent["max_participants"] = max(absent["max_participants"], len(chosen))
    absent["capacity_hours"] = min(60, max(absent["capacity_hours"],
                                           sum(a["hours"] for a in chosen)))
    known = {}
    for a in chosen:
        pl = L[a["placement"]]
        pool = [m["id"] for m in M if m["id"] != absent["id"] and (
            m["employer"] == pl["employer"] or (m["employer"] is None and dist(m, pl) <= 15))]
        if pool:
            known[a["participant"]] = sorted(rng.sample(pool, min(len(pool), rng.randint(1, 2))))
    cover.update({"format": "mentor-cover/1", "assignments": asg,
                  "absent": [absent["id"]], "known": known})
    return cover


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--size", choices=list(SIZES), required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--cover", action="store_true", help="write a section-5 cover problem")
    ap.add_argument("--out", type=Path, required=True)
    a = ap.parse_args(argv)
    prob = generate(a.size, a.seed)
    if a.cover:
        prob = make_cover(prob, a.seed)
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text(json.dumps(prob, ensure_ascii=False, separators=(",", ":")))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
