"""Xero through the official `xero-python` SDK (`AccountingApi`): the adapter of the sync.

Contacts, ACCREC Invoices, ACCRECCREDIT CreditNotes and Payments (Xero links a payment to one
invoice; a payment split over several invoices goes out as several Payments in one request);
on the payable side supplier Contacts (`IsSupplier`), ACCPAY Invoices (bills: `LineAmountTypes`
NoTax, each line on the mapped cost-of-tours AccountCode) and Payments against them out of our
bank account of that currency. Xero keeps both sides in the same endpoints, so every listing is
filtered by side (ACCREC/ACCPAY, ACCRECPAYMENT/ACCPAYPAYMENT, customer/supplier contacts).
Creates carry the mapping's idempotency key as the `Idempotency-Key` header (Xero answers a
repeated key with the first answer). Xero has no SyncToken: the version is `UpdatedDateUTC`,
and an update first reads the record and raises StaleVersion when it moved since our push.

Errors from the SDK: `RateLimitException` (429) waits `Retry-After`, bounded; 401 refreshes once
(under the connection's row lock) and retries; 400 carries `Elements[].ValidationErrors[]`,
which become the provider's refusal with Xero's own words.

Xero expresses a rate as units of the foreign currency per 1 unit of the base currency (INR),
the inverse of ours, so `CurrencyRate` is 1 / our booked rate, to 10 decimal places; the SDK
writes amounts as JSON numbers (it serialises Decimal through float; two-decimal amounts
round-trip exactly).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from decimal import Decimal

from xero_python.accounting import (
    AccountingApi,
    Account,
    Contact,
    Contacts,
    CreditNote,
    CreditNotes,
    CurrencyCode,
    Invoice,
    Invoices,
    LineAmountTypes,
    LineItem,
    Payment,
    Payments,
)
from xero_python.exceptions import ApiException, HTTPStatusException, RateLimitException

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
    minor,
)
from tourstack.accounting.tokens import TokenSet
from tourstack.accounting.xero_oauth import XeroOAuth
from tourstack.money import from_minor

STATUSES = {"AUTHORISED": "open", "PAID": "paid", "VOIDED": "voided", "DELETED": "voided", "SUBMITTED": "open",
            "DRAFT": "open"}


def _money(amount_minor: int, currency: str) -> Decimal:
    return from_minor(amount_minor, currency)


class XeroSync:
    provider = "xero"

    def __init__(self, oauth: XeroOAuth, tokens: Callable[[str | None], AccessGrant], *,
                 api_base: str | None = None, backoff: Backoff | None = None) -> None:
        self._oauth, self._tokens, self._api_base = oauth, tokens, api_base
        self.backoff = backoff or Backoff()
        self.calls = 0
        self._api: AccountingApi | None = None
        self._grant: AccessGrant | None = None

    def _client(self, rejected: str | None = None) -> AccountingApi:
        if self._api is None or rejected is not None:
            self._grant = self._tokens(rejected)
            now = dt.datetime.now(dt.UTC)
            tokens = TokenSet(self._grant.access_token, "-", now + dt.timedelta(minutes=29))
            base = self._api_base.rstrip("/") + "/api.xro/2.0" if self._api_base else None
            client = self._oauth.api_client(tokens)
            # urllib3 would retry a 429 on its own (idempotent methods only, sleeping Retry-After
            # unbounded by us): switch that off so every 429 comes here and Backoff bounds it
            client.rest_client.pool_manager.connection_pool_kw["retries"] = False
            self._api = AccountingApi(client, base_url=base)
        return self._api

    def _call(self, fn: Callable[[AccountingApi, str], object]):
        refreshed, attempt = False, 0
        while True:
            api = self._client()
            self.calls += 1
            try:
                return fn(api, self._grant.tenant_id)
            except RateLimitException as exc:
                if attempt >= self.backoff.attempts:
                    raise RateLimitExhausted("Xero kept answering 429") from None
                headers = exc.headers or {}
                self.backoff.wait(attempt, headers.get("Retry-After") or headers.get("retry-after"))
                attempt += 1
            except HTTPStatusException as exc:
                if exc.status == 401 and not refreshed:
                    refreshed = True
                    self._client(rejected=self._grant.access_token)
                    continue
                if exc.status == 400:
                    raise ProviderRefused("xero-validation", _validation_message(exc.body)) from None
                if exc.status == 404:
                    raise ProviderRefused("xero-not-found", "the record is not in Xero") from None
                raise ProviderUnavailable(f"Xero answered {exc.status}") from None
            except (ApiException, OSError) as exc:
                raise ProviderUnavailable(f"Xero unreachable: {type(exc).__name__}") from None

    # --- the protocol ----------------------------------------------------------------------------
    def create(self, entity: str, payload: dict, refs: References, idempotency_key: str) -> RemoteRef:
        model = self._model(entity, payload, refs)
        if entity in ("customer", "vendor"):
            answer = self._call(lambda a, t: a.create_contacts(t, Contacts(contacts=[model]),
                                                               idempotency_key=idempotency_key)).contacts[0]
        elif entity in ("invoice", "bill"):
            answer = self._call(lambda a, t: a.create_invoices(t, Invoices(invoices=[model]),
                                                               idempotency_key=idempotency_key)).invoices[0]
        elif entity == "credit_note":
            answer = self._call(lambda a, t: a.create_credit_notes(t, CreditNotes(credit_notes=[model]),
                                                                   idempotency_key=idempotency_key)).credit_notes[0]
        else:
            answer = self._call(lambda a, t: a.create_payments(t, Payments(payments=model),
                                                               idempotency_key=idempotency_key)).payments[0]
        return self._ref(entity, answer)

    def update(self, entity: str, remote_id: str, version: str | None, payload: dict,
               refs: References) -> RemoteRef:
        current = self.read(entity, remote_id)
        if version is not None and current.version != version:
            raise StaleVersion(f"Xero {entity} {remote_id} changed since our push")
        model = self._model(entity, payload, refs)
        if entity in ("customer", "vendor"):
            answer = self._call(lambda a, t: a.update_contact(t, remote_id, Contacts(contacts=[model]))).contacts[0]
        elif entity in ("invoice", "bill"):
            answer = self._call(lambda a, t: a.update_invoice(t, remote_id, Invoices(invoices=[model]))).invoices[0]
        elif entity == "credit_note":
            answer = self._call(lambda a, t: a.update_credit_note(
                t, remote_id, CreditNotes(credit_notes=[model]))).credit_notes[0]
        else:  # a payment is not edited in Xero: it is deleted and re-created; ours never change
            raise ProviderRefused("xero-payment-immutable", "Xero payments cannot be edited; delete and re-create")
        return self._ref(entity, answer)

    def read(self, entity: str, remote_id: str) -> RemoteRef:
        return self._ref(entity, self._read_model(entity, remote_id))

    def _read_model(self, entity: str, remote_id: str):  # noqa: ANN202
        if entity in ("customer", "vendor"):
            return self._call(lambda a, t: a.get_contact(t, remote_id)).contacts[0]
        if entity in ("invoice", "bill"):
            return self._call(lambda a, t: a.get_invoice(t, remote_id)).invoices[0]
        if entity == "credit_note":
            return self._call(lambda a, t: a.get_credit_note(t, remote_id)).credit_notes[0]
        return self._call(lambda a, t: a.get_payment(t, remote_id)).payments[0]

    def list_remote(self, entity: str, since: dt.datetime | None = None) -> list[RemoteDoc]:
        out, page = [], 1
        while True:
            extra = {"if_modified_since": since} if since else {}
            if entity in ("customer", "vendor"):
                rows = self._call(lambda a, t, p=page: a.get_contacts(t, page=p, **extra)).contacts
            elif entity in ("invoice", "bill"):
                rows = self._call(lambda a, t, p=page: a.get_invoices(t, page=p, **extra)).invoices
            elif entity == "credit_note":
                rows = self._call(lambda a, t, p=page: a.get_credit_notes(t, page=p, **extra)).credit_notes
            else:
                rows = self._call(lambda a, t, p=page: a.get_payments(t, page=p, **extra)).payments
            out += [self._doc(entity, r) for r in rows or [] if _on_side(entity, r)]
            if len(rows or []) < 100:
                return out
            page += 1

    def changed_payments(self, since: dt.datetime) -> list[RemoteDoc]:
        """Payments created or changed in Xero since `since` (If-Modified-Since)."""
        return self.list_remote("payment", since=since)

    # --- translation -----------------------------------------------------------------------------
    @staticmethod
    def _model(entity: str, p: dict, refs: References):  # noqa: ANN205
        if entity == "customer":
            return Contact(name=p["name"], account_number=p["code"], email_address=p["email"],
                           default_currency=CurrencyCode(p["currency"]), tax_number=p["tax_id"], is_customer=True)
        if entity == "vendor":
            return Contact(name=p["name"], account_number=p["code"], email_address=p["email"],
                           default_currency=CurrencyCode(p["currency"]), is_supplier=True)
        currency = p["currency"]
        rate = (Decimal(1) / Decimal(p["fx_rate"])).quantize(Decimal("0.0000000001")) if p.get("fx_rate") else None
        if entity == "bill_payment":
            return [Payment(invoice=Invoice(invoice_id=refs.invoices[a["bill_id"]]),
                            account=Account(code=p["bank_account"]), date=dt.date.fromisoformat(p["paid_on"]),
                            amount=_money(a["amount_minor"], currency), currency_rate=rate,
                            reference=p["reference"]) for a in p["allocations"]]
        if entity == "bill":
            lines = [LineItem(description=line["description"], quantity=Decimal(1),
                              unit_amount=_money(line["amount_minor"], currency),
                              line_amount=_money(line["amount_minor"], currency), account_code=line["account"])
                     for line in p["lines"]]
            return Invoice(type="ACCPAY", invoice_number=p["number"], reference=f"Tourstack {p['number']} {p['period']}",
                           contact=Contact(contact_id=refs.customer), date=dt.date.fromisoformat(p["issued_on"]),
                           due_date=dt.date.fromisoformat(p["due_on"]), currency_code=CurrencyCode(currency),
                           currency_rate=rate, line_amount_types=LineAmountTypes.NOTAX, line_items=lines,
                           status="AUTHORISED")
        if entity == "payment":
            return [Payment(invoice=Invoice(invoice_id=refs.invoices[a["invoice_id"]]),
                            account=Account(code=p["deposit_account"]), date=dt.date.fromisoformat(p["paid_on"]),
                            amount=_money(a["amount_minor"], currency), currency_rate=rate,
                            reference=p["reference"]) for a in p["allocations"]]
        lines = [LineItem(description=line["description"], quantity=Decimal(line["quantity"]),
                          unit_amount=_money(line["unit_price_minor"], currency),
                          line_amount=_money(line["amount_minor"], currency),
                          tax_amount=_money(line["tax_minor"], currency), tax_type=line["tax_code"],
                          account_code=line["account"]) for line in p["lines"]]
        common = dict(contact=Contact(contact_id=refs.customer), date=dt.date.fromisoformat(p["issued_on"]),
                      currency_code=CurrencyCode(currency), currency_rate=rate,
                      line_amount_types=LineAmountTypes.EXCLUSIVE, line_items=lines,
                      status="VOIDED" if p.get("voided") else "AUTHORISED")
        if entity == "credit_note":
            return CreditNote(type="ACCRECCREDIT", credit_note_number=p["number"],
                              reference=p.get("credited_number") or p["number"], **common)
        return Invoice(type="ACCREC", invoice_number=p["number"], reference=f"Tourstack {p['number']}",
                       due_date=dt.date.fromisoformat(p["due_on"]), **common)

    @staticmethod
    def _id(entity: str, r) -> str:  # noqa: ANN001
        return str({"customer": getattr(r, "contact_id", None), "vendor": getattr(r, "contact_id", None),
                    "invoice": getattr(r, "invoice_id", None), "bill": getattr(r, "invoice_id", None),
                    "credit_note": getattr(r, "credit_note_id", None), "payment": getattr(r, "payment_id", None),
                    "bill_payment": getattr(r, "payment_id", None)}[entity])

    @staticmethod
    def _currency(r) -> str:  # noqa: ANN001
        code = getattr(r, "currency_code", None) or getattr(getattr(r, "invoice", None), "currency_code", None)
        return str(getattr(code, "value", code) or "INR")

    def _content(self, entity: str, r) -> dict:  # noqa: ANN001
        if entity in ("customer", "vendor"):
            return {"name": r.name, "email": r.email_address}
        currency = self._currency(r)
        if entity in ("payment", "bill_payment"):
            return {"amount": minor(r.amount, currency), "invoice": str(r.invoice.invoice_id) if r.invoice else None}
        return {"number": getattr(r, "invoice_number", None) or getattr(r, "credit_note_number", None),
                "contact": str(r.contact.contact_id) if r.contact else None, "currency": currency,
                "total": minor(r.total, currency),
                "lines": [(li.description, minor(li.line_amount, currency)) for li in r.line_items or []]}

    def _ref(self, entity: str, r) -> RemoteRef:  # noqa: ANN001
        version = r.updated_date_utc.isoformat() if getattr(r, "updated_date_utc", None) else None
        return RemoteRef(self._id(entity, r), version, content_hash(self._content(entity, r)))

    def _doc(self, entity: str, r) -> RemoteDoc:  # noqa: ANN001
        currency = self._currency(r)
        status = getattr(r, "status", None)
        status = STATUSES.get(str(getattr(status, "value", status)), None) if status is not None else None
        changed = _utc(getattr(r, "updated_date_utc", None))
        if entity in ("customer", "vendor"):
            return RemoteDoc(entity, str(r.contact_id), r.name, None, currency, 0, changed_at=changed)
        if entity in ("payment", "bill_payment"):
            return RemoteDoc(entity, str(r.payment_id), r.reference,
                             str(r.invoice.contact.contact_id) if r.invoice and r.invoice.contact else None,
                             currency, minor(r.amount, currency), status=status,
                             invoice_remote_ids=(str(r.invoice.invoice_id),) if r.invoice else (),
                             paid_on=r.date.isoformat() if r.date else None, changed_at=changed)
        number = getattr(r, "invoice_number", None) or getattr(r, "credit_note_number", None)
        due = getattr(r, "amount_due", None)
        return RemoteDoc(entity, self._id(entity, r), number, str(r.contact.contact_id) if r.contact else None,
                         currency, minor(r.total, currency),
                         balance_minor=minor(due, currency) if due is not None else None, status=status,
                         version=r.updated_date_utc.isoformat() if r.updated_date_utc else None, changed_at=changed)


def _utc(moment: dt.datetime | None) -> dt.datetime | None:
    if moment is None:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)).astimezone(dt.UTC)


def _on_side(entity: str, r) -> bool:  # noqa: ANN001
    """Whether a record of Xero's shared endpoints belongs to `entity` (receivable or payable side)."""
    if entity in ("customer", "vendor"):
        supplier = bool(getattr(r, "is_supplier", False)) and not getattr(r, "is_customer", False)
        return supplier == (entity == "vendor")
    if entity in ("invoice", "bill"):
        return str(getattr(r.type, "value", r.type)) == ("ACCPAY" if entity == "bill" else "ACCREC")
    if entity in ("payment", "bill_payment"):
        kind = str(getattr(r.payment_type, "value", r.payment_type) or "ACCRECPAYMENT")
        return (kind == "ACCPAYPAYMENT") == (entity == "bill_payment")
    return True


def _validation_message(body) -> str:  # noqa: ANN001
    try:
        data = json.loads(body) if isinstance(body, (str, bytes)) else body
        messages = [e["Message"] for element in data.get("Elements", []) for e in element.get("ValidationErrors", [])]
        return "; ".join(messages) or data.get("Message") or "validation error"
    except (ValueError, AttributeError, TypeError):
        return "validation error"
