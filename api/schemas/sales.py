"""Bookings and quotes as the API shows them.

Supplier cost (and so margin) is operator-internal: `total_cost` / `cost` are null unless the
caller's role has the `costs:read` permission. Agents never see them.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from api.schemas.common import DbId, IsoDate, Money, MoneyIn
from tourstack.db.models import Booking, BookingItem, Quote


class BookingItemOut(BaseModel):
    id: int
    service_type: str
    description: str
    service_date: IsoDate
    quantity: int
    status: str
    sell: Money
    cost: Money | None = None
    supplier_id: int | None = None

    @classmethod
    def build(cls, item: BookingItem, *, show_costs: bool) -> BookingItemOut:
        return cls(
            id=item.id,
            service_type=item.service_type,
            description=item.description,
            service_date=item.service_date,
            quantity=item.quantity,
            status=item.status,
            sell=Money.of(item.sell_minor, item.sell_currency),
            cost=Money.of(item.cost_minor, item.cost_currency) if show_costs else None,
            supplier_id=item.supplier_id if show_costs else None,
        )


class BookingOut(BaseModel):
    booking_ref: str
    status: str
    agency_id: int
    agent_id: int
    customer_id: int
    quote_id: int | None
    destination_id: int
    booked_at: dt.datetime
    travel_start: IsoDate
    travel_end: IsoDate
    travellers: int
    total_sell: Money
    total_cost: Money | None = None
    cancelled_at: dt.datetime | None = None
    cancellation_reason: str | None = None

    @classmethod
    def build(cls, booking: Booking, *, show_costs: bool) -> BookingOut:
        return cls(**_booking_fields(booking, show_costs))


class BookingDetail(BookingOut):
    items: list[BookingItemOut]

    @classmethod
    def build_with_items(
        cls, booking: Booking, items: list[BookingItem], *, show_costs: bool
    ) -> BookingDetail:
        return cls(
            **_booking_fields(booking, show_costs),
            items=[BookingItemOut.build(item, show_costs=show_costs) for item in items],
        )


def _booking_fields(booking: Booking, show_costs: bool) -> dict:
    return {
        "booking_ref": booking.booking_ref,
        "status": booking.status,
        "agency_id": booking.agency_id,
        "agent_id": booking.agent_id,
        "customer_id": booking.customer_id,
        "quote_id": booking.quote_id,
        "destination_id": booking.destination_id,
        "booked_at": booking.booked_at,
        "travel_start": booking.travel_start,
        "travel_end": booking.travel_end,
        "travellers": booking.travellers,
        "total_sell": Money.of(booking.total_sell_minor, booking.currency),
        "total_cost": Money.of(booking.total_cost_minor, booking.currency) if show_costs else None,
        "cancelled_at": booking.cancelled_at,
        "cancellation_reason": booking.cancellation_reason,
    }


class QuoteOut(BaseModel):
    id: int
    quote_number: str
    status: str
    quote_request_id: int
    agency_id: int
    agent_id: int
    prepared_by_staff_id: int | None
    requested_at: dt.datetime
    sent_at: dt.datetime | None
    responded_at: dt.datetime | None
    valid_until: IsoDate
    total: Money
    cost: Money | None = None

    @classmethod
    def build(cls, quote: Quote, *, show_costs: bool) -> QuoteOut:
        return cls(
            id=quote.id,
            quote_number=quote.quote_number,
            status=quote.status,
            quote_request_id=quote.quote_request_id,
            agency_id=quote.agency_id,
            agent_id=quote.agent_id,
            prepared_by_staff_id=quote.prepared_by_staff_id,
            requested_at=quote.requested_at,
            sent_at=quote.sent_at,
            responded_at=quote.responded_at,
            valid_until=quote.valid_until,
            total=Money.of(quote.total_minor, quote.currency),
            cost=Money.of(quote.cost_minor, quote.currency) if show_costs else None,
        )


class QuoteCreate(BaseModel):
    """Price an open quote request. `total` and `cost` share the request's currency."""

    model_config = ConfigDict(extra="forbid")

    quote_request_id: DbId
    total: MoneyIn = Field(description="what the agency pays")
    cost: MoneyIn = Field(description="what the services cost the operator")
    valid_until: IsoDate
