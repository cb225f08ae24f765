"""Search over sites, itineraries, suppliers, bookings and agents (tourstack.search).

Scoping: an agent's agency goes into the search plan, so the engine filters inside its query
and hits, totals, facet counts and suggestions never include another agency's bookings,
agents or generated itineraries. Suppliers are operator-internal (staff with settlement:read).
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request

from api.deps import CanReadBookings, CanReadItineraries, CanReadSettlement, CurrentPrincipal
from api.problems import ApiProblem
from api.schemas.common import problem_responses
from api.schemas.search import Completions, DidYouMean, SearchPage, Suggestions
from tourstack.auth import Permission, Principal
from tourstack.search import SearchRequest, SearchService
from tourstack.search.query import MAX_LIMIT

MAX_QUERY_CHARS = 200  # search.yaml analysis.max_query_chars (checked by a test)

router = APIRouter(prefix="/search", tags=["search"])

# Query parameters every search takes; any other parameter of /search/{index} is a filter.
_COMMON = frozenset({"q", "sort", "limit", "cursor", "facets"})
_RESPONSES = problem_responses(401, 403, 404, 409, 422)


def get_search(request: Request) -> SearchService:
    """The search service, built once per app from settings on first use (tests may preset it)."""
    service = getattr(request.app.state, "search", None)
    if service is None:
        from tourstack.search.runtime import build_backend

        service = SearchService(build_backend(request.app.state.settings))
        request.app.state.search = service
    return service


SearchDep = Annotated[SearchService, Depends(get_search)]
Q = Annotated[str, Query(min_length=1, max_length=MAX_QUERY_CHARS,
                         description="the words to look for; typos, synonyms and word forms match")]
Sort = Annotated[str, Query(description="relevance (default), popularity, price or name, as the index offers")]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT)]
Cursor = Annotated[str | None, Query(max_length=200, description="next_cursor of the previous page")]
Facets = Annotated[str | None, Query(max_length=200, description="comma-separated; default: all of the index")]


def _facets(facets: str | None) -> list[str] | None:
    return None if facets is None else [name.strip() for name in facets.split(",") if name.strip()]


def _only(request: Request, allowed: set[str]) -> None:
    """Refuse parameters an endpoint does not take: a misspelt filter would silently widen."""
    unknown = sorted(set(request.query_params) - _COMMON - allowed)
    if unknown:
        raise ApiProblem(422, f"unknown parameter {unknown[0]!r}; filters here: {', '.join(sorted(allowed))}",
                         slug="invalid-search", title="Invalid search")


def _run(service: SearchService, principal: Principal, index: str, q: str, filters: dict[str, str | None],
         sort: str, limit: int, cursor: str | None, facets: str | None) -> SearchPage:
    request = SearchRequest(
        index=index, q=q, filters={k: v for k, v in filters.items() if v is not None},
        facets=_facets(facets), sort=sort, limit=limit, cursor=cursor,
        agency_id=principal.scope_agency_id,
    )
    return SearchPage.build(service.search(request))


@router.get("/sites", response_model=SearchPage, responses=_RESPONSES)
def search_sites(
    request: Request, principal: CanReadItineraries, service: SearchDep, q: Q,
    location: Annotated[str | None, Query(description="city, e.g. Delhi")] = None,
    category: Annotated[str | None, Query(description="e.g. fort, temple, museum")] = None,
    price_range: Annotated[str | None, Query(alias="priceRange", description="free, budget, moderate, premium, luxury")] = None,
    sort: Sort = "relevance", limit: Limit = 20, cursor: Cursor = None, facets: Facets = None,
) -> SearchPage:
    """Sites and activities."""
    _only(request, {"location", "category", "priceRange"})
    filters = {"location": location, "category": category, "price_range": price_range}
    return _run(service, principal, "sites", q, filters, sort, limit, cursor, facets)


@router.get("/itineraries", response_model=SearchPage, responses=_RESPONSES)
def search_itineraries(
    request: Request, principal: CanReadItineraries, service: SearchDep, q: Q,
    destination: str | None = None,
    duration: Annotated[str | None, Query(description="number of days, e.g. 5")] = None,
    budget: Annotated[str | None, Query(description="budget, moderate or luxury")] = None,
    kind: Annotated[str | None, Query(description="template or generated")] = None,
    sort: Sort = "relevance", limit: Limit = 20, cursor: Cursor = None, facets: Facets = None,
) -> SearchPage:
    """Templates (shared) and generated itineraries (the caller's agency only, for agents)."""
    _only(request, {"destination", "duration", "budget", "kind"})
    filters = {"destination": destination, "duration": duration, "budget": budget, "kind": kind}
    return _run(service, principal, "itineraries", q, filters, sort, limit, cursor, facets)


def _visible_indexes(principal: Principal) -> list[str]:
    indexes = []
    if principal.can(Permission.ITINERARIES_READ):
        indexes += ["sites", "destinations", "itineraries"]
    if principal.can(Permission.SETTLEMENT_READ):
        indexes.append("suppliers")
    if principal.can(Permission.BOOKINGS_READ):
        indexes += ["bookings", "agents"]
    return indexes


def _indexes_or_403(principal: Principal) -> list[str]:
    indexes = _visible_indexes(principal)
    if not indexes:
        raise ApiProblem(403, f"the {principal.role} role may not search", slug="forbidden", title="Forbidden")
    return indexes


SuggestLimit = Annotated[int, Query(ge=1, le=20)]


@router.get("/autocomplete", response_model=Completions, responses=_RESPONSES)
def search_autocomplete(
    request: Request, principal: CurrentPrincipal, service: SearchDep, q: Q, limit: SuggestLimit = 10,
) -> Completions:
    """Autocomplete: the last word is a prefix; titles of every index the caller may see."""
    _only(request, set())
    indexes = _indexes_or_403(principal)
    return Completions.build(service.suggest(q, indexes, agency_id=principal.scope_agency_id, limit=limit))


@router.get("/suggestions", response_model=Suggestions, responses=_RESPONSES)
def search_suggestions(
    request: Request, principal: CurrentPrincipal, service: SearchDep, q: Q, limit: SuggestLimit = 10,
) -> Suggestions:
    """Did you mean: the query spelt as the words of the documents the caller may see, and the
    autocomplete titles (the `items` this endpoint answered before /autocomplete existed)."""
    _only(request, set())
    indexes = _indexes_or_403(principal)
    agency_id = principal.scope_agency_id
    correction = service.did_you_mean(q, indexes, agency_id=agency_id)
    items = service.suggest(q, indexes, agency_id=agency_id, limit=limit)
    return Suggestions(items=Completions.build(items).items,
                       did_you_mean=None if correction is None else DidYouMean.build(correction))


def _filters_from(request: Request) -> dict[str, str | None]:
    filters: dict[str, str | None] = {}
    for key, value in request.query_params.multi_items():
        if key in _COMMON:
            continue
        if key in filters:
            raise ApiProblem(422, f"filter {key!r} given twice", slug="invalid-search", title="Invalid search")
        filters[key] = value
    return filters


@router.get("/destinations", response_model=SearchPage, responses=_RESPONSES)
def search_destinations(
    request: Request, principal: CanReadItineraries, service: SearchDep, q: Q, sort: Sort = "relevance",
    limit: Limit = 20, cursor: Cursor = None, facets: Facets = None,
) -> SearchPage:
    """Destinations by name, city, region or country ("Benares", "Rajasthan"). Filters:
    `country`, `region`."""
    return _run(service, principal, "destinations", q, _filters_from(request), sort, limit, cursor, facets)


@router.get("/suppliers", response_model=SearchPage, responses=_RESPONSES)
def search_suppliers(
    request: Request, principal: CanReadSettlement, service: SearchDep, q: Q, sort: Sort = "relevance",
    limit: Limit = 20, cursor: Cursor = None, facets: Facets = None,
) -> SearchPage:
    """Suppliers (staff only). Filters: any facet of the index as a parameter, e.g. `kind=hotel`."""
    return _run(service, principal, "suppliers", q, _filters_from(request), sort, limit, cursor, facets)


@router.get("/{index}", response_model=SearchPage, responses=_RESPONSES)
def search_scoped(
    request: Request, index: Literal["bookings", "agents"], principal: CanReadBookings, service: SearchDep,
    q: Q, sort: Sort = "relevance", limit: Limit = 20, cursor: Cursor = None, facets: Facets = None,
) -> SearchPage:
    """Bookings or agents; an agent sees only its own agency's. Filters: any facet of the index
    as a parameter, e.g. `status=confirmed`."""
    return _run(service, principal, index, q, _filters_from(request), sort, limit, cursor, facets)
