"""A fake Xero: the identity server's token endpoint (tests/fakes/oauth2.py), `GET /Connections`,
and the Accounting API subset the sync uses (`/api.xro/2.0`), answering as Xero documents it.

- Token requests authenticate with HTTP Basic (the code exchange) or the client id and secret in
  the form (how `xero-python`'s TokenApi refreshes). Access tokens last 30 minutes, refresh
  tokens rotate. Every API call wants a live bearer token (401 otherwise) and `xero-tenant-id`.
- Contacts (customers and suppliers: `IsSupplier`), Invoices (ACCREC and ACCPAY bills), CreditNotes: PUT creates, POST `/{Entity}/{id}` updates, GET
  lists (paged by 100, `If-Modified-Since` filters on UpdatedDateUTC) or reads one. Payments:
  PUT creates (one invoice each; several in one request), reducing the invoice's AmountDue and
  moving its UpdatedDateUTC; a fully paid invoice turns PAID. A payment against an ACCPAY bill is
  an ACCPAYPAYMENT and drops the bill's AmountDue the same way.
- `Idempotency-Key`: a repeated key gets the first answer again without doing the work twice.
- 429 with `Retry-After` and `X-Rate-Limit-Problem: minute` (scripted with `throttle(n)`, or
  past `per_minute` calls a minute: Xero's 60 per tenant).
- Validation errors in Xero's shape: HTTP 400, `{"ErrorNumber": 10, "Type": "ValidationException",
  "Elements": [{..., "ValidationErrors": [{"Message": ...}]}]}`, for a duplicate invoice number,
  a tax type it does not know (`refused_tax_types`) or a line without one (unless
  `LineAmountTypes` is NoTax; bill numbers need not be unique, as in Xero), a payment against an
  invoice that is not AUTHORISED (voided or already paid) or above its amount due.
- `edit(...)` and `record_payment(...)` are a person working in Xero.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import threading
import time
import uuid
from collections import deque
from decimal import Decimal
from email.utils import parsedate_to_datetime
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tests.fakes.oauth2 import TokenAuthority

TOKEN_PATH = "/connect/token"
API_PREFIX = "/api.xro/2.0"
ENTITIES = {"Contacts": "ContactID", "Invoices": "InvoiceID", "CreditNotes": "CreditNoteID", "Payments": "PaymentID"}


def _ms(moment: dt.datetime) -> str:
    return f"/Date({int(moment.timestamp() * 1000)}+0000)/"


def _from_ms(text: str) -> dt.datetime:
    return dt.datetime.fromtimestamp(int(text[6:].split("+")[0].split(")")[0]) / 1000, dt.UTC)


def _dec(value) -> Decimal:  # noqa: ANN001
    return Decimal(str(value or 0))


class FakeXero:
    def __init__(self, client_id: str = "xero-client", client_secret: str = "xero-secret",
                 per_minute: int | None = None, window_seconds: float = 60.0) -> None:
        self.auth = TokenAuthority(client_id, client_secret, access_ttl=1800)
        self.tenant_id = str(uuid.uuid4())
        self.tenant_name = "Tourstack Journeys (Demo)"
        self.records: dict[str, dict[str, dict]] = {name: {} for name in ENTITIES}
        self.answered: dict[str, tuple[int, dict]] = {}
        self.requests: list[tuple[str, str]] = []
        self.refused_tax_types: set[str] = set()
        self.per_minute = per_minute
        self.window_seconds = window_seconds  # a benchmark may compress the provider's minute
        self.throttled = 0  # 429s answered
        self.retry_after = "1"
        self._throttle = 0
        self._window: deque[float] = deque()
        self._clock = 0  # keeps UpdatedDateUTC strictly increasing within a millisecond
        self._lock = threading.Lock()

    # --- a test or a person in Xero --------------------------------------------------------------
    def throttle(self, times: int, retry_after: str = "1") -> None:
        self._throttle, self.retry_after = times, retry_after

    def all(self, entity: str) -> list[dict]:
        return list(self.records[entity].values())

    def invoices(self, kind: str = "ACCREC") -> list[dict]:
        """Invoices of one side: ACCREC (sales) or ACCPAY (bills); Xero keeps both in /Invoices."""
        return [r for r in self.records["Invoices"].values() if r.get("Type", "ACCREC") == kind]

    def payments(self, kind: str = "ACCRECPAYMENT") -> list[dict]:
        return [r for r in self.records["Payments"].values() if r.get("PaymentType") == kind]

    def edit(self, entity: str, record_id: str, **fields) -> dict:
        with self._lock:
            record = self.records[entity][record_id]
            record.update(fields)
            self._totals(entity, record)
            self._touch(record)
            return record

    def record_payment(self, invoice_id: str, amount: Decimal, account_code: str = "1000",
                       on: dt.date | None = None) -> dict:
        with self._lock:
            return self._payment({"Invoice": {"InvoiceID": invoice_id}, "Account": {"Code": account_code},
                                  "Amount": str(amount), "Date": (on or dt.date.today()).isoformat()})

    # --- HTTP ------------------------------------------------------------------------------------
    async def _token(self, request: Request) -> JSONResponse:
        form = dict(parse_qsl((await request.body()).decode()))
        status, body = self.auth.token(request.headers.get("authorization"), form)
        body.pop("x_refresh_token_expires_in", None)  # Intuit's field, not Xero's
        if status == 200:
            body["scope"] = "offline_access accounting.transactions accounting.contacts accounting.settings"
        return JSONResponse(body, status_code=status)

    async def _connections(self, request: Request) -> JSONResponse:
        if not self.auth.bearer_ok(request.headers.get("authorization")):
            return JSONResponse({"Title": "Unauthorized", "Status": 401}, status_code=401)
        return JSONResponse([{"id": str(uuid.uuid5(uuid.NAMESPACE_URL, self.tenant_id)), "authEventId": str(uuid.uuid4()),
                              "tenantId": self.tenant_id, "tenantType": "ORGANISATION",
                              "tenantName": self.tenant_name, "createdDateUtc": "2026-12-01T10:00:00.0000000",
                              "updatedDateUtc": "2026-12-01T10:00:00.0000000"}])

    def _gate(self, request: Request) -> JSONResponse | None:
        self.requests.append((request.method, request.url.path))
        if not self.auth.bearer_ok(request.headers.get("authorization")):
            return JSONResponse({"Type": None, "Title": "Unauthorized", "Status": 401,
                                 "Detail": "TokenExpired: token expired"}, status_code=401,
                                headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})
        if request.headers.get("xero-tenant-id") != self.tenant_id:
            return JSONResponse({"Title": "Forbidden", "Status": 403, "Detail": "AuthenticationUnsuccessful"},
                                status_code=403)
        throttled, now = False, time.monotonic()
        with self._lock:
            if self._throttle > 0:
                self._throttle, throttled = self._throttle - 1, True
            elif self.per_minute:
                while self._window and now - self._window[0] > self.window_seconds:
                    self._window.popleft()
                throttled = len(self._window) >= self.per_minute
                if throttled:
                    wait = self.window_seconds - (now - self._window[0])
                    self.retry_after = str(max(1, math.ceil(wait)))
                else:
                    self._window.append(now)
        if throttled:
            self.throttled += 1
            return JSONResponse({"Title": "Too Many Requests", "Status": 429}, status_code=429,
                                headers={"Retry-After": self.retry_after, "X-Rate-Limit-Problem": "minute"})
        return None

    async def _write(self, request: Request) -> JSONResponse:
        if (denied := self._gate(request)) is not None:
            return denied
        entity, record_id = request.path_params["entity"], request.path_params.get("record_id")
        if entity not in ENTITIES:
            return JSONResponse({"Title": "Not Found", "Status": 404}, status_code=404)
        key = request.headers.get("idempotency-key")
        body = json.loads((await request.body()) or b"{}")
        with self._lock:
            if key and key in self.answered:
                status, answer = self.answered[key]
                return JSONResponse(answer, status_code=status)
            response = self._apply(entity, record_id, body.get(entity, []))
            if key:
                self.answered[key] = (response.status_code, json.loads(response.body))
            return response

    def _apply(self, entity: str, record_id: str | None, items: list[dict]) -> JSONResponse:
        done = []
        for item in items:
            current = self.records[entity].get(record_id) if record_id else None
            if record_id and current is None:
                return JSONResponse({"Title": "Not Found", "Status": 404}, status_code=404)
            problem = self._validate(entity, item, current)
            if problem:
                return self._validation(entity, item, problem)
            if entity == "Payments":
                done.append(self._payment(item))
            elif current is not None:
                current.update({k: v for k, v in item.items() if k != ENTITIES[entity]})
                self._totals(entity, current)
                self._touch(current)
                done.append(current)
            else:
                done.append(self._create(entity, item))
        return JSONResponse({"Id": str(uuid.uuid4()), "Status": "OK", "ProviderName": "tourstack",
                             "DateTimeUTC": _ms(dt.datetime.now(dt.UTC)), entity: done})

    def _validate(self, entity: str, item: dict, current: dict | None) -> str | None:
        kind = item.get("Type") or (current or {}).get("Type")
        if entity == "Invoices" and item.get("InvoiceNumber") and kind != "ACCPAY":
            if any(r.get("InvoiceNumber") == item["InvoiceNumber"] and r is not current and r["Status"] != "VOIDED"
                   and r.get("Type") != "ACCPAY" for r in self.records["Invoices"].values()):
                return "Invoice # must be unique."
        if entity in ("Invoices", "CreditNotes") and item.get("LineAmountTypes") != "NoTax":
            for line in item.get("LineItems", []):
                tax = line.get("TaxType")
                if not tax or tax in self.refused_tax_types:
                    return f"The TaxType code '{tax}' does not exist or cannot be used for this type of transaction."
        if entity == "Payments":
            invoice = self.records["Invoices"].get((item.get("Invoice") or {}).get("InvoiceID", ""))
            if invoice is None:
                return "Invoice could not be found"
            if invoice["Status"] != "AUTHORISED":
                return "Payments can only be made against Authorised documents"
            if _dec(item.get("Amount")) > _dec(invoice["AmountDue"]):
                return "Payment amount exceeds the amount outstanding on this document"
        return None

    def _validation(self, entity: str, item: dict, message: str) -> JSONResponse:
        element = {**item, "ValidationErrors": [{"Message": message}]}
        return JSONResponse({"ErrorNumber": 10, "Type": "ValidationException",
                             "Message": "A validation exception occurred", "Elements": [element]}, status_code=400)

    def _create(self, entity: str, item: dict) -> dict:
        record = {**item, ENTITIES[entity]: str(uuid.uuid4())}
        if entity == "Contacts":
            record.setdefault("ContactStatus", "ACTIVE")
        else:
            record.setdefault("Status", "AUTHORISED")
        self._totals(entity, record)
        if entity in ("Invoices", "CreditNotes"):
            record["AmountDue"] = record["Total"]
            record["AmountPaid"] = "0"
        self._touch(record)
        self.records[entity][record[ENTITIES[entity]]] = record
        return record

    def _payment(self, item: dict) -> dict:
        invoice = self.records["Invoices"][item["Invoice"]["InvoiceID"]]
        kind = "ACCPAYPAYMENT" if invoice.get("Type") == "ACCPAY" else "ACCRECPAYMENT"
        record = {**item, "PaymentID": str(uuid.uuid4()), "Status": "AUTHORISED", "PaymentType": kind,
                  "Invoice": {"InvoiceID": invoice["InvoiceID"], "InvoiceNumber": invoice.get("InvoiceNumber"),
                              "Type": invoice.get("Type"),
                              "Contact": invoice.get("Contact"), "CurrencyCode": invoice.get("CurrencyCode")}}
        invoice["AmountDue"] = str(_dec(invoice["AmountDue"]) - _dec(item["Amount"]))
        invoice["AmountPaid"] = str(_dec(invoice.get("AmountPaid")) + _dec(item["Amount"]))
        if _dec(invoice["AmountDue"]) == 0:
            invoice["Status"] = "PAID"
        self._touch(invoice)
        self._touch(record)
        self.records["Payments"][record["PaymentID"]] = record
        return record

    @staticmethod
    def _totals(entity: str, record: dict) -> None:
        if entity not in ("Invoices", "CreditNotes") or "LineItems" not in record:
            return
        sub = sum((_dec(li.get("LineAmount")) for li in record["LineItems"]), Decimal(0))
        tax = sum((_dec(li.get("TaxAmount")) for li in record["LineItems"]), Decimal(0))
        record["SubTotal"], record["TotalTax"], record["Total"] = str(sub), str(tax), str(sub + tax)
        if record.get("Status") == "VOIDED":
            record["AmountDue"] = "0"

    def _touch(self, record: dict) -> None:
        for name in ("Date", "DueDate"):  # Xero answers dates as /Date(ms+0000)/, whatever was sent
            value = record.get(name)
            if isinstance(value, str) and not value.startswith("/Date("):
                day = dt.date.fromisoformat(value[:10])
                record[name] = _ms(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC))
        now = int(time.time() * 1000)
        self._clock = max(self._clock + 1, now)
        record["UpdatedDateUTC"] = f"/Date({self._clock}+0000)/"

    async def _read(self, request: Request) -> JSONResponse:
        if (denied := self._gate(request)) is not None:
            return denied
        entity, record_id = request.path_params["entity"], request.path_params.get("record_id")
        if entity not in ENTITIES:
            return JSONResponse({"Title": "Not Found", "Status": 404}, status_code=404)
        if record_id:
            record = self.records[entity].get(record_id)
            if record is None:
                return JSONResponse({"Title": "Not Found", "Status": 404}, status_code=404)
            return JSONResponse({"Status": "OK", entity: [record]})
        rows = list(self.records[entity].values())
        since = request.headers.get("if-modified-since")
        if since:
            moment = parsedate_to_datetime(since) if "," in since else dt.datetime.fromisoformat(since)
            moment = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
            rows = [r for r in rows if _from_ms(r["UpdatedDateUTC"]) > moment]
        page = int(request.query_params.get("page", "1"))
        return JSONResponse({"Status": "OK", entity: rows[(page - 1) * 100:page * 100]})

    def app(self) -> Starlette:
        return Starlette(routes=[
            Route(TOKEN_PATH, self._token, methods=["POST"]),
            Route("/Connections", self._connections, methods=["GET"]),
            Route(API_PREFIX + "/{entity}", self._write, methods=["PUT", "POST"]),
            Route(API_PREFIX + "/{entity}", self._read, methods=["GET"]),
            Route(API_PREFIX + "/{entity}/{record_id}", self._write, methods=["POST"]),
            Route(API_PREFIX + "/{entity}/{record_id}", self._read, methods=["GET"]),
        ])
