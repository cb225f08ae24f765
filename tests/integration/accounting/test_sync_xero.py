"""The outbound sync through xero-python against the fake Xero: a small book syncs completely,
a rerun sends nothing, an edited invoice is an update of the same Xero invoice, a crash between
Xero's answer and our mapping write leaves no duplicate (Idempotency-Key), and 429, 401 and
validation errors behave as Xero documents."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from tests.fakes.asgi_server import ThreadedServer
from tests.fakes.xero import TOKEN_PATH, FakeXero
from tests.integration.accounting.conftest import REDIRECT, Crash, fill_mappings
from tourstack.accounting import access_token, begin_connect, finish_connect
from tourstack.accounting.provider import Backoff
from tourstack.accounting.sync import run_sync
from tourstack.accounting.xero_oauth import XeroOAuth
from tourstack.accounting.xero_sync import XeroSync
from tourstack.db.models import AccountingMapping, AccountingSyncError, Invoice, InvoiceLine

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("accounting_fakes")]


@pytest.fixture
def fake():
    fake = FakeXero()
    with ThreadedServer(fake.app()) as server:
        fake.url = server.url
        yield fake


@pytest.fixture
def world(fake, sessions, book_url, tmp_path, cipher):
    app = XeroOAuth(fake.auth.client_id, fake.auth.client_secret, REDIRECT.format("xero"),
                    token_url=fake.url + TOKEN_PATH, identity_url=fake.url)
    with sessions() as session:
        url = begin_connect(session, app)
        session.commit()
        finish_connect(session, app, cipher, state=parse_qs(urlsplit(url).query)["state"][0],
                       code=fake.auth.issue_code())
    mapping = fill_mappings(tmp_path, book_url, "xero")
    waits: list[float] = []

    def client():
        return XeroSync(app, lambda rejected: access_token(sessions, app, cipher, rejected=rejected),
                        api_base=fake.url, backoff=Backoff(sleep=waits.append))

    return client, mapping, waits


def test_a_small_book_syncs_once_and_a_rerun_sends_nothing(world, fake, sessions):
    client, mapping, _ = world
    report = run_sync(sessions, client(), mapping)
    assert not any(c.errors for c in report.entities.values()), report
    with sessions() as session:
        issued = session.scalars(select(Invoice).where(Invoice.kind == "invoice",
                                                       Invoice.invoice_number.is_not(None))).all()
    assert len(fake.invoices()) == len(issued) == report.entities["invoice"].created
    foreign = next(i for i in issued if i.currency != "INR")
    remote = next(r for r in fake.invoices() if r["InvoiceNumber"] == foreign.invoice_number)
    assert remote["CurrencyCode"] == foreign.currency and 0 < float(remote["CurrencyRate"]) < 1
    with sessions() as session:  # Xero's convention is the inverse of ours: foreign units per 1 INR
        from decimal import Decimal

        from tourstack.accounting.documents import booked_rate

        ours = Decimal(booked_rate(session, foreign.currency, foreign.issued_on)[0])
    assert abs(Decimal(str(remote["CurrencyRate"])) * ours - 1) < Decimal("0.000001")
    assert len(fake.payments()) == report.entities["payment"].created > 0
    assert run_sync(sessions, client(), mapping).sent == 0


def test_an_edited_invoice_is_an_update_of_the_same_xero_invoice(world, fake, sessions):
    client, mapping, _ = world
    run_sync(sessions, client(), mapping)  # payments too: the invoice's UpdatedDateUTC moved with them
    with sessions() as session:
        line = session.scalars(select(InvoiceLine).order_by(InvoiceLine.id)).first()
        line.description = "Kerala backwaters, houseboat (corrected)"
        session.commit()
    before = len(fake.all("Invoices"))
    report = run_sync(sessions, client(), mapping)
    assert report.entities["invoice"].updated == 1 and report.entities["invoice"].conflicts == 0
    assert len(fake.all("Invoices")) == before
    assert any(li["Description"].endswith("(corrected)") for r in fake.all("Invoices") for li in r["LineItems"])


def test_a_crash_after_xero_answered_creates_no_duplicate_on_rerun(world, fake, sessions):
    client, mapping, _ = world
    run_sync(sessions, client(), mapping, entities=("customer",))

    def die(doc, ref):
        raise Crash(doc.label)

    with pytest.raises(Crash):
        run_sync(sessions, client(), mapping, entities=("invoice",), after_provider_call=die)
    assert len(fake.all("Invoices")) == 1
    run_sync(sessions, client(), mapping, entities=("invoice",))
    numbers = [r["InvoiceNumber"] for r in fake.all("Invoices")]
    assert len(numbers) == len(set(numbers))
    with sessions() as session:
        assert len(session.scalars(select(AccountingMapping).where(AccountingMapping.entity == "invoice")).all()) \
            == len(numbers)


def test_429_waits_retry_after_and_401_refreshes_once(world, fake, sessions):
    client, mapping, waits = world
    fake.throttle(1, retry_after="3")
    refreshes = fake.auth.refresh_calls
    fake.auth.expire_access_tokens()
    report = run_sync(sessions, client(), mapping, entities=("customer",))
    assert waits[:1] == [3.0] and fake.auth.refresh_calls == refreshes + 1
    assert report.entities["customer"].created == len(fake.all("Contacts")) > 0


def test_validation_errors_go_to_the_error_queue_with_xeros_message(world, fake, sessions):
    client, mapping, _ = world
    fake.refused_tax_types.add(next(iter(mapping.tax_codes.values())))
    report = run_sync(sessions, client(), mapping, entities=("customer", "invoice"))
    assert report.entities["invoice"].errors >= 1
    with sessions() as session:
        errors = session.scalars(select(AccountingSyncError)).all()
    assert errors and all(e.code == "xero-validation" and "TaxType code" in e.message for e in errors)
    fake.refused_tax_types.clear()
    run_sync(sessions, client(), mapping, entities=("customer", "invoice"))
    with sessions() as session:
        assert not session.scalars(select(AccountingSyncError).where(AccountingSyncError.status == "open")).all()


def test_the_sync_reconciliation_shows_zero_differences(world, fake, sessions):
    import datetime as dt

    from tourstack.accounting.sync_report import reconcile_sync

    client, mapping, _ = world
    run_sync(sessions, client(), mapping)
    with sessions() as session:
        result = reconcile_sync(session, client(), mapping, dt.date.today())
    assert result.clean, result.differences
    assert result.entities["payment"].ours_count == result.entities["payment"].theirs_count > 0
    assert result.receivables and all(ours == theirs for _, _, ours, theirs in result.receivables)
    fake.record_payment(fake.invoices()[0]["InvoiceID"], __import__("decimal").Decimal("1.00"))
    with sessions() as session:
        result = reconcile_sync(session, client(), mapping, dt.date.today())
    assert {d.kind for d in result.differences} >= {"unknown", "receivable"}


def test_a_payment_recorded_in_xero_arrives_through_if_modified_since(world, fake, sessions):
    import json
    from decimal import Decimal

    from tourstack.accounting.inbound import pull_payments, theirs

    client, mapping, _ = world
    run_sync(sessions, client(), mapping)
    with sessions() as session:
        row = next(r for r in session.scalars(select(AccountingMapping).where(AccountingMapping.entity == "invoice"))
                   if Decimal(fake.records["Invoices"][r.remote_id]["AmountDue"]) > 5)
    paid = fake.record_payment(row.remote_id, Decimal("5.00"))
    pull_payments(sessions, client())
    with sessions() as session:
        found = theirs(session, "xero")
    assert [p.remote_id for p in found] == [paid["PaymentID"]]
    assert json.loads(found[0].invoice_ids) == [row.local_id]


def test_an_invoice_edited_in_xero_and_here_goes_to_the_conflict_queue(world, fake, sessions):
    from tourstack.db.models import AccountingConflict

    client, mapping, _ = world
    run_sync(sessions, client(), mapping, entities=("customer", "invoice"))
    with sessions() as session:
        row = session.scalars(select(AccountingMapping).where(AccountingMapping.entity == "invoice")).first()
        line = session.scalars(select(InvoiceLine).where(InvoiceLine.invoice_id == row.local_id)).first()
        line.description = "edited here"
        session.commit()
    fake.edit("Invoices", row.remote_id, InvoiceNumber="EDITED-THERE")
    report = run_sync(sessions, client(), mapping, entities=("customer", "invoice"))
    assert report.entities["invoice"].conflicts == 1 and report.entities["invoice"].updated == 0
    assert fake.records["Invoices"][row.remote_id]["InvoiceNumber"] == "EDITED-THERE"
    with sessions() as session:
        conflict = session.scalars(select(AccountingConflict)).one()
    assert (conflict.status, conflict.local_id, conflict.remote_id) == ("open", row.local_id, row.remote_id)
    from tourstack.accounting.conflicts import resolve_conflict

    with sessions() as session:
        resolve_conflict(session, conflict.id, "ours")
        session.commit()
    report = run_sync(sessions, client(), mapping, entities=("customer", "invoice"))
    assert report.entities["invoice"].updated == 1 and report.entities["invoice"].conflicts == 0
    remote = fake.records["Invoices"][row.remote_id]
    assert remote["InvoiceNumber"] != "EDITED-THERE" and any(li["Description"] == "edited here"
                                                                for li in remote["LineItems"])
