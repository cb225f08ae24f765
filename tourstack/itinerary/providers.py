"""The provider interface every planner implements, and the errors the fallback chain reads.

Why typed errors: the chain decides per failure whether the next provider is worth trying
(malformed output, refusal, rate limit, server error, timeout) and the generation record
stores the outcome by name, so cost and reliability per model can be measured.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

from tourstack.itinerary.catalogue import DestinationCatalogue
from tourstack.itinerary.models import ItineraryPlan, PlanItem, TripRequest
from tourstack.itinerary.offline import plan_offline


class ProviderError(Exception):
    """A provider could not produce a plan. `outcome` names the failure for the record."""

    outcome = "error"

    def __init__(self, message: str, *, usage: Usage | None = None):
        super().__init__(message)
        self.usage = usage or Usage()


class MalformedOutput(ProviderError):
    outcome = "malformed"


class Refused(ProviderError):
    outcome = "refused"


class RateLimited(ProviderError):
    outcome = "rate_limited"


class ProviderUnavailable(ProviderError):
    outcome = "unavailable"


class ProviderTimeout(ProviderError):
    outcome = "timeout"


class BudgetExceeded(ProviderError):
    outcome = "budget_exceeded"


@dataclass(frozen=True, slots=True)
class Usage:
    prompt_tokens: int = 0
    completion_tokens: int = 0


@dataclass(slots=True)
class PlanRequest:
    """A full plan, or a rebuild of `only_days` of `base` keeping the `keep` items."""

    trip: TripRequest
    keep: dict[int, list[PlanItem]] = field(default_factory=dict)
    base: ItineraryPlan | None = None
    only_days: frozenset[int] | None = None
    avoid_site_ids: frozenset[int] = frozenset()


@dataclass(frozen=True, slots=True)
class ProviderResult:
    plan: ItineraryPlan
    usage: Usage
    model: str | None


class Provider(Protocol):
    name: str  # offline_planner | openai
    model: str | None

    def plan(self, catalogue: DestinationCatalogue, request: PlanRequest) -> ProviderResult: ...


class OfflineProvider:
    """The catalogue planner behind the provider interface; never fails on a known destination."""

    name = "offline_planner"
    model: str | None = None

    def plan(self, catalogue: DestinationCatalogue, request: PlanRequest) -> ProviderResult:
        plan = plan_offline(
            catalogue, request.trip, keep=request.keep, base=request.base,
            only_days=request.only_days, avoid_site_ids=request.avoid_site_ids,
        )
        return ProviderResult(plan=plan, usage=Usage(), model=None)


def kept_site_ids(request: PlanRequest) -> set[int]:
    ids = {i.site_id for items in request.keep.values() for i in items if i.site_id}
    if request.base is not None and request.only_days is not None:
        ids |= {i.site_id for d in request.base.days if d.day_number not in request.only_days
                for i in d.items if i.site_id}
    return ids


def merge_days(request: PlanRequest, rebuilt: ItineraryPlan) -> ItineraryPlan:
    """Days outside `only_days` come from `base`; locked items replace their day's duplicates."""
    base_days = {d.day_number: d for d in request.base.days} if request.base else {}
    redo: Iterable[int] = request.only_days or range(1, request.trip.days + 1)
    days = []
    for day in rebuilt.days:
        if day.day_number not in redo and day.day_number in base_days:
            days.append(base_days[day.day_number])
        else:
            days.append(day)
    return rebuilt.model_copy(update={"days": days})
