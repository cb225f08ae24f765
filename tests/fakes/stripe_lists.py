"""A fake of Stripe's balance transaction and payout list endpoints.

localstripe serves /v1/balance/history but refuses the `created` filter and has no payout
list with it, so the feeds are tested against this instead. It speaks what the SDK sends:
bearer auth, `limit`, `starting_after`, `created[gte]`, newest first, `has_more`; on balance
transactions also `payout` (members from `payout_of`, refused like Stripe for `manual_payouts`)
and `expand[]=data.source` (the object from `sources`, else just its id).
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
        self.payout_of: dict[str, str] = {}  # balance transaction id -> the payout that paid it out
        self.manual_payouts: set[str] = set()
        self.sources: dict[str, dict] = {}  # source id -> the object `expand[]=data.source` returns
        self.faults = Faults()
        self.faults.down_status = 500
        self.queries: list[dict[str, str]] = []
        self.app = Starlette(routes=[
            Route("/v1/balance_transactions", self._balance_transactions, methods=["GET"]),
            Route("/v1/payouts", self._payouts, methods=["GET"]),
        ])

    async def _balance_transactions(self, request: Request):
        q = request.query_params
        objects, refusal = self.balance_transactions, None
        if "payout" in q:
            if q["payout"] in self.manual_payouts:
                refusal = JSONResponse({"error": {"type": "invalid_request_error", "message":
                                                  "Balance transaction history can only be filtered on automatic"
                                                  " transfers, not manual."}}, status_code=400)
            objects = [o for o in objects if self.payout_of.get(o["id"]) == q["payout"]]
        if "data.source" in [v for k, v in q.multi_items() if k.startswith("expand[")]:
            objects = [{**o, "source": self.sources.get(o["source"], {"id": o["source"]})}
                       if isinstance(o.get("source"), str) else o for o in objects]
        return await self._list(request, objects, {"payout"}, refusal)

    async def _payouts(self, request: Request):
        return await self._list(request, self.payouts)

    async def _list(self, request: Request, objects: list[dict], extra: set[str] = frozenset(),
                    refusal: JSONResponse | None = None):
        if (fault := await self.faults.check()) is not None:
            return JSONResponse({"error": {"type": "api_error", "message": "down"}},
                                status_code=fault.status_code)
        if request.headers.get("authorization") != f"Bearer {self.api_key}":
            return JSONResponse({"error": {"type": "invalid_request_error", "message": "bad key"}},
                                status_code=401)
        q = dict(request.query_params)
        self.queries.append(q)
        unknown = {k for k in q if not k.startswith("expand[")} - {"limit", "starting_after", "created[gte]", *extra}
        if unknown:
            return JSONResponse({"error": {"type": "invalid_request_error",
                                           "message": f"unknown {sorted(unknown)}"}}, status_code=400)
        if refusal is not None:
            return refusal
        items = sorted(objects, key=lambda o: (o["created"], o["id"]), reverse=True)
        if "created[gte]" in q:
            items = [o for o in items if o["created"] >= int(q["created[gte]"])]
        if "starting_after" in q:
            ids = [o["id"] for o in items]
            items = items[ids.index(q["starting_after"]) + 1:]
        limit = int(q.get("limit", 10))
        return JSONResponse({"object": "list", "url": request.url.path, "data": items[:limit],
                             "has_more": len(items) > limit})
