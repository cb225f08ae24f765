"""A fake QuickBooks Online: Intuit's OAuth 2.0 token endpoint (tests/fakes/oauth2.py) and the
Accounting API v3 subset the sync uses, answering as Intuit documents it.

- Token endpoint at Intuit's path (`/oauth2/v1/tokens/bearer`): form-encoded grant, HTTP Basic
  client auth, rotating refresh tokens, `invalid_grant` (400) for a spent one.
- `/v3/company/{realm}/{customer|invoice|creditmemo|payment}`: POST creates (no `Id`) or updates
  (`Id` + `SyncToken`, `sparse: true` merges the fields sent); GET by id; POST `query` with
  `select * from Entity [where Id = '..'] [startposition N maxresults M]`; GET `cdc`.
- `requestid`: a POST repeated with a request id already answered gets the first answer again,
  without doing the work twice (Intuit's idempotency).
- Faults in Intuit's shape (`{"Fault": {"Error": [{Message, Detail, code}], "type"}}`): 5010
  Stale Object Error (the SyncToken is not the current one), 6140 Duplicate Document Number,
  6240 Duplicate Name Exists, 6000 business validation error (a line without a TaxCodeRef or one
  in `refused_tax_codes`), 401 for a missing or expired bearer token, 429 ThrottleExceeded with
  `Retry-After` (scripted with `throttle(n)`, or past `per_minute` requests a minute: Intuit's
  500 per realm and minute).
- Payments link invoices (several, partial; never a voided one, never above its balance; a
  payment without links is an unapplied credit): each linked invoice's Balance drops and its
  SyncToken moves, as in QuickBooks.
- The payable side: `vendor`, `bill` (TotalAmt the sum of its AccountBasedExpenseLineDetail
  lines, Balance = TotalAmt), `billpayment` (PayType Check needs `CheckPayment.BankAccountRef`;
  each linked Bill's Balance drops and its SyncToken moves; above the Bill's Balance, or a Bill
  that does not exist, is fault 6000). Display names are unique across customers and vendors
  (6240), as in QuickBooks. `edit(...)` and `record_payment(...)` are a person
  working in the QuickBooks UI.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import json
import re
import threading
import time
from collections import deque
from decimal import Decimal
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tests.fakes.oauth2 import TokenAuthority

TOKEN_PATH = "/oauth2/v1/tokens/bearer"
API_PREFIX = "/v3"
ENTITIES = {"customer": "Customer", "invoice": "Invoice", "creditmemo": "CreditMemo", "payment": "Payment",
            "vendor": "Vendor", "bill": "Bill", "billpayment": "BillPayment"}
LINE_DETAILS = ("SalesItemLineDetail", "AccountBasedExpenseLineDetail")
NAMED = ("Customer", "Vendor")  # QuickBooks keeps display names unique across these lists


def _fault(code: str, message: str, detail: str, kind: str = "ValidationFault", status: int = 400) -> JSONResponse:
    return JSONResponse({"Fault": {"Error": [{"Message": message, "Detail": detail, "code": code}], "type": kind},
                         "time": _now()}, status_code=status)


def _now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "-00:00"


def _dec(value) -> Decimal:  # noqa: ANN001
    return Decimal(str(value or 0))


class FakeQuickBooks:
    def __init__(self, client_id: str = "qb-client", client_secret: str = "qb-secret",
                 per_minute: int | None = None, window_seconds: float = 60.0) -> None:
        self.auth = TokenAuthority(client_id, client_secret)
        self.records: dict[str, dict[str, dict]] = {name: {} for name in ENTITIES.values()}
        self.answered: dict[str, tuple[int, dict]] = {}  # requestid -> first answer
        self.requests: list[tuple[str, str]] = []  # (method, path) of every API call
        self.refused_tax_codes: set[str] = set()
        self.per_minute = per_minute
        self.window_seconds = window_seconds  # a benchmark may compress the provider's minute
        self.throttled = 0  # 429s answered
        self.retry_after = "1"
        self._throttle = 0
        self._window: deque[float] = deque()
        self._ids = itertools.count(100)
        self._lock = threading.RLock()

    # --- what a test or a person in the QuickBooks UI does -------------------------------------
    def throttle(self, times: int, retry_after: str = "1") -> None:
        self._throttle, self.retry_after = times, retry_after

    def all(self, entity: str) -> list[dict]:
        return list(self.records[entity].values())

    def edit(self, entity: str, record_id: str, **fields) -> dict:
        with self._lock:
            record = self.records[entity][record_id]
            record.update(fields)
            self._bump(record)
            if "Line" in fields:
                self._totals(entity, record)
            return record

    def record_payment(self, customer_id: str, links: list[tuple[str, Decimal]], currency: str = "INR",
                       txn_date: str | None = None) -> dict:
        body = {"CustomerRef": {"value": customer_id}, "CurrencyRef": {"value": currency},
                "TxnDate": txn_date or dt.date.today().isoformat(),
                "TotalAmt": str(sum((a for _, a in links), Decimal(0))),
                "Line": [{"Amount": str(a), "LinkedTxn": [{"TxnId": i, "TxnType": "Invoice"}]} for i, a in links]}
        with self._lock:
            return self._create("Payment", body)

    # --- the HTTP side ---------------------------------------------------------------------------
    async def _token(self, request: Request) -> JSONResponse:
        form = dict(parse_qsl((await request.body()).decode()))
        status, body = self.auth.token(request.headers.get("authorization"), form)
        return JSONResponse(body, status_code=status)

    def _gate(self, request: Request) -> JSONResponse | None:
        self.requests.append((request.method, request.url.path))
        if not self.auth.bearer_ok(request.headers.get("authorization")):
            return JSONResponse({"fault": {"error": [{"message": "message=AuthenticationFailed; errorCode=003200; "
                                                      "statusCode=401", "detail": "Token expired", "code": "3200"}],
                                           "type": "AUTHENTICATION"}}, status_code=401)
        now = time.monotonic()
        throttled = False
        with self._lock:
            if self._throttle > 0:
                self._throttle -= 1
                throttled = True
            elif self.per_minute:
                while self._window and now - self._window[0] > self.window_seconds:
                    self._window.popleft()
                if len(self._window) >= self.per_minute:
                    throttled = True
                    wait = self.window_seconds - (now - self._window[0])
                    self.retry_after = str(max(1, math.ceil(wait)))
                else:
                    self._window.append(now)
        if throttled:
            self.throttled += 1
            response = _fault("3001", "message=ThrottleExceeded; errorCode=003001; statusCode=429",
                              "The request limit was reached.", kind="ThrottleExceeded", status=429)
            response.headers["Retry-After"] = self.retry_after
            return response
        return None

    async def _write(self, request: Request) -> JSONResponse:
        if (denied := self._gate(request)) is not None:
            return denied
        name = ENTITIES.get(request.path_params["entity"].lower())
        if name is None:
            return _fault("2010", "Unsupported Operation", "Unsupported entity", status=400)
        request_id = request.query_params.get("requestid")
        body = json.loads((await request.body()) or b"{}")
        with self._lock:
            if request_id and request_id in self.answered:
                status, body = self.answered[request_id]
                return JSONResponse(body, status_code=status)
            response = self._apply(name, body, request.query_params.get("operation"))
            if request_id:
                self.answered[request_id] = (response.status_code, json.loads(response.body))
            return response

    def _apply(self, name: str, body: dict, operation: str | None) -> JSONResponse:
        if body.get("Id"):
            record = self.records[name].get(str(body["Id"]))
            if record is None:
                return _fault("610", "Object Not Found", f"Object Not Found : {name} {body['Id']}")
            if str(body.get("SyncToken")) != record["SyncToken"]:
                return _fault("5010", "Stale Object Error",
                              f"Stale Object Error : You and {record.get('_editor', 'another user')} were working "
                              "on this at the same time. Refresh and try again.")
            if operation == "void":
                return self._void(name, record)
            problem = self._validate(name, body, record)
            if problem is not None:
                return problem
            if body.get("sparse"):
                record.update({k: v for k, v in body.items() if k not in ("Id", "SyncToken", "sparse")})
            else:
                keep = {k: record[k] for k in ("Id", "MetaData", "Balance") if k in record}
                record.clear()
                record.update({**body, **keep})
            self._totals(name, record)
            self._bump(record)
            return JSONResponse({name: self._public(record), "time": _now()})
        problem = self._validate(name, body, None)
        if problem is not None:
            return problem
        return JSONResponse({name: self._public(self._create(name, body)), "time": _now()})

    def _validate(self, name: str, body: dict, current: dict | None) -> JSONResponse | None:
        if name == "Payment":
            for line in body.get("Line", []):
                for link in line.get("LinkedTxn", []):
                    invoice = self.records["Invoice"].get(str(link.get("TxnId")))
                    if invoice is None or invoice.get("_voided"):
                        return _fault("6000", "A business validation error has occurred while processing your "
                                      "request", "Business Validation Error: The transaction you are linking to "
                                      "is voided or does not exist.")
                    if _dec(line.get("Amount")) > _dec(invoice.get("Balance")):
                        return _fault("6000", "A business validation error has occurred while processing your "
                                      "request", "Business Validation Error: The amount applied exceeds the "
                                      "open balance of the transaction.")
        if name == "BillPayment":
            if body.get("PayType") == "Check" and not ((body.get("CheckPayment") or {}).get("BankAccountRef") or {}).get("value"):
                return _fault("2020", "Required param missing, need to supply the required value for the API",
                              "Required parameter CheckPayment.BankAccountRef is missing in the request")
            for line in body.get("Line", []):
                for link in line.get("LinkedTxn", []):
                    bill = self.records["Bill"].get(str(link.get("TxnId")))
                    if bill is None or link.get("TxnType") != "Bill":
                        return _fault("6000", "A business validation error has occurred while processing your "
                                      "request", "Business Validation Error: The transaction you are linking to "
                                      "does not exist.")
                    if _dec(line.get("Amount")) > _dec(bill.get("Balance")):
                        return _fault("6000", "A business validation error has occurred while processing your "
                                      "request", "Business Validation Error: The amount applied exceeds the "
                                      "open balance of the bill.")
        if name in NAMED and "DisplayName" in body:
            if any(c["DisplayName"] == body["DisplayName"] and c is not current
                   for named in NAMED for c in self.records[named].values()):
                return _fault("6240", "Duplicate Name Exists Error",
                              f"The name supplied already exists. : {body['DisplayName']}")
        if name in ("Invoice", "CreditMemo"):
            number = body.get("DocNumber")
            if number and any(r.get("DocNumber") == number and r is not current and not r.get("_voided")
                              for r in self.records[name].values()):
                return _fault("6140", "Duplicate Document Number Error",
                              "Duplicate Document Number Error : You must specify a different number. "
                              f"This number has already been used. DocNumber={number} is assigned to TxnType={name}")
            for line in body.get("Line", []):
                detail = line.get("SalesItemLineDetail")
                if detail is None:
                    continue
                code = (detail.get("TaxCodeRef") or {}).get("value")
                if not code or code in self.refused_tax_codes:
                    return _fault("6000", "A business validation error has occurred while processing your request",
                                  "Business Validation Error: Make sure all your transactions have a GST rate "
                                  "before you save.")
        return None

    def _create(self, name: str, body: dict) -> dict:
        record = {k: v for k, v in body.items() if k != "sparse"}
        record["Id"] = str(next(self._ids))
        record["SyncToken"] = "-1"
        record["MetaData"] = {"CreateTime": _now()}
        self._totals(name, record)
        if name in ("Invoice", "CreditMemo", "Bill"):
            record["Balance"] = record["TotalAmt"]
        if name == "Payment":
            for line in record.get("Line", []):
                for link in line.get("LinkedTxn", []):
                    invoice = self.records["Invoice"].get(link["TxnId"])
                    if invoice is not None:
                        invoice["Balance"] = str(_dec(invoice["Balance"]) - _dec(line["Amount"]))
                        self._bump(invoice)
        if name == "BillPayment":
            for line in record.get("Line", []):
                for link in line.get("LinkedTxn", []):
                    bill = self.records["Bill"][str(link["TxnId"])]
                    bill["Balance"] = str(_dec(bill["Balance"]) - _dec(line["Amount"]))
                    self._bump(bill)
        self._bump(record)
        self.records[name][record["Id"]] = record
        return record

    def _void(self, name: str, record: dict) -> JSONResponse:
        record["_voided"] = True
        record["PrivateNote"] = "Voided"
        record["Balance"] = "0"
        for line in record.get("Line", []):
            line["Amount"] = "0"
        record["TotalAmt"] = "0"
        self._bump(record)
        return JSONResponse({name: self._public(record), "time": _now()})

    @staticmethod
    def _totals(name: str, record: dict) -> None:
        if "Line" not in record or name not in ("Invoice", "CreditMemo", "Bill"):
            return  # a payment, bill payment (or a name list): TotalAmt is what was sent
        net = sum((_dec(line.get("Amount")) for line in record["Line"]
                   if line.get("DetailType") in LINE_DETAILS), Decimal(0))
        tax = _dec((record.get("TxnTaxDetail") or {}).get("TotalTax"))
        record["TotalAmt"] = str(net + tax)

    @staticmethod
    def _bump(record: dict) -> None:
        record["SyncToken"] = str(int(record["SyncToken"]) + 1)
        record.setdefault("MetaData", {})["LastUpdatedTime"] = _now()

    @staticmethod
    def _public(record: dict) -> dict:
        return {k: v for k, v in record.items() if not k.startswith("_")}

    async def _read(self, request: Request) -> JSONResponse:
        if (denied := self._gate(request)) is not None:
            return denied
        name = ENTITIES.get(request.path_params["entity"].lower())
        record = self.records.get(name, {}).get(request.path_params["record_id"]) if name else None
        if record is None:
            return _fault("610", "Object Not Found", "Object Not Found : Something you're trying to use has been "
                                                     "made inactive or is not in QuickBooks.")
        return JSONResponse({name: self._public(record), "time": _now()})

    async def _query(self, request: Request) -> JSONResponse:
        if (denied := self._gate(request)) is not None:
            return denied
        sql = (await request.body()).decode().strip()
        match = re.match(r"(?is)select \* from (\w+)(?: where Id = '([^']+)')?"
                         r"(?: startposition (\d+))?(?: maxresults (\d+))?\s*$", sql)
        if not match or match.group(1) not in self.records:
            return _fault("4000", "Error parsing query", f"QueryParserError: {sql}")
        name, record_id, start, size = match.groups()
        rows = [r for r in self.records[name].values() if record_id is None or r["Id"] == record_id]
        start, size = int(start or 1), int(size or 100)
        page = [self._public(r) for r in rows[start - 1:start - 1 + size]]
        return JSONResponse({"QueryResponse": {name: page, "startPosition": start, "maxResults": len(page)}
                             if page else {}, "time": _now()})

    async def _cdc(self, request: Request) -> JSONResponse:
        if (denied := self._gate(request)) is not None:
            return denied
        since = dt.datetime.fromisoformat(request.query_params["changedSince"].replace("Z", "+00:00"))
        responses = []
        for name in request.query_params["entities"].split(","):
            changed = [self._public(r) for r in self.records.get(name, {}).values()
                       if dt.datetime.fromisoformat(r["MetaData"]["LastUpdatedTime"]) >= since]
            responses.append({name: changed, "startPosition": 1, "maxResults": len(changed)})
        return JSONResponse({"CDCResponse": [{"QueryResponse": responses}], "time": _now()})

    def app(self) -> Starlette:
        base = API_PREFIX + "/company/{realm}"
        return Starlette(routes=[
            Route(TOKEN_PATH, self._token, methods=["POST"]),
            Route(base + "/query", self._query, methods=["POST", "GET"]),
            Route(base + "/cdc", self._cdc, methods=["GET"]),
            Route(base + "/{entity}", self._write, methods=["POST"]),
            Route(base + "/{entity}/{record_id}", self._read, methods=["GET"]),
        ])
