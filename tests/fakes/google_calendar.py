"""A fake Google Calendar API v3 (the events subset we call), on the REST wire.

`POST /calendar/v3/calendars/{cal}/events` inserts (a client-chosen `id` that exists answers
409), `GET .../events/{id}` reads, `PATCH .../events/{id}` merges the body; every event carries
an etag that changes with each write, and a PATCH whose `If-Match` is not the current etag
answers 412 (conditionNotMet). Unknown events answer 404 (notFound). Errors use Google's JSON
error shape. `throttle(n, retry_after)` answers 429 with Retry-After; `fail_next(status)` that
status; `edit(cal, id, **fields)` changes an event behind our back (a person editing it), which
bumps its etag.
"""

from __future__ import annotations

import copy
import itertools
import json

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

_PREFIX = "/calendar/v3/calendars/{cal}/events"


def _error(status: int, reason: str, message: str, headers: dict | None = None) -> JSONResponse:
    return JSONResponse({"error": {"code": status, "message": message,
                                   "errors": [{"domain": "global", "reason": reason, "message": message}]}},
                        status_code=status, headers=headers)


class FakeGoogleCalendar:
    def __init__(self) -> None:
        self.events: dict[tuple[str, str], dict] = {}
        self.calls: list[tuple[str, str]] = []  # (method, event id or "")
        self._faults: list[Response] = []
        self._etags = itertools.count(1)
        self.app = Starlette(routes=[
            Route(_PREFIX, self._insert, methods=["POST"]),
            Route(_PREFIX + "/{event_id}", self._get, methods=["GET"]),
            Route(_PREFIX + "/{event_id}", self._patch, methods=["PATCH"]),
        ])

    def reset(self) -> None:
        self.events.clear()
        self.calls.clear()
        self._faults.clear()

    def throttle(self, times: int = 1, retry_after: int = 20) -> None:
        self._faults += [_error(429, "rateLimitExceeded", "Rate Limit Exceeded",
                                {"Retry-After": str(retry_after)})] * times

    def fail_next(self, status: int = 503, times: int = 1) -> None:
        self._faults += [_error(status, "backendError", "Backend Error")] * times

    def _etag(self) -> str:
        return f'"{3000000000000000 + next(self._etags)}"'

    def edit(self, cal: str, event_id: str, **fields) -> None:
        event = self.events[(cal, event_id)]
        event.update(fields)
        event["etag"] = self._etag()

    def _fault(self) -> Response | None:
        return self._faults.pop(0) if self._faults else None

    async def _insert(self, request: Request) -> Response:
        cal = request.path_params["cal"]
        self.calls.append(("insert", ""))
        if (fault := self._fault()) is not None:
            return fault
        body = json.loads(await request.body())
        event_id = body.get("id") or f"gen{next(self._etags)}"
        if (cal, event_id) in self.events:
            return _error(409, "duplicate", "The requested identifier already exists.")
        if "start" not in body or "end" not in body:
            return _error(400, "required", "Missing time: start and end")
        event = {**body, "kind": "calendar#event", "id": event_id, "etag": self._etag(),
                 "status": body.get("status", "confirmed"), "sequence": int(body.get("sequence", 0)),
                 "iCalUID": f"{event_id}@google.com"}
        self.events[(cal, event_id)] = event
        return JSONResponse(event)

    async def _get(self, request: Request) -> Response:
        cal, event_id = request.path_params["cal"], request.path_params["event_id"]
        self.calls.append(("get", event_id))
        if (fault := self._fault()) is not None:
            return fault
        event = self.events.get((cal, event_id))
        return JSONResponse(event) if event else _error(404, "notFound", "Not Found")

    async def _patch(self, request: Request) -> Response:
        cal, event_id = request.path_params["cal"], request.path_params["event_id"]
        self.calls.append(("patch", event_id))
        if (fault := self._fault()) is not None:
            return fault
        event = self.events.get((cal, event_id))
        if event is None:
            return _error(404, "notFound", "Not Found")
        if_match = request.headers.get("if-match")
        if if_match and if_match != event["etag"]:
            return _error(412, "conditionNotMet", "Precondition Failed")
        body = json.loads(await request.body())
        merged = copy.deepcopy(event)
        merged.update(body)
        merged["etag"] = self._etag()
        self.events[(cal, event_id)] = merged
        return JSONResponse(merged)
