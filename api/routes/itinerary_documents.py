"""The customer's trip document (`GET /itineraries/{id}.pdf`) and what it is made of as JSON:
each day's weather with its warnings and the packing list (`/weather`), and attractions near the
day's planned sites (`/nearby`).

Scoped exactly like `GET /itineraries/{id}`: agents only their agency's (anything else is a
404 like a missing one), staff all. Mounted before the itinerary router so `/{id}.pdf` is not
read as a malformed `/{id}`.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, Field

from api.deps import CanReadItineraries, SessionDep, SettingsDep
from api.schemas.common import DbId, problem_responses
from reports.itinerary.pdf import render_pdf
from tourstack.geo.nearby import MAX_RADIUS_KM, nearby_for_itinerary
from tourstack.itinerary import drafts
from tourstack.itinerary.tripdoc import build_document, day_routes
from tourstack.itinerary.tripdoc_services import providers_from_settings

router = APIRouter(prefix="/itineraries", tags=["itineraries"])


@router.get("/{itinerary_id}.pdf", responses={200: {"content": {"application/pdf": {}}},
                                              **problem_responses(401, 403, 404)},
            response_class=Response)
def itinerary_pdf(session: SessionDep, principal: CanReadItineraries, settings: SettingsDep,
                  itinerary_id: DbId) -> Response:
    """The itinerary as the customer's PDF: cover, summary, each day with times, map, distances
    and weather, then the packing list, inclusions, contacts and emergency numbers."""
    itinerary = drafts.get_itinerary(session, itinerary_id, agency_id=principal.scope_agency_id)
    doc = build_document(session, itinerary, today=dt.date.today(), providers=providers_from_settings(settings))
    return Response(content=render_pdf(doc), media_type="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="itinerary-{itinerary.id}.pdf"'})


class NearbyOut(BaseModel):
    site_id: int
    name: str
    category: str
    day: int = Field(description="the itinerary day it suits")
    near: str = Field(description="the day's planned site it is closest to")
    distance_km: float = Field(description="great-circle distance")
    popularity: int = Field(description="0-100")
    score: float = Field(description="popularity x closeness within the radius; higher first")


@router.get("/{itinerary_id}/nearby", response_model=list[NearbyOut], responses=problem_responses(401, 403, 404, 422))
def itinerary_nearby(
    session: SessionDep, principal: CanReadItineraries, itinerary_id: DbId,
    radius_km: Annotated[float, Query(gt=0, le=MAX_RADIUS_KM)] = 5.0,
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
    day: Annotated[int | None, Query(ge=1, le=60, description="one day only")] = None,
) -> list[NearbyOut]:
    """Attractions near the itinerary's planned sites that it does not include yet."""
    itinerary = drafts.get_itinerary(session, itinerary_id, agency_id=principal.scope_agency_id)
    found = nearby_for_itinerary(session, itinerary, radius_km=radius_km, limit=limit, day=day)
    return [NearbyOut(site_id=n.site.id, name=n.site.name, category=n.site.category, day=n.day_number, near=n.near,
                      distance_km=n.distance_km, popularity=n.site.popularity, score=n.score) for n in found]


class WarningOut(BaseModel):
    kind: str = Field(description="extreme_heat, heavy_rain, monsoon or provider_alert")
    message: str


class DayWeatherOut(BaseModel):
    day: int
    date: dt.date | None
    kind: str = Field(description="forecast, climate_normal or unavailable: which kind of figure this is")
    label: str
    tmax_c: float | None
    tmin_c: float | None
    humidity_pct: float | None
    rain_mm: float | None
    rain_days: float | None
    summary: str
    sources: list[str]
    note: str
    warnings: list[WarningOut]


class TripWeatherOut(BaseModel):
    itinerary_id: int
    days: list[DayWeatherOut]
    packing: list[tuple[str, str]] = Field(description="(item, why) from the weather and the planned activities")


@router.get("/{itinerary_id}/weather", response_model=TripWeatherOut, responses=problem_responses(401, 403, 404))
def itinerary_weather(session: SessionDep, principal: CanReadItineraries, settings: SettingsDep,
                      itinerary_id: DbId) -> TripWeatherOut:
    """Each day's weather as the trip document shows it (a forecast inside the horizon, else the
    month's climate normals, always saying which), its warnings, and the packing list."""
    itinerary = drafts.get_itinerary(session, itinerary_id, agency_id=principal.scope_agency_id)
    doc = build_document(session, itinerary, today=dt.date.today(), providers=providers_from_settings(settings))
    days = [DayWeatherOut(day=d.number, date=d.date, kind=d.weather.kind, label=d.weather.label,
                          tmax_c=d.weather.tmax_c, tmin_c=d.weather.tmin_c, humidity_pct=d.weather.humidity_pct,
                          rain_mm=d.weather.rain_mm, rain_days=d.weather.rain_days, summary=d.weather.summary,
                          sources=list(d.weather.sources), note=d.weather.note,
                          warnings=[WarningOut(kind=w.kind, message=w.message) for w in d.warnings])
            for d in doc.days]
    return TripWeatherOut(itinerary_id=itinerary.id, days=days, packing=[tuple(p) for p in doc.packing])


class RouteStopOut(BaseModel):
    label: str
    kind: str = Field(description="site or hotel")
    lat: float
    lon: float
    street_view: str | None = Field(description="a Google Maps Street View URL, with a Google key configured")


class RouteDayOut(BaseModel):
    number: int
    title: str
    stops: list[RouteStopOut] = Field(description="in visiting order: the night's hotel, the sites, the hotel")


class ItineraryMapOut(BaseModel):
    itinerary_id: int
    title: str
    days: list[RouteDayOut]


@router.get("/{itinerary_id}/map", response_model=ItineraryMapOut, responses=problem_responses(401, 403, 404, 422))
def itinerary_map(session: SessionDep, principal: CanReadItineraries, settings: SettingsDep,
                  itinerary_id: DbId) -> ItineraryMapOut:
    """Each day's route (stops with coordinates, in visiting order) for the interactive map of
    the itinerary page (`/itinerary-map`); the same stops as the PDF's day maps."""
    itinerary = drafts.get_itinerary(session, itinerary_id, agency_id=principal.scope_agency_id)
    days = day_routes(session, itinerary, street_view=settings.google_maps_api_key is not None)
    return ItineraryMapOut(itinerary_id=itinerary.id, title=itinerary.title, days=[
        RouteDayOut(number=d.number, title=d.title, stops=[RouteStopOut(**s.__dict__) for s in d.stops])
        for d in days])
