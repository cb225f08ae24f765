"""The itinerary every planner produces, and the request it answers.

Why one model for all providers: the API, the drafts workflow and the quality checks must not
care whether a plan came from a language model or from the offline planner. Amounts are integer
minor units with their currency (never floats); `*_display` fields carry the Decimal string for
people. Validators enforce the invariants a plan must hold whatever produced it: day numbers
run 1..N, items of a day do not overlap, item currencies match the plan, and the day and trip
totals are the sums of their items.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, computed_field, model_validator

from tourstack.money import from_minor

BudgetLevel = Literal["budget", "moderate", "luxury"]
TravelStyle = Literal["fast_paced", "moderate", "relaxed"]
TravellerKind = Literal["family", "couple", "solo", "group"]
Slot = Literal["morning", "afternoon", "evening", "overnight"]
ItemKind = Literal["site", "hotel", "transport", "meal"]
ProviderName = Literal["offline_planner", "openai"]


class Interest(StrEnum):
    CULTURE = "culture"
    HISTORY = "history"
    ADVENTURE = "adventure"
    RELAXATION = "relaxation"
    FOOD = "food"
    SHOPPING = "shopping"
    NATURE = "nature"
    NIGHTLIFE = "nightlife"
    SPIRITUAL = "spiritual"
    PHOTOGRAPHY = "photography"


def _without(data, keys: tuple[str, ...]):
    if isinstance(data, dict) and any(k in data for k in keys):
        return {k: v for k, v in data.items() if k not in keys}
    return data


class Travellers(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: TravellerKind = "couple"
    adults: int = Field(default=2, ge=1, le=40)
    children: int = Field(default=0, ge=0, le=40)

    @property
    def count(self) -> int:
        return self.adults + self.children

    @classmethod
    def of(cls, kind: TravellerKind) -> Travellers:
        """Sensible head counts for a kind given without numbers."""
        adults, children = {"family": (2, 2), "couple": (2, 0), "solo": (1, 0), "group": (6, 0)}[kind]
        return cls(kind=kind, adults=adults, children=children)


class TripRequest(BaseModel):
    """What the agent asked for."""

    model_config = ConfigDict(extra="forbid")

    destination: str = Field(min_length=2, max_length=100)
    days: int = Field(ge=1, le=21)
    start_date: dt.date | None = None
    budget: BudgetLevel = "moderate"
    interests: list[Interest] = Field(default_factory=lambda: [Interest.CULTURE], max_length=10)
    style: TravelStyle = "moderate"
    travellers: Travellers = Field(default_factory=Travellers)
    notes: str | None = Field(default=None, max_length=1000)


class PlanItem(BaseModel):
    """One thing to do, sleep in, eat or ride. Catalogue ids are set only when grounded."""

    model_config = ConfigDict(extra="forbid")

    slot: Slot
    kind: ItemKind
    name: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=2000)
    site_id: int | None = None
    supplier_id: int | None = None
    category: str | None = None
    starts_at: dt.time | None = None
    ends_at: dt.time | None = None
    estimated_cost_minor: int = Field(ge=0)
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    verified: bool = False
    locked: bool = False
    latitude: float | None = None
    longitude: float | None = None
    travel_minutes_before: int | None = Field(default=None, ge=0)

    @model_validator(mode="before")
    @classmethod
    def _drop_computed(cls, data):
        return _without(data, ("bookable", "estimated_cost"))

    @model_validator(mode="after")
    def _times(self) -> PlanItem:
        if self.starts_at and self.ends_at and self.kind != "hotel" and self.ends_at <= self.starts_at:
            raise ValueError(f"{self.name}: ends_at must be after starts_at")
        if self.verified and self.site_id is None and self.supplier_id is None:
            raise ValueError(f"{self.name}: a verified item needs a catalogue id")
        return self

    @computed_field  # type: ignore[prop-decorator]
    @property
    def bookable(self) -> bool:
        """Only catalogue-matched sites and suppliers may be offered for booking."""
        return self.verified and self.kind in ("site", "hotel", "transport")

    @computed_field  # type: ignore[prop-decorator]
    @property
    def estimated_cost(self) -> str:
        return str(from_minor(self.estimated_cost_minor, self.currency))


class DayPlan(BaseModel):
    model_config = ConfigDict(extra="forbid")

    day_number: int = Field(ge=1)
    date: dt.date | None = None
    title: str = Field(min_length=1, max_length=200)
    items: list[PlanItem]

    @model_validator(mode="after")
    def _no_overlap(self) -> DayPlan:
        timed = sorted(
            (i for i in self.items if i.starts_at and i.ends_at and i.kind != "hotel"),
            key=lambda i: i.starts_at,  # type: ignore[arg-type,return-value]
        )
        for a, b in zip(timed, timed[1:]):
            if b.starts_at < a.ends_at:  # type: ignore[operator]
                raise ValueError(f"day {self.day_number}: {a.name!r} overlaps {b.name!r}")
        return self

    @property
    def total_minor(self) -> int:
        return sum(i.estimated_cost_minor for i in self.items)


class ItineraryPlan(BaseModel):
    """A complete, validated plan in one currency."""

    model_config = ConfigDict(extra="forbid")

    destination: str
    destination_id: int | None = None
    title: str = Field(min_length=1, max_length=200)
    summary: str = Field(max_length=4000)
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    budget: BudgetLevel
    style: TravelStyle
    travellers: Travellers
    start_date: dt.date | None = None
    provider: ProviderName
    model: str | None = None
    days: list[DayPlan] = Field(min_length=1)
    warnings: list[str] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _drop_computed(cls, data):
        # a dumped plan (snapshot, API echo) validates again: computed fields are not inputs
        return _without(data, ("total_minor", "total", "day_totals"))

    @model_validator(mode="after")
    def _consistent(self) -> ItineraryPlan:
        if [d.day_number for d in self.days] != list(range(1, len(self.days) + 1)):
            raise ValueError("day numbers must run 1..N in order")
        for day in self.days:
            for item in day.items:
                if item.currency != self.currency:
                    raise ValueError(f"{item.name}: currency {item.currency} != {self.currency}")
        return self

    @computed_field  # type: ignore[prop-decorator]
    @property
    def total_minor(self) -> int:
        return sum(d.total_minor for d in self.days)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def total(self) -> str:
        return str(from_minor(self.total_minor, self.currency))

    @computed_field  # type: ignore[prop-decorator]
    @property
    def day_totals(self) -> list[str]:
        return [str(from_minor(d.total_minor, self.currency)) for d in self.days]

    def items(self) -> list[tuple[int, PlanItem]]:
        return [(d.day_number, i) for d in self.days for i in d.items]
