"""The payable side of the outbound sync, through both SDKs against both fakes: suppliers become
Vendors / supplier Contacts, approved and paid payouts Bills / ACCPAY invoices, paid payouts
BillPayments / payments against them. Each is created once, a rerun sends nothing, a crash
between the provider's answer and our mapping write leaves no duplicate, an unmapped
cost-of-tours account is queued without a call, a payment above the bill's open balance is the
provider's refusal, an edit on both sides goes to the conflict queue, and the payable per vendor
ties out in the sync reconciliation."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from tests.fakes.asgi_server import ThreadedServer
from tests.fakes.quickbooks import TOKEN_PATH as QB_TOKEN_PATH, FakeQuickBooks
from tests.fakes.xero import TOKEN_PATH as XERO_TOKEN_PATH, FakeXero
from tests.integration.accounting.conftest import REDIRECT, Crash, fill_mappings
from tourstack.accounting import access_token, begin_connect, finish_connect
from tourstack.accounting.documents import booked_rate
from tourstack.accounting.provider import Backoff
from tourstack.accounting.sync import run_sync
from tourstack.db.models import AccountingConflict, AccountingMapping, AccountingSyncError, Supplier, SupplierPayout

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("accounting_fakes")]
PAYABLE = ("vendor", "bill", "bill_payment")


class Side:
    """One provider's fake, read the way each test needs it."""

    def __init__(self, provider: str, fake) -> None:  # noqa: ANN001
        self.provider, self.fake = provider, fake

    def vendors(self) -> list[dict]:
        if self.provider == "quickbooks":
            return self.fake.all("Vendor")
        return [c for c in self.fake.all("Contacts") if c.get("IsSupplier")]

    def bills(self) -> list[dict]:
        return self.fake.all("Bill") if self.provider == "quickbooks" else self.fake.invoices("ACCPAY")

    def bill_payments(self) -> list[dict]:
        return self.fake.all("BillPayment") if self.provider == "quickbooks" else self.fake.payments("ACCPAYPAYMENT")

    def number(self, bill: dict) -> str:
        return bill["DocNumber"] if self.provider == "quickbooks" else bill["InvoiceNumber"]

    def balance(self, bill: dict) -> Decimal:
        return Decimal(str(bill["Balance"] if self.provider == "quickbooks" else bill["AmountDue"]))

    def total(self, bill: dict) -> Decimal:
        return Decimal(str(bill["TotalAmt"] if self.provider == "quickbooks" else bill["Total"]))

    def set_balance(self, bill: dict, amount: str) -> None:  # a person working in the provider's UI
        if self.provider == "quickbooks":
            self.fake.edit("Bill", bill["Id"], Balance=amount)
        else:
            self.fake.edit("Invoices", bill["InvoiceID"], AmountDue=amount)

    def renumber(self, bill: dict, number: str) -> None:
        if self.provider == "quickbooks":
            self.fake.edit("Bill", bill["Id"], DocNumber=number)
        else:
            self.fake.edit("Invoices", bill["InvoiceID"], InvoiceNumber=number)

    def line_accounts(self, bill: dict) -> set[str]:
        if self.provider == "quickbooks":
            return {line["AccountBasedExpenseLineDetail"]["AccountRef"]["value"] for line in bill["Line"]}
        return {line["AccountCode"] for line in bill["LineItems"]}


@pytest.fixture(params=["quickbooks", "xero"])
def world(request, sessions, book_url, tmp_path, cipher, monkeypatch):
    provider = request.param
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")  # the fakes speak plain HTTP on 127.0.0.1
    fake = FakeQuickBooks() if provider == "quickbooks" else FakeXero()
    with ThreadedServer(fake.app()) as server:
        fake.url = server.url
        if provider == "quickbooks":
            from tourstack.accounting.quickbooks_oauth import QuickBooksOAuth
            from tourstack.accounting.quickbooks_sync import QuickBooksSync as Adapter

            app = QuickBooksOAuth(fake.auth.client_id, fake.auth.client_secret, REDIRECT.format(provider),
                                  token_url=fake.url + QB_TOKEN_PATH)
        else:
            from tourstack.accounting.xero_oauth import XeroOAuth
            from tourstack.accounting.xero_sync import XeroSync as Adapter

            app = XeroOAuth(fake.auth.client_id, fake.auth.client_secret, REDIRECT.format(provider),
                            token_url=fake.url + XERO_TOKEN_PATH, identity_url=fake.url)
        with sessions() as session:
            url = begin_connect(session, app)
            session.commit()
            finish_connect(session, app, cipher, state=parse_qs(urlsplit(url).query)["state"][0],
                           code=fake.auth.issue_code(), tenant_hint="9130350" if provider == "quickbooks" else None)
        mapping = fill_mappings(tmp_path, book_url, provider)

        def client():
            return Adapter(app, lambda rejected: access_token(sessions, app, cipher, rejected=rejected),
                           api_base=fake.url, backoff=Backoff(sleep=lambda _: None))

        yield client, mapping, Side(provider, fake)


