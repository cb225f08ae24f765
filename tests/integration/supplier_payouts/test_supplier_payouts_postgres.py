"""Supplier settlement on a real PostgreSQL: concurrent proposals never propose a booking item
twice (supplier row locks serialise them; the unique live link is the backstop), and the
approval workflow serialises concurrent approvers on the payout row."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from tests import factories as f
from tourstack.db.engine import make_engine, make_sessionmaker
from tourstack.db.migrate import upgrade
from tourstack.db.models import SupplierPayout, SupplierPayoutItem
from tourstack.invoicing import Actor
from tourstack.supplier_payouts import IllegalTransition, approve, item_dues, propose_payouts

pytestmark = [pytest.mark.integration, pytest.mark.postgres]

THREADS = 8
NOW = dt.datetime(2026, 6, 15, 9, 0, tzinfo=dt.UTC)
PERIOD = (dt.date(2026, 5, 1), dt.date(2026, 5, 31))


@pytest.fixture
def pg(pg_url) -> Iterator:
    upgrade(pg_url)
    engine = make_engine(pg_url, pool_size=THREADS + 2)
    yield make_sessionmaker(engine)
    engine.dispose()


def _world(factory) -> tuple[list[int], int, Actor, Actor]:
    """Three suppliers in three currencies with 20 items each, all due in May."""
    with factory() as s:
        booking = f.make_booking(s)
        items = []
        for currency, terms in (("INR", 30), ("EUR", 0), ("JPY", 15)):
            supplier = f.make_supplier(s, currency=currency, payment_terms_days=terms)
            for n in range(20):
                service = dt.date(2026, 5, 1) - dt.timedelta(days=terms) + dt.timedelta(days=n)
                items.append(f.make_booking_item(s, booking, supplier=supplier, service_date=service,
                                                 cost_minor=10_000 + n).id)
        proposer = Actor(role="finance", key_id=1, staff_user_id=f.make_staff_user(s).id)
        approver = Actor(role="finance", key_id=2, staff_user_id=f.make_staff_user(s).id)
        s.commit()
    return items, sum(10_000 + n for n in range(20)) * 3, proposer, approver


def _run_threads(target, count: int) -> list[BaseException]:
    errors: list[BaseException] = []
    barrier = threading.Barrier(count)

    def run():
        try:
            barrier.wait(timeout=30)
            target()
        except BaseException as exc:  # noqa: BLE001 (reported by the test)
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return errors


def test_concurrent_proposals_never_propose_an_item_twice(pg):
    items, total, proposer, _ = _world(pg)
    created: list[int] = []

    def proposer_thread() -> None:
        with pg() as s:
            payouts = propose_payouts(s, *PERIOD, proposer, now=NOW)
            s.commit()
            created.extend(p.id for p in payouts)

    assert _run_threads(proposer_thread, THREADS) == []
    with pg() as s:
        links = s.execute(select(SupplierPayoutItem.booking_item_id, SupplierPayoutItem.amount_minor)).all()
        payouts = s.scalars(select(SupplierPayout)).all()
        assert sorted(b for b, _ in links) == sorted(items)  # every item once, none twice
        assert len(payouts) == 3 and sorted(created) == sorted(p.id for p in payouts)
        assert sum(p.amount_minor for p in payouts) == total == sum(a for _, a in links)
        assert all(d.unproposed_minor == 0 for d in item_dues(s))


def test_unique_live_link_refuses_a_second_live_payout_for_an_item(pg):
    items, _, proposer, _ = _world(pg)
    with pg() as s:
        propose_payouts(s, *PERIOD, proposer, now=NOW)
        s.commit()
        payout_id = s.scalar(select(func.min(SupplierPayout.id)))
        s.add(SupplierPayoutItem(supplier_payout_id=payout_id, booking_item_id=items[0],
                                 amount_minor=1, live_booking_item_id=items[0]))
        with pytest.raises(IntegrityError):
            s.flush()


def test_concurrent_approvers_approve_once(pg):
    _, _, proposer, approver = _world(pg)
    with pg() as s:
        payout_id = propose_payouts(s, *PERIOD, proposer, now=NOW)[0].id
        s.commit()
    outcomes: list[str] = []

    def approver_thread() -> None:
        with pg() as s:
            try:
                approve(s, payout_id, actor=approver, now=NOW)
                s.commit()
                outcomes.append("approved")
            except IllegalTransition:
                s.rollback()
                outcomes.append("refused")

    assert _run_threads(approver_thread, 4) == []
    assert sorted(outcomes) == ["approved", "refused", "refused", "refused"]
