"""A fake of Stripe's balance transaction and payout list endpoints.

localstripe serves /v1/balance/history but refuses the `created` filter and has no payout
list with it, so the feeds are tested against this instead. It speaks what the SDK sends:
bearer auth, `limit`, `starting_after`, `created[gte]`, newest first, `has_more`.
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tests.fakes.faults import Faults


class FakeStripeLists:
    def __init__(self, api_key: str = "sk_test_feeds") -> None:
        self.api_key = api_key
        self.balance_transactions: list[dict] = []
        self.payouts: list[dict] = []
        self.faults = Faults()
        self.faults.down_status = 500
        self.queries: list[dict[str, str]] = []
        self.app = Starlette(routes=[
            Route("/v1/balance_transactions", self._balance_transactions, methods=["GET"]),
            Route("/v1/payouts", self._payouts, methods=["GET"]),
        ])

    async def _balance_transactions(self, request: Request):
        return await self._list(request, self.balance_transactions)

    async def _payouts(self, request: Request):
        return await self._list(request, self.payouts)

    async def _list(self, request: Request, objects: list[dict]):
        if (fault := await self.faults.check()) is not None:
            return JSONResponse({"error": {"type": "api_error", "message": "down"}},
                                status_code=fault.status_code)
        if request.headers.get("authorization") != f"Bearer {self.api_key}":
            return JSONResponse({"error": {"type": "invalid_request_error", "message": "bad key"}},
                                status_code=401)
        q = dict(request.query_params)
        self.queries.append(q)
        unknown = set(q) - {"limit", "starting_after", "created[gte]"}
        if unknown:
            return JSONResponse({"error": {"type": "invalid_request_error",
                                           "message": f"unknown {sorted(unknown)}"}}, status_code=400)
        items = sorted(objects, key=lambda o: (o["created"], o["id"]), reverse=True)
        if "created[gte]" in q:
            items = [o for o in items if o["created"] >= int(q["created[gte]"])]
        if "starting_after" in q:
            ids = [o["id"] for o in items]
            items = items[ids.index(q["starting_after"]) + 1:]
        limit = int(q.get("limit", 10))
        return JSONResponse({"object": "list", "url": request.url.path, "data": items[:limit],
                             "has_more": len(items) > limit})
