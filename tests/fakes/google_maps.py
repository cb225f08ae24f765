"""Fake Google Maps Distance Matrix API (`/maps/api/distancematrix/json`): distances from
straight-line km x 1.4 at a fixed speed per mode, and the API's own error answers."""

from __future__ import annotations

import json
import math
from urllib.parse import parse_qs, urlsplit

from tests.fakes.http_server import LoopbackServer, Request, Response

SPEED_KMH = {"driving": 30.0, "walking": 5.0, "bicycling": 15.0}


class FakeGoogleMaps(LoopbackServer):
    """`mode`: 'ok', 'denied' (status REQUEST_DENIED, as for a bad key) or 'no_route' (ZERO_RESULTS)."""

    def __init__(self, key: str = "AIzaFakeKeyForLoopbackTests000000000"):
        self.key = key
        self.mode = "ok"
        super().__init__(self._handle)

    def _handle(self, request: Request) -> Response:
        parts = urlsplit(request.path)
        if parts.path != "/maps/api/distancematrix/json":
            return Response(404, b"not found", "text/plain")
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        if self.mode == "denied" or query.get("key") != self.key:
            return _json({"status": "REQUEST_DENIED", "error_message": "The provided API key is invalid."})
        origins = [_point(p) for p in query["origins"].split("|")]
        destinations = [_point(p) for p in query["destinations"].split("|")]
        speed = SPEED_KMH[query.get("mode", "driving")]
        rows = []
        for o in origins:
            elements = []
            for d in destinations:
                metres = round(_km(o, d) * 1.4 * 1000)
                if self.mode == "no_route" and metres:
                    elements.append({"status": "ZERO_RESULTS"})
                    continue
                seconds = round(metres / 1000 / speed * 3600)
                elements.append({"status": "OK", "distance": {"text": f"{metres / 1000:.1f} km", "value": metres},
                                 "duration": {"text": f"{seconds // 60} mins", "value": seconds}})
            rows.append({"elements": elements})
        return _json({"status": "OK", "origin_addresses": [], "destination_addresses": [], "rows": rows})


def _point(text: str) -> tuple[float, float]:
    lat, lon = text.split(",")
    return float(lat), float(lon)


def _json(body: dict) -> Response:
    return Response(200, json.dumps(body).encode(), "application/json")


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    p1, p2 = math.radians(a[0]), math.radians(b[0])
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(b[1] - a[1]) / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(min(1.0, h)))
