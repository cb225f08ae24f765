"""QuickBooks Online through the official `python-quickbooks` SDK: the adapter of the sync.

Customers, Invoices, CreditMemos and Payments (linked to the invoices they settle, partly or
wholly, several per payment); on the payable side Vendors, Bills (expense lines on the mapped
cost-of-tours account, the mapped accounts-payable account) and BillPayments (PayType Check,
`CheckPayment.BankAccountRef` our bank account of the payout's currency, linked to the Bill). Creates carry the mapping's idempotency key as `requestid`
(Intuit replays the first answer for a repeated id); updates are sparse (`"sparse": true`)
with the SyncToken we hold, so an edited invoice stays the same QuickBooks document.

The SDK turns every non-200 into a `QuickbooksException` and keeps no response, so the client
here records the last response (`_RecordingQuickBooks.process_request`) to read the status and
`Retry-After`: 401 refreshes the access token once (under the connection's row lock,
tourstack.accounting.connections.access_token) and retries; 429 waits as told, bounded
(provider.Backoff); fault 5010 is a stale SyncToken; other faults are the provider's refusal.

Amounts and the exchange rate go out as decimal strings, never floats. `ExchangeRate` is ours
(1 unit = rate INR, as booked) and QuickBooks keeps it rather than applying its own.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable

import requests
from quickbooks import QuickBooks
from quickbooks.exceptions import QuickbooksException

from tourstack.accounting.connections import AccessGrant
from tourstack.accounting.errors import ProviderUnavailable
from tourstack.accounting.provider import (
    Backoff,
    ProviderRefused,
    RateLimitExhausted,
    References,
    RemoteDoc,
    RemoteRef,
    StaleVersion,
    content_hash,
    major,
    minor,
)
from tourstack.accounting.quickbooks_oauth import QuickBooksOAuth

MINOR_VERSION = 75
OBJECTS = {"customer": "Customer", "invoice": "Invoice", "credit_note": "CreditMemo", "payment": "Payment",
           "vendor": "Vendor", "bill": "Bill", "bill_payment": "BillPayment"}
PAGE = 1000  # QuickBooks' largest query page
LINE_DETAILS = ("SalesItemLineDetail", "AccountBasedExpenseLineDetail")


class _RecordingQuickBooks(QuickBooks):
    last_response: requests.Response | None = None

    def process_request(self, request_type, url, headers="", params="", data=""):  # noqa: ANN001
        self.last_response = None
        self.last_response = super().process_request(request_type, url, headers=headers, params=params, data=data)
        return self.last_response


class QuickBooksSync:
    provider = "quickbooks"

    def __init__(self, oauth: QuickBooksOAuth, tokens: Callable[[str | None], AccessGrant], *,
                 api_base: str | None = None, backoff: Backoff | None = None) -> None:
        """`tokens(rejected)` answers a live AccessGrant (`rejected`: the token a 401 refused)."""
        self._oauth, self._tokens, self._api_base = oauth, tokens, api_base
        self.backoff = backoff or Backoff()
        self.calls = 0
        self._qb: _RecordingQuickBooks | None = None
        self._grant: AccessGrant | None = None

    # --- the SDK client -------------------------------------------------------------------------
    def _client(self, rejected: str | None = None) -> _RecordingQuickBooks:
        if self._qb is None or rejected is not None:
            self._grant = self._tokens(rejected)
            auth = self._oauth.client()  # shipped discovery document: no network
            auth.access_token = self._grant.access_token
            qb = _RecordingQuickBooks(auth_client=auth, refresh_token="unused", company_id=self._grant.tenant_id,
                                      minorversion=MINOR_VERSION)
            if self._api_base:
                qb.api_url_v3 = qb.sandbox_api_url_v3 = self._api_base.rstrip("/") + "/v3"
            self._qb = qb
        return self._qb

    def _url(self, qb: QuickBooks, path: str) -> str:
        return f"{qb.api_url}/company/{qb.company_id}/{path}"

    def _call(self, fn: Callable[[_RecordingQuickBooks], dict]) -> dict:
        refreshed = False
        attempt = 0
        while True:
            qb = self._client()
            self.calls += 1
            try:
                return fn(qb)
            except QuickbooksException as exc:
                status = qb.last_response.status_code if qb.last_response is not None else None
                if status == 401 and not refreshed:
                    refreshed = True
                    self._client(rejected=self._grant.access_token)
                    continue
                if status == 429:
                    if attempt >= self.backoff.attempts:
                        raise RateLimitExhausted("QuickBooks kept answering 429 (ThrottleExceeded)") from None
                    self.backoff.wait(attempt, qb.last_response.headers.get("Retry-After"))
                    attempt += 1
                    continue
                if str(exc.error_code) == "5010":
                    raise StaleVersion(f"QuickBooks: {exc.message}") from None
                detail = f"{exc.message}: {exc.detail}" if exc.detail else str(exc.message)
                raise ProviderRefused(f"quickbooks-{exc.error_code}", detail) from None
            except requests.RequestException as exc:
                raise ProviderUnavailable(f"QuickBooks unreachable: {type(exc).__name__}") from None

    # --- the protocol ----------------------------------------------------------------------------
    def create(self, entity: str, payload: dict, refs: References, idempotency_key: str) -> RemoteRef:
        name = OBJECTS[entity]
        body = self._body(entity, payload, refs)
        answer = self._call(lambda qb: qb.create_object(name, json.dumps(body), request_id=idempotency_key))
        record = answer[name]
        if payload.get("voided"):
            record = self._void(name, record)
        return self._ref(entity, record)

    def update(self, entity: str, remote_id: str, version: str | None, payload: dict,
               refs: References) -> RemoteRef:
        name = OBJECTS[entity]
        body = {**self._body(entity, payload, refs), "Id": remote_id, "SyncToken": version, "sparse": True}
        record = self._call(lambda qb: qb.update_object(name, json.dumps(body)))[name]
        if payload.get("voided"):
            record = self._void(name, record)
        return self._ref(entity, record)

    def read(self, entity: str, remote_id: str) -> RemoteRef:
        name = OBJECTS[entity]
        return self._ref(entity, self._call(lambda qb: qb.get_single_object(name, remote_id))[name])

    def list_remote(self, entity: str) -> list[RemoteDoc]:
        name = OBJECTS[entity]
        out, start = [], 1
        while True:
            answer = self._call(lambda qb, s=start: qb.query(f"select * from {name} startposition {s} maxresults {PAGE}"))
            rows = answer.get("QueryResponse", {}).get(name, [])
            out += [self._doc(entity, r) for r in rows]
            if len(rows) < PAGE:
                return out
            start += PAGE

    def changed_payments(self, since: dt.datetime) -> list[RemoteDoc]:
        """QuickBooks Change Data Capture: payments created or changed since `since` (CDC looks
        back at most 30 days)."""
        def cdc(qb: _RecordingQuickBooks) -> dict:
            return qb.get(self._url(qb, "cdc"), params={"entities": "Payment", "changedSince": since.isoformat()})

        answer = self._call(cdc)
        out = []
        for block in answer.get("CDCResponse", []):
            for response in block.get("QueryResponse", []):
                out += [self._doc("payment", r) for r in response.get("Payment", [])]
        return out

    def _void(self, name: str, record: dict) -> dict:
        body = json.dumps({"Id": record["Id"], "SyncToken": record["SyncToken"]})
        return self._call(lambda qb: qb.post(self._url(qb, name.lower()), body, params={"operation": "void"}))[name]

    # --- translation -----------------------------------------------------------------------------
    @staticmethod
    def _body(entity: str, p: dict, refs: References) -> dict:
        if entity == "customer":
            body = {"DisplayName": p["name"], "CompanyName": p["name"], "CurrencyRef": {"value": p["currency"]},
                    "PrimaryEmailAddr": {"Address": p["email"]},
                    "BillAddr": {"City": p["city"], "CountrySubDivisionCode": p["state"], "Country": p["country"]},
                    "Notes": f"Tourstack agency {p['code']}" + (f"; tax id {p['tax_id']}" if p["tax_id"] else "")}
            if p.get("phone"):
                body["PrimaryPhone"] = {"FreeFormNumber": p["phone"]}
            return body
        currency = p["currency"]
        if entity in ("vendor", "bill", "bill_payment"):
            return _payable_body(entity, p, refs)
        if entity == "payment":
            return {"CustomerRef": {"value": refs.customer}, "CurrencyRef": {"value": currency},
                    "TotalAmt": major(p["amount_minor"], currency), "ExchangeRate": p["fx_rate"],
                    "TxnDate": p["paid_on"], "PaymentRefNum": p["reference"][:21],
                    "DepositToAccountRef": {"value": p["deposit_account"]},
                    # a voided invoice takes no payment: that money stays unapplied (the customer's credit)
                    "Line": [{"Amount": major(a["amount_minor"], currency),
                              "LinkedTxn": [{"TxnId": refs.invoices[a["invoice_id"]], "TxnType": "Invoice"}]}
                             for a in p["allocations"] if not a.get("invoice_voided")]}
        note = f"Tourstack {p['number']}; booked at 1 {currency} = {p['fx_rate']} INR ({p['fx_rate_date']}, {p['fx_source']})"
        if p.get("credited_number"):
            note += f"; credits {p['credited_number']}"
        return {"DocNumber": p["number"], "TxnDate": p["issued_on"], "DueDate": p["due_on"],
                "CustomerRef": {"value": refs.customer}, "CurrencyRef": {"value": currency},
                "ExchangeRate": p["fx_rate"], "GlobalTaxCalculation": "TaxExcluded", "PrivateNote": note,
                "TxnTaxDetail": {"TotalTax": major(p["tax_minor"], currency)},
                "Line": [{"LineNum": line["number"], "Description": line["description"],
                          "Amount": major(line["amount_minor"], currency), "DetailType": "SalesItemLineDetail",
                          "SalesItemLineDetail": {"ItemRef": {"value": line["item"]}, "Qty": line["quantity"],
                                                  "UnitPrice": major(line["unit_price_minor"], currency),
                                                  "TaxCodeRef": {"value": line["tax_code"]}}}
                         for line in p["lines"]]}

    @staticmethod
    def _content(entity: str, r: dict) -> dict:
        currency = (r.get("CurrencyRef") or {}).get("value") or "INR"
        if entity in ("customer", "vendor"):
            return {"name": r.get("DisplayName"), "email": (r.get("PrimaryEmailAddr") or {}).get("Address")}
        if entity in ("payment", "bill_payment"):
            return {"total": minor(r.get("TotalAmt"), currency), "currency": currency,
                    "links": sorted(str(t["TxnId"]) for line in r.get("Line", []) for t in line.get("LinkedTxn", []))}
        party = (r.get("VendorRef") if entity == "bill" else r.get("CustomerRef")) or {}
        return {"number": r.get("DocNumber"), "customer": party.get("value"),
                "currency": currency, "total": minor(r.get("TotalAmt"), currency), "rate": str(r.get("ExchangeRate")),
                "lines": [(line.get("Description"), minor(line.get("Amount"), currency)) for line in r.get("Line", [])
                          if line.get("DetailType") in LINE_DETAILS]}

    def _ref(self, entity: str, record: dict) -> RemoteRef:
        return RemoteRef(str(record["Id"]), str(record.get("SyncToken")), content_hash(self._content(entity, record)))

    @staticmethod
    def _doc(entity: str, r: dict) -> RemoteDoc:
        currency = (r.get("CurrencyRef") or {}).get("value") or "INR"
        voided = r.get("PrivateNote") == "Voided"
        balance = minor(r.get("Balance"), currency) if "Balance" in r else None
        status = "voided" if voided else ("paid" if balance == 0 else "open") if balance is not None else None
        links = tuple(str(t["TxnId"]) for line in r.get("Line", []) for t in line.get("LinkedTxn", []))
        party = r.get("VendorRef") or r.get("CustomerRef") or {}
        return RemoteDoc(entity=entity, remote_id=str(r["Id"]),
                         number=r.get("DisplayName") if entity in ("customer", "vendor") else r.get("DocNumber"),
                         customer_remote_id=party.get("value"), currency=currency,
                         total_minor=minor(r.get("TotalAmt"), currency), balance_minor=balance, status=status,
                         invoice_remote_ids=links if entity in ("payment", "bill_payment") else (),
                         paid_on=r.get("TxnDate"),
                         version=str(r.get("SyncToken")), changed_at=_changed_at(r))


def _payable_body(entity: str, p: dict, refs: References) -> dict:
    """Vendor, Bill and BillPayment bodies. Bills carry no tax (GlobalTaxCalculation
    NotApplicable): our books record supplier costs without input tax."""
    if entity == "vendor":
        body = {"DisplayName": p["name"], "CompanyName": p["name"], "CurrencyRef": {"value": p["currency"]},
                "PrimaryEmailAddr": {"Address": p["email"]}, "PrintOnCheckName": p["name"][:100]}
        if p.get("phone"):
            body["PrimaryPhone"] = {"FreeFormNumber": p["phone"]}
        return body
    currency = p["currency"]
    if entity == "bill_payment":
        return {"VendorRef": {"value": refs.customer}, "CurrencyRef": {"value": currency}, "PayType": "Check",
                "CheckPayment": {"BankAccountRef": {"value": p["bank_account"]}},
                "TotalAmt": major(p["amount_minor"], currency), "ExchangeRate": p["fx_rate"],
                "TxnDate": p["paid_on"], "DocNumber": p["reference"][:21],
                "PrivateNote": f"Tourstack supplier payout {p['reference']}; paid at 1 {currency} = {p['fx_rate']} "
                               f"INR ({p['fx_rate_date']})",
                "Line": [{"Amount": major(a["amount_minor"], currency),
                          "LinkedTxn": [{"TxnId": refs.invoices[a["bill_id"]], "TxnType": "Bill"}]}
                         for a in p["allocations"]]}
    body = {"DocNumber": p["number"], "TxnDate": p["issued_on"], "DueDate": p["due_on"],
            "VendorRef": {"value": refs.customer}, "CurrencyRef": {"value": currency},
            "ExchangeRate": p["fx_rate"], "GlobalTaxCalculation": "NotApplicable",
            "PrivateNote": f"Tourstack {p['number']}, services {p['period']}; booked at 1 {currency} = "
                           f"{p['fx_rate']} INR ({p['fx_rate_date']}, {p['fx_source']})",
            "Line": [{"LineNum": line["number"], "Description": line["description"],
                      "Amount": major(line["amount_minor"], currency), "DetailType": "AccountBasedExpenseLineDetail",
                      "AccountBasedExpenseLineDetail": {"AccountRef": {"value": line["account"]}}}
                     for line in p["lines"]]}
    if p.get("payable_account"):
        body["APAccountRef"] = {"value": p["payable_account"]}
    return body


def _changed_at(record: dict) -> dt.datetime | None:
    """MetaData.LastUpdatedTime (ISO 8601 with an offset, e.g. 2026-12-01T10:00:00-08:00), in UTC."""
    text = (record.get("MetaData") or {}).get("LastUpdatedTime")
    try:
        moment = dt.datetime.fromisoformat(text) if text else None
    except ValueError:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)).astimezone(dt.UTC) if moment else None
