"""A fake Microsoft Graph (the calendar subset we call) and its token endpoint, on the REST wire.

`POST /{tenant}/oauth2/v2.0/token` (client credentials; a wrong secret answers 401
invalid_client) issues bearer tokens; `/v1.0/users/{user}/events` answers only with a valid one
(401 InvalidAuthenticationToken otherwise). Create (`POST`) gives the event a Graph-style id and
an `@odata.etag`; a `transactionId` seen before answers the event it made (Graph's guard against a
retried create). `GET` with `$filter` on the extended property `ep/value eq '...'` lists matches;
`PATCH` merges, `DELETE` removes; both honour `If-Match` (412 ErrorIrreversibleOperation-style
precondition failure when stale). Faults: `throttle(n, retry_after)` answers 429 with
Retry-After, `fail_next(503)`; `edit(user, id, **fields)` is a person changing the event
(new etag); `expire_tokens()` makes every issued token invalid.
"""

from __future__ import annotations

import copy
import itertools
import json
import re
import secrets
from urllib.parse import parse_qs

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

_EVENTS = "/v1.0/users/{user}/events"
_VALUE = re.compile(r"ep/value eq '([^']*)'")


def _error(status: int, code: str, message: str, headers: dict | None = None) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status, headers=headers)


class FakeGraph:
    def __init__(self, *, client_id: str = "app-id", client_secret: str = "app-secret") -> None:
        self.client_id, self.client_secret = client_id, client_secret
        self.events: dict[tuple[str, str], dict] = {}
        self.calls: list[tuple[str, str]] = []
        self.token_requests = 0
        self._tokens: set[str] = set()
        self._faults: list[Response] = []
        self._n = itertools.count(1)
        self.app = Starlette(routes=[
            Route("/{tenant}/oauth2/v2.0/token", self._token, methods=["POST"]),
            Route(_EVENTS, self._create, methods=["POST"]),
            Route(_EVENTS, self._list, methods=["GET"]),
            Route(_EVENTS + "/{event_id}", self._patch, methods=["PATCH"]),
            Route(_EVENTS + "/{event_id}", self._delete, methods=["DELETE"]),
        ])

    def reset(self) -> None:
        self.events.clear()
        self.calls.clear()
        self._faults.clear()

    def throttle(self, times: int = 1, retry_after: int = 20) -> None:
        self._faults += [_error(429, "ApplicationThrottled", "Too many requests",
                                {"Retry-After": str(retry_after)})] * times

    def fail_next(self, status: int = 503, times: int = 1, retry_after: int | None = None) -> None:
        headers = {"Retry-After": str(retry_after)} if retry_after else None
        self._faults += [_error(status, "ServiceNotAvailable", "Service unavailable", headers)] * times

    def expire_tokens(self) -> None:
        self._tokens.clear()

    def edit(self, user: str, event_id: str, **fields) -> None:
        event = self.events[(user, event_id)]
        event.update(fields)
        event["@odata.etag"] = self._etag()

    def by_property(self, value: str) -> list[dict]:
        return [e for e in self.events.values()
                if any(p["value"] == value for p in e.get("singleValueExtendedProperties", []))]

    def _etag(self) -> str:
        return f'W/"DwAAABYAAA{next(self._n):06d}"'

    async def _token(self, request: Request) -> Response:
        self.token_requests += 1
        form = {k: v[0] for k, v in parse_qs((await request.body()).decode()).items()}
        if form.get("grant_type") != "client_credentials" or form.get("scope") != "https://graph.microsoft.com/.default":
            return JSONResponse({"error": "invalid_request"}, status_code=400)
        if form.get("client_id") != self.client_id or form.get("client_secret") != self.client_secret:
            return JSONResponse({"error": "invalid_client", "error_description": "AADSTS7000215"}, status_code=401)
        token = secrets.token_urlsafe(16)
        self._tokens.add(token)
        return JSONResponse({"token_type": "Bearer", "expires_in": 3599, "access_token": token})

    def _guard(self, request: Request, call: str) -> Response | None:
        self.calls.append((call, request.path_params.get("event_id", "")))
        auth = request.headers.get("authorization", "")
        if not auth.startswith("Bearer ") or auth[7:] not in self._tokens:
            return _error(401, "InvalidAuthenticationToken", "Access token has expired or is not yet valid.")
        return self._faults.pop(0) if self._faults else None

    async def _create(self, request: Request) -> Response:
        if (fault := self._guard(request, "create")) is not None:
            return fault
        user = request.path_params["user"]
        body = json.loads(await request.body())
        if "start" not in body or "end" not in body or "subject" not in body:
            return _error(400, "ErrorInvalidRequest", "start, end and subject are required")
        for event in self.events.values():
            if body.get("transactionId") and event.get("transactionId") == body["transactionId"]:
                return JSONResponse(event, status_code=201)  # a retried create: the same event
        event_id = f"AAMkAD{next(self._n):08d}="
        event = {**body, "id": event_id, "@odata.etag": self._etag(), "iCalUId": f"040000008200E{event_id}"}
        self.events[(user, event_id)] = event
        return JSONResponse(event, status_code=201)

    async def _list(self, request: Request) -> Response:
        if (fault := self._guard(request, "list")) is not None:
            return fault
        user = request.path_params["user"]
        match = _VALUE.search(request.query_params.get("$filter", ""))
        found = [e for (u, _), e in self.events.items() if u == user and match and any(
            p["value"] == match.group(1) for p in e.get("singleValueExtendedProperties", []))]
        return JSONResponse({"value": found})

    def _current(self, request: Request) -> tuple[dict | None, Response | None]:
        event = self.events.get((request.path_params["user"], request.path_params["event_id"]))
        if event is None:
            return None, _error(404, "ErrorItemNotFound", "The specified object was not found in the store.")
        if_match = request.headers.get("if-match")
        if if_match and if_match != event["@odata.etag"]:
            return None, _error(412, "ErrorIrreversibleOperation", "The etag does not match.")
        return event, None

    async def _patch(self, request: Request) -> Response:
        if (fault := self._guard(request, "patch")) is not None:
            return fault
        event, refusal = self._current(request)
        if refusal is not None:
            return refusal
        merged = copy.deepcopy(event)
        body = json.loads(await request.body())
        props = {p["id"]: p for p in merged.get("singleValueExtendedProperties", [])}
        props.update({p["id"]: p for p in body.pop("singleValueExtendedProperties", [])})
        merged.update(body)
        merged["singleValueExtendedProperties"] = list(props.values())
        merged["@odata.etag"] = self._etag()
        self.events[(request.path_params["user"], request.path_params["event_id"])] = merged
        return JSONResponse(merged)

    async def _delete(self, request: Request) -> Response:
        if (fault := self._guard(request, "delete")) is not None:
            return fault
        _event, refusal = self._current(request)
        if refusal is not None:
            return refusal
        del self.events[(request.path_params["user"], request.path_params["event_id"])]
        return Response(status_code=204)