def _payouts(sessions, *statuses):
    with sessions() as session:
        return session.scalars(select(SupplierPayout).where(SupplierPayout.status.in_(statuses))
                               .order_by(SupplierPayout.id)).all()


def _errors(sessions, **where):
    with sessions() as session:
        query = select(AccountingSyncError)
        for k, v in where.items():
            query = query.where(getattr(AccountingSyncError, k) == v)
        return session.scalars(query).all()


def test_suppliers_and_payouts_are_created_once_and_a_rerun_sends_nothing(world, sessions):
    client, mapping, side = world
    report = run_sync(sessions, client(), mapping)
    assert not any(c.errors for c in report.entities.values()), report
    owed, paid = _payouts(sessions, "approved", "paid"), _payouts(sessions, "paid")
    assert paid and len(owed) > len(paid)  # the demo book has both kinds
    assert len(side.vendors()) == len({p.supplier_id for p in owed}) == report.entities["vendor"].created
    assert len(side.bills()) == len(owed) == report.entities["bill"].created
    assert len(side.bill_payments()) == len(paid) == report.entities["bill_payment"].created
    bills = {side.number(b): b for b in side.bills()}
    with sessions() as session:
        for payout in owed:
            bill = bills[f"SPO-{payout.id:06d}"]
            assert side.total(bill) * (10 ** (0 if payout.currency == "JPY" else 2)) == payout.amount_minor
            assert side.line_accounts(bill) == {mapping.accounts["5000"]}  # cost of tours, as mapped
            # a paid payout's bill is settled there; an approved one stays open for its amount
            assert side.balance(bill) == (0 if payout.status == "paid" else side.total(bill))
            currency = bill["CurrencyRef"]["value"] if side.provider == "quickbooks" else bill["CurrencyCode"]
            assert currency == payout.currency
            ours = Decimal(booked_rate(session, payout.currency, payout.period_end)[0])
            if side.provider == "quickbooks":  # exactly the rate we booked, never the provider's own
                assert Decimal(str(bill["ExchangeRate"])) == ours
            else:  # Xero's convention is the inverse: foreign units per 1 INR
                assert abs(Decimal(str(bill["CurrencyRate"])) * ours - 1) < Decimal("0.000001")
    again = run_sync(sessions, client(), mapping, entities=PAYABLE)
    assert again.sent == 0 and len(side.bills()) == len(owed) and len(side.bill_payments()) == len(paid)


@pytest.mark.parametrize("entity", ["bill", "bill_payment"])
def test_a_crash_after_the_provider_answered_creates_no_duplicate_bill_or_payment(world, sessions, entity):
    client, mapping, side = world
    before = PAYABLE[:PAYABLE.index(entity)]
    run_sync(sessions, client(), mapping, entities=before)

    def die(doc, ref):
        raise Crash(doc.label)

    with pytest.raises(Crash):
        run_sync(sessions, client(), mapping, entities=(entity,), after_provider_call=die)
    remote = side.bills if entity == "bill" else side.bill_payments
    assert len(remote()) == 1
    with sessions() as session:  # the key was committed before the call; the remote id never was
        row = session.scalars(select(AccountingMapping).where(AccountingMapping.entity == entity)).one()
        assert row.remote_id is None and row.idempotency_key
    run_sync(sessions, client(), mapping, entities=(entity,))
    expected = _payouts(sessions, "approved", "paid") if entity == "bill" else _payouts(sessions, "paid")
    assert len(remote()) == len(expected)
    with sessions() as session:
        rows = session.scalars(select(AccountingMapping).where(AccountingMapping.entity == entity)).all()
    assert len(rows) == len(expected) and all(r.remote_id for r in rows)
    if entity == "bill":
        numbers = [side.number(b) for b in remote()]
        assert len(numbers) == len(set(numbers))


