"""Small row factories for tests: each builds one valid row, adds it and flushes.

Every keyword overrides a column; related rows are created when not given. Unique columns
(codes, e-mails, references) come from a process-wide counter, so factories can be called
any number of times on one database.

    agency = make_agency(session, code="SUN")
    agent = make_agent(session, agency)
    request = make_quote_request(session, agent)
    booking = make_booking(session, agent, total_sell_minor=250_000)
    plain_key, key_row = make_api_key(session, "agent", agency=agency)
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from sqlalchemy.orm import Session

from tourstack.auth import issue_key
from tourstack.db.models import (
    Agency,
    Agent,
    ApiKey,
    Booking,
    BookingItem,
    Customer,
    Destination,
    Quote,
    QuoteRequest,
    StaffUser,
    Supplier,
)

_seq = itertools.count(1)

BASE_TIME = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)


def _next() -> int:
    return next(_seq)


def _save(session: Session, row: Any) -> Any:
    session.add(row)
    session.flush()
    return row


def make_destination(session: Session, **overrides: Any) -> Destination:
    n = _next()
    values: dict[str, Any] = {
        "name": f"Destination {n}", "country_code": "IN", "country_name": "India",
        "region": "Rajasthan", "city": "Jaipur", "latitude": 26.9124, "longitude": 75.7873,
        "timezone": "Asia/Kolkata", "currency": "INR",
    }
    return _save(session, Destination(**(values | overrides)))


def make_agency(session: Session, **overrides: Any) -> Agency:
    n = _next()
    values: dict[str, Any] = {
        "code": f"AG{n:04d}", "name": f"Agency {n}", "country_code": "IN", "state_code": "DL",
        "city": "Delhi", "email": f"agency{n}@example.test", "currency": "INR",
        "onboarded_on": dt.date(2024, 1, 1),
    }
    return _save(session, Agency(**(values | overrides)))


def make_agent(session: Session, agency: Agency | None = None, **overrides: Any) -> Agent:
    agency = agency or make_agency(session)
    n = _next()
    values: dict[str, Any] = {
        "agency_id": agency.id, "name": f"Agent {n}", "email": f"agent{n}@example.test",
        "joined_on": dt.date(2024, 1, 1),
    }
    return _save(session, Agent(**(values | overrides)))


def make_staff_user(session: Session, role: str = "ops", **overrides: Any) -> StaffUser:
    n = _next()
    values: dict[str, Any] = {"name": f"Staff {n}", "email": f"staff{n}@example.test", "role": role}
    return _save(session, StaffUser(**(values | overrides)))


def make_customer(session: Session, agency: Agency | None = None, **overrides: Any) -> Customer:
    agency = agency or make_agency(session)
    n = _next()
    values: dict[str, Any] = {
        "agency_id": agency.id, "first_name": "Traveller", "last_name": f"No{n}",
        "email": f"traveller{n}@example.test", "country_code": "IN",
        "acquisition_channel": "referral",
    }
    return _save(session, Customer(**(values | overrides)))


def make_supplier(session: Session, destination: Destination | None = None, **overrides: Any) -> Supplier:
    destination = destination or make_destination(session)
    n = _next()
    values: dict[str, Any] = {
        "destination_id": destination.id, "name": f"Supplier {n}", "kind": "hotel",
        "currency": destination.currency, "payment_terms_days": 30,
        "contact_name": f"Contact {n}", "contact_email": f"supplier{n}@example.test",
    }
    return _save(session, Supplier(**(values | overrides)))


def make_quote_request(
    session: Session,
    agent: Agent | None = None,
    *,
    destination: Destination | None = None,
    customer: Customer | None = None,
    **overrides: Any,
) -> QuoteRequest:
    agent = agent or make_agent(session)
    destination = destination or make_destination(session)
    values: dict[str, Any] = {
        "agency_id": agent.agency_id, "agent_id": agent.id,
        "customer_id": customer.id if customer else None, "destination_id": destination.id,
        "requested_at": BASE_TIME, "travel_start": dt.date(2026, 10, 1),
        "travel_end": dt.date(2026, 10, 7), "adults": 2, "children": 0,
        "budget_level": "moderate", "currency": "INR", "status": "open",
    }
    return _save(session, QuoteRequest(**(values | overrides)))


def make_quote(session: Session, request: QuoteRequest | None = None, **overrides: Any) -> Quote:
    request = request or make_quote_request(session)
    n = _next()
    values: dict[str, Any] = {
        "quote_number": f"Q-TEST-{n:06d}", "quote_request_id": request.id,
        "agency_id": request.agency_id, "agent_id": request.agent_id,
        "requested_at": request.requested_at, "sent_at": request.requested_at,
        "valid_until": dt.date(2026, 12, 31), "currency": request.currency,
        "total_minor": 25_000_00, "cost_minor": 20_000_00, "status": "sent",
    }
    return _save(session, Quote(**(values | overrides)))


def make_booking(
    session: Session,
    agent: Agent | None = None,
    *,
    customer: Customer | None = None,
    destination: Destination | None = None,
    **overrides: Any,
) -> Booking:
    agent = agent or make_agent(session)
    customer = customer or make_customer(session, session.get(Agency, agent.agency_id))
    destination = destination or make_destination(session)
    n = _next()
    values: dict[str, Any] = {
        "booking_ref": f"BK{n:08d}", "agency_id": agent.agency_id, "agent_id": agent.id,
        "customer_id": customer.id, "destination_id": destination.id, "booked_at": BASE_TIME,
        "travel_start": dt.date(2026, 10, 1), "travel_end": dt.date(2026, 10, 7),
        "travellers": 2, "currency": "INR", "total_sell_minor": 120_000_00,
        "total_cost_minor": 95_000_00, "status": "confirmed",
    }
    return _save(session, Booking(**(values | overrides)))


def make_booking_item(
    session: Session, booking: Booking, *, supplier: Supplier | None = None, **overrides: Any
) -> BookingItem:
    supplier = supplier or make_supplier(session, session.get(Destination, booking.destination_id))
    values: dict[str, Any] = {
        "booking_id": booking.id, "supplier_id": supplier.id, "service_type": supplier.kind,
        "description": f"{supplier.name}, 2 nights", "service_date": booking.travel_start,
        "quantity": 1, "cost_minor": 30_000_00, "cost_currency": supplier.currency,
        "sell_minor": 40_000_00, "sell_currency": booking.currency, "status": "confirmed",
        "supplier_requested_at": booking.booked_at,
    }
    return _save(session, BookingItem(**(values | overrides)))


def make_api_key(
    session: Session,
    role: str,
    *,
    agency: Agency | None = None,
    agent: Agent | None = None,
    staff_user: StaffUser | None = None,
    name: str | None = None,
) -> tuple[str, ApiKey]:
    """Issue a real key through `tourstack.auth.issue_key`; returns `(plain_key, row)`."""
    return issue_key(
        session,
        role,
        name or f"{role} test key {_next()}",
        agency_id=agency.id if agency else None,
        agent_id=agent.id if agent else None,
        staff_user_id=staff_user.id if staff_user else None,
    )
