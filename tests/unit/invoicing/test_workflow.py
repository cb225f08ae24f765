"""The approval workflow: legal and illegal moves, separation of duties, audit trail, numbers."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.unit.invoicing.conftest import CONFIG, NOW, add_payment, booking_for, issued_invoice
from tourstack.invoicing import (
    Actor,
    IllegalTransition,
    InvoiceConflict,
    InvoiceNotFound,
    SeparationOfDuties,
    approve,
    create_credit_note,
    create_draft,
    issue,
    list_events,
    refresh_payment_status,
    reject,
    submit,
    void,
)


def test_happy_path_records_who_and_when(session, staff):
    invoice = issued_invoice(session, staff)
    assert invoice.status == "issued"
    assert invoice.invoice_number == "INV/2025-26/000001"
    assert (invoice.series, invoice.fiscal_year, invoice.sequence_number) == ("INV", 2025, 1)
    assert invoice.issued_on == NOW.date() and invoice.due_on == NOW.date() + dt.timedelta(days=15)
    trail = [(e.action, e.from_status, e.to_status, e.actor_staff_user_id, e.occurred_at)
             for e in list_events(session, invoice.id)]
    m, c = staff.maker.staff_user_id, staff.checker.staff_user_id
    assert trail == [
        ("create", None, "draft", m, NOW),
        ("submit", "draft", "pending_approval", m, NOW),
        ("approve", "pending_approval", "approved", c, NOW),
        ("issue", "approved", "issued", c, NOW),
    ]


def test_numbers_follow_issue_order_not_creation_order(session, staff):
    first = create_draft(session, booking_for(session).id, actor=staff.maker, config=CONFIG, now=NOW)
    second = issued_invoice(session, staff)
    assert first.invoice_number is None and second.sequence_number == 1
    submit(session, first.id, actor=staff.maker)
    approve(session, first.id, actor=staff.checker)
    assert issue(session, first.id, actor=staff.checker, config=CONFIG, now=NOW).sequence_number == 2


def test_next_fiscal_year_starts_again_at_one(session, staff):
    issued_invoice(session, staff)
    april = dt.datetime(2026, 4, 1, 0, 5, tzinfo=dt.UTC)
    assert issued_invoice(session, staff, now=april).invoice_number == "INV/2026-27/000001"


@pytest.mark.parametrize("action", ["approve", "issue", "reject"])
def test_illegal_moves_from_draft(session, staff, action):
    invoice = create_draft(session, booking_for(session).id, actor=staff.maker, config=CONFIG)
    call = {"approve": lambda: approve(session, invoice.id, actor=staff.checker),
            "issue": lambda: issue(session, invoice.id, actor=staff.checker, config=CONFIG),
            "reject": lambda: reject(session, invoice.id, actor=staff.checker)}[action]
    with pytest.raises(IllegalTransition):
        call()
    assert invoice.status == "draft"


def test_illegal_moves_after_issue(session, staff):
    invoice = issued_invoice(session, staff)
    for call in (lambda: submit(session, invoice.id, actor=staff.maker),
                 lambda: approve(session, invoice.id, actor=staff.checker),
                 lambda: issue(session, invoice.id, actor=staff.checker, config=CONFIG)):
        with pytest.raises(IllegalTransition):
            call()
    assert invoice.sequence_number == 1


def test_unknown_invoice(session, staff):
    with pytest.raises(InvoiceNotFound):
        submit(session, 999, actor=staff.maker)


def test_submitter_cannot_approve(session, staff):
    invoice = create_draft(session, booking_for(session).id, actor=staff.maker, config=CONFIG)
    submit(session, invoice.id, actor=staff.maker)
    with pytest.raises(SeparationOfDuties):
        approve(session, invoice.id, actor=staff.maker)
    # Same person through another key is still the same person.
    other_key = Actor(role="admin", key_id=999, staff_user_id=staff.maker.staff_user_id)
    with pytest.raises(SeparationOfDuties):
        approve(session, invoice.id, actor=other_key)
    # A key without a staff user is identified by the key itself.
    service_key = Actor(role="finance", key_id=555)
    reject(session, invoice.id, actor=staff.checker, reason="wrong dates")
    submit(session, invoice.id, actor=service_key)
    with pytest.raises(SeparationOfDuties):
        approve(session, invoice.id, actor=service_key)
    assert approve(session, invoice.id, actor=staff.maker).status == "approved"


def test_void_keeps_the_number_and_the_sequence_continues(session, staff):
    first = issued_invoice(session, staff)
    voided = void(session, first.id, actor=staff.checker, reason="duplicate")
    assert (voided.status, voided.invoice_number) == ("void", "INV/2025-26/000001")
    assert issued_invoice(session, staff).invoice_number == "INV/2025-26/000002"
    with pytest.raises(IllegalTransition):
        void(session, first.id, actor=staff.checker)


def test_void_before_issue_takes_no_number(session, staff):
    invoice = create_draft(session, booking_for(session).id, actor=staff.maker, config=CONFIG)
    assert void(session, invoice.id, actor=staff.maker).invoice_number is None
    assert issued_invoice(session, staff).sequence_number == 1


def test_partially_paid_invoice_cannot_be_voided(session, staff):
    invoice = issued_invoice(session, staff)
    add_payment(session, invoice, 1_000_00)
    refresh_payment_status(session, invoice)
    assert invoice.status == "partially_paid"
    with pytest.raises(IllegalTransition):
        void(session, invoice.id, actor=staff.checker)


def test_invoice_with_live_credit_note_cannot_be_voided(session, staff):
    invoice = issued_invoice(session, staff)
    note = create_credit_note(session, invoice.id, actor=staff.checker, config=CONFIG, amount_minor=100_00)
    with pytest.raises(InvoiceConflict):
        void(session, invoice.id, actor=staff.checker)
    void(session, note.id, actor=staff.checker)
    assert void(session, invoice.id, actor=staff.checker).status == "void"
