"""Generation records and monthly spend, behind a small store interface.

Why a Protocol: the fallback chain only needs "record this attempt" and "how much was spent
this month"; the SQL store serves the API, CLI and Dagster, tests may pass anything shaped
the same.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tourstack.db.models import AiGeneration


@dataclass(frozen=True, slots=True)
class Attempt:
    request_id: str
    attempt: int
    provider: str
    model: str | None
    outcome: str
    prompt_tokens: int
    completion_tokens: int
    cost_usd_micros: int
    latency_ms: int
    error: str | None = None


class UsageStore(Protocol):
    def record(self, attempt: Attempt, *, agency_id: int | None, purpose: str,
               itinerary_id: int | None) -> None: ...

    def spent_this_month(self, agency_id: int | None = None) -> int: ...


def month_start(now: dt.datetime | None = None) -> dt.datetime:
    now = now or dt.datetime.now(dt.UTC)
    return now.astimezone(dt.UTC).replace(day=1, hour=0, minute=0, second=0, microsecond=0)


class SqlUsageStore:
    """Writes `ai_generations` rows in the caller's session (the caller commits)."""

    def __init__(self, session: Session, clock=lambda: dt.datetime.now(dt.UTC)):
        self.session, self.clock = session, clock
        self.rows: list[AiGeneration] = []

    def record(self, attempt: Attempt, *, agency_id: int | None, purpose: str,
               itinerary_id: int | None) -> None:
        row = AiGeneration(
            request_id=attempt.request_id, agency_id=agency_id, itinerary_id=itinerary_id,
            purpose=purpose, attempt=attempt.attempt, provider=attempt.provider, model=attempt.model,
            outcome=attempt.outcome, prompt_tokens=attempt.prompt_tokens,
            completion_tokens=attempt.completion_tokens, cost_usd_micros=attempt.cost_usd_micros,
            latency_ms=attempt.latency_ms, error=(attempt.error or None) and attempt.error[:500],
        )
        self.session.add(row)
        self.session.flush()
        self.rows.append(row)

    def link_itinerary(self, itinerary_id: int) -> None:
        for row in self.rows:
            row.itinerary_id = itinerary_id

    def spent_this_month(self, agency_id: int | None = None) -> int:
        q = select(func.coalesce(func.sum(AiGeneration.cost_usd_micros), 0)).where(
            AiGeneration.created_at >= month_start(self.clock()))
        if agency_id is not None:
            q = q.where(AiGeneration.agency_id == agency_id)
        return int(self.session.scalar(q) or 0)


class MemoryUsageStore:
    """Keeps attempts in a list; for jobs that report instead of writing, and for tests."""

    def __init__(self) -> None:
        self.attempts: list[tuple[Attempt, int | None, str]] = []

    def record(self, attempt: Attempt, *, agency_id: int | None, purpose: str,
               itinerary_id: int | None) -> None:
        self.attempts.append((attempt, agency_id, purpose))

    def spent_this_month(self, agency_id: int | None = None) -> int:
        return sum(a.cost_usd_micros for a, ag, _ in self.attempts if agency_id is None or ag == agency_id)
