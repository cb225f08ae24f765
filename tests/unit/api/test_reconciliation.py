"""Manual reconciliation API: roles, match / split / unmatch / write-off with audit trail,
guards against over-allocation, and the paginated exception queue."""

from __future__ import annotations

import datetime as dt

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
