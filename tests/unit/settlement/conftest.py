"""Settlement unit fixtures: a migrated SQLite file per test (copied from one migrated
template), a session, two finance staff (proposer and approver) and a small supplier world."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy.orm import Session

from tests import factories as f
from tourstack.db.engine import make_engine, make_sessionmaker
from tourstack.db.migrate import upgrade
from tourstack.db.models import Booking, BookingItem, Supplier
from tourstack.invoicing import Actor

NOW = dt.datetime(2026, 6, 15, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="session")
def settlement_template(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("settlement") / "operational.db"
    upgrade(f"sqlite:///{path}")
    return str(path)


@pytest.fixture
def db_url(settlement_template: str, tmp_path) -> str:
    target = tmp_path / "operational.db"
    shutil.copyfile(settlement_template, target)
    return f"sqlite:///{target}"


@pytest.fixture
def session(db_url: str) -> Iterator[Session]:
    engine = make_engine(db_url)
    with make_sessionmaker(engine)() as s:
        yield s
    engine.dispose()


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
