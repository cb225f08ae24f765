"""tourstack.sales: scoped queries, cursors, and the create_quote service."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tests import factories as f
from tourstack.db.engine import make_engine, make_sessionmaker
from tourstack.sales import (
    CurrencyMismatch,
    InvalidAmount,
    InvalidCurrency,
    InvalidCursor,
    InvalidValidity,
    QuoteRequestNotFound,
    QuoteRequestNotOpen,
    WrongAgency,
    create_quote,
    decode_cursor,
    encode_cursor,
    get_booking_by_ref,
    get_quote,
    list_bookings,
    next_quote_number,
)

NOW = dt.datetime(2026, 5, 4, 12, 0, tzinfo=dt.UTC)
VALID = dt.date(2026, 6, 1)


@pytest.fixture
def session(migrated_sqlite_url):
    engine = make_engine(migrated_sqlite_url)
    with make_sessionmaker(engine)() as s:
        yield s
    engine.dispose()


def test_cursor_round_trip_and_rejects_garbage():
    assert decode_cursor(encode_cursor(42)) == 42
    for bad in ["", "x", "e30", encode_cursor(1)[:-2] + "!!", "a" * 300]:
        with pytest.raises(InvalidCursor):
            decode_cursor(bad)


def test_scoped_reads(session):
    agent_a, agent_b = f.make_agent(session), f.make_agent(session)
    booking_b = f.make_booking(session, agent_b)
    quote_b = f.make_quote(session, f.make_quote_request(session, agent_b))
    assert get_booking_by_ref(session, booking_b.booking_ref, agency_id=agent_a.agency_id) is None
    assert get_booking_by_ref(session, booking_b.booking_ref, agency_id=None) is booking_b
    assert get_quote(session, quote_b.id, agency_id=agent_a.agency_id) is None
    assert get_quote(session, quote_b.id, agency_id=agent_b.agency_id) is quote_b
    assert list_bookings(session, agency_id=agent_a.agency_id).items == []


def test_limit_bounds(session):
    with pytest.raises(ValueError):
        list_bookings(session, agency_id=None, limit=0)


def test_create_quote_happy_path(session):
    request = f.make_quote_request(session, currency="JPY")
    staff = f.make_staff_user(session)
    quote = create_quote(session, request.id, agency_id=None, total=Decimal("150000"),
                         cost="120000", currency="JPY", valid_until=VALID,
                         prepared_by_staff_id=staff.id, now=NOW)
    assert quote.quote_number == "Q-2026-000001"
    assert (quote.total_minor, quote.cost_minor, quote.currency) == (150000, 120000, "JPY")
    assert quote.status == "sent" and quote.sent_at == NOW
    assert quote.requested_at == request.requested_at
    assert quote.agency_id == request.agency_id and quote.agent_id == request.agent_id
    assert request.status == "quoted"
    second = create_quote(session, f.make_quote_request(session).id, agency_id=None,
                          total="10.50", cost="0", currency="INR", valid_until=VALID, now=NOW)
    assert second.quote_number == "Q-2026-000002" and second.total_minor == 1050
    assert next_quote_number(session, 2027) == "Q-2027-000001"


def test_create_quote_errors(session):
    request = f.make_quote_request(session)
    other_agency = f.make_agency(session)
    ok = {"total": "100.00", "cost": "80.00", "currency": "INR", "valid_until": VALID, "now": NOW}
    with pytest.raises(QuoteRequestNotFound):
        create_quote(session, 99999, agency_id=None, **ok)
    with pytest.raises(WrongAgency):
        create_quote(session, request.id, agency_id=other_agency.id, **ok)
    for bad, error in [
        ({"total": "0"}, InvalidAmount), ({"total": "-1"}, InvalidAmount),
        ({"total": "1.001"}, InvalidAmount), ({"cost": "-0.01"}, InvalidAmount),
        ({"total": "NaN"}, InvalidAmount), ({"total": "abc"}, InvalidAmount),
        ({"total": 1.5}, InvalidAmount), ({"total": "1" + "0" * 13}, InvalidAmount),
        ({"currency": "inr"}, InvalidCurrency), ({"currency": "USD"}, CurrencyMismatch),
        ({"valid_until": dt.date(2026, 5, 3)}, InvalidValidity),
    ]:
        with pytest.raises(error):
            create_quote(session, request.id, agency_id=None, **(ok | bad))
    assert request.status == "open"
    create_quote(session, request.id, agency_id=request.agency_id, **ok)
    with pytest.raises(QuoteRequestNotOpen):
        create_quote(session, request.id, agency_id=None, **ok)
