"""A fake WhatsApp Cloud API (Graph `POST /v{version}/{phone-number-id}/messages`) and the
webhooks Meta would send, signed like Meta signs them.

The fake checks what Meta checks: the bearer token (401, code 190), the phone number id (400,
code 100), `messaging_product`, a digits-only `to`, a `text.body` or a template with a name and
`language.code`; a number in `undeliverable` is refused with 131026. It answers what Meta
answers (`contacts`, `messages[0].id` a `wamid.`) and keeps every accepted message. Meta
deduplicates nothing: a message sent twice is kept twice, which is what the tests look for.

Faults, one per call, in order: `throttle(retry_after)` 429 (code 130429, Retry-After),
`fail_next(status, code)` an error, `stall_next(seconds)`: accept and keep the message, then
answer only after `seconds` (a client with a shorter timeout sees the timeout after the accept).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import itertools
import json
import time

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route


def _error(status: int, code: int, message: str, headers: dict | None = None) -> JSONResponse:
    return JSONResponse({"error": {"message": message, "type": "OAuthException", "code": code,
                                   "error_data": {"messaging_product": "whatsapp", "details": message},
                                   "fbtrace_id": "AbCdEf"}}, status_code=status, headers=headers)


class FakeCloudApi:
    def __init__(self, *, token: str = "EAAG-test-token", phone_number_id: str = "106540352242922") -> None:
        self.token, self.phone_number_id = token, phone_number_id
        self.messages: list[dict] = []  # every accepted body, with its "id"
        self.undeliverable: set[str] = set()
        self._faults: list[tuple[str, object]] = []
        self._ids = itertools.count(1)
        self.app = Starlette(routes=[Route("/v{version}/{phone_id}/messages", self._send, methods=["POST"])])

    def reset(self) -> None:
        self.messages.clear()
        self._faults.clear()
        self.undeliverable.clear()

    def throttle(self, retry_after: int = 30) -> None:
        self._faults.append(("error", _error(429, 130429, "Rate limit hit", {"Retry-After": str(retry_after)})))

    def fail_next(self, status: int = 503, code: int = 131000, message: str = "Something went wrong") -> None:
        self._faults.append(("error", _error(status, code, message)))

    def stall_next(self, seconds: float) -> None:
        self._faults.append(("stall", seconds))

    @staticmethod
    def _problem(body: object) -> str | None:
        if not isinstance(body, dict) or body.get("messaging_product") != "whatsapp":
            return "messaging_product must be whatsapp"
        if not str(body.get("to") or "").isdigit():
            return "to must be a phone number"
        kind = body.get("type")
        if kind == "text":
            return None if (body.get("text") or {}).get("body") else "text.body is required"
        if kind == "template":
            template = body.get("template") or {}
            if not template.get("name") or not (template.get("language") or {}).get("code"):
                return "template name and language.code are required"
            return None
        return f"unsupported type {kind!r}"

    async def _send(self, request: Request) -> Response:
        stall = None
        if self._faults:
            kind, fault = self._faults.pop(0)
            if kind == "error":
                return fault
            stall = fault
        if request.headers.get("authorization") != f"Bearer {self.token}":
            return _error(401, 190, "Invalid OAuth access token")
        if request.path_params["phone_id"] != self.phone_number_id:
            return _error(400, 100, "Unsupported post request. Object does not exist")
        try:
            body = json.loads(await request.body())
        except ValueError:
            return _error(400, 100, "Invalid JSON")
        problem = self._problem(body)
        if problem:
            return _error(400, 100, f"(#100) Invalid parameter: {problem}")
        if body["to"] in self.undeliverable:
            return _error(400, 131026, "Message undeliverable")
        wamid = f"wamid.HBgM{next(self._ids):012d}"
        self.messages.append({**body, "id": wamid})
        if stall:
            await asyncio.sleep(stall)
        return JSONResponse({"messaging_product": "whatsapp", "contacts": [{"input": body["to"], "wa_id": body["to"]}],
                             "messages": [{"id": wamid, "message_status": "accepted"}]})


def signed(payload: dict, app_secret: str) -> tuple[bytes, dict[str, str]]:
    body = json.dumps(payload).encode()
    digest = hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()
    return body, {"X-Hub-Signature-256": f"sha256={digest}", "Content-Type": "application/json"}


def _envelope(value: dict, field: str = "messages") -> dict:
    return {"object": "whatsapp_business_account", "entry": [{"id": "102290129340398", "changes": [
        {"field": field, "value": {"messaging_product": "whatsapp",
                                   "metadata": {"display_phone_number": "15550783881", "phone_number_id": "106540352242922"},
                                   **value}}]}]}


def inbound(wamid: str, sender: str, text: str, *, at: float | None = None) -> dict:
    """A customer's text message (`sender` digits without +, as Meta sends it)."""
    return _envelope({"contacts": [{"profile": {"name": "Asha"}, "wa_id": sender}],
                      "messages": [{"from": sender, "id": wamid, "timestamp": str(int(at or time.time())),
                                    "type": "text", "text": {"body": text}}]})


def status(wamid: str, recipient: str, name: str, *, ref: str | None = None, error: tuple[int, str] | None = None,
           at: float | None = None) -> dict:
    """A delivery report: sent, delivered, read or failed (with Meta's error code and title)."""
    report = {"id": wamid, "status": name, "timestamp": str(int(at or time.time())), "recipient_id": recipient}
    if ref:
        report["biz_opaque_callback_data"] = ref
    if error:
        report["errors"] = [{"code": error[0], "title": error[1], "message": error[1],
                             "error_data": {"details": error[1]}}]
    return _envelope({"statuses": [report]})


def unknown_event() -> dict:
    return _envelope({"event": "APPROVED", "message_template_name": "booking_confirmation"},
                     field="message_template_status_update")
