"""Fault injection shared by the gateway fakes: answer normally, 503, or too slowly - before the
work (the gateway did nothing) or after it (the gateway did it, but the answer never arrives).

`StripeProxy` puts the same faults in front of localstripe, per path, and fills in what
localstripe leaves out of real Stripe's answers where a test depends on it.
"""

from __future__ import annotations

import asyncio
import json

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route


class Faults:
    def __init__(self) -> None:
        # ok; down (HTTP 503); slow (sleeps past the client timeout before doing anything);
        # lost (does the work, then sleeps past the client timeout: the answer is lost);
        # lost_once (like lost for the first call only, then ok: a retry gets through)
        self.mode = "ok"
        self.slow_seconds = 3.0
        self.down_status = 503  # some tests want a plain 500

    async def check(self):
        if self.mode == "down":
            return JSONResponse({"error": {"code": "SERVER_ERROR", "description": "down"}},
                                status_code=self.down_status)
        if self.mode == "slow":
            await asyncio.sleep(self.slow_seconds)
        return None

    async def after(self) -> None:
        """Call once the work is done: in `lost` mode the answer arrives too late."""
        if self.mode == "lost_once":
            self.mode = "ok"
            await asyncio.sleep(self.slow_seconds)
        elif self.mode == "lost":
            await asyncio.sleep(self.slow_seconds)


def down_app():
    """An API that is always down: every request answers 500 (stands in for Stripe outages)."""
    async def fail(request):
        return JSONResponse({"error": {"type": "api_error", "message": "down"}}, status_code=500)

    return Starlette(routes=[Route("/{path:path}", fail, methods=["GET", "POST"])])


class StripeProxy:
    """localstripe behind a proxy that can fail chosen calls, and records what the SDK sent.

    `faults` maps (method, path prefix) to a Faults; `requests` lists (method, path, form) of
    every call. Where localstripe differs from Stripe in a way our code relies on, the proxy
    answers like Stripe: a card error carries the declined `payment_intent` (localstripe only
    names the charge), balance transactions carry Stripe's usual card fee (2.9 % + 30;
    localstripe's are 0), so a fee read later is visible, and a POST repeated with an
    Idempotency-Key it has answered before gets the first answer again without reaching
    localstripe (Stripe's idempotency; `forwarded` counts what did reach it).
    """

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream.rstrip("/")
        self.faults: dict[tuple[str, str], Faults] = {}
        self.requests: list[tuple[str, str, dict[str, str]]] = []
        self.forwarded: list[tuple[str, str]] = []
        self._answered: dict[str, tuple[bytes, int]] = {}  # Idempotency-Key -> first answer
        self.app = Starlette(routes=[Route("/{path:path}", self._forward, methods=["GET", "POST", "DELETE"])])

    def fault(self, method: str, prefix: str, mode: str, *, slow_seconds: float = 3.0,
              down_status: int = 500) -> Faults:
        faults = Faults()
        faults.mode, faults.slow_seconds, faults.down_status = mode, slow_seconds, down_status
        self.faults[(method, prefix)] = faults
        return faults

    def sent(self, method: str, path_prefix: str) -> list[dict[str, str]]:
        return [form for m, p, form in self.requests if m == method and p.startswith(path_prefix)]

    def _faults_for(self, method: str, path: str) -> Faults | None:
        return next((f for (m, prefix), f in self.faults.items() if m == method and path.startswith(prefix)), None)

    async def _forward(self, request: Request):
        path, body = request.url.path, await request.body()
        form = dict(httpx.QueryParams(body.decode())) if request.method == "POST" else dict(request.query_params)
        self.requests.append((request.method, path, form))
        faults = self._faults_for(request.method, path)
        if faults is not None and (early := await faults.check()) is not None:
            return JSONResponse({"error": {"type": "api_error", "message": "down"}},
                                status_code=early.status_code)
        headers = {k: v for k, v in request.headers.items()
                   if k.lower() in ("authorization", "content-type", "idempotency-key", "stripe-version")}
        key = request.headers.get("idempotency-key") if request.method == "POST" else None
        if key and key in self._answered:
            content, status = self._answered[key]
            return Response(content, status_code=status, media_type="application/json")
        self.forwarded.append((request.method, path))
        async with httpx.AsyncClient(base_url=self.upstream, timeout=10) as client:
            answer = await client.request(request.method, path, params=request.query_params, content=body,
                                          headers=headers)
            content = answer.content
            if answer.status_code == 402:
                content = await self._with_payment_intent(client, headers, answer.json())
            elif path.startswith("/v1/balance_transactions/") and answer.status_code == 200:
                txn = answer.json()
                txn["fee"] = abs(int(txn["amount"])) * 29 // 1000 + 30 if txn.get("type") == "charge" else 0
                content = json.dumps(txn).encode()
        if key and answer.status_code < 500:
            self._answered[key] = (content, answer.status_code)
        if faults is not None:
            await faults.after()
        return Response(content, status_code=answer.status_code, media_type="application/json")

    @staticmethod
    async def _with_payment_intent(client: httpx.AsyncClient, headers: dict, error: dict) -> bytes:
        charge_id = error.get("error", {}).get("charge")
        if charge_id:
            auth = {"authorization": headers.get("authorization", "")}
            charge = (await client.get(f"/v1/charges/{charge_id}", headers=auth)).json()
            if charge.get("payment_intent"):
                intent = await client.get(f"/v1/payment_intents/{charge['payment_intent']}", headers=auth)
                error["error"]["payment_intent"] = intent.json()
        return json.dumps(error).encode()
