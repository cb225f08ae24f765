"""Manual matches, splits, write-offs and unmatches at the same moment: a transaction's money
is allocated once, an invoice is never settled beyond its total, write-offs stay within their
limit together, two splits over the same invoices in opposite orders never deadlock, and a
match is undone once."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.integration.concurrency.conftest import N, call, expect, race, refused_cleanly, same
from tests.integration.concurrency.helpers import bank_line, issued_invoice
from tourstack.db.models import Invoice, ReconciliationDecision, ReconciliationMatch

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("concurrency_reconciliation")]

BASE = "/api/v1/reconciliation"


def _invoices(stack, *totals: int) -> list[int]:
    with stack.factory() as s:
        ids = [issued_invoice(s, t).id for t in totals]
        s.commit()
    return ids


def _lines(stack, *amounts: int) -> list[str]:
    with stack.factory() as s:
        keys = [bank_line(s, a) for a in amounts]
        s.commit()
    return keys


def _allocated_to_txn(stack, key: str) -> int:
    with stack.factory() as s:
        return int(s.scalar(select(func.coalesce(func.sum(ReconciliationMatch.amount_minor), 0))
                            .where(ReconciliationMatch.txn_key == key)))


def _settled(stack, invoice_id: int) -> tuple[int, int, int]:
    """(allocated, written off, total) of the invoice."""
    with stack.factory() as s:
        allocated = s.scalar(select(func.coalesce(func.sum(ReconciliationMatch.amount_minor), 0))
                             .where(ReconciliationMatch.invoice_id == invoice_id))
        written_off = s.scalar(select(func.coalesce(func.sum(ReconciliationDecision.amount_minor), 0)).where(
            ReconciliationDecision.invoice_id == invoice_id, ReconciliationDecision.action == "write_off",
            ReconciliationDecision.revoked_at.is_(None)))
        return int(allocated), int(written_off), s.get(Invoice, invoice_id).total_minor


def test_one_transaction_matched_in_full_to_many_invoices_is_allocated_once(stack):
    (key,) = _lines(stack, 2_010_00)
    invoices = _invoices(stack, *[2_010_00] * N)
    responses = race(stack, [("POST", f"{BASE}/matches", "finance_a",
                              {"txn_key": key, "invoice_id": i, "amount": "2010.00"}) for i in invoices])
    allocated = _allocated_to_txn(stack, key)
    assert allocated <= 2_010_00, f"the transaction was allocated {allocated / 2_010_00:.0f} times its amount"
    expect(responses, wins=1)


def test_many_transactions_matched_to_one_invoice_never_exceed_its_total(stack):
    keys = _lines(stack, *[2_010_00] * N)
    (invoice,) = _invoices(stack, 2_010_00)
    responses = race(stack, [("POST", f"{BASE}/matches", "finance_a",
                              {"txn_key": k, "invoice_id": invoice, "amount": "2010.00"}) for k in keys])
    allocated, _, total = _settled(stack, invoice)
    assert allocated <= total, f"the invoice was settled {allocated / total:.0f} times its total"
    expect(responses, wins=1)


def test_one_transaction_split_many_times_is_allocated_once(stack):
    (key,) = _lines(stack, 1_000_00)
    first, second = _invoices(stack, 600_00, 600_00)
    body = {"txn_key": key, "allocations": [{"invoice_id": first, "amount": "500.00"},
                                             {"invoice_id": second, "amount": "500.00"}]}
    responses = race(stack, same(N, ("POST", f"{BASE}/matches/split", "finance_a", body)))
    allocated = _allocated_to_txn(stack, key)
    assert allocated <= 1_000_00, f"the transaction was allocated {allocated / 1_000_00:.0f} times its amount"
    expect(responses, wins=1)


def test_splits_over_the_same_invoices_in_opposite_orders_fit_exactly_and_never_deadlock(stack):
    keys = _lines(stack, *[500_00] * N)
    first, second = _invoices(stack, 1_000_00, 1_000_00)

    def split(i: int):
        parts = [{"invoice_id": first, "amount": "250.00"}, {"invoice_id": second, "amount": "250.00"}]
        return ("POST", f"{BASE}/matches/split", "finance_a",
                {"txn_key": keys[i], "allocations": parts if i % 2 else parts[::-1]})

    responses = race(stack, [split(i) for i in range(N)])
    for invoice in (first, second):
        allocated, _, total = _settled(stack, invoice)
        assert allocated <= total, f"invoice settled {allocated / total:.0%}"
    expect(responses, wins=4)  # 4 x 250.00 fill each 1000.00 invoice


def test_write_offs_together_stay_within_the_limit(stack):
    first, second = _invoices(stack, 1_000_00, 1_000_00)  # at most 10.00 written off each
    responses = race(stack, same(N, ("POST", f"{BASE}/write-offs", "finance_a",
                                     {"invoice_id": first, "amount": "6.00", "note": "fee"})))
    _, written_off, _ = _settled(stack, first)
    assert written_off <= 10_00, f"{written_off / 100:.2f} written off of a 10.00 limit"
    expect(responses, wins=1)
    responses = race(stack, same(N, ("POST", f"{BASE}/write-offs", "finance_a",
                                     {"invoice_id": second, "amount": "2.50", "note": "fee"})))
    _, written_off, _ = _settled(stack, second)
    assert written_off == 10_00
    expect(responses, wins=4)


def test_matches_and_write_offs_together_never_settle_more_than_the_invoice(stack):
    keys = _lines(stack, *[995_00] * (N // 2))
    (invoice,) = _invoices(stack, 1_000_00)
    requests = [("POST", f"{BASE}/matches", "finance_a", {"txn_key": k, "invoice_id": invoice, "amount": "995.00"})
                for k in keys]
    requests += same(N - len(keys), ("POST", f"{BASE}/write-offs", "finance_a",
                                     {"invoice_id": invoice, "amount": "5.00", "note": "fee"}))
    responses = race(stack, requests)
    allocated, written_off, total = _settled(stack, invoice)
    assert allocated + written_off <= total, f"settled {(allocated + written_off) / total:.0%}"
    refused_cleanly(responses)  # which requests win depends on the order they are served in
    assert allocated in (0, 995_00) and written_off <= 10_00


def test_a_match_is_undone_once(stack):
    (key,) = _lines(stack, 700_00)
    (invoice,) = _invoices(stack, 700_00)
    made = call(stack, "POST", f"{BASE}/matches", "finance_a", {"txn_key": key, "invoice_id": invoice,
                                                                  "amount": "700.00"})
    assert made.status_code == 201, made.text
    responses = race(stack, same(N, ("DELETE", f"{BASE}/matches/{made.json()['id']}", "finance_a", None)))
    with stack.factory() as s:
        unmatches = s.scalars(select(ReconciliationDecision).where(
            ReconciliationDecision.txn_key == key, ReconciliationDecision.action == "unmatch")).all()
    assert len(unmatches) == 1, f"{len(unmatches)} unmatch decisions recorded for one match"
    expect(responses, wins=1, win=200, lose=404)  # the match is gone for the others
