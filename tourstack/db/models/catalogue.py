"""What is sold: destinations, sites with opening hours and crowd levels, suppliers and rates."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, Float, ForeignKey, Integer, SmallInteger, String, Text, Time
from sqlalchemy.orm import Mapped, mapped_column

from tourstack.db.base import Base, MinorUnits, SoftDelete, Timestamps


class Destination(Timestamps, Base):
    __tablename__ = "destinations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    country_code: Mapped[str] = mapped_column(String(2))
    country_name: Mapped[str] = mapped_column(String(100))
    region: Mapped[str] = mapped_column(String(100))
    city: Mapped[str] = mapped_column(String(100))
    # Coordinates are geometry, not money: binary floats are the right type here.
    latitude: Mapped[float] = mapped_column(Float)
    longitude: Mapped[float] = mapped_column(Float)
    timezone: Mapped[str] = mapped_column(String(64))
    currency: Mapped[str] = mapped_column(String(3))


class Site(Timestamps, SoftDelete, Base):
    """An attraction or activity. `best_season` lists months as text ('10,11,12,1,2')."""

    __tablename__ = "sites"

    id: Mapped[int] = mapped_column(primary_key=True)
    destination_id: Mapped[int] = mapped_column(ForeignKey("destinations.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(32))
    latitude: Mapped[float] = mapped_column(Float)
    longitude: Mapped[float] = mapped_column(Float)
    typical_duration_minutes: Mapped[int] = mapped_column(Integer)
    price_minor: Mapped[int] = mapped_column(MinorUnits)
    price_currency: Mapped[str] = mapped_column(String(3))
    price_level: Mapped[int] = mapped_column(SmallInteger)  # 0 free .. 4 luxury
    best_season: Mapped[str] = mapped_column(String(40))
    popularity: Mapped[int] = mapped_column(SmallInteger)  # 0..100
    description: Mapped[str | None] = mapped_column(Text)


class SiteOpeningHours(Timestamps, Base):
    """One opening window per row; a weekday without rows is a closed day."""

    __tablename__ = "site_opening_hours"

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    weekday: Mapped[int] = mapped_column(SmallInteger)  # ISO: 1 Monday .. 7 Sunday
    opens_at: Mapped[dt.time] = mapped_column(Time)
    closes_at: Mapped[dt.time] = mapped_column(Time)


class SiteCrowdLevel(Timestamps, Base):
    """Typical crowd level (0 empty .. 100 packed) by weekday and hour of day."""

    __tablename__ = "site_crowd_levels"

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    weekday: Mapped[int] = mapped_column(SmallInteger)
    hour: Mapped[int] = mapped_column(SmallInteger)
    crowd_level: Mapped[int] = mapped_column(SmallInteger)


class Supplier(Timestamps, SoftDelete, Base):
    """Hotels, transport, guides and activity vendors; paid in their own currency."""

    __tablename__ = "suppliers"

    id: Mapped[int] = mapped_column(primary_key=True)
    destination_id: Mapped[int] = mapped_column(ForeignKey("destinations.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))  # hotel, transport, guide, activity
    currency: Mapped[str] = mapped_column(String(3))
    payment_terms_days: Mapped[int] = mapped_column(SmallInteger)
    contact_name: Mapped[str] = mapped_column(String(200))
    contact_email: Mapped[str] = mapped_column(String(200))
    contact_phone: Mapped[str | None] = mapped_column(String(40))
    star_rating: Mapped[int | None] = mapped_column(SmallInteger)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)


class SupplierRate(Timestamps, SoftDelete, Base):
    """A contracted cost for one service, valid over a date range."""

    __tablename__ = "supplier_rates"

    id: Mapped[int] = mapped_column(primary_key=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("suppliers.id"), index=True)
    service_name: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(16))  # per_night, per_day, per_person, per_trip
    cost_minor: Mapped[int] = mapped_column(MinorUnits)
    currency: Mapped[str] = mapped_column(String(3))
    valid_from: Mapped[dt.date] = mapped_column(Date)
    valid_to: Mapped[dt.date] = mapped_column(Date)
    season: Mapped[str] = mapped_column(String(16))  # peak, shoulder, low
