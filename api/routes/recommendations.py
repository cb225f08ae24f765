"""Recommendations over catalogue sites (tourstack.recommend): "also booked" and an agency's list.

Scoping: an agency's personal list is computed from that agency's bookings only, and an agent
gets its own agency's list, never another's. "Also booked" pairs are aggregates over all
agencies, and a pair counts only when several agencies booked it together
(`recommendations.min_agencies` in search.yaml), so it shows no single agency's sales.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from sqlalchemy import select

from api.deps import CanReadItineraries, SessionDep
from api.problems import ApiProblem
from api.schemas.common import problem_responses
from api.schemas.recommendations import RecommendedSite, Recommendations
from tourstack.db.models import Destination, Site
from tourstack.recommend import Snapshot, load_snapshot, snapshot_path
from tourstack.settings import Settings

router = APIRouter(prefix="/recommendations", tags=["recommendations"])
_RESPONSES = problem_responses(401, 403, 404, 409, 422)
Limit = Annotated[int, Query(ge=1, le=20)]


def _snapshot(request: Request) -> Snapshot:
    settings: Settings = request.app.state.settings
    return load_snapshot(snapshot_path(settings.search_dir))


def _sites(session, rows: list[tuple[int, str, int | None, float | None]]) -> list[RecommendedSite]:
    ids = [site for site, *_ in rows]
    found = {
        site.id: (site, destination)
        for site, destination in session.execute(
            select(Site, Destination.name).join(Destination, Destination.id == Site.destination_id)
            .where(Site.id.in_(ids), Site.deleted_at.is_(None))
        ).all()
    }
    out = []
    for site_id, reason, together, lift in rows:
        if site_id in found:  # a site deleted since training is not recommended
            site, destination = found[site_id]
            out.append(RecommendedSite(site_id=site_id, name=site.name, category=site.category,
                                       destination=destination, reason=reason, bookings_together=together,
                                       lift=lift))
    return out


@router.get("/also-booked", response_model=Recommendations, responses=_RESPONSES)
def also_booked(
    request: Request, principal: CanReadItineraries, session: SessionDep,
    site_id: Annotated[int, Query(ge=1, le=2_147_483_647, description="the site the agent is looking at")], limit: Limit = 10,
) -> Recommendations:
    """Agencies who booked this site also booked: the sites most often in the same bookings."""
    if session.get(Site, site_id) is None:
        raise ApiProblem(404, f"no site {site_id}", slug="not-found", title="Not found")
    snapshot = _snapshot(request)
    rows = [(s, "booked_together" if both is not None else "popular", both, lift)
            for s, both, lift in snapshot.also_booked(site_id, limit)]
    return Recommendations(trained_at=snapshot.trained_at, items=_sites(session, rows))


@router.get("/for-agency", response_model=Recommendations, responses=_RESPONSES)
def for_agency(
    request: Request, principal: CanReadItineraries, session: SessionDep,
    agency_id: Annotated[int | None, Query(ge=1, le=2_147_483_647, description="staff: the agency; agents: their own (default)")] = None,
    limit: Limit = 10,
) -> Recommendations:
    """The agency's home list: sites near those its bookings included, else the popular ones."""
    own = principal.scope_agency_id
    if own is not None and agency_id not in (None, own):
        raise ApiProblem(403, "an agent sees its own agency's recommendations only", slug="forbidden", title="Forbidden")
    agency = own if own is not None else agency_id
    if agency is None:
        raise ApiProblem(422, "agency_id is required for staff", slug="invalid-recommendation",
                         title="Invalid recommendation request")
    snapshot = _snapshot(request)
    sites, personal = snapshot.for_agency(agency, limit)
    reason = "personal" if personal else "popular"
    return Recommendations(trained_at=snapshot.trained_at, items=_sites(session, [(s, reason, None, None) for s in sites]))
