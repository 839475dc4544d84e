"""Great-circle distances and a grid index for "everything within r km" queries."""

from __future__ import annotations

import math
from collections import defaultdict

EARTH_RADIUS_KM = 6371.0


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Return the haversine distance in km (Earth radius 6371.0 km)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


class Grid:
    """Points bucketed in cells of ``cell_deg`` degrees.

    :meth:`near` returns a superset of the points within a radius (callers
    check the exact distance), using the exact latitude/longitude bounding box
    of a spherical cap so that no point in reach is ever missed.
    """

    def __init__(self, points: list[tuple[float, float]], cell_deg: float = 0.1):
        self.cell = cell_deg
        self.n = len(points)
        self.cells: dict[tuple[int, int], list[int]] = defaultdict(list)
        for i, (lat, lon) in enumerate(points):
            self.cells[self._key(lat, lon)].append(i)

    def _key(self, lat: float, lon: float) -> tuple[int, int]:
        return (math.floor(lat / self.cell), math.floor(lon / self.cell))

    def near(self, lat: float, lon: float, radius_km: float) -> list[int]:
        """Return indexes of all points that may lie within ``radius_km``."""
        ang = radius_km / EARTH_RADIUS_KM * (1 + 1e-9) + 1e-12
        lat_r = math.radians(lat)
        lo_lat, hi_lat = lat_r - ang, lat_r + ang
        if lo_lat <= -math.pi / 2 or hi_lat >= math.pi / 2 or ang >= math.pi / 2:
            return self._all_lat(math.degrees(lo_lat), math.degrees(hi_lat), None)
        ratio = math.sin(ang) / math.cos(lat_r)
        if ratio >= 1:
            return self._all_lat(math.degrees(lo_lat), math.degrees(hi_lat), None)
        dlon = math.degrees(math.asin(ratio)) + 1e-9
        if lon - dlon < -180 or lon + dlon > 180:
            return self._all_lat(math.degrees(lo_lat), math.degrees(hi_lat), None)
        return self._all_lat(math.degrees(lo_lat), math.degrees(hi_lat), (lon - dlon, lon + dlon))

    def _all_lat(self, lo_lat: float, hi_lat: float, lon_range) -> list[int]:
        c = self.cell
        r0, r1 = math.floor(lo_lat / c), math.floor(hi_lat / c)
        if lon_range is None:
            return [i for (r, _), ids in self.cells.items() if r0 <= r <= r1 for i in ids]
        c0, c1 = math.floor(lon_range[0] / c), math.floor(lon_range[1] / c)
        if (r1 - r0 + 1) * (c1 - c0 + 1) > len(self.cells):
            return [i for (r, q), ids in self.cells.items()
                    if r0 <= r <= r1 and c0 <= q <= c1 for i in ids]
        out: list[int] = []
        get = self.cells.get
        for r in range(r0, r1 + 1):
            for q in range(c0, c1 + 1):
                ids = get((r, q))
                if ids:
                    out.extend(ids)
        return out
