"""Fake OpenWeather One Call 3.0 (`/data/3.0/onecall`): eight daily entries from `start`, with
configurable temperatures and rain, an optional alert, and the API's error answers."""

from __future__ import annotations

import datetime as dt
import json
from urllib.parse import parse_qs, urlsplit

from tests.fakes.http_server import LoopbackServer, Request, Response


class FakeOpenWeather(LoopbackServer):
    """`mode`: 'ok', 'unauthorized' (401 as for a bad key) or 'broken' (200 with no `daily`)."""

    def __init__(self, start: dt.date, key: str = "ow-test-key", tmax: float = 41.0, rain: float = 0.0,
                 alert: str | None = None, utc_offset_s: int = 19800):
        self.start, self.key, self.tmax, self.rain, self.alert = start, key, tmax, rain, alert
        self.offset = utc_offset_s
        self.mode = "ok"
        super().__init__(self._handle)

    def _handle(self, request: Request) -> Response:
        parts = urlsplit(request.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        if parts.path != "/data/3.0/onecall":
            return _json(404, {"cod": 404, "message": "Internal error"})
        if self.mode == "unauthorized" or query.get("appid") != self.key:
            return _json(401, {"cod": 401, "message": f"Invalid API key {query.get('appid')}. Please see FAQ."})
        if self.mode == "broken":
            return _json(200, {"lat": 0, "lon": 0})
        noon = dt.datetime.combine(self.start, dt.time(12), dt.UTC) - dt.timedelta(seconds=self.offset)
        daily = []
        for i in range(8):
            t = int((noon + dt.timedelta(days=i)).timestamp())
            entry = {"dt": t, "temp": {"max": self.tmax, "min": self.tmax - 12}, "humidity": 40, "pop": 0.1,
                     "weather": [{"main": "Clear", "description": "clear sky"}]}
            if self.rain:
                entry.update(rain=self.rain, pop=0.9, weather=[{"main": "Rain", "description": "heavy intensity rain"}])
            daily.append(entry)
        body = {"lat": float(query["lat"]), "lon": float(query["lon"]), "timezone_offset": self.offset, "daily": daily}
        if self.alert:
            body["alerts"] = [{"sender_name": "India Meteorological Department", "event": self.alert,
                               "start": daily[0]["dt"] - 43200, "end": daily[1]["dt"] + 43200, "description": ""}]
        return _json(200, body)


def _json(status: int, body: dict) -> Response:
    return Response(status, json.dumps(body).encode(), "application/json")
