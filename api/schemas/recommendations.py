"""Recommendation answers: catalogue sites with why each is there."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class RecommendedSite(BaseModel):
    site_id: int
    name: str
    category: str
    destination: str
    reason: Literal["booked_together", "personal", "popular"] = Field(
        description="booked_together: in the same bookings as the given site; personal: from the agency's own "
                    "bookings; popular: the most booked sites (no better signal, e.g. a new agency or site)"
    )
    bookings_together: int | None = Field(default=None, description="bookings holding both sites (booked_together)")
    lift: float | None = Field(default=None, description="P(both) / (P(this) P(given)); above 1: booked together "
                                                         "more often than chance")


class Recommendations(BaseModel):
    trained_at: str = Field(description="when the snapshot was trained (ISO 8601, UTC)")
    items: list[RecommendedSite]
