"""Manual reconciliation API: roles, match / split / unmatch / write-off with audit trail,
guards against over-allocation (cross-currency included) and over-writing-off, the paginated
exception queue, the decision trail and a transaction's current matches."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from tests.unit.api.conftest import auth
from tourstack.db.models import (
    BankStatementLine,
    Invoice,
    ReconciliationDecision,
    ReconciliationException,
    ReconciliationMatch,
)

BASE = "/api/v1/reconciliation"


@pytest.fixture
def books(world, session_factory):
    with session_factory() as s:
        invoices = []
        for n, (booking, total) in enumerate(zip(world.bookings_a[:3], (100000, 50000, 30000), strict=True), 1):
            inv = Invoice(invoice_number=f"INV-T-{n:04d}", series="INV", fiscal_year=2025, sequence_number=n,
                          booking_id=booking.id, agency_id=world.agency_a.id, issued_on=dt.date(2025, 3, 1),
                          due_on=dt.date(2025, 3, 31), currency="EUR", subtotal_minor=total, tax_minor=0,
                          total_minor=total, status="issued")
            s.add(inv)
            invoices.append(inv)
        line = BankStatementLine(bank_account="DE00", booked_on=dt.date(2025, 3, 10), value_on=dt.date(2025, 3, 10),
                                 amount_minor=150000, currency="EUR", reference="", counterparty="AAA",
                                 description="two invoices")
        s.add(line)
        s.flush()
        for k in range(5):
            s.add(ReconciliationException(txn_key=f"bank:{900 + k}", reason="no_match", suggestions="INV-T-0001:0.60",
                                          amount_minor=1000 + k, currency="EUR", booked_on=dt.date(2025, 3, 1),
                                          age_days=10, run_id="r1"))
        s.commit()
        return [i.id for i in invoices], f"bank:{line.id}"


def test_agents_and_ops_cannot_reconcile(client, world, books):
    for who in ("agent_a", "ops"):
        assert client.get(f"{BASE}/exceptions", headers=auth(world.keys[who])).status_code == 403


def test_match_split_unmatch_and_audit_trail(client, world, books, session_factory):
    (inv1, inv2, inv3), txn = books
    h = auth(world.keys["finance"])
    r = client.post(f"{BASE}/matches", headers=h, json={"txn_key": txn, "invoice_id": inv1, "amount": "1000.00"})
    assert r.status_code == 201, r.text
    match = r.json()
    assert (match["amount"], match["origin"], match["rule"]) == ("1000.00", "manual", "manual_match")
    # more than the transaction has left: 500.00 left, 600 asked
    r = client.post(f"{BASE}/matches", headers=h, json={"txn_key": txn, "invoice_id": inv2, "amount": "600.00"})
    assert r.status_code == 409
    # more than the invoice has open
    r = client.post(f"{BASE}/matches", headers=h, json={"txn_key": txn, "invoice_id": inv3, "amount": "300.01"})
    assert r.status_code == 409
    r = client.delete(f"{BASE}/matches/{match['id']}", headers=h)
    assert r.status_code == 200 and r.json()["action"] == "unmatch"
    r = client.post(f"{BASE}/matches/split", headers=h, json={"txn_key": txn, "allocations": [
        {"invoice_id": inv1, "amount": "1000.00"}, {"invoice_id": inv2, "amount": "500.00"}]})
    assert r.status_code == 201, r.text
    assert [m["amount"] for m in r.json()] == ["1000.00", "500.00"]
    with session_factory() as s:
        trail = s.execute(select(ReconciliationDecision.action, ReconciliationDecision.actor_role,
                                 ReconciliationDecision.revoked_at.is_not(None))
                          .order_by(ReconciliationDecision.id)).all()
        assert [(a, role) for a, role, _ in trail] == [("match", "finance"), ("unmatch", "finance"),
                                                       ("split", "finance"), ("split", "finance")]
        assert trail[0][2] is True  # the first match was revoked by the unmatch
        assert len(s.scalars(select(ReconciliationMatch)).all()) == 2


def test_write_off_small_differences_only(client, world, books):
    (inv1, _, _), _ = books
    h = auth(world.keys["finance"])
    r = client.post(f"{BASE}/write-offs", headers=h, json={"invoice_id": inv1, "amount": "0.50", "note": "bank fee"})
    assert r.status_code == 201 and r.json()["action"] == "write_off"
    r = client.post(f"{BASE}/write-offs", headers=h, json={"invoice_id": inv1, "amount": "50.00", "note": "too big"})
    assert r.status_code == 422
    r = client.post(f"{BASE}/write-offs", headers=h, json={"invoice_id": inv1, "amount": "0.001", "note": "x"})
    assert r.status_code == 422


def test_exceptions_cursor_pagination(client, world, books):
    h = auth(world.keys["finance"])
    first = client.get(f"{BASE}/exceptions", headers=h, params={"limit": 3}).json()
    assert len(first["items"]) == 3 and first["next_cursor"]
    assert first["items"][0]["suggestions"] == ["INV-T-0001:0.60"]
    second = client.get(f"{BASE}/exceptions", headers=h, params={"limit": 3, "cursor": first["next_cursor"]}).json()
    assert len(second["items"]) == 2 and second["next_cursor"] is None
    ids = [i["id"] for i in first["items"] + second["items"]]
    assert len(set(ids)) == 5
    assert client.get(f"{BASE}/exceptions", headers=h, params={"cursor": "garbage"}).status_code == 400  # the shared invalid-cursor problem


def test_write_off_limit_applies_to_all_write_offs_of_an_invoice_together(client, world, books):
    (inv1, _, _), _ = books  # 1000.00 EUR: at most 10.00 written off in total
    h = auth(world.keys["finance"])
    first = client.post(f"{BASE}/write-offs", headers=h, json={"invoice_id": inv1, "amount": "6.00", "note": "fee"})
    assert first.status_code == 201
    second = client.post(f"{BASE}/write-offs", headers=h, json={"invoice_id": inv1, "amount": "6.00", "note": "fee"})
    assert second.status_code == 409  # the limit is taken by the write-off before: a conflict, not bad input
    assert "in total" in second.json()["detail"] and "600 already written off" in second.json()["detail"]
    rest = client.post(f"{BASE}/write-offs", headers=h, json={"invoice_id": inv1, "amount": "4.00", "note": "fee"})
    assert rest.status_code == 201


@pytest.fixture
def sgd_line_and_inr_invoice(world, session_factory):
    with session_factory() as s:
        inv = Invoice(invoice_number="INV-T-INR1", series="INV", fiscal_year=2025, sequence_number=90,
                      booking_id=world.bookings_a[3].id, agency_id=world.agency_a.id, issued_on=dt.date(2025, 3, 1),
                      due_on=dt.date(2025, 3, 31), currency="INR", subtotal_minor=20_000_000, tax_minor=0,
                      total_minor=20_000_000, status="issued")
        line = BankStatementLine(bank_account="SG00", booked_on=dt.date(2025, 3, 10), value_on=dt.date(2025, 3, 10),
                                 amount_minor=36120, currency="SGD", reference="", counterparty="AAA",
                                 description="SGD transfer")
        s.add_all([inv, line])
        s.commit()
        return inv.id, f"bank:{line.id}"


def test_cross_currency_allocation_is_converted_and_capped_at_the_transaction(client, world, sgd_line_and_inr_invoice,
                                                                              session_factory):
    invoice_id, txn = sgd_line_and_inr_invoice  # 361.20 SGD on 2025-03-10 is 23,693.13 INR at the ECB rate
    h = auth(world.keys["finance"])
    r = client.post(f"{BASE}/matches", headers=h, json={"txn_key": txn, "invoice_id": invoice_id, "amount": "127133.62"})
    assert r.status_code == 409 and "361.20 SGD" in r.json()["detail"]
    r = client.post(f"{BASE}/matches", headers=h, json={"txn_key": txn, "invoice_id": invoice_id, "amount": "23693.13"})
    assert r.status_code == 201, r.text
    with session_factory() as s:
        decision = s.scalars(select(ReconciliationDecision).where(ReconciliationDecision.action == "match")).one()
        assert (decision.txn_amount_minor, decision.txn_currency) == (36120, "SGD")
        assert decision.fx_rate_date == dt.date(2025, 3, 10) and decision.fx_source == "ecb"
        assert Decimal("0.0152") < decision.fx_rate < Decimal("0.0153")  # 1 INR in SGD
    # The transaction is used up: a further 500.00 INR (about 7.62 SGD) is beyond the FX tolerance.
    r = client.post(f"{BASE}/matches", headers=h, json={"txn_key": txn, "invoice_id": invoice_id, "amount": "500.00"})
    assert r.status_code == 409
    trail = client.get(f"{BASE}/decisions", headers=h, params={"txn_key": txn}).json()["items"]
    assert trail[0]["txn_amount"] == "361.20" and trail[0]["fx_source"] == "ecb"
    assert trail[0]["fx_rate_date"] == "2025-03-10" and trail[0]["fx_rate"].startswith("0.0152")


def test_cross_currency_allocation_within_the_fx_tolerance_is_accepted(client, world, sgd_line_and_inr_invoice):
    invoice_id, txn = sgd_line_and_inr_invoice
    h = auth(world.keys["finance"])
    # 23,900.00 INR is about 364.35 SGD: 0.9% above the line, inside the 1.5% tolerance
    r = client.post(f"{BASE}/matches", headers=h, json={"txn_key": txn, "invoice_id": invoice_id, "amount": "23900.00"})
    assert r.status_code == 201, r.text


def test_audit_trail_lists_who_did_what_and_when_with_filters_and_cursor(client, world, books):
    (inv1, inv2, inv3), txn = books
    h = auth(world.keys["finance"])
    match = client.post(f"{BASE}/matches", headers=h, json={"txn_key": txn, "invoice_id": inv1, "amount": "1000.00"})
    client.delete(f"{BASE}/matches/{match.json()['id']}", headers=h)
    client.post(f"{BASE}/matches/split", headers=h, json={"txn_key": txn, "note": "two invoices", "allocations": [
        {"invoice_id": inv1, "amount": "1000.00"}, {"invoice_id": inv2, "amount": "500.00"}]})
    client.post(f"{BASE}/write-offs", headers=h, json={"invoice_id": inv3, "amount": "0.50", "note": "bank fee"})

    ops = auth(world.keys["ops"])  # ops may read the trail
    first = client.get(f"{BASE}/decisions", headers=ops, params={"txn_key": txn, "limit": 2}).json()
    second = client.get(f"{BASE}/decisions", headers=ops,
                        params={"txn_key": txn, "limit": 2, "cursor": first["next_cursor"]}).json()
    assert second["next_cursor"] is None
    trail = first["items"] + second["items"]
    assert [d["action"] for d in trail] == ["split", "split", "unmatch", "match"]  # newest first
    assert all(d["actor_role"] == "finance" and d["decided_at"] for d in trail)
    assert trail[3]["revoked_at"] is not None and trail[2]["match_id"] == match.json()["id"]
    assert trail[0]["note"] == "two invoices"
    by_invoice = client.get(f"{BASE}/decisions", headers=ops, params={"invoice_id": inv2}).json()["items"]
    assert [(d["action"], d["amount"]) for d in by_invoice] == [("split", "500.00")]
    only = client.get(f"{BASE}/decisions", headers=ops, params={"action": "write_off"}).json()["items"]
    assert [(d["invoice_id"], d["amount"], d["txn_key"]) for d in only] == [(inv3, "0.50", None)]


def test_current_matches_of_a_transaction(client, world, books):
    (inv1, inv2, _), txn = books
    h = auth(world.keys["finance"])
    client.post(f"{BASE}/matches/split", headers=h, json={"txn_key": txn, "allocations": [
        {"invoice_id": inv1, "amount": "1000.00"}, {"invoice_id": inv2, "amount": "500.00"}]})
    page = client.get(f"{BASE}/transactions/{txn}/matches", headers=auth(world.keys["ops"])).json()
    assert sorted((m["invoice_id"], m["amount"], m["origin"]) for m in page["items"]) == [
        (inv1, "1000.00", "manual"), (inv2, "500.00", "manual")]
    assert page["next_cursor"] is None
    one = client.get(f"{BASE}/transactions/{txn}/matches", headers=h, params={"limit": 1}).json()
    assert len(one["items"]) == 1 and one["next_cursor"]
    assert client.get(f"{BASE}/transactions/bank:999999/matches", headers=h).status_code == 404
    assert client.get(f"{BASE}/transactions/bank:x/matches", headers=h).status_code == 422


def test_agents_cannot_read_the_trail_or_matches(client, world, books):
    _, txn = books
    for who in ("agent_a", "agent_b"):
        headers = auth(world.keys[who])
        assert client.get(f"{BASE}/decisions", headers=headers).status_code == 403
        assert client.get(f"{BASE}/transactions/{txn}/matches", headers=headers).status_code == 403
    assert client.get(f"{BASE}/decisions").status_code == 401
