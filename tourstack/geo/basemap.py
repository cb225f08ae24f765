"""Country outlines from Natural Earth, shipped with the code so maps draw with no network.

`data/countries-110m.json` is world-atlas 2.0.2's TopoJSON of Natural Earth 4.1.0 admin-0
countries at 1:110m (Natural Earth is public domain; world-atlas is ISC, licence beside the
file). TopoJSON stores shared borders once as quantised, delta-encoded arcs; `country_rings`
decodes them back to lon/lat rings. 1:110m is coarse on purpose: it is a locator inset, and the
file is 108 kB. Very small countries (Singapore) are not in it; their neighbours still draw and
the city marker shows where they are.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).parent / "data"
TOPOLOGY = DATA / "countries-110m.json"

# ISO 3166-1 alpha-2 -> numeric, the id world-atlas uses; only the countries we sell.
ISO_NUMERIC = {"IN": "356", "AE": "784", "SG": "702", "TH": "764", "FR": "250", "GB": "826",
               "US": "840", "NP": "524", "LK": "144", "MY": "458", "ID": "360"}

Ring = list[tuple[float, float]]  # (lon, lat) pairs


@lru_cache(maxsize=1)
def _topology() -> dict:
    return json.loads(TOPOLOGY.read_text())


@lru_cache(maxsize=1)
def _decoded_arcs() -> list[Ring]:
    topo = _topology()
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def _ring(indexes: list[int]) -> Ring:
    arcs, out = _decoded_arcs(), []
    for i in indexes:
        points = arcs[i] if i >= 0 else arcs[~i][::-1]  # a negative index is the arc reversed
        out.extend(points if not out else points[1:])
    return out


@lru_cache(maxsize=1)
def country_rings() -> dict[str, tuple[str, list[Ring]]]:
    """Numeric id -> (name, outer and inner rings)."""
    out = {}
    for geometry in _topology()["objects"]["countries"]["geometries"]:
        kind, arcs = geometry.get("type"), geometry.get("arcs", [])
        polygons = [arcs] if kind == "Polygon" else arcs if kind == "MultiPolygon" else []
        rings = [_ring(r) for polygon in polygons for r in polygon]
        out[str(geometry.get("id"))] = (geometry["properties"]["name"], rings)
    return out


def rings_near(lon: float, lat: float, half_width_deg: float) -> list[tuple[str, str, list[Ring]]]:
    """Countries with a ring inside the window around (lon, lat): (id, name, rings)."""
    west, east = lon - half_width_deg, lon + half_width_deg
    south, north = lat - half_width_deg, lat + half_width_deg
    found = []
    for cid, (name, rings) in country_rings().items():
        near = [r for r in rings if any(west <= x <= east and south <= y <= north for x, y in r)
                or _contains(r, lon, lat)]
        if near:
            found.append((cid, name, near))
    return found


def _contains(ring: Ring, x: float, y: float) -> bool:
    """Even-odd rule point-in-polygon (a window entirely inside a large country)."""
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1]):
        if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
            inside = not inside
    return inside
