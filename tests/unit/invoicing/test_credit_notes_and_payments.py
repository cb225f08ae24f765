"""Credit notes (full, by amount, by lines; never above what remains) and payment status."""

from __future__ import annotations

import datetime as dt

import pytest
from tests.unit.invoicing.conftest import CONFIG, NOW, add_payment, booking_for, issued_invoice
from tourstack.db.models import Invoice, InvoiceLine
from tourstack.invoicing import (
    CreditLimitExceeded,
    CreditLineInput,
    IllegalTransition,
    InvalidInvoice,
    create_credit_note,
    create_draft,
    creditable_minor,
    invoice_balance,
    invoice_lines,
    is_overdue,
    list_events,
    overdue_invoices,
    refresh_all_payment_statuses,
    refresh_payment_status,
    void,
)


def _lines(session, invoice: Invoice) -> list[InvoiceLine]:
    return invoice_lines(session, invoice.id)


def test_full_credit_reverses_the_invoice_exactly(session, staff):
    invoice = issued_invoice(session, staff, booking_for(session, state="RJ"))
    note = create_credit_note(session, invoice.id, actor=staff.checker, config=CONFIG, now=NOW)
    assert note.kind == "credit_note" and note.credited_invoice_id == invoice.id
    assert note.invoice_number == "CN/2025-26/000001" and note.status == "issued"
    for field in ("subtotal_minor", "cgst_minor", "sgst_minor", "igst_minor", "tax_minor", "total_minor"):
        assert getattr(note, field) == getattr(invoice, field)
    assert all(ln.credited_line_id for ln in _lines(session, note))
    assert creditable_minor(session, invoice) == 0
    with pytest.raises(CreditLimitExceeded):
        create_credit_note(session, invoice.id, actor=staff.checker, config=CONFIG, amount_minor=1)


def test_partial_credits_by_amount_never_exceed_what_remains(session, staff):
    invoice = issued_invoice(session, staff)  # lines 40000.00 and 25500.50, IGST 5 %
    note = create_credit_note(session, invoice.id, actor=staff.checker, config=CONFIG, now=NOW,
                              amount_minor=10_000_00, reason="one night cancelled")
    assert note.subtotal_minor == 10_000_00
    assert note.total_minor == note.subtotal_minor + note.tax_minor
    assert note.igst_minor == sum(ln.igst_minor for ln in _lines(session, note))
    spread = sorted(ln.amount_minor for ln in _lines(session, note))
    assert sum(spread) == 10_000_00 and len(spread) == 2  # proportional over both lines
    remaining_net = invoice.subtotal_minor - 10_000_00
    with pytest.raises(CreditLimitExceeded):
        create_credit_note(session, invoice.id, actor=staff.checker, config=CONFIG,
                           amount_minor=remaining_net + 1)
    last = create_credit_note(session, invoice.id, actor=staff.checker, config=CONFIG, now=NOW,
                              amount_minor=remaining_net)
    assert last.invoice_number == "CN/2025-26/000002"
    assert note.total_minor + last.total_minor == invoice.total_minor  # ties out to the minor unit
    assert creditable_minor(session, invoice) == 0


def test_credit_by_lines(session, staff):
    invoice = issued_invoice(session, staff)
    first, second = _lines(session, invoice)
    note = create_credit_note(session, invoice.id, actor=staff.checker, config=CONFIG,
                              lines=[CreditLineInput(second.id)])
    assert note.subtotal_minor == second.amount_minor and note.tax_minor == second.tax_minor
    with pytest.raises(CreditLimitExceeded):
        create_credit_note(session, invoice.id, actor=staff.checker, config=CONFIG,
                           lines=[CreditLineInput(second.id, 1)])
    with pytest.raises(CreditLimitExceeded):
        create_credit_note(session, invoice.id, actor=staff.checker, config=CONFIG,
                           lines=[CreditLineInput(first.id, first.amount_minor + 1)])
    partial = create_credit_note(session, invoice.id, actor=staff.checker, config=CONFIG,
                                 lines=[CreditLineInput(first.id, 1_000_00)])
    assert partial.subtotal_minor == 1_000_00 and partial.igst_minor == 50_00
    with pytest.raises(InvalidInvoice):
        create_credit_note(session, invoice.id, actor=staff.checker, config=CONFIG,
                           lines=[CreditLineInput(123_456)])
    with pytest.raises(InvalidInvoice):
        create_credit_note(session, invoice.id, actor=staff.checker, config=CONFIG,
                           amount_minor=1, lines=[CreditLineInput(first.id)])


