"""AI usage and itinerary review history.

Why these tables: every model call costs money and can fail, so each generation attempt is
recorded (provider, model, tokens, cost, latency, outcome) for budgets and the warehouse; and
the plan as generated and as approved is kept, so the edit distance between them measures how
much editing a generated plan needed.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, ForeignKey, Integer, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from tourstack.db.base import Base, Timestamps


class AiGeneration(Timestamps, Base):
    """One attempt at generating content; several rows per request when the chain falls back.

    `cost_usd_micros` is the provider's list price in millionths of a US dollar (a token costs
    fractions of a cent, so cents would round most calls to zero); integer, never float.
    """

    __tablename__ = "ai_generations"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[str] = mapped_column(String(36), index=True)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), index=True)
    itinerary_id: Mapped[int | None] = mapped_column(ForeignKey("itineraries.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(32))  # itinerary, itinerary_day, content, site_description
    attempt: Mapped[int] = mapped_column(SmallInteger)  # 1 = primary, 2.. = fallbacks
    provider: Mapped[str] = mapped_column(String(32))  # openai, offline_planner, template
    model: Mapped[str | None] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(24))  # ok, malformed, refused, rate_limited, ...
    prompt_tokens: Mapped[int] = mapped_column(Integer, default=0)
    completion_tokens: Mapped[int] = mapped_column(Integer, default=0)
    cost_usd_micros: Mapped[int] = mapped_column(BigInteger, default=0)
    latency_ms: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(String(500))


class ItineraryRevision(Timestamps, Base):
    """A snapshot of an itinerary: `generated`/`regenerated` by a planner, or `approved`.

    On approval, `edit_distance` counts item insertions, deletions and substitutions from the
    latest generated snapshot to the approved one; `edit_ratio_bps` divides it by the larger
    item count (10000 = everything changed).
    """

    __tablename__ = "itinerary_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    itinerary_id: Mapped[int] = mapped_column(ForeignKey("itineraries.id"), index=True)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # generated, regenerated, approved
    provider: Mapped[str | None] = mapped_column(String(32))
    model: Mapped[str | None] = mapped_column(String(64))
    item_count: Mapped[int] = mapped_column(Integer)
    edit_distance: Mapped[int | None] = mapped_column(Integer)
    edit_ratio_bps: Mapped[int | None] = mapped_column(Integer)
    snapshot: Mapped[str] = mapped_column(Text)  # JSON of the ItineraryPlan
