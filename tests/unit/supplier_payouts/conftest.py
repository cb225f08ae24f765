"""Settlement unit fixtures on the shared `session` (tests/conftest.py): two finance staff
(proposer and approver) and a small supplier world."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from sqlalchemy.orm import Session

from tests import factories as f
from tourstack.db.models import Booking, BookingItem, Supplier
from tourstack.invoicing import Actor

NOW = dt.datetime(2026, 6, 15, 9, 0, tzinfo=dt.UTC)


@dataclass
class Staff:
    proposer: Actor
    approver: Actor


@pytest.fixture
def staff(session: Session) -> Staff:
    a = f.make_staff_user(session, role="finance")
    b = f.make_staff_user(session, role="finance")
    return Staff(
        proposer=Actor(role="finance", key_id=201, staff_user_id=a.id),
        approver=Actor(role="finance", key_id=202, staff_user_id=b.id),
    )


@dataclass
class World:
    booking: Booking
    hotel: Supplier  # INR, 30 days
    guide: Supplier  # EUR, 0 days
    jpy: Supplier  # JPY (no minor unit), 15 days


@pytest.fixture
def world(session: Session) -> World:
    booking = f.make_booking(session)
    return World(
        booking=booking,
        hotel=f.make_supplier(session, currency="INR", payment_terms_days=30),
        guide=f.make_supplier(session, currency="EUR", payment_terms_days=0, kind="guide"),
        jpy=f.make_supplier(session, currency="JPY", payment_terms_days=15, kind="activity"),
    )


def item(session: Session, booking: Booking, supplier: Supplier, service_date: dt.date,
         cost_minor: int, **overrides) -> BookingItem:
    return f.make_booking_item(session, booking, supplier=supplier, service_date=service_date,
                               cost_minor=cost_minor, **overrides)
