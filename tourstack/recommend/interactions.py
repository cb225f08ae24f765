"""What the recommenders learn from: which sites each agency's bookings included, and when.

Why sites: a booking's activity items name the catalogue site they are at (booking_items.site_id),
so a booking is a basket of sites, and an agency's bookings are its history. Cancelled and
deleted bookings are left out: a cancellation says the trip did not suit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from tourstack.db.models import Booking, BookingItem


@dataclass(frozen=True)
class Interactions:
    """One row per (booking, site): parallel arrays, ordered by booking time."""

    booking: np.ndarray  # booking id
    agency: np.ndarray  # agency id
    site: np.ndarray  # site id
    booked_at: np.ndarray  # datetime64[us], UTC

    def __len__(self) -> int:
        return len(self.site)

    def before(self, cut: dt.datetime) -> Interactions:
        return self._where(self.booked_at < np.datetime64(_naive_utc(cut), "us"))

    def from_(self, cut: dt.datetime) -> Interactions:
        return self._where(self.booked_at >= np.datetime64(_naive_utc(cut), "us"))

    def _where(self, mask: np.ndarray) -> Interactions:
        return Interactions(self.booking[mask], self.agency[mask], self.site[mask], self.booked_at[mask])

    @classmethod
    def of(cls, rows: list[tuple[int, int, int, dt.datetime]]) -> Interactions:
        """From (booking id, agency id, site id, booked_at) tuples."""
        rows = sorted(set(rows), key=lambda r: (_naive_utc(r[3]), r[0], r[2]))
        return cls(
            booking=np.array([r[0] for r in rows], dtype=np.int64),
            agency=np.array([r[1] for r in rows], dtype=np.int64),
            site=np.array([r[2] for r in rows], dtype=np.int64),
            booked_at=np.array([_naive_utc(r[3]) for r in rows], dtype="datetime64[us]"),
        )


def _naive_utc(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(dt.UTC).replace(tzinfo=None)


def load_interactions(session: Session) -> Interactions:
    """Every (booking, site) of bookings not cancelled or deleted."""
    rows = session.execute(
        select(Booking.id, Booking.agency_id, BookingItem.site_id, Booking.booked_at)
        .join(BookingItem, BookingItem.booking_id == Booking.id)
        .where(BookingItem.site_id.is_not(None), Booking.status != "cancelled", Booking.deleted_at.is_(None))
    ).all()
    return Interactions.of([tuple(row) for row in rows])
