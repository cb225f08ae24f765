"""Parallel changes of one booking on real PostgreSQL: the row lock makes each decide on the
fresh row, so a booking is cancelled once, nothing changes it after, and one quote makes one
booking whichever Idempotency-Keys the parallel requests carry."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import func, select

from tests import factories as f
from tourstack.bookings import (
    BookingChange,
    BookingClosed,
    IdempotencyKeyReused,
    NewBooking,
    QuoteNotBookable,
    cancel_booking,
    create_booking,
    update_booking,
)
from tourstack.db.engine import make_engine, make_sessionmaker
from tourstack.db.migrate import upgrade
from tourstack.db.models import Booking, OutboxMessage

pytestmark = [pytest.mark.integration, pytest.mark.postgres, pytest.mark.xdist_group("booking_race")]
PEOPLE = 8
TODAY = dt.date(2026, 9, 1)


def _run(work, n: int) -> list[str]:
    barrier, results = threading.Barrier(n), []

    def one(i: int) -> None:
        barrier.wait()
        results.append(work(i))

    threads = [threading.Thread(target=one, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


@pytest.fixture
def sessions(pg_url):
    upgrade(pg_url)
    engine = make_engine(pg_url)
    yield make_sessionmaker(engine)
    engine.dispose()


def _count(s, event_type: str) -> int:
    return s.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.event_type == event_type))


def test_parallel_cancellations_and_changes_apply_on_the_fresh_row(sessions):
    with sessions() as s:
        ref = f.make_booking(s, status="pending").booking_ref
        s.commit()

    def work(i: int) -> str:
        with sessions() as s:
            try:
                if i % 2:
                    cancel_booking(s, ref, f"reason {i}", agency_id=None)
                    outcome = "cancelled"
                else:
                    update_booking(s, ref, BookingChange(travellers=10 + i), agency_id=None, today=TODAY)
                    outcome = "updated"
                s.commit()
                return outcome
            except BookingClosed:
                s.rollback()
                return "refused"

    results = _run(work, PEOPLE)
    assert results.count("cancelled") == 1
    assert results.count("updated") + results.count("refused") == PEOPLE - 1
    with sessions() as s:
        booking = s.scalar(select(Booking).where(Booking.booking_ref == ref))
        assert booking.status == "cancelled"
        assert _count(s, "booking.cancelled") == 3  # slack, calendar, e-mail: once
        assert _count(s, "booking.updated") == 3 * results.count("updated")  # each applied update, once


def test_parallel_bookings_of_one_quote_make_one(sessions):
    with sessions() as s:
        agent = f.make_agent(s)
        customer = f.make_customer(s, s.get(f.Agency, agent.agency_id))
        quote_id = f.make_quote(s, f.make_quote_request(s, agent, customer=customer)).id
        s.commit()

    def work(i: int) -> str:
        with sessions() as s:
            try:
                created = create_booking(s, NewBooking(quote_id=quote_id), agency_id=None,
                                         idempotency_key=f"agency:key-{i % 2}", today=TODAY)
                s.commit()
                return "replayed" if created.replayed else "created"
            except (QuoteNotBookable, IdempotencyKeyReused):
                s.rollback()
                return "refused"

    results = _run(work, PEOPLE)
    assert results.count("created") == 1
    assert results.count("replayed") == PEOPLE // 2 - 1  # the same key as the one that made it
    assert results.count("refused") == PEOPLE // 2  # the other key: the quote is booked
    with sessions() as s:
        assert s.scalar(select(func.count()).select_from(Booking).where(Booking.quote_id == quote_id)) == 1
        assert _count(s, "booking.created") == 4
