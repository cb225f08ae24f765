"""A day's route as a self-contained SVG: no tiles, no fonts or scripts fetched, prints in grey.

Two panels. The route panel is a local equirectangular projection (x scaled by cos(latitude),
good to well under 1% across a city) of the day's stops in visiting order: numbered markers,
the legs as lines, a scale bar and north arrow. City-scale days have no base geography at
1:110m, so the locator inset beside it draws the Natural Earth country outlines around the
destination with a box where the route is. Everything is SVG the PDF writer embeds as
vectors, so the map is sharp on paper and needs no browser or network.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape

from tourstack.geo import basemap
from tourstack.routing.travel import haversine_km
from tourstack.routing.types import LatLon

WIDTH, HEIGHT = 680, 250
ROUTE_W, INSET_W = 470, 190
PAD = 28
NICE_KM = (0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500)


@dataclass(frozen=True)
class MapStop:
    label: str
    location: LatLon
    kind: str = "site"  # site | hotel (hotels draw as squares)


def _projector(points: list[LatLon], width: float, height: float, pad: float, min_span_km: float = 1.0):
    lat0 = sum(p.lat for p in points) / len(points)
    kx = math.cos(math.radians(lat0))
    xs = [p.lon * kx for p in points]
    ys = [p.lat for p in points]
    min_span = min_span_km / 111.2
    span = max(max(xs) - min(xs), max(ys) - min(ys), min_span)
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    scale = min(width - 2 * pad, height - 2 * pad) / span

    def project(p: LatLon) -> tuple[float, float]:
        return width / 2 + (p.lon * kx - cx) * scale, height / 2 - (p.lat - cy) * scale

    km_per_px = 111.2 / scale
    return project, km_per_px


def _scale_bar(km_per_px: float, x: float, y: float) -> str:
    target = km_per_px * 100
    km = max([k for k in NICE_KM if k <= target] or [NICE_KM[0]])
    px = km / km_per_px
    label = f"{km:g} km" if km >= 1 else f"{km * 1000:.0f} m"
    return (f'<g class="scale"><rect x="{x:.1f}" y="{y:.1f}" width="{px:.1f}" height="4" fill="#222"/>'
            f'<text x="{x:.1f}" y="{y - 4:.1f}" font-size="10">{label}</text></g>')


def _labels(placed: list[tuple[float, float, MapStop]]) -> list[str]:
    """Name labels beside their markers, nudged down when they would overprint an earlier one
    (stops in one old-town street sit a few pixels apart); each hotel is labelled once."""
    out, taken, seen = [], [], set()
    for x, y, stop in placed:
        if stop.label in seen:
            continue
        seen.add(stop.label)
        anchor = "start" if x < ROUTE_W * 0.62 else "end"
        lx, ly = x + (14 if anchor == "start" else -14), y + 4
        while any(abs(ly - ty) < 12 and abs(lx - tx) < 150 for tx, ty in taken):
            ly += 12
        taken.append((lx, ly))
        out.append(f'<rect x="{lx - 2 if anchor == "start" else lx - 6.2 * min(len(stop.label), 34) - 2:.1f}" '
                   f'y="{ly - 10:.1f}" width="{6.2 * min(len(stop.label), 34) + 4:.1f}" height="13" fill="#fff" '
                   'fill-opacity="0.85"/>')
        out.append(f'<text x="{lx:.1f}" y="{ly:.1f}" font-size="10.5" text-anchor="{anchor}" fill="#111">'
                   f'{escape(stop.label[:34])}</text>')
    return out


def _route_panel(stops: list[MapStop]) -> str:
    project, km_per_px = _projector([s.location for s in stops], ROUTE_W, HEIGHT, PAD + 10)
    xy = [project(s.location) for s in stops]
    parts = [f'<rect width="{ROUTE_W}" height="{HEIGHT}" fill="#f7f7f4" stroke="#888"/>']
    if len(xy) > 1:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in xy)
        parts.append(f'<polyline points="{path}" fill="none" stroke="#1f4e79" stroke-width="2.5" '
                     'stroke-dasharray="7 4"/>')
    n, labels = 0, []
    for (x, y), stop in zip(xy, stops):
        if stop.kind == "hotel":
            parts.append(f'<rect x="{x - 8:.1f}" y="{y - 8:.1f}" width="16" height="16" fill="#fff" '
                         'stroke="#1f4e79" stroke-width="2"/>')
            parts.append(f'<text x="{x:.1f}" y="{y + 4:.1f}" font-size="10" text-anchor="middle" '
                         'font-weight="bold">H</text>')
        else:
            n += 1
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="10" fill="#1f4e79"/>')
            parts.append(f'<text x="{x:.1f}" y="{y + 4:.1f}" font-size="11" text-anchor="middle" '
                         f'fill="#fff" font-weight="bold">{n}</text>')
        labels.append((x, y, stop))
    parts.extend(_labels(labels))
    parts.append(_scale_bar(km_per_px, 14, HEIGHT - 14))
    parts.append(f'<g transform="translate({ROUTE_W - 22},30)"><path d="M0,-14 L6,4 L0,0 L-6,4 Z" fill="#222"/>'
                 '<text x="0" y="16" font-size="10" text-anchor="middle">N</text></g>')
    return "".join(parts)


def _inset_panel(stops: list[MapStop], half_width_deg: float = 6.0) -> str:
    lats = [s.location.lat for s in stops]
    lons = [s.location.lon for s in stops]
    centre = LatLon(sum(lats) / len(lats), sum(lons) / len(lons))
    kx = math.cos(math.radians(centre.lat))
    scale = (INSET_W - 10) / (2 * half_width_deg * kx)

    def project(lon: float, lat: float) -> tuple[float, float]:
        return INSET_W / 2 + (lon - centre.lon) * kx * scale, HEIGHT / 2 - (lat - centre.lat) * scale

    parts = [f'<rect width="{INSET_W}" height="{HEIGHT}" fill="#dde8f0" stroke="#888"/>',
             f'<clipPath id="inset-clip"><rect width="{INSET_W}" height="{HEIGHT}"/></clipPath>',
             '<g clip-path="url(#inset-clip)">']
    for _, name, rings in basemap.rings_near(centre.lon, centre.lat, half_width_deg * 2):
        for ring in rings:
            d = "M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in (project(lon, lat) for lon, lat in ring)) + " Z"
            parts.append(f'<path d="{d}" fill="#fbfbf8" stroke="#777" stroke-width="0.7"/>')
    x0, y0 = project(min(lons), max(lats))
    x1, y1 = project(max(lons), min(lats))
    parts.append(f'<rect x="{x0 - 4:.1f}" y="{y0 - 4:.1f}" width="{x1 - x0 + 8:.1f}" height="{y1 - y0 + 8:.1f}" '
                 'fill="none" stroke="#c0392b" stroke-width="2"/>')
    parts.append("</g>")
    parts.append(f'<text x="6" y="{HEIGHT - 8}" font-size="8.5" fill="#444">Outlines: Natural Earth 1:110m</text>')
    return "".join(parts)


def route_svg(stops: list[MapStop], *, title: str = "") -> str:
    """The day's stops in visiting order as an SVG document (an empty string for no stops)."""
    if not stops:
        return ""
    extent_km = max((haversine_km(a.location, b.location) for a in stops for b in stops), default=0.0)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
            f'viewBox="0 0 {WIDTH} {HEIGHT}" font-family="DejaVu Sans, sans-serif" role="img" '
            f'aria-label="{escape(title or "route map")}, extent {extent_km:.1f} km">'
            f'<g>{_route_panel(stops)}</g>'
            f'<g transform="translate({WIDTH - INSET_W},0)">{_inset_panel(stops)}</g></svg>')
