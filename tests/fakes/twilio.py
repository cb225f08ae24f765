"""A fake Twilio Messages API (`POST /2010-04-01/Accounts/{sid}/Messages.json`, form-encoded,
HTTP Basic with the account SID and auth token) for WhatsApp senders, and Twilio's signed
status callbacks.

It checks what Twilio checks: the credentials (401, code 20003), `To` and `From` as
`whatsapp:+E.164` (400, 21211), a `Body` or a `ContentSid` (400, 21619); it answers 201 with
the message resource (`sid` SM..., `status` queued) and keeps what it accepted, including the
`StatusCallback`. Twilio deduplicates nothing.

Faults, one per call: `throttle(retry_after)` 429 (20429, Retry-After), `fail_next(status,
code)`, `stall_next(seconds)` (accept, then answer late).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
from email.utils import format_datetime
from urllib.parse import parse_qs

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from twilio.request_validator import RequestValidator

import base64


def _error(status: int, code: int, message: str, headers: dict | None = None) -> JSONResponse:
    return JSONResponse({"code": code, "message": message, "more_info": f"https://www.twilio.com/docs/errors/{code}",
                         "status": status}, status_code=status, headers=headers)


class FakeTwilio:
    def __init__(self, *, account_sid: str = "AC" + "1" * 32, auth_token: str = "twilio-auth-token") -> None:
        self.account_sid, self.auth_token = account_sid, auth_token
        self.messages: list[dict] = []
        self._faults: list[tuple[str, object]] = []
        self._ids = itertools.count(1)
        self.app = Starlette(routes=[Route("/2010-04-01/Accounts/{sid}/Messages.json", self._create, methods=["POST"]),
                                     Route("/2010-04-01/Accounts/{sid}/Messages.json", self._list, methods=["GET"])])

    def reset(self) -> None:
        self.messages.clear()
        self._faults.clear()

    def throttle(self, retry_after: int = 20) -> None:
        self._faults.append(("error", _error(429, 20429, "Too Many Requests", {"Retry-After": str(retry_after)})))

    def fail_next(self, status: int = 500, code: int = 20500, message: str = "Internal Server Error") -> None:
        self._faults.append(("error", _error(status, code, message)))

    def stall_next(self, seconds: float) -> None:
        self._faults.append(("stall", seconds))

    def _authorised(self, request: Request) -> bool:
        expected = base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        return request.headers.get("authorization") == f"Basic {expected}"

    async def _create(self, request: Request) -> Response:
        stall = None
        if self._faults:
            kind, fault = self._faults.pop(0)
            if kind == "error":
                return fault
            stall = fault
        if not self._authorised(request) or request.path_params["sid"] != self.account_sid:
            return _error(401, 20003, "Authenticate")
        form = {k: v[0] for k, v in parse_qs((await request.body()).decode()).items()}
        for name in ("To", "From"):
            if not form.get(name, "").startswith("whatsapp:+"):
                return _error(400, 21211, f"Invalid '{name}' Phone Number")
        if not form.get("Body") and not form.get("ContentSid"):
            return _error(400, 21619, "A text message body or media urls must be specified")
        sid = f"SM{next(self._ids):032x}"
        self.messages.append({**form, "sid": sid, "date_created": format_datetime(dt.datetime.now(dt.UTC), usegmt=True)})
        if stall:
            await asyncio.sleep(stall)
        return JSONResponse({"sid": sid, "account_sid": self.account_sid, "to": form["To"], "from": form["From"],
                             "body": form.get("Body", ""), "status": "queued", "num_segments": "1",
                             "direction": "outbound-api", "api_version": "2010-04-01", "error_code": None,
                             "date_created": self.messages[-1]["date_created"],
                             "uri": f"/2010-04-01/Accounts/{self.account_sid}/Messages/{sid}.json"}, status_code=201)


    async def _list(self, request: Request) -> Response:
        """The account's messages, newest first, filtered by To and From (one page)."""
        if not self._authorised(request):
            return _error(401, 20003, "Authenticate")
        to, sender = request.query_params.get("To"), request.query_params.get("From")
        found = [m for m in reversed(self.messages) if (not to or m["To"] == to) and (not sender or m["From"] == sender)]
        page_size = int(request.query_params.get("PageSize", 50))
        return JSONResponse({"messages": [{"sid": m["sid"], "to": m["To"], "from": m["From"], "body": m.get("Body", ""),
                                           "status": "sent", "date_created": m["date_created"]}
                                          for m in found[:page_size]],
                             "page": 0, "page_size": page_size, "next_page_uri": None, "previous_page_uri": None,
                             "first_page_uri": str(request.url.path), "uri": str(request.url.path)})


def signed_callback(url: str, params: dict[str, str], auth_token: str) -> dict[str, str]:
    """The headers Twilio sends with a callback to `url` (X-Twilio-Signature over URL + params)."""
    signature = RequestValidator(auth_token).compute_signature(url, params)
    return {"X-Twilio-Signature": signature, "Content-Type": "application/x-www-form-urlencoded"}
