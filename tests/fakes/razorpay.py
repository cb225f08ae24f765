"""A fake Razorpay API (the subset tourstack.payments calls), with checkout simulated by a helper.

Orders, payments (authorised by `checkout`, captured by the API), refunds (made with their
`receipt` and `notes`, and listed per payment with count/skip like Razorpay), and the settlements
list (`settlements` holds the entities; from/to/count/skip as Razorpay pages them); basic auth
with the key id and secret is enforced. Like Razorpay, a refund call has no idempotency: two
calls make two refunds. `faults.mode` makes it answer 503 or too slowly; `refund_faults` applies
to refund calls only (`lost`: the refund is made but the answer comes too late), and
`refund_error` = (status, code) makes refund calls answer that error.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tests.fakes.faults import Faults

_ids = itertools.count(1000)


def _id(prefix: str) -> str:
    return f"{prefix}_Fk{next(_ids):010d}"


class FakeRazorpay:
    def __init__(self, key_id: str = "rzp_test_key", key_secret: str = "rzp_test_secret") -> None:
        self.key_id, self.key_secret = key_id, key_secret
        self.orders: dict[str, dict] = {}
        self.payments: dict[str, dict] = {}
        self.refunds: dict[str, dict] = {}
        self.settlements: list[dict] = []
        self.faults = Faults()
        self.refund_faults = Faults()
        self.refund_error: tuple[int, str] | None = None
        self.calls: list[str] = []
        self.app = Starlette(routes=[
            Route("/v1/orders", self._create_order, methods=["POST"]),
            Route("/v1/orders/{oid}", self._get_order, methods=["GET"]),
            Route("/v1/orders/{oid}/payments", self._order_payments, methods=["GET"]),
            Route("/v1/payments/{pid}", self._get_payment, methods=["GET"]),
            Route("/v1/payments/{pid}/capture", self._capture, methods=["POST"]),
            Route("/v1/payments/{pid}/refund", self._refund, methods=["POST"]),
            Route("/v1/payments/{pid}/refunds", self._payment_refunds, methods=["GET"]),
            Route("/v1/settlements", self._settlements, methods=["GET"]),
        ])

    def checkout(self, order_id: str, *, fail: bool = False) -> tuple[str, str]:
        """The payer completes checkout: an authorised payment and its checkout signature."""
        order = self.orders[order_id]
        pid = _id("pay")
        self.payments[pid] = {"id": pid, "entity": "payment", "order_id": order_id, "amount": order["amount"],
                              "currency": order["currency"], "status": "failed" if fail else "authorized",
                              "method": "upi", "fee": 0, "error_code": "BAD_REQUEST_ERROR" if fail else None}
        sig = hmac.new(self.key_secret.encode(), f"{order_id}|{pid}".encode(), hashlib.sha256).hexdigest()
        return pid, sig

    def _auth(self, request: Request) -> bool:
        expected = "Basic " + base64.b64encode(f"{self.key_id}:{self.key_secret}".encode()).decode()
        return request.headers.get("authorization") == expected

    async def _guard(self, request: Request):
        self.calls.append(f"{request.method} {request.url.path}")
        fault = await self.faults.check()
        if fault is not None:
            return fault
        if not self._auth(request):
            return JSONResponse({"error": {"code": "BAD_REQUEST_ERROR", "description": "auth"}}, status_code=401)
        return None

    @staticmethod
    def _bad(msg: str) -> JSONResponse:
        return JSONResponse({"error": {"code": "BAD_REQUEST_ERROR", "description": msg}}, status_code=400)

    async def _create_order(self, request: Request):
        if (r := await self._guard(request)) is not None:
            return r
        body = json.loads(await request.body())
        if int(body.get("amount", 0)) < 100:
            return self._bad("amount must be at least 100")
        oid = _id("order")
        self.orders[oid] = {"id": oid, "entity": "order", "amount": int(body["amount"]), "currency": body["currency"],
                            "receipt": body.get("receipt"), "status": "created", "notes": body.get("notes", {})}
        return JSONResponse(self.orders[oid])

    async def _get_order(self, request: Request):
        if (r := await self._guard(request)) is not None:
            return r
        order = self.orders.get(request.path_params["oid"])
        return JSONResponse(order) if order else self._bad("no such order")

    async def _order_payments(self, request: Request):
        if (r := await self._guard(request)) is not None:
            return r
        oid = request.path_params["oid"]
        items = [p for p in self.payments.values() if p["order_id"] == oid]
        return JSONResponse({"entity": "collection", "count": len(items), "items": items})

    async def _get_payment(self, request: Request):
        if (r := await self._guard(request)) is not None:
            return r
        p = self.payments.get(request.path_params["pid"])
        return JSONResponse(p) if p else self._bad("no such payment")

    async def _capture(self, request: Request):
        if (r := await self._guard(request)) is not None:
            return r
        p = self.payments.get(request.path_params["pid"])
        body = json.loads(await request.body())
        if p is None or p["status"] != "authorized" or int(body["amount"]) != p["amount"]:
            return self._bad("payment cannot be captured")
        p["status"], p["fee"] = "captured", p["amount"] * 2 // 100
        self.orders[p["order_id"]]["status"] = "paid"
        return JSONResponse(p)

    async def _refund(self, request: Request):
        if (r := await self._guard(request)) is not None:
            return r
        if (fault := await self.refund_faults.check()) is not None:
            return fault
        if self.refund_error is not None:
            status, code = self.refund_error
            return JSONResponse({"error": {"code": code, "description": "refund refused"}}, status_code=status)
        p = self.payments.get(request.path_params["pid"])
        body = json.loads(await request.body())
        refunded = sum(x["amount"] for x in self.refunds.values() if x["payment_id"] == (p or {}).get("id"))
        if p is None or p["status"] != "captured" or refunded + int(body["amount"]) > p["amount"]:
            return self._bad("refund not possible")
        rid = _id("rfnd")
        self.refunds[rid] = {"id": rid, "entity": "refund", "payment_id": p["id"], "amount": int(body["amount"]),
                             "currency": p["currency"], "status": "processed", "receipt": body.get("receipt"),
                             "notes": body.get("notes") or []}
        await self.refund_faults.after()
        return JSONResponse(self.refunds[rid])

    async def _payment_refunds(self, request: Request):
        if (r := await self._guard(request)) is not None:
            return r
        q = request.query_params
        count, skip = min(int(q.get("count", 10)), 100), int(q.get("skip", 0))
        items = sorted((x for x in self.refunds.values() if x["payment_id"] == request.path_params["pid"]),
                       key=lambda x: x["id"], reverse=True)[skip:skip + count]
        return JSONResponse({"entity": "collection", "count": len(items), "items": items})

    async def _settlements(self, request: Request):
        if (r := await self._guard(request)) is not None:
            return r
        q = request.query_params
        count, skip = min(int(q.get("count", 10)), 100), int(q.get("skip", 0))
        low, high = int(q.get("from", 0)), int(q.get("to", 2**62))
        items = sorted((s for s in self.settlements if low <= s["created_at"] <= high),
                       key=lambda s: s["created_at"], reverse=True)  # newest first, like Razorpay
        page = items[skip:skip + count]
        return JSONResponse({"entity": "collection", "count": len(page), "items": page})
