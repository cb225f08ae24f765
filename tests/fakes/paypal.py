"""A fake PayPal REST API: OAuth client-credentials tokens, Orders v2 (create, get, capture),
capture refunds, webhook signature verification, and Transaction Search
(GET /v1/reporting/transactions over `transactions`, with PayPal's 31-day window and paging).

Idempotency follows PayPal: a repeated `PayPal-Request-Id` returns the first answer. The buyer's
approval is simulated by `approve(order_id)`. Refunds keep their `custom_id`; `refund_faults`
and `verify_faults` fail just the refund calls or just the webhook verification API, and
`refund_error` = (status, issue) makes refund calls answer that error. Webhook verification answers SUCCESS when the
transmission signature equals `sign(...)` (an HMAC with a key only the fake and the tests know),
which stands in for PayPal's certificate-based signature.
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

_ids = itertools.count(5000)


def _id(prefix: str) -> str:
    return f"{prefix}{next(_ids):013d}"


def _minor(value: str) -> int:
    whole, _, frac = value.partition(".")
    return int(whole) * 100 + int((frac + "00")[:2])


def _major(minor: int) -> str:
    return f"{minor // 100}.{minor % 100:02d}"


class FakePayPal:
    def __init__(self, client_id: str = "pp-client", client_secret: str = "pp-secret",
                 webhook_id: str = "WH-TEST") -> None:
        self.client_id, self.client_secret, self.webhook_id = client_id, client_secret, webhook_id
        self.signing_key = b"fake-paypal-signing-key"
        self.tokens: set[str] = set()
        self.orders: dict[str, dict] = {}
        self.captures: dict[str, dict] = {}
        self.refunds: dict[str, dict] = {}
        self.request_ids: dict[str, dict] = {}
        self.transactions: list[dict] = []  # transaction_info objects, as PayPal reports them
        self.search_windows: list[tuple[str, str]] = []
        self.faults = Faults()
        self.refund_faults = Faults()
        self.verify_faults = Faults()
        self.refund_error: tuple[int, str] | None = None
        self.base_url = ""
        self.app = Starlette(routes=[
            Route("/v1/oauth2/token", self._token, methods=["POST"]),
            Route("/v2/checkout/orders", self._create_order, methods=["POST"]),
            Route("/v2/checkout/orders/{oid}", self._get_order, methods=["GET"]),
            Route("/v2/checkout/orders/{oid}/capture", self._capture, methods=["POST"]),
            Route("/v2/payments/captures/{cid}/refund", self._refund, methods=["POST"]),
            Route("/v1/notifications/verify-webhook-signature", self._verify, methods=["POST"]),
            Route("/v1/reporting/transactions", self._search, methods=["GET"]),
        ])

    def approve(self, order_id: str) -> None:
        self.orders[order_id]["status"] = "APPROVED"

    def sign(self, transmission_id: str, event: dict) -> str:
        msg = f"{transmission_id}|{self.webhook_id}|{json.dumps(event, sort_keys=True, separators=(',', ':'))}"
        return hmac.new(self.signing_key, msg.encode(), hashlib.sha256).hexdigest()

    async def _token(self, request: Request):
        if (f := await self.faults.check()) is not None:
            return f
        expected = "Basic " + base64.b64encode(f"{self.client_id}:{self.client_secret}".encode()).decode()
        if request.headers.get("authorization") != expected:
            return JSONResponse({"error": "invalid_client"}, status_code=401)
        token = _id("A21AA")
        self.tokens.add(token)
        return JSONResponse({"access_token": token, "token_type": "Bearer", "expires_in": 32400,
                             "scope": "https://uri.paypal.com/services/payments"})

    async def _guard(self, request: Request):
        if (f := await self.faults.check()) is not None:
            return f
        auth = request.headers.get("authorization", "")
        if not auth.startswith("Bearer ") or auth[7:] not in self.tokens:
            return JSONResponse({"name": "AUTHENTICATION_FAILURE"}, status_code=401)
        return None

    def _replay(self, request: Request) -> dict | None:
        rid = request.headers.get("paypal-request-id")
        return self.request_ids.get(f"{request.url.path}|{rid}") if rid else None

    def _remember(self, request: Request, answer: dict) -> None:
        rid = request.headers.get("paypal-request-id")
        if rid:
            self.request_ids[f"{request.url.path}|{rid}"] = answer

    async def _create_order(self, request: Request):
        if (r := await self._guard(request)) is not None:
            return r
        if (old := self._replay(request)) is not None:
            return JSONResponse(old, status_code=200)
        body = json.loads(await request.body())
        oid = _id("5O")
        self.orders[oid] = {
            "id": oid, "status": "CREATED", "intent": body["intent"],
            "purchase_units": [{**unit} for unit in body["purchase_units"]],
            "links": [{"rel": "approve", "href": f"{self.base_url}/checkoutnow?token={oid}", "method": "GET"}],
        }
        self._remember(request, self.orders[oid])
        return JSONResponse(self.orders[oid], status_code=201)

    async def _get_order(self, request: Request):
        if (r := await self._guard(request)) is not None:
            return r
        order = self.orders.get(request.path_params["oid"])
        return JSONResponse(order) if order else JSONResponse({"name": "RESOURCE_NOT_FOUND"}, status_code=404)

    async def _capture(self, request: Request):
        if (r := await self._guard(request)) is not None:
            return r
        if (old := self._replay(request)) is not None:
            return JSONResponse(old)
        order = self.orders.get(request.path_params["oid"])
        if order is None:
            return JSONResponse({"name": "RESOURCE_NOT_FOUND"}, status_code=404)
        if order["status"] != "APPROVED":
            return JSONResponse({"name": "UNPROCESSABLE_ENTITY",
                                 "details": [{"issue": "ORDER_NOT_APPROVED"}]}, status_code=422)
        unit = order["purchase_units"][0]
        amount = unit["amount"]
        fee = _major(_minor(amount["value"]) * 3 // 100)
        cid = _id("CAP")
        capture = {"id": cid, "status": "COMPLETED", "amount": {"currency_code": amount["currency_code"],
                                                                 "value": amount["value"]},
                   "seller_receivable_breakdown": {"paypal_fee": {"currency_code": amount["currency_code"],
                                                                  "value": fee}},
                   "supplementary_data": {"related_ids": {"order_id": order["id"]}}}
        self.captures[cid] = capture
        unit["payments"] = {"captures": [capture]}
        order["status"] = "COMPLETED"
        self._remember(request, order)
        return JSONResponse(order, status_code=201)

    async def _refund(self, request: Request):
        if (r := await self._guard(request)) is not None:
            return r
        if (fault := await self.refund_faults.check()) is not None:
            return fault
        if self.refund_error is not None:
            status, issue = self.refund_error
            return JSONResponse({"name": "UNPROCESSABLE_ENTITY", "details": [{"issue": issue}]}, status_code=status)
        if (old := self._replay(request)) is not None:
            return JSONResponse(old)
        capture = self.captures.get(request.path_params["cid"])
        body = json.loads(await request.body() or b"{}")
        if capture is None:
            return JSONResponse({"name": "RESOURCE_NOT_FOUND"}, status_code=404)
        amount = body.get("amount", capture["amount"])
        done = sum(_minor(x["amount"]["value"]) for x in self.refunds.values() if x["capture_id"] == capture["id"])
        if done + _minor(amount["value"]) > _minor(capture["amount"]["value"]):
            return JSONResponse({"name": "UNPROCESSABLE_ENTITY",
                                 "details": [{"issue": "REFUND_AMOUNT_EXCEEDED"}]}, status_code=422)
        rid = _id("RF")
        refund = {"id": rid, "status": "COMPLETED", "amount": amount, "capture_id": capture["id"],
                  "custom_id": body.get("custom_id"),
                  "links": [{"rel": "up", "href": f"{self.base_url}/v2/payments/captures/{capture['id']}"}]}
        self.refunds[rid] = refund
        self._remember(request, refund)
        await self.refund_faults.after()
        return JSONResponse(refund, status_code=201)

    async def _verify(self, request: Request):
        if (r := await self._guard(request)) is not None:
            return r
        if (fault := await self.verify_faults.check()) is not None:
            return fault
        body = json.loads(await request.body())
        ok = (body.get("webhook_id") == self.webhook_id and hmac.compare_digest(
            body.get("transmission_sig", ""), self.sign(body.get("transmission_id", ""), body["webhook_event"])))
        return JSONResponse({"verification_status": "SUCCESS" if ok else "FAILURE"})

    async def _search(self, request: Request):
        import datetime as dt

        if (r := await self._guard(request)) is not None:
            return r
        q = request.query_params

        def when(text: str) -> dt.datetime:
            return dt.datetime.fromisoformat(text.replace("Z", "+00:00").replace("+0000", "+00:00"))

        try:
            start, end = when(q["start_date"]), when(q["end_date"])
        except (KeyError, ValueError):
            return JSONResponse({"name": "INVALID_REQUEST", "message": "start_date and end_date required"},
                                status_code=400)
        if end - start > dt.timedelta(days=31):
            return JSONResponse({"name": "INVALID_REQUEST", "message": "range over 31 days"}, status_code=400)
        self.search_windows.append((q["start_date"], q["end_date"]))
        size, page = int(q.get("page_size", 100)), int(q.get("page", 1))
        hits = sorted((t for t in self.transactions
                       if start <= when(t["transaction_initiation_date"]) <= end),
                      key=lambda t: t["transaction_initiation_date"])
        pages = max(1, -(-len(hits) // size))
        chunk = hits[(page - 1) * size:page * size]
        return JSONResponse({"transaction_details": [{"transaction_info": t} for t in chunk],
                             "page": page, "total_items": len(hits), "total_pages": pages})
