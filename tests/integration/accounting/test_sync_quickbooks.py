"""The outbound sync through python-quickbooks against the fake QuickBooks: a small book syncs
completely, a rerun sends nothing, an edited invoice goes out as an update of the same document,
a crash between the provider's answer and our mapping write creates no duplicate, and 429,
expired tokens, stale SyncTokens and validation faults behave as documented."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from tests.fakes.asgi_server import ThreadedServer
from tests.fakes.quickbooks import TOKEN_PATH, FakeQuickBooks
from tests.integration.accounting.conftest import REDIRECT, Crash, fill_mappings
from tourstack.accounting import access_token, begin_connect, finish_connect
from tourstack.accounting.provider import Backoff
from tourstack.accounting.quickbooks_oauth import QuickBooksOAuth
from tourstack.accounting.quickbooks_sync import QuickBooksSync
from tourstack.accounting.sync import run_sync
from tourstack.db.models import AccountingConflict, AccountingMapping, AccountingSyncError, Invoice, InvoiceLine

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("accounting_fakes")]


@pytest.fixture
def fake():
    fake = FakeQuickBooks()
    with ThreadedServer(fake.app()) as server:
        fake.url = server.url
        yield fake


@pytest.fixture
def world(fake, sessions, book_url, tmp_path, cipher, monkeypatch):
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")  # the fake speaks plain HTTP on 127.0.0.1
    app = QuickBooksOAuth(fake.auth.client_id, fake.auth.client_secret, REDIRECT.format("quickbooks"),
                          token_url=fake.url + TOKEN_PATH)
    with sessions() as session:
        url = begin_connect(session, app)
        session.commit()
        state = parse_qs(urlsplit(url).query)["state"][0]
        finish_connect(session, app, cipher, state=state, code=fake.auth.issue_code(), tenant_hint="9130350")
    mapping = fill_mappings(tmp_path, book_url, "quickbooks")
    waits: list[float] = []

    def client():
        return QuickBooksSync(app, lambda rejected: access_token(sessions, app, cipher, rejected=rejected),
                              api_base=fake.url, backoff=Backoff(sleep=waits.append))

    return client, mapping, waits


def _count(sessions, model, **where):
    with sessions() as session:
        query = select(model)
        for k, v in where.items():
            query = query.where(getattr(model, k) == v)
        return len(session.scalars(query).all())


def test_a_small_book_syncs_once_and_a_rerun_sends_nothing(world, fake, sessions):
    client, mapping, _ = world
    report = run_sync(sessions, client(), mapping)
    assert report.sent > 0 and not any(c.errors for c in report.entities.values()), report
    with sessions() as session:
        issued = session.scalars(select(Invoice).where(Invoice.kind == "invoice",
                                                       Invoice.invoice_number.is_not(None))).all()
    assert len(fake.all("Invoice")) == len(issued) == report.entities["invoice"].created
    assert {r["DocNumber"] for r in fake.all("Invoice")} == {i.invoice_number for i in issued}
    foreign = next(i for i in issued if i.currency != "INR")
    remote = next(r for r in fake.all("Invoice") if r["DocNumber"] == foreign.invoice_number)
    assert remote["CurrencyRef"]["value"] == foreign.currency
    with sessions() as session:  # exactly the rate we booked (1 unit = rate INR), never the provider's
        from tourstack.accounting.documents import booked_rate

        assert remote["ExchangeRate"] == booked_rate(session, foreign.currency, foreign.issued_on)[0]
    assert float(remote["ExchangeRate"]) > 1
    assert len(fake.all("Payment")) == report.entities["payment"].created > 0
    again = run_sync(sessions, client(), mapping)
    assert again.sent == 0 and len(fake.all("Invoice")) == len(issued)


def test_an_edited_invoice_goes_out_as_a_sparse_update_of_the_same_document(world, fake, sessions):
    client, mapping, _ = world
    run_sync(sessions, client(), mapping, entities=("customer", "invoice"))
    with sessions() as session:
        line = session.scalars(select(InvoiceLine).order_by(InvoiceLine.id)).first()
        line.description = "Golden Triangle, 6 nights (corrected)"
        session.commit()
        number = session.get(Invoice, line.invoice_id).invoice_number
    before = len(fake.all("Invoice"))
    report = run_sync(sessions, client(), mapping, entities=("customer", "invoice"))
    assert report.entities["invoice"].updated == 1 and report.entities["invoice"].created == 0
    assert len(fake.all("Invoice")) == before
    remote = next(r for r in fake.all("Invoice") if r["DocNumber"] == number)
    assert any(entry["Description"].endswith("(corrected)") for entry in remote["Line"])


def test_a_crash_after_the_provider_answered_creates_no_duplicate_on_rerun(world, fake, sessions):
    client, mapping, _ = world
    run_sync(sessions, client(), mapping, entities=("customer",))

    def die(doc, ref):
        raise Crash(doc.label)

    with pytest.raises(Crash):
        run_sync(sessions, client(), mapping, entities=("invoice",), after_provider_call=die)
    assert len(fake.all("Invoice")) == 1
    with sessions() as session:  # the key was committed before the call; the remote id never was
        row = session.scalars(select(AccountingMapping).where(AccountingMapping.entity == "invoice")).one()
        assert row.remote_id is None and row.idempotency_key
    run_sync(sessions, client(), mapping, entities=("invoice",))
    numbers = [r["DocNumber"] for r in fake.all("Invoice")]
    assert len(numbers) == len(set(numbers))
    with sessions() as session:
        assert _count(sessions, AccountingMapping, entity="invoice") == len(numbers)
        assert session.scalars(select(AccountingMapping).where(AccountingMapping.id == row.id)).one().remote_id \
            == next(r["Id"] for r in fake.all("Invoice") if r["DocNumber"] == numbers[0])


def test_429_is_retried_after_the_providers_retry_after(world, fake, sessions):
    client, mapping, waits = world
    fake.throttle(2, retry_after="7")
    report = run_sync(sessions, client(), mapping, entities=("customer",))
    assert waits[:2] == [7.0, 7.0] and report.entities["customer"].created == len(fake.all("Customer"))
    assert _count(sessions, AccountingSyncError) == 0


def test_an_expired_access_token_is_refreshed_once_and_the_call_retried(world, fake, sessions):
    client, mapping, _ = world
    refreshes = fake.auth.refresh_calls
    fake.auth.expire_access_tokens()
    report = run_sync(sessions, client(), mapping, entities=("customer",))
    assert fake.auth.refresh_calls == refreshes + 1
    assert report.entities["customer"].created == len(fake.all("Customer")) > 0


def test_a_stale_synctoken_is_reread_and_the_change_reapplied(world, fake, sessions):
    client, mapping, _ = world
    run_sync(sessions, client(), mapping)
    with sessions() as session:  # an invoice a payment was linked to: its SyncToken moved on their side
        row = session.scalars(select(AccountingMapping).where(AccountingMapping.entity == "invoice")).first()
    remote = fake.records["Invoice"][row.remote_id]
    fake.edit("Invoice", row.remote_id, Balance=remote["Balance"])  # version moves, content does not
    with sessions() as session:
        invoice = session.get(Invoice, row.local_id)
        invoice.due_on = invoice.due_on.replace(day=1)
        session.commit()
    report = run_sync(sessions, client(), mapping, entities=("invoice",))
    assert report.entities["invoice"].updated == 1 and report.entities["invoice"].conflicts == 0
    assert fake.records["Invoice"][row.remote_id]["DueDate"] == invoice.due_on.isoformat()


def test_an_invoice_edited_on_both_sides_goes_to_the_conflict_queue(world, fake, sessions):
    client, mapping, _ = world
    run_sync(sessions, client(), mapping, entities=("customer", "invoice"))
    with sessions() as session:
        row = session.scalars(select(AccountingMapping).where(AccountingMapping.entity == "invoice")).first()
        invoice = session.get(Invoice, row.local_id)
        invoice.due_on = invoice.due_on.replace(day=2)
        session.commit()
    fake.edit("Invoice", row.remote_id, DocNumber="THEIR-EDIT")
    report = run_sync(sessions, client(), mapping, entities=("customer", "invoice"))
    assert report.entities["invoice"].conflicts == 1
    assert fake.records["Invoice"][row.remote_id]["DocNumber"] == "THEIR-EDIT"  # not overwritten blindly
    assert _count(sessions, AccountingConflict, status="open") == 1


def test_validation_faults_go_to_the_error_queue_with_the_providers_message(world, fake, sessions):
    client, mapping, _ = world
    run_sync(sessions, client(), mapping, entities=("customer",))
    with sessions() as session:
        first = session.scalars(select(Invoice).where(Invoice.kind == "invoice",
                                                      Invoice.invoice_number.is_not(None)).order_by(Invoice.id)).first()
    fake.records["Invoice"]["1"] = {"Id": "1", "SyncToken": "0", "DocNumber": first.invoice_number,
                                    "TotalAmt": "1", "MetaData": {"LastUpdatedTime": "2026-12-01T00:00:00+00:00"}}
    fake.refused_tax_codes.add(next(iter(mapping.tax_codes.values())))
    report = run_sync(sessions, client(), mapping, entities=("invoice",))
    assert report.entities["invoice"].errors >= 1
    with sessions() as session:
        errors = session.scalars(select(AccountingSyncError)).all()
    duplicate = next(e for e in errors if e.local_id == first.id)
    assert duplicate.code == "quickbooks-6140" and "Duplicate Document Number" in duplicate.message
    assert all(e.status == "open" for e in errors)
    del fake.records["Invoice"]["1"]
    fake.refused_tax_codes.clear()
    run_sync(sessions, client(), mapping, entities=("invoice",))  # fixed: a new key, and it goes through
    assert _count(sessions, AccountingSyncError, status="open") == 0
    assert first.invoice_number in {r["DocNumber"] for r in fake.all("Invoice")}


def test_an_unmapped_tax_code_is_queued_and_never_sent(world, fake, sessions):
    client, mapping, _ = world
    mapping.tax_codes.clear()
    report = run_sync(sessions, client(), mapping, entities=("customer", "invoice"))
    assert report.entities["invoice"].created == 0 and not fake.all("Invoice")
    with sessions() as session:
        codes = {e.code for e in session.scalars(select(AccountingSyncError))}
    assert codes == {"unmapped-tax-code"}


def test_the_sync_reconciliation_shows_zero_differences_then_finds_an_edit_made_there(world, fake, sessions):
    import datetime as dt

    from tourstack.accounting.sync_report import reconcile_sync

    client, mapping, _ = world
    run_sync(sessions, client(), mapping)
    with sessions() as session:
        result = reconcile_sync(session, client(), mapping, dt.date.today())
    assert result.clean, result.differences
    assert result.entities["invoice"].ours_count == result.entities["invoice"].theirs_count > 0
    assert result.entities["invoice"].ours_total == result.entities["invoice"].theirs_total
    assert result.receivables and all(ours == theirs for _, _, ours, theirs in result.receivables)
    some = fake.all("Invoice")[0]
    fake.edit("Invoice", some["Id"], TxnTaxDetail={"TotalTax": "0"}, Line=some["Line"])
    with sessions() as session:
        result = reconcile_sync(session, client(), mapping, dt.date.today())
    kinds = {d.kind for d in result.differences}
    assert "amount" in kinds


def test_a_payment_recorded_in_quickbooks_arrives_through_cdc_as_a_payment_source(world, fake, sessions):
    import json
    from decimal import Decimal

    from tourstack.accounting.inbound import pull_payments, theirs

    client, mapping, _ = world
    run_sync(sessions, client(), mapping)
    with sessions() as session:
        row = session.scalars(select(AccountingMapping).where(AccountingMapping.entity == "invoice")).first()
    remote = fake.records["Invoice"][row.remote_id]
    paid = fake.record_payment(remote["CustomerRef"]["value"], [(row.remote_id, Decimal("10.00"))],
                               currency=remote["CurrencyRef"]["value"])
    assert pull_payments(sessions, client()) >= 1
    assert any("/cdc" in path for _, path in fake.requests)
    with sessions() as session:
        found = theirs(session, "quickbooks")
    assert [p.remote_id for p in found] == [paid["Id"]]  # the ones we pushed come back marked ours
    assert json.loads(found[0].invoice_ids) == [row.local_id] and found[0].amount_minor == 1000
    pull_payments(sessions, client())  # again: upserted, not duplicated
    with sessions() as session:
        assert len(theirs(session, "quickbooks")) == 1
