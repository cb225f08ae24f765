"""Idempotency of booking creation: the key a client sent with `POST /bookings` and what it made.

Why a table of its own: a retried creation (a lost answer, a double click) must return the
booking the first request made, never a second one, even when both requests run at once. The
unique key decides that in the database; the digest of the request's body tells a genuine retry
(same body: the same booking again) from a reused key with other parameters (refused).
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from tourstack.db.base import Base, Timestamps


class BookingRequest(Timestamps, Base):
    __tablename__ = "booking_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(120), unique=True)  # scope:client key
    request_digest: Mapped[str] = mapped_column(String(64))
    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id"), index=True)
