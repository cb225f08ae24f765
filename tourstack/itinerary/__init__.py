"""Itinerary generation: requests -> validated day-by-day plans, grounded in the catalogue.

Providers (OpenAI structured outputs, the offline catalogue planner) sit behind one interface
and a fallback chain with budgets, rate limits and a record per attempt; plans are saved as
drafts that agents edit, lock, regenerate and approve. See docs/itinerary.md.
"""

from tourstack.itinerary.catalogue import DestinationCatalogue, UnknownDestination, load_catalogue
from tourstack.itinerary.chain import Generation, GenerationFailed, generate
from tourstack.itinerary.drafts import (
    Approval,
    InvalidEdit,
    ItineraryConflict,
    ItineraryError,
    ItineraryNotFound,
)
from tourstack.itinerary.factory import AiConfig, build_chain
from tourstack.itinerary.limits import Budget, BudgetExhausted, RateLimited, RateLimiter
from tourstack.itinerary.models import DayPlan, ItineraryPlan, PlanItem, Travellers, TripRequest
from tourstack.itinerary.offline import plan_offline
from tourstack.itinerary.providers import OfflineProvider, PlanRequest, ProviderError

__all__ = [
    "AiConfig", "Approval", "Budget", "BudgetExhausted", "DayPlan", "DestinationCatalogue",
    "Generation", "GenerationFailed", "InvalidEdit", "ItineraryConflict", "ItineraryError",
    "ItineraryNotFound", "ItineraryPlan", "OfflineProvider", "PlanItem", "PlanRequest",
    "ProviderError", "RateLimited", "RateLimiter", "Travellers", "TripRequest", "UnknownDestination",
    "build_chain", "generate", "load_catalogue", "plan_offline",
]
