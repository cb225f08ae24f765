"""Fake Open Exchange Rates API: /api/latest.json and /api/historical/YYYY-MM-DD.json, USD base,
app id checked in the `Authorization: Token ...` header, errors in OXR's JSON error shape."""

from __future__ import annotations

import datetime as dt
import json

from tests.fakes.http_server import LoopbackServer, Request, Response

PREFIX = "/api"


def _error(status: int, message: str, description: str) -> Response:
    body = {"error": True, "status": status, "message": message, "description": description}
    return Response(status, json.dumps(body).encode(), "application/json")


class FakeOxr(LoopbackServer):
    """`days` maps a date to {currency: USD->currency} given as strings (JSON numbers on the
    wire, exactly as written). `latest` is the date latest.json answers for."""

    def __init__(self, app_id: str, days: dict[dt.date, dict[str, str]], latest: dt.date):
        self.app_id = app_id
        self.days = days
        self.latest = latest
        self.mode = "ok"
        super().__init__(self._handle)

    @property
    def base_url(self) -> str:
        return self.url + PREFIX

    def _document(self, day: dt.date) -> bytes:
        rates = ", ".join(f'"{code}": {value}' for code, value in sorted(self.days[day].items()))
        stamp = int(dt.datetime.combine(day, dt.time(23, 0), dt.UTC).timestamp())
        return (
            '{"disclaimer": "Usage subject to terms", "license": "https://openexchangerates.org/license",'
            f' "timestamp": {stamp}, "base": "USD", "rates": {{{rates}}}}}'
        ).encode()

    def _handle(self, request: Request) -> Response:
        if request.headers.get("authorization") != f"Token {self.app_id}":
            return _error(401, "invalid_app_id", "Invalid App ID provided.")
        if self.mode == "error":
            return _error(500, "server_error", "Something went wrong.")
        if self.mode == "malformed":
            return Response(200, b'{"base": "USD", "rates": {"EUR": 0.9', "application/json")
        name = request.path.removeprefix(PREFIX + "/")
        if name.startswith("latest.json"):
            return Response(200, self._document(self.latest), "application/json")
        if name.startswith("historical/"):
            try:
                day = dt.date.fromisoformat(name.removeprefix("historical/").split(".json")[0])
            except ValueError:
                return _error(400, "invalid_date", "Invalid date supplied.")
            if day in self.days:
                return Response(200, self._document(day), "application/json")
            return _error(400, "not_available", "Historical rates for the requested date are not available.")
        return _error(404, "not_found", "Client requested a non-existent resource/route.")
