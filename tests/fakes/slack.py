"""A fake Slack: the Web API's chat.postMessage and incoming webhooks, as `slack_sdk` calls them.

chat.postMessage checks the bot token (`invalid_auth` otherwise, HTTP 200 like Slack), resolves
`#name` or an id to a channel (`channel_not_found`), validates the blocks it is given (a header
longer than 150 characters is `invalid_blocks`), and answers the new message's `channel` and
`ts`; a `thread_ts` must name a message of that channel (`thread_not_found`). Webhooks post to
the channel they were made for, answer `ok` as text, and `no_service` (404) for an unknown path.

Faults, for the next calls of either endpoint: `rate_limit(n, retry_after)` answers 429 with
Retry-After and `ratelimited`; `fail_next(status, n)` answers that HTTP status.
"""

from __future__ import annotations

import itertools
import json

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route


class FakeSlack:
    def __init__(self, token: str = "xoxb-test-token", channels: dict[str, str] | None = None,
                 webhooks: dict[str, str] | None = None) -> None:
        self.token = token
        self.channels = channels or {"#bookings": "C0BOOKINGS", "#finance": "C0FINANCE", "#sales": "C0SALES",
                                     "#ops-alerts": "C0OPS", "#management": "C0MGMT"}
        self.webhooks = webhooks or {"/services/T0/B0/s3cr3t": "C0BOOKINGS"}
        self.posts: list[dict] = []  # {"channel", "ts", "thread_ts", "text", "blocks", "via"}
        self._ts = itertools.count(1)
        self._faults: list[Response] = []
        self.app = Starlette(routes=[
            Route("/api/chat.postMessage", self._post_message, methods=["POST"]),
            Route("/services/{rest:path}", self._webhook, methods=["POST"]),
        ])

    def rate_limit(self, times: int = 1, retry_after: int = 7) -> None:
        self._faults += [JSONResponse({"ok": False, "error": "ratelimited"}, status_code=429,
                                      headers={"Retry-After": str(retry_after)})] * times

    def fail_next(self, status: int = 503, times: int = 1) -> None:
        self._faults += [PlainTextResponse("service unavailable", status_code=status)] * times

    def in_channel(self, channel_id: str) -> list[dict]:
        return [p for p in self.posts if p["channel"] == channel_id]

    def _fault(self) -> Response | None:
        return self._faults.pop(0) if self._faults else None

    @staticmethod
    async def _body(request: Request) -> dict:
        if request.headers.get("content-type", "").startswith("application/json"):
            return json.loads(await request.body() or b"{}")
        form = dict(await request.form())
        if isinstance(form.get("blocks"), str):
            form["blocks"] = json.loads(form["blocks"])
        return form

    def _record(self, channel_id: str, body: dict, via: str) -> dict:
        n = next(self._ts)
        post = {"channel": channel_id, "ts": f"{1765000000 + n}.{n:06d}", "thread_ts": body.get("thread_ts"),
                "text": body.get("text"), "blocks": body.get("blocks") or [], "via": via}
        self.posts.append(post)
        return post

    @staticmethod
    def _blocks_valid(blocks: list) -> bool:
        for block in blocks:
            if not isinstance(block, dict) or "type" not in block:
                return False
            if block["type"] == "header" and len(block.get("text", {}).get("text", "")) > 150:
                return False
        return True

    async def _post_message(self, request: Request) -> Response:
        fault = self._fault()
        if fault is not None:
            return fault
        if request.headers.get("authorization") != f"Bearer {self.token}":
            return JSONResponse({"ok": False, "error": "invalid_auth"})
        body = await self._body(request)
        name = body.get("channel", "")
        channel_id = self.channels.get(name) or (name if name in self.channels.values() else None)
        if channel_id is None:
            return JSONResponse({"ok": False, "error": "channel_not_found"})
        if not self._blocks_valid(body.get("blocks") or []):
            return JSONResponse({"ok": False, "error": "invalid_blocks"})
        thread = body.get("thread_ts")
        if thread and not any(p["ts"] == thread for p in self.in_channel(channel_id)):
            return JSONResponse({"ok": False, "error": "thread_not_found"})
        post = self._record(channel_id, body, "web")
        return JSONResponse({"ok": True, "channel": channel_id, "ts": post["ts"],
                             "message": {"text": post["text"], "ts": post["ts"]}})

    async def _webhook(self, request: Request) -> Response:
        fault = self._fault()
        if fault is not None:
            return fault
        channel_id = self.webhooks.get(request.url.path)
        if channel_id is None:
            return PlainTextResponse("no_service", status_code=404)
        body = await self._body(request)
        if not self._blocks_valid(body.get("blocks") or []):
            return PlainTextResponse("invalid_blocks", status_code=400)
        self._record(channel_id, body, "webhook")
        return PlainTextResponse("ok")
