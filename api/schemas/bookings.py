"""Shapes of booking changes: book a quote, change a trip or contacts, cancel."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from api.schemas.common import DbId, IsoDate, Money
from api.schemas.sales import BookingOut

Travellers = Annotated[int, Field(ge=1, le=99)]
Email = Annotated[str, StringConstraints(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", max_length=200)]
Phone = Annotated[str, StringConstraints(pattern=r"^\+?[0-9 ()-]{5,39}$", max_length=40)]


class BookingCreate(BaseModel):
    """Book a quote. Dates and travellers default to the quote request's; the price is the quote's."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"example": {"quote_id": 42}})

    quote_id: DbId
    customer_id: DbId | None = Field(default=None, description="needed when the quote request names none")
    travel_start: IsoDate | None = None
    travel_end: IsoDate | None = None
    travellers: Travellers | None = None


class BookingPatch(BaseModel):
    """Only the fields sent change. A change does not reprice the booking."""

    model_config = ConfigDict(extra="forbid")

    travel_start: IsoDate | None = None
    travel_end: IsoDate | None = None
    travellers: Travellers | None = None
    customer_email: Email | None = None
    customer_phone: Phone | None = None


class BookingCancel(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=r"\S")]


class BookingCreated(BookingOut):
    replayed: bool = Field(description="true when the Idempotency-Key was seen before")


class BookingCancelled(BookingOut):
    received: Money = Field(description="money received and not refunded; returned through the refunds flow "
                                        "(POST /api/v1/payments/{id}/refunds), never automatically")
