"""Who buys and who works: agencies and their agents, travellers, staff and API keys."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from tourstack.db.base import Base, SoftDelete, Timestamps, UTCDateTime


class Agency(Timestamps, SoftDelete, Base):
    """A travel agency buying itineraries; the unit of data isolation for agents."""

    __tablename__ = "agencies"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    country_code: Mapped[str] = mapped_column(String(2))
    state_code: Mapped[str | None] = mapped_column(String(8))  # GST place of supply in India
    city: Mapped[str] = mapped_column(String(100))
    email: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(40))
    currency: Mapped[str] = mapped_column(String(3))
    commission_tier: Mapped[str] = mapped_column(String(16), default="standard")
    tax_id: Mapped[str | None] = mapped_column(String(32))
    onboarded_on: Mapped[dt.date] = mapped_column(Date)


class Agent(Timestamps, SoftDelete, Base):
    __tablename__ = "agents"

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(200), unique=True)
    phone: Mapped[str | None] = mapped_column(String(40))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    joined_on: Mapped[dt.date] = mapped_column(Date)


class StaffUser(Timestamps, SoftDelete, Base):
    """The operator's own people; `role` is one of ops, finance, sales, admin."""

    __tablename__ = "staff_users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(200), unique=True)
    role: Mapped[str] = mapped_column(String(16))


class Customer(Timestamps, SoftDelete, Base):
    """A traveller, owned by the agency that brought them."""

    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(40))
    country_code: Mapped[str] = mapped_column(String(2))
    acquisition_channel: Mapped[str] = mapped_column(String(32))


class ApiKey(Timestamps, Base):
    """An API credential. Only a SHA-256 hash of the secret is stored; the prefix finds the row.

    An agent key carries `agency_id` and sees only that agency's data; staff keys carry a role.
    """

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    key_hash: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(16))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), index=True)
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"))
    staff_user_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class StaffTask(Timestamps, Base):
    """Work items with SLA timestamps (respond to a quote request, confirm a booking, ...)."""

    __tablename__ = "staff_tasks"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    staff_user_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"), index=True)
    quote_request_id: Mapped[int | None] = mapped_column(ForeignKey("quote_requests.id"))
    booking_id: Mapped[int | None] = mapped_column(ForeignKey("bookings.id"))
    status: Mapped[str] = mapped_column(String(16))  # open, in_progress, done, cancelled
    opened_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    sla_due_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    started_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    completed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    priority: Mapped[int] = mapped_column(Integer, default=3)