def test_an_unmapped_cost_of_tours_account_is_queued_without_a_call(world, sessions):
    client, mapping, side = world
    del mapping.accounts["5000"]
    report = run_sync(sessions, client(), mapping, entities=PAYABLE)
    assert report.entities["vendor"].created > 0
    assert report.entities["bill"].created == 0 and not side.bills()
    assert not side.bill_payments()
    codes = {e.code for e in _errors(sessions, entity="bill")}
    assert codes == {"unmapped-account"}
    assert all("account 5000" in e.message for e in _errors(sessions, entity="bill"))
    assert {e.code for e in _errors(sessions, entity="bill_payment")} == {"dependency-not-synced"}
    if side.provider == "quickbooks":
        assert not [p for m, p in side.fake.requests if m == "POST" and p.endswith(("/bill", "/billpayment"))]


def test_a_payment_above_the_bills_open_balance_is_the_providers_refusal(world, sessions):
    client, mapping, side = world
    run_sync(sessions, client(), mapping, entities=("vendor", "bill"))
    paid = _payouts(sessions, "paid")[0]
    bill = next(b for b in side.bills() if side.number(b) == f"SPO-{paid.id:06d}")
    side.set_balance(bill, "1.00")  # someone paid most of it there by hand
    report = run_sync(sessions, client(), mapping, entities=("bill_payment",))
    assert report.entities["bill_payment"].errors == 1
    error = _errors(sessions, entity="bill_payment", local_id=paid.id)[0]
    if side.provider == "quickbooks":
        assert error.code == "quickbooks-6000" and "exceeds the open balance" in error.message
    else:
        assert error.code == "xero-validation" and "exceeds the amount outstanding" in error.message
    assert len(side.bill_payments()) == len(_payouts(sessions, "paid")) - 1


def test_a_bill_edited_on_both_sides_goes_to_the_conflict_queue(world, sessions):
    client, mapping, side = world
    run_sync(sessions, client(), mapping, entities=("vendor", "bill"))
    payout = _payouts(sessions, "approved")[0]
    with sessions() as session:  # ours changes: the supplier's terms move the bill's due date
        supplier = session.get(Supplier, payout.supplier_id)
        supplier.payment_terms_days += 7
        session.commit()
    bill = next(b for b in side.bills() if side.number(b) == f"SPO-{payout.id:06d}")
    side.renumber(bill, "THEIR-EDIT")
    report = run_sync(sessions, client(), mapping, entities=("vendor", "bill"))
    assert report.entities["bill"].conflicts >= 1 and report.entities["bill"].created == 0
    with sessions() as session:
        conflicts = session.scalars(select(AccountingConflict).where(AccountingConflict.entity == "bill")).all()
    assert payout.id in {c.local_id for c in conflicts}
    assert any(side.number(b) == "THEIR-EDIT" for b in side.bills())  # not overwritten blindly


def test_the_payable_per_vendor_ties_out_then_shows_an_edit_made_there(world, sessions):
    from tourstack.accounting.sync_report import reconcile_sync

    client, mapping, side = world
    run_sync(sessions, client(), mapping)
    with sessions() as session:
        result = reconcile_sync(session, client(), mapping, dt.date.today())
    assert result.clean, result.differences
    assert result.entities["bill"].ours_count == result.entities["bill"].theirs_count > 0
    assert result.entities["bill"].ours_total == result.entities["bill"].theirs_total
    assert result.entities["bill_payment"].ours_count == result.entities["bill_payment"].theirs_count > 0
    assert result.payables and all(ours == theirs for _, _, ours, theirs in result.payables)
    assert any(ours > 0 for _, _, ours, _ in result.payables)  # the approved, unpaid payout
    paid = _payouts(sessions, "paid")[0]
    bill = next(b for b in side.bills() if side.number(b) == f"SPO-{paid.id:06d}")
    side.set_balance(bill, "5.00")
    with sessions() as session:
        result = reconcile_sync(session, client(), mapping, dt.date.today())
    assert [d.kind for d in result.differences] == ["payable"]
