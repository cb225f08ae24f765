"""A fake Teams Workflows webhook: `POST /workflows/<flow id>?sig=...` with a message whose one
attachment is an Adaptive Card.

A known flow with the right signature answers 202 Accepted (as Workflows does) and keeps the
card; a wrong signature 401, an unknown flow 404, a body that is not a message with an Adaptive
Card (type, version and body) 400 with the reason. `throttle(n, retry_after)` answers 429 with
Retry-After for the next calls, `fail_next(status, n)` that status.
"""

from __future__ import annotations

import json

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

ADAPTIVE_CARD = "application/vnd.microsoft.card.adaptive"


class FakeTeams:
    def __init__(self, flows: dict[str, str] | None = None) -> None:
        self.flows = flows or {"bookings": "sig-bookings", "finance": "sig-finance"}  # flow id -> sig
        self.cards: list[tuple[str, dict]] = []  # (flow id, card)
        self._faults: list[Response] = []
        self.app = Starlette(routes=[Route("/workflows/{flow}", self._post, methods=["POST"])])

    def url(self, base: str, flow: str) -> str:
        return f"{base}/workflows/{flow}?api-version=2016-06-01&sig={self.flows.get(flow, 'none')}"

    def throttle(self, times: int = 1, retry_after: int = 12) -> None:
        self._faults += [PlainTextResponse("Too many requests", status_code=429,
                                           headers={"Retry-After": str(retry_after)})] * times

    def fail_next(self, status: int = 502, times: int = 1) -> None:
        self._faults += [PlainTextResponse("Bad gateway", status_code=status)] * times

    @staticmethod
    def _problem(body: object) -> str | None:
        if not isinstance(body, dict) or body.get("type") != "message":
            return "the body must be a message"
        attachments = body.get("attachments") or []
        if len(attachments) != 1 or attachments[0].get("contentType") != ADAPTIVE_CARD:
            return "expected one Adaptive Card attachment"
        card = attachments[0].get("content") or {}
        if card.get("type") != "AdaptiveCard" or not card.get("version") or not isinstance(card.get("body"), list):
            return "the attachment is not an Adaptive Card"
        return None

    async def _post(self, request: Request) -> Response:
        if self._faults:
            return self._faults.pop(0)
        flow = request.path_params["flow"]
        if flow not in self.flows:
            return PlainTextResponse("The workflow was not found", status_code=404)
        if request.query_params.get("sig") != self.flows[flow]:
            return PlainTextResponse("The request signature is invalid", status_code=401)
        try:
            body = json.loads(await request.body())
        except ValueError:
            return PlainTextResponse("invalid JSON", status_code=400)
        problem = self._problem(body)
        if problem:
            return PlainTextResponse(problem, status_code=400)
        self.cards.append((flow, body["attachments"][0]["content"]))
        return Response(status_code=202)
