"""Random but realistic problem files: Danish towns, clustered people, sparse fits."""

from __future__ import annotations

import random

AREAS = ["kitchen", "retail", "cleaning", "warehouse", "gardening", "construction",
         "office", "care", "transport", "production", "cafe", "recycling"]
NEEDS = ["addiction", "psychiatry", "homelessness", "lang:kl", "lang:ar", "debt"]
DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
TOWNS = [(55.676, 12.568, 5), (56.157, 10.211, 3), (55.404, 10.402, 2), (57.048, 9.919, 2),
         (55.471, 8.452, 1), (55.709, 9.536, 1), (56.460, 10.036, 1), (55.641, 12.087, 1),
         (56.039, 12.614, 1), (55.860, 9.850, 1), (56.136, 8.974, 1), (55.230, 11.767, 1),
         (57.457, 10.039, 0.5), (54.910, 9.792, 0.5), (56.416, 8.616, 0.5)]


def _where(rng: random.Random) -> dict:
    lat, lon, _ = rng.choices(TOWNS, weights=[t[2] for t in TOWNS])[0]
    spread = rng.choice([0.03, 0.06, 0.12])
    return {"lat": round(min(57.7, max(54.8, rng.gauss(lat, spread))), 5),
            "lon": round(min(12.6, max(8.1, rng.gauss(lon, spread * 1.7))), 5)}


def _days(rng: random.Random, lo: int, hi: int) -> list[str]:
    start = rng.randrange(5)
    n = rng.randint(lo, hi)
    return [DAYS[(start + k) % 7] for k in range(n)]


def generate(n_p: int, n_l: int, n_m: int, seed: int = 0) -> dict:
    """A problem with ``n_p`` participants, ``n_l`` placements and ``n_m`` mentors."""
    rng = random.Random(seed)
    employers = [f"e{k}" for k in range(max(1, n_l // 3))]
    placements = [{"id": f"l{k}", "employer": rng.choice(employers), "area": rng.choice(AREAS),
                   "slots": rng.randint(1, 6), "days": _days(rng, 3, 6),
                   "requirements": ["abstinent"] if rng.random() < 0.2 else [],
                   "location": _where(rng)} for k in range(n_l)]
    home = {}
    for pl in placements:
        home.setdefault(pl["employer"], pl["location"])
    mentors = []
    for k in range(n_m):
        colleague = rng.random() < 0.6
        emp = rng.choice(employers) if colleague else None
        mentors.append({"id": f"m{k}", "employer": emp,
                        "skills": rng.sample(NEEDS, rng.randint(0, 3)),
                        "capacity_hours": rng.randint(4, 30), "max_participants": rng.randint(1, 4),
                        "days": _days(rng, 2, 5),
                        "location": home.get(emp) or _where(rng),
                        "max_travel_km": 0 if colleague else rng.choice([10, 20, 30])})
    participants = []
    for k in range(n_p):
        hmin = rng.randint(2, 8)
        participants.append({
            "id": f"p{k}", "hours_min": hmin, "hours_max": min(20, hmin + rng.randint(0, 6)),
            "priority": rng.randint(1, 5), "days": _days(rng, 2, 5),
            "areas": rng.sample(AREAS, rng.choice([0, 1, 2, 3, 3])),
            "needs": rng.sample(NEEDS[:3], rng.choice([0, 0, 1, 1, 2])),
            "attributes": ["abstinent"] if rng.random() < 0.4 else [],
            "location": _where(rng), "max_travel_km": rng.choice([5, 10, 15, 20, 30])})
    return {"format": "mentor-match/1", "participants": participants,
            "placements": placements, "mentors": mentors}
