"""Proposals (idempotent, per supplier and currency), the approval workflow, separation of
duties and the guarantee that no booking item is paid twice."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from tests.unit.supplier_payouts.conftest import NOW, item
from tourstack.db.models import SupplierPayoutItem
from tourstack.supplier_payouts import (
    IllegalTransition,
    InvalidSettlement,
    PayoutNotFound,
    SeparationOfDuties,
    approve,
    item_dues,
    list_events,
    mark_paid,
    propose_payouts,
    reject,
    supplier_dues,
)

D = dt.date
MAY = (D(2026, 5, 1), D(2026, 5, 31))


@pytest.fixture
def may_items(session, world):
    """Due in May: two hotel items (INR, 30 days), one guide (EUR, 0 days), one JPY (15 days);
    plus one hotel item due in June."""
    return [
        item(session, world.booking, world.hotel, D(2026, 4, 5), 10_000_01),   # due 5 May
        item(session, world.booking, world.hotel, D(2026, 4, 20), 2_500_50),   # due 20 May
        item(session, world.booking, world.guide, D(2026, 5, 31), 180_25),     # due 31 May
        item(session, world.booking, world.jpy, D(2026, 5, 1), 36_000),        # due 16 May
        item(session, world.booking, world.hotel, D(2026, 5, 5), 999_00),      # due 4 June
    ]


def _propose(session, staff):
    return propose_payouts(session, *MAY, staff.proposer, now=NOW)


def test_proposal_creates_one_payout_per_supplier_and_currency(session, world, staff, may_items):
    payouts = _propose(session, staff)
    got = {(p.supplier_id, p.currency): p for p in payouts}
    assert {k: p.amount_minor for k, p in got.items()} == {
        (world.hotel.id, "INR"): 12_500_51,
        (world.guide.id, "EUR"): 180_25,
        (world.jpy.id, "JPY"): 36_000,
    }
    hotel = got[(world.hotel.id, "INR")]
    assert hotel.status == "pending_approval"
    assert (hotel.period_start, hotel.period_end) == MAY
    links = session.scalars(select(SupplierPayoutItem).where(
        SupplierPayoutItem.supplier_payout_id == hotel.id)).all()
    assert sorted(link.booking_item_id for link in links) == sorted(i.id for i in may_items[:2])
    assert all(link.live_booking_item_id == link.booking_item_id for link in links)
    (event,) = list_events(session, hotel.id)
    assert (event.action, event.to_status, event.actor_staff_user_id) == (
        "propose", "pending_approval", staff.proposer.staff_user_id)


def test_proposal_is_idempotent(session, world, staff, may_items):
    assert len(_propose(session, staff)) == 3
    assert _propose(session, staff) == []
    # a new item due in the same period is proposed on its own next time
    late = item(session, world.booking, world.hotel, D(2026, 4, 25), 77_00)
    (again,) = _propose(session, staff)
    assert again.amount_minor == 77_00
    assert [d.unproposed_minor for d in item_dues(session) if d.booking_item_id == late.id] == [0]


def test_proposal_only_takes_what_older_payouts_left(session, world, staff, may_items):
    from tourstack.db.models import SupplierPayout

    session.add(SupplierPayout(supplier_id=world.hotel.id, amount_minor=10_500_00, currency="INR",
                               period_start=D(2026, 4, 1), period_end=D(2026, 4, 30), status="paid",
                               paid_on=D(2026, 5, 3), reference="OLD-1"))
    session.flush()
    payouts = {p.supplier_id: p for p in _propose(session, staff)}
    # 10_000_01 fully covered, 2_500_50 covered for 499_99: 2_000_51 left
    assert payouts[world.hotel.id].amount_minor == 2_000_51


def test_full_workflow_records_who_and_when(session, world, staff, may_items):
    payout = next(p for p in _propose(session, staff) if p.supplier_id == world.hotel.id)
    later = NOW + dt.timedelta(hours=3)
    approve(session, payout.id, actor=staff.approver, now=later)
    assert (payout.status, payout.approved_by_staff_id, payout.approved_at) == (
        "approved", staff.approver.staff_user_id, later)
    mark_paid(session, payout.id, actor=staff.approver, reference=" UTR-2026-0001 ",
              paid_on=D(2026, 6, 15), now=later)
    assert (payout.status, payout.reference, payout.paid_on) == ("paid", "UTR-2026-0001", D(2026, 6, 15))
    assert [(e.action, e.from_status, e.to_status) for e in list_events(session, payout.id)] == [
        ("propose", None, "pending_approval"), ("approve", "pending_approval", "approved"),
        ("mark_paid", "approved", "paid")]
    hotel = supplier_dues(session, D(2026, 6, 15), world.hotel.id)
    assert [(d.due_on, d.outstanding_minor) for d in hotel] == [(D(2026, 6, 4), 999_00)]


def test_proposer_cannot_approve(session, world, staff, may_items):
    payout = _propose(session, staff)[0]
    with pytest.raises(SeparationOfDuties):
        approve(session, payout.id, actor=staff.proposer, now=NOW)
    # the same key without a staff user is the same person too
    same_key = type(staff.proposer)(role="finance", key_id=staff.proposer.key_id)
    with pytest.raises(SeparationOfDuties):
        approve(session, payout.id, actor=same_key, now=NOW)
    assert payout.status == "pending_approval"


@pytest.mark.parametrize("steps, action", [
    ((), "mark_paid"),                                  # not approved yet
    (("approve",), "approve"),                          # twice
    (("approve", "mark_paid"), "reject"),               # paid is final
    (("approve", "mark_paid"), "mark_paid"),
    (("reject",), "approve"),                           # rejected is final
])
def test_illegal_transitions(session, world, staff, may_items, steps, action):
    payout = _propose(session, staff)[0]

    def run(step):
        if step == "approve":
            approve(session, payout.id, actor=staff.approver, now=NOW)
        elif step == "reject":
            reject(session, payout.id, actor=staff.approver, reason="wrong amount", now=NOW)
        else:
            mark_paid(session, payout.id, actor=staff.approver, reference="UTR-1",
                      paid_on=D(2026, 6, 15), now=NOW)

    for step in steps:
        run(step)
    with pytest.raises(IllegalTransition):
        run(action)


def test_mark_paid_validates_reference_and_date(session, world, staff, may_items):
    payout = _propose(session, staff)[0]
    approve(session, payout.id, actor=staff.approver, now=NOW)
    with pytest.raises(InvalidSettlement):
        mark_paid(session, payout.id, actor=staff.approver, reference="  ", paid_on=D(2026, 6, 15), now=NOW)
    with pytest.raises(InvalidSettlement):
        mark_paid(session, payout.id, actor=staff.approver, reference="UTR", paid_on=D(2026, 6, 16), now=NOW)
    with pytest.raises(InvalidSettlement):
        mark_paid(session, payout.id, actor=staff.approver, reference="UTR", paid_on=D(2026, 6, 1), now=NOW)
    with pytest.raises(PayoutNotFound):
        approve(session, 999_999, actor=staff.approver, now=NOW)
    with pytest.raises(InvalidSettlement):
        propose_payouts(session, D(2026, 5, 31), D(2026, 5, 1), staff.proposer, now=NOW)


def test_rejection_releases_items_for_the_next_proposal(session, world, staff, may_items):
    first = {p.supplier_id: p for p in _propose(session, staff)}
    reject(session, first[world.hotel.id].id, actor=staff.approver, reason="split it", now=NOW)
    assert [e.note for e in list_events(session, first[world.hotel.id].id)][-1] == "split it"
    (second,) = _propose(session, staff)
    assert (second.supplier_id, second.amount_minor) == (world.hotel.id, 12_500_51)
    assert second.id != first[world.hotel.id].id


def test_nothing_is_paid_twice(session, world, staff, may_items):
    payout = next(p for p in _propose(session, staff) if p.supplier_id == world.hotel.id)
    approve(session, payout.id, actor=staff.approver, now=NOW)
    mark_paid(session, payout.id, actor=staff.approver, reference="UTR-9", paid_on=D(2026, 6, 15), now=NOW)
    # re-proposing over a wider window finds nothing left for the paid items
    wider = propose_payouts(session, D(2026, 1, 1), D(2026, 5, 31), staff.proposer, now=NOW)
    assert wider == []
    # and the database refuses a second live link to a paid item, whatever the code does
    session.add(SupplierPayoutItem(supplier_payout_id=payout.id, booking_item_id=may_items[0].id,
                                   amount_minor=1, live_booking_item_id=may_items[0].id))
    with pytest.raises(IntegrityError):
        session.flush()