def test_voided_credit_note_frees_its_amount(session, staff):
    invoice = issued_invoice(session, staff)
    note = create_credit_note(session, invoice.id, actor=staff.checker, config=CONFIG, now=NOW)
    void(session, note.id, actor=staff.checker)
    assert note.invoice_number == "CN/2025-26/000001"  # void keeps its number
    assert creditable_minor(session, invoice) == invoice.total_minor


def test_only_issued_invoices_can_be_credited(session, staff):
    draft = create_draft(session, booking_for(session).id, actor=staff.maker, config=CONFIG)
    with pytest.raises(IllegalTransition):
        create_credit_note(session, draft.id, actor=staff.checker, config=CONFIG)
    invoice = issued_invoice(session, staff)
    note = create_credit_note(session, invoice.id, actor=staff.checker, config=CONFIG, amount_minor=100)
    with pytest.raises(IllegalTransition):
        create_credit_note(session, note.id, actor=staff.checker, config=CONFIG)


def test_payment_status_follows_payments_and_refunds(session, staff):
    invoice = issued_invoice(session, staff)
    add_payment(session, invoice, 5_000_00, status="failed")
    assert refresh_payment_status(session, invoice).status == "issued"
    add_payment(session, invoice, 30_000_00)
    assert refresh_payment_status(session, invoice).status == "partially_paid"
    rest = invoice.total_minor - 30_000_00
    add_payment(session, invoice, rest, refunded_minor=1_00)
    assert refresh_payment_status(session, invoice).status == "partially_paid"
    add_payment(session, invoice, 1_00)
    assert refresh_all_payment_statuses(session) == 1  # a sweep after a bulk payments load
    assert invoice.status == "paid"
    balance = invoice_balance(session, invoice)
    assert balance.outstanding_minor == 0 and balance.refunded_minor == 1_00
    moves = [(e.from_status, e.to_status, e.actor_role) for e in list_events(session, invoice.id)
             if e.action == "payment"]
    assert moves == [("issued", "partially_paid", "system"), ("partially_paid", "paid", "system")]


def test_credit_note_can_complete_payment(session, staff):
    invoice = issued_invoice(session, staff)
    add_payment(session, invoice, invoice.total_minor - 1_050_00)
    assert refresh_payment_status(session, invoice).status == "partially_paid"
    create_credit_note(session, invoice.id, actor=staff.checker, config=CONFIG, amount_minor=1_000_00)
    assert invoice.status == "paid"  # 1000.00 + 5 % IGST credited covers the gap


def test_overdue_is_computed_not_stored(session, staff):
    invoice = issued_invoice(session, staff)
    after_due = invoice.due_on + dt.timedelta(days=1)
    assert not is_overdue(invoice, invoice_balance(session, invoice), invoice.due_on)
    assert is_overdue(invoice, invoice_balance(session, invoice), after_due)
    assert overdue_invoices(session, after_due) == [invoice]
    assert overdue_invoices(session, after_due, agency_id=invoice.agency_id + 1000) == []
    add_payment(session, invoice, invoice.total_minor)
    refresh_payment_status(session, invoice)
    assert not is_overdue(invoice, invoice_balance(session, invoice), after_due)
    assert overdue_invoices(session, after_due) == []
    assert invoice.status == "paid"
