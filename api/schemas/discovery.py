"""Destination discovery answers: similar, popular in a season, trending, side by side."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from tourstack.db.models import Destination
from tourstack.discovery import Comparison, PopularDestination, SimilarDestination, TrendingDestination


class DestinationRef(BaseModel):
    id: int
    name: str
    city: str
    region: str
    country_code: str
    country_name: str

    @classmethod
    def of(cls, d: Destination) -> DestinationRef:
        return cls(id=d.id, name=d.name, city=d.city, region=d.region, country_code=d.country_code,
                   country_name=d.country_name)


class DestinationList(BaseModel):
    items: list[DestinationRef]


class SimilarItem(BaseModel):
    destination: DestinationRef
    score: float = Field(description="0..1: offer (60%), season (30%), same region (10%)")
    shared_categories: list[str] = Field(description="site categories both offer, most shared first")
    shared_best_months: list[int] = Field(description="months (1-12) when most sites of both are in season")

    @classmethod
    def of(cls, s: SimilarDestination) -> SimilarItem:
        return cls(destination=DestinationRef.of(s.destination), score=s.score,
                   shared_categories=s.shared_categories, shared_best_months=s.shared_months)


class SimilarList(BaseModel):
    destination: DestinationRef
    items: list[SimilarItem]


class PopularItem(BaseModel):
    destination: DestinationRef
    bookings: int = Field(description="live bookings starting in the season's months in the window")
    agencies: int
    in_season_share: float = Field(description="share of its sites in season in those months")

    @classmethod
    def of(cls, p: PopularDestination) -> PopularItem:
        return cls(destination=DestinationRef.of(p.destination), bookings=p.bookings, agencies=p.agencies,
                   in_season_share=p.in_season_share)


class PopularList(BaseModel):
    season: str
    label: str = Field(description="e.g. 'winter (December to February)'")
    months: list[int]
    window_start: dt.date
    as_of: dt.date
    items: list[PopularItem]


class TrendingItem(BaseModel):
    destination: DestinationRef
    this_week: int = Field(description="quote requests + bookings in the 7 days up to as_of")
    last_week: int = Field(description="the same in the 7 days before")
    growth: float = Field(description="(this_week - last_week) / last_week; a last week of 0 counts as 1")
    agencies: int

    @classmethod
    def of(cls, t: TrendingDestination) -> TrendingItem:
        return cls(destination=DestinationRef.of(t.destination), this_week=t.this_week, last_week=t.last_week,
                   growth=t.growth, agencies=t.agencies)


class TrendingList(BaseModel):
    as_of: dt.date
    items: list[TrendingItem]


class ComparisonItem(BaseModel):
    destination: DestinationRef
    sites: int
    top_categories: list[str]
    best_months: list[int] = Field(description="months when at least half its sites are in season")
    median_price_level: float | None = Field(description="0 free .. 4 luxury, over its sites")
    median_site_price_minor: int | None = Field(description="entry price, minor units of site_price_currency")
    site_price_currency: str | None
    bookings_365d: int | None = Field(description="null when fewer than 3 agencies booked it")
    median_trip_days: float | None
    median_travellers: float | None
    cancellation_rate: float | None

    @classmethod
    def of(cls, c: Comparison) -> ComparisonItem:
        p = c.profile
        levels = p.price_levels
        return cls(
            destination=DestinationRef.of(p.destination), sites=p.sites,
            top_categories=[k for k, _ in sorted(p.categories.items(), key=lambda i: (-i[1], i[0]))[:4]],
            best_months=p.best_months,
            median_price_level=(levels[len(levels) // 2] if len(levels) % 2 else
                                (levels[len(levels) // 2 - 1] + levels[len(levels) // 2]) / 2) if levels else None,
            median_site_price_minor=c.median_site_price_minor, site_price_currency=c.site_price_currency,
            bookings_365d=c.bookings_365d, median_trip_days=c.median_trip_days,
            median_travellers=c.median_travellers, cancellation_rate=c.cancellation_rate,
        )


class ComparisonList(BaseModel):
    as_of: dt.date
    items: list[ComparisonItem]
