"""Request and response shapes of the itinerary, content and suggestion endpoints."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt

from api.schemas.common import DbId, IsoDate, LocalTime, Money, UnsignedDecimalString
from tourstack.itinerary.models import BudgetLevel, Interest, TravelStyle, TravellerKind


class TravellersIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: TravellerKind = "couple"
    # Strict: JSON's true/false are not head counts.
    adults: StrictInt | None = Field(default=None, ge=1, le=40)
    children: StrictInt | None = Field(default=None, ge=0, le=40)


class GenerateIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"example": {
            "destination": "Jaipur", "days": 7, "budget": "moderate", "interests": ["culture", "food"],
            "style": "relaxed", "travellers": {"kind": "couple"}, "start_date": "2026-11-02"}},
    )

    destination: str = Field(min_length=2, max_length=100)
    days: int = Field(ge=1, le=21)
    start_date: IsoDate | None = None
    budget: BudgetLevel = "moderate"
    interests: list[Interest] = Field(default_factory=lambda: [Interest.CULTURE], max_length=10)
    style: TravelStyle = "moderate"
    travellers: TravellersIn = Field(default_factory=TravellersIn)
    notes: str | None = Field(default=None, max_length=1000)
    provider: Literal["auto", "openai", "offline"] = "auto"
    agency_id: DbId | None = Field(default=None, description="staff only: the owning agency")


class ItemOut(BaseModel):
    id: int
    day_number: int
    position: int
    slot: str
    kind: str
    name: str
    description: str
    site_id: int | None
    supplier_id: int | None
    starts_at: LocalTime | None
    ends_at: LocalTime | None
    estimated_cost: Money
    is_locked: bool
    verified: bool
    bookable: bool


class DayOut(BaseModel):
    day_number: int
    date: IsoDate | None
    title: str
    total: Money
    items: list[ItemOut]


class GenerationOut(BaseModel):
    provider: str
    model: str | None
    fell_back: bool
    attempts: list[str] = Field(description="provider/model: outcome, in order")


class ItineraryOut(BaseModel):
    id: int
    agency_id: int | None
    status: str
    title: str
    destination_id: int
    days_count: int
    start_date: IsoDate | None
    budget_level: str
    travel_style: str
    source: str
    estimated_cost: Money
    summary: str | None = None
    warnings: list[str] = Field(default_factory=list)
    days: list[DayOut]
    generation: GenerationOut | None = None


class ItemPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=2000)
    slot: Literal["morning", "afternoon", "evening", "overnight"] | None = None
    starts_at: LocalTime | None = None
    ends_at: LocalTime | None = None
    estimated_cost: UnsignedDecimalString | None = Field(default=None, description="in the itinerary's currency")
    site_id: DbId | None = Field(default=None)
    supplier_id: DbId | None = Field(default=None)


class LockIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    locked: StrictBool = True


class RegenerateIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    day: int | None = Field(default=None, ge=1, le=21, description="one day; the whole plan when null")
    provider: Literal["auto", "openai", "offline"] = "auto"


class ApprovalOut(BaseModel):
    itinerary: ItineraryOut
    edit_distance: int = Field(description="item insertions, deletions and changes since generation")
    edit_ratio: str = Field(description="edit distance / items, as a decimal fraction")


class ContentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    language: Literal["en", "hi", "fr"] = "en"
    tone: Literal["formal", "casual"] = "formal"
    exciting: StrictBool = Field(default=False, description="make it more exciting")
    site_id: DbId | None = Field(default=None)
    itinerary_id: DbId | None = Field(default=None)
    text: str | None = Field(default=None, max_length=5000)
    customer_name: str | None = Field(default=None, max_length=200)


class ContentOut(BaseModel):
    kind: str
    language: str
    text: str
    provider: str
    model: str | None


class SuggestionOut(BaseModel):
    site_id: int
    name: str
    category: str
    distance_km: float
    matches_interests: bool
    in_season: bool | None
    opens_at: LocalTime | None
    closes_at: LocalTime | None
    best_time: LocalTime | None
    crowd_level: int | None
    price: Money
    duration_minutes: int
