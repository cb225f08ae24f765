"""Invoices issued and credited at the same moment: an invoice is issued once under one number,
concurrent issues take consecutive numbers without gaps, and credit notes never credit more
than the invoice."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from tests import factories as f
from tests.integration.concurrency.conftest import N, expect, race, same
from tourstack.db.models import Invoice, InvoiceEvent
from tourstack.invoicing import Actor, InvoicingConfig, LineInput, approve, create_draft, issue, submit

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("concurrency_invoicing")]

CONFIG = InvoicingConfig()


def _approved(stack, count: int) -> list[int]:
    now = dt.datetime.now(dt.UTC)
    with stack.factory() as s:
        agency = f.make_agency(s, state_code="RJ")
        booking = f.make_booking(s, f.make_agent(s, agency))
        maker = Actor(role="finance", key_id=1, staff_user_id=stack.staff_ids["finance_a"])
        checker = Actor(role="finance", key_id=2, staff_user_id=stack.staff_ids["finance_b"])
        ids = []
        for n in range(count):
            inv = create_draft(s, booking.id, actor=maker, config=CONFIG, now=now,
                               lines=[LineInput(f"Tour {n}", 1, 10_000_00)])
            submit(s, inv.id, actor=maker, now=now)
            approve(s, inv.id, actor=checker, now=now)
            ids.append(inv.id)
        s.commit()
    return ids


def test_an_invoice_is_issued_once(stack):
    (invoice_id,) = _approved(stack, 1)
    responses = race(stack, same(N, ("POST", f"/api/v1/invoices/{invoice_id}/issue", "finance_b", None)))
    with stack.factory() as s:
        issues = s.scalar(select(func.count()).select_from(InvoiceEvent).where(
            InvoiceEvent.invoice_id == invoice_id, InvoiceEvent.action == "issue"))
        invoice = s.get(Invoice, invoice_id)
    assert issues == 1, f"issued {issues} times"
    expect(responses, wins=1, win=200)
    winner = next(r for r in responses if r.status_code == 200)
    assert invoice.invoice_number == winner.json()["invoice_number"]


def test_concurrent_issues_take_consecutive_numbers(stack):
    ids = _approved(stack, N)
    responses = race(stack, [("POST", f"/api/v1/invoices/{i}/issue", "finance_b", None) for i in ids])
    expect(responses, wins=N, win=200)
    with stack.factory() as s:
        numbers = sorted(s.scalars(select(Invoice.sequence_number).where(Invoice.id.in_(ids))))
    assert numbers == list(range(numbers[0], numbers[0] + N)), numbers


def test_credit_notes_never_credit_more_than_the_invoice(stack):
    (invoice_id,) = _approved(stack, 1)
    with stack.factory() as s:
        invoice = issue(s, invoice_id, actor=Actor(role="finance", key_id=2,
                                                    staff_user_id=stack.staff_ids["finance_b"]), config=CONFIG)
        s.commit()
        net, total = invoice.subtotal_minor, invoice.total_minor
    quarter = {"amount": {"amount": f"{net // 4 / 100:.2f}", "currency": "INR"}, "reason": "partial cancellation"}
    responses = race(stack, same(N, ("POST", f"/api/v1/invoices/{invoice_id}/credit-notes", "finance_a", quarter)))
    with stack.factory() as s:
        credited = s.scalar(select(func.coalesce(func.sum(Invoice.total_minor), 0)).where(
            Invoice.credited_invoice_id == invoice_id, Invoice.status != "void"))
        numbers = sorted(s.scalars(select(Invoice.sequence_number).where(Invoice.credited_invoice_id == invoice_id)))
    assert credited <= total, f"credited {credited / total:.0%} of the invoice"
    expect(responses, wins=4)
    assert numbers == list(range(numbers[0], numbers[0] + 4))
