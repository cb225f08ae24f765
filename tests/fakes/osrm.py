"""Fake OSRM `/table/v1/{profile}/{lon,lat;...}?annotations=duration` service: durations in
seconds from straight-line distance at a fixed speed (asymmetric if `one_way_factor` != 1),
plus failure modes."""

from __future__ import annotations

import json
import math
from urllib.parse import parse_qs, urlsplit

from tests.fakes.http_server import LoopbackServer, Request, Response


class FakeOsrm(LoopbackServer):
    """Set `mode` to 'error' (HTTP 400 with an OSRM error body), 'down' (HTTP 503 HTML) or
    'no_route' (a null duration) to exercise failures."""

    def __init__(self, speed_kmh: float = 30.0, one_way_factor: float = 1.0):
        self.speed_kmh = speed_kmh
        self.one_way_factor = one_way_factor
        self.mode = "ok"
        super().__init__(self._handle)

    def _handle(self, request: Request) -> Response:
        if self.mode == "down":
            return Response(503, b"<html>Service Unavailable</html>", "text/html")
        parts = urlsplit(request.path)
        segments = parts.path.strip("/").split("/")
        if len(segments) != 4 or segments[:2] != ["table", "v1"]:
            return _json(400, {"code": "InvalidUrl", "message": f"URL string malformed: {parts.path}"})
        if self.mode == "error":
            return _json(400, {"code": "InvalidQuery", "message": "Query string malformed close to position 0"})
        if parse_qs(parts.query).get("annotations") != ["duration"]:
            return _json(400, {"code": "InvalidOptions", "message": "annotations must be duration"})
        try:
            coords = [tuple(float(x) for x in c.split(",")) for c in segments[3].split(";")]
        except ValueError:
            return _json(400, {"code": "InvalidValue", "message": "coordinates malformed"})
        table = []
        for i, (lon1, lat1) in enumerate(coords):
            row = []
            for j, (lon2, lat2) in enumerate(coords):
                km = _km(lat1, lon1, lat2, lon2)
                seconds = km / self.speed_kmh * 3600 * (self.one_way_factor if i < j else 1.0)
                row.append(None if self.mode == "no_route" and i != j else round(seconds, 1))
            table.append(row)
        return _json(200, {"code": "Ok", "durations": table,
                           "sources": [{"location": list(c)} for c in coords],
                           "destinations": [{"location": list(c)} for c in coords]})


def _json(status: int, body: dict) -> Response:
    return Response(status, json.dumps(body).encode(), "application/json")


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(h))
