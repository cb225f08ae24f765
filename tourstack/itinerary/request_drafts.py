"""Draft an itinerary for every new quote request, so an agent's request meets a plan to review.

Why a batch over the request table rather than a hook in the request endpoint: requests also
arrive by import and by staff, and a model call must not sit inside the request transaction.
The job reads the request's own facts (destination, dates, head count, budget, notes), builds
the same TripRequest the API builds, generates through the same provider chain and budget, and
links the draft to the request. A request that has an itinerary is never picked again, which
makes the job idempotent; one request that cannot be planned is counted, not fatal.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from tourstack.db.models import Destination, QuoteRequest
from tourstack.itinerary import service
from tourstack.itinerary.catalogue import UnknownDestination
from tourstack.itinerary.chain import GenerationFailed
from tourstack.itinerary.limits import Budget, BudgetExhausted
from tourstack.itinerary.models import Interest, TravelStyle, Travellers, TripRequest
from tourstack.itinerary.providers import OfflineProvider, Provider

# The planner's own cap on trip length, read from the model so the two cannot drift apart.
MAX_TRIP_DAYS: int = next(m.le for m in TripRequest.model_fields["days"].metadata if getattr(m, "le", None))
DEFAULT_INTERESTS = (Interest.CULTURE, Interest.HISTORY)

# Free-text notes agents write on requests, mapped to planner interests and pace. Keyword
# matching is crude but predictable; the draft is reviewed by a person before it is quoted.
NOTE_INTERESTS: dict[str, tuple[Interest, ...]] = {
    "cooking": (Interest.FOOD,), "food": (Interest.FOOD,), "vegetarian": (Interest.FOOD,),
    "sunset": (Interest.PHOTOGRAPHY, Interest.RELAXATION), "honeymoon": (Interest.RELAXATION,),
    "heritage": (Interest.HISTORY,), "kids": (Interest.NATURE,), "nature": (Interest.NATURE,),
    "wildlife": (Interest.NATURE, Interest.ADVENTURE), "trek": (Interest.ADVENTURE,),
    "temple": (Interest.SPIRITUAL,), "spiritual": (Interest.SPIRITUAL,), "yoga": (Interest.SPIRITUAL,),
    "shopping": (Interest.SHOPPING,), "market": (Interest.SHOPPING,), "nightlife": (Interest.NIGHTLIFE,),
    "corporate": (Interest.FOOD, Interest.NIGHTLIFE), "photo": (Interest.PHOTOGRAPHY,),
}
NOTE_STYLE: dict[str, TravelStyle] = {
    "senior": "relaxed", "minimal walking": "relaxed", "young kids": "relaxed", "honeymoon": "relaxed",
    "corporate": "fast_paced",
}


@dataclass
class RequestDraftReport:
    considered: int = 0
    drafted: int = 0
    failed: int = 0
    skipped: int = 0  # drafted concurrently by another run between the read and the link
    itinerary_ids: list[int] = field(default_factory=list)
    failures: list[tuple[int, str]] = field(default_factory=list)  # (quote_request_id, reason)
    by_provider: dict[str, int] = field(default_factory=dict)
    cost_usd_micros: int = 0
    stopped_by_budget: bool = False


def trip_for_request(request: QuoteRequest, destination_name: str) -> TripRequest:
    """The TripRequest an agent would have typed for this quote request."""
    days = max(1, min((request.travel_end - request.travel_start).days + 1, MAX_TRIP_DAYS))
    adults, children = max(1, min(request.adults or 1, 40)), max(0, min(request.children or 0, 40))
    kind = "family" if children else "solo" if adults == 1 else "couple" if adults == 2 else "group"
    notes = (request.notes or "").strip()
    lowered = notes.lower()
    interests = list(DEFAULT_INTERESTS)
    for word, extra in NOTE_INTERESTS.items():
        if word in lowered:
            interests += [i for i in extra if i not in interests]
    style = next((s for word, s in NOTE_STYLE.items() if word in lowered), "moderate")
    budget = request.budget_level if request.budget_level in ("budget", "moderate", "luxury") else "moderate"
    return TripRequest(
        destination=destination_name, days=days, start_date=request.travel_start, budget=budget,
        interests=interests[:10], style=style,
        travellers=Travellers(kind=kind, adults=adults, children=children), notes=notes[:1000] or None,
    )


def requests_without_itinerary(session: Session, *, limit: int, as_of: dt.date,
                               statuses: Iterable[str] = ("open",)) -> list[QuoteRequest]:
    """Live requests in `statuses` with no itinerary, received by the end of `as_of`, newest first."""
    cutoff = dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time(0), tzinfo=dt.UTC)
    return list(session.scalars(
        select(QuoteRequest).where(
            QuoteRequest.status.in_(list(statuses)), QuoteRequest.deleted_at.is_(None),
            QuoteRequest.itinerary_id.is_(None), QuoteRequest.requested_at < cutoff,
        ).order_by(QuoteRequest.requested_at.desc(), QuoteRequest.id.desc()).limit(limit)
    ))


def _chain(ai: Any, budget: Budget | None) -> tuple[list[Provider], Budget]:
    """Accept the ItineraryServices the API and Dagster hold, or a plain provider list (tests, demo).

    The API's per-minute limiter is not applied: it shields the API from bursts of agent
    requests, while a batch is bounded by its `limit` and the SDK already backs off on 429.
    """
    if hasattr(ai, "providers") and hasattr(ai, "budget"):
        return list(ai.providers()), budget or ai.budget
    return list(ai), budget or Budget()


class _AlreadyDrafted(Exception):
    """Another run linked an itinerary to the request first."""


def _draft_one(session: Session, request: QuoteRequest, trip: TripRequest, providers: Sequence[Provider],
               budget: Budget, report: RequestDraftReport) -> None:
    itinerary, generation = service.generate_draft(session, trip, providers, budget=budget,
                                                   agency_id=request.agency_id)
    # Conditional link: a concurrent run that drafted the same request first wins, and this
    # draft is rolled back by the caller rather than left orphaned.
    linked = session.execute(
        update(QuoteRequest).where(QuoteRequest.id == request.id, QuoteRequest.itinerary_id.is_(None))
        .values(itinerary_id=itinerary.id, updated_at=dt.datetime.now(dt.UTC))
        .execution_options(synchronize_session="fetch")
    ).rowcount
    if not linked:
        raise _AlreadyDrafted
    report.drafted += 1
    report.itinerary_ids.append(itinerary.id)
    report.by_provider[generation.provider] = report.by_provider.get(generation.provider, 0) + 1
    report.cost_usd_micros += sum(a.cost_usd_micros for a in generation.attempts)


def draft_for_open_requests(
    session: Session, ai: Any, *, limit: int = 50, as_of: dt.date | None = None,
    budget: Budget | None = None, statuses: Iterable[str] = ("open",), commit_every: int = 10,
) -> RequestDraftReport:
    """Draft and link an itinerary for up to `limit` requests without one; commits in batches.

    `ai` is an ItineraryServices (its providers and budget) or a sequence of providers. Each request
    runs in a savepoint: a failure rolls back that request's draft only. Failed model calls stay
    recorded in ai_generations (they are billed). Under the `refuse` budget policy an exhausted
    budget switches the rest of the batch to the offline planner, which costs nothing.
    """
    providers, budget = _chain(ai, budget)
    report = RequestDraftReport()
    candidates = requests_without_itinerary(session, limit=limit, as_of=as_of or dt.date.today(),
                                            statuses=statuses)
    names = dict(session.execute(select(Destination.id, Destination.name).where(
        Destination.id.in_({r.destination_id for r in candidates}))).tuples().all())
    pending = 0
    for request in candidates:
        report.considered += 1
        name = names.get(request.destination_id)
        try:
            if name is None:
                raise UnknownDestination(f"destination {request.destination_id} is not in the catalogue")
            trip = trip_for_request(request, name)
        except (UnknownDestination, ValueError) as exc:  # pydantic's ValidationError is a ValueError
            report.failed += 1
            report.failures.append((request.id, _reason(exc)))
            continue
        savepoint = session.begin_nested()
        try:
            try:
                _draft_one(session, request, trip, providers, budget, report)
            except BudgetExhausted:
                report.stopped_by_budget = True
                providers = [OfflineProvider()]
                _draft_one(session, request, trip, providers, budget, report)
            savepoint.commit()
            pending += 1
        except _AlreadyDrafted:
            savepoint.rollback()
            report.skipped += 1
        except GenerationFailed as exc:
            # nothing was saved but the attempt records, which stay: failed calls are billed
            savepoint.commit()
            pending += 1
            report.failed += 1
            report.failures.append((request.id, _reason(exc)))
        except DBAPIError:
            savepoint.rollback()
            raise  # the database itself is failing: stop instead of failing every request
        except Exception as exc:  # noqa: BLE001 - one unplannable request must not stop the batch
            savepoint.rollback()
            report.failed += 1
            report.failures.append((request.id, _reason(exc)))
        if pending >= commit_every:
            session.commit()
            pending = 0
    session.commit()
    return report


def _reason(exc: Exception) -> str:
    first = (str(exc).splitlines() or [""])[0]
    return f"{type(exc).__name__}: {first}"[:300]
