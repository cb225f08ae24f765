"""Everything the customer's trip document shows, gathered from the database in one place.

Why a plain data object: the PDF, a future web view and the API all need the same day plans,
legs, maps, weather and lists; `reports/itinerary` only lays it out. Each day's route starts
and ends at that night's hotel and visits the sites in the order the plan keeps them (the
order the router chose); its legs come from `LegMatrix`, the routing's own matrix, for the
planned mode (a car with driver) and on foot. Weather is a forecast inside the provider's
horizon and climate normals otherwise, and always says which.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from tourstack.db.models import Agency, Booking, Destination, Itinerary, Quote, QuoteRequest, Site, Supplier
from tourstack.geo.legs import Leg, LegMatrix
from tourstack.geo.staticmap import MapStop, route_svg
from tourstack.itinerary import drafts
from tourstack.itinerary.emergency import emergency_numbers
from tourstack.money import from_minor
from tourstack.routing.types import LatLon, TravelMode
from tourstack.weather import DayWeather, day_weather
from tourstack.weather.advice import Warning, packing_list, warnings_for
from tourstack.weather.openweather import OpenWeatherClient

PLANNED_MODE = TravelMode.CAR  # the offline planner books a car with driver for every day
STANDARD_EXCLUSIONS = ("International and domestic flights", "Visa fees", "Travel insurance",
                       "Meals not listed in the plan", "Tips and gratuities", "Personal expenses")


class TripDocumentNotFound(drafts.ItineraryNotFound):
    """No itinerary (or booking with an itinerary) by that id or reference, for this caller."""


@dataclass(frozen=True)
class DocItem:
    starts: str
    ends: str
    kind: str
    name: str
    description: str
    category: str | None
    location: LatLon | None
    cost: str
    street_view: str | None = None  # a Google Maps URL, only with a Google key configured


@dataclass
class DocDay:
    number: int
    date: dt.date | None
    title: str
    items: list[DocItem]
    legs: list[Leg]
    walking: list[Leg]
    map_svg: str
    weather: DayWeather
    warnings: list[Warning]

    @property
    def heading(self) -> str:
        """'Day 2: Amber Fort', without doubling a title that already starts with 'Day 2'."""
        return self.title if re.match(rf"Day {self.number}\b", self.title) else f"Day {self.number}: {self.title}"


@dataclass
class TripDocument:
    itinerary_id: int
    title: str
    summary: str
    destination: str
    country_code: str
    country_name: str
    start_date: dt.date | None
    end_date: dt.date | None
    currency: str
    total: str
    travel_style: str
    budget_level: str
    status: str
    agency: dict
    days: list[DocDay]
    packing: list[tuple[str, str]]
    inclusions: list[str]
    exclusions: list[str]
    contacts: list[dict]
    emergency: list[tuple[str, str]]
    booking_ref: str | None = None
    weather_kinds: list[str] = field(default_factory=list)
    prepared_on: dt.date = field(default_factory=dt.date.today)


def resolve_itinerary(session: Session, reference: str, *, agency_id: int | None) -> tuple[Itinerary, str | None]:
    """An itinerary id ("42") or a booking reference ("TS-2026-00042") -> (itinerary, booking ref)."""
    text = reference.strip()
    if text.isdigit():
        return drafts.get_itinerary(session, int(text), agency_id=agency_id), None
    booking = session.scalar(select(Booking).where(Booking.booking_ref == text, Booking.deleted_at.is_(None)))
    itinerary_id = None
    if booking is not None and booking.quote_id is not None:
        itinerary_id = session.scalar(select(QuoteRequest.itinerary_id).join(Quote, Quote.quote_request_id == QuoteRequest.id)
                                      .where(Quote.id == booking.quote_id))
    if booking is None or itinerary_id is None or (agency_id is not None and booking.agency_id != agency_id):
        raise TripDocumentNotFound(f"no itinerary for {text!r}")
    return drafts.get_itinerary(session, itinerary_id, agency_id=agency_id), booking.booking_ref


STREET_VIEW = "https://www.google.com/maps/@?api=1&map_action=pano&viewpoint={lat:.6f},{lon:.6f}"


def street_view_url(location: LatLon) -> str:
    """Google's Maps URLs API opening Street View at the site (a link, not an API call: the
    customer's browser or phone opens it, nothing is fetched here)."""
    return STREET_VIEW.format(lat=location.lat, lon=location.lon)


def _clock(value: dt.time | None) -> str:
    return value.strftime("%H:%M") if value else ""


def _items(session: Session, itinerary: Itinerary, *, street_view: bool = False) -> dict[int, list[tuple[DocItem, str]]]:
    out: dict[int, list[tuple[DocItem, str]]] = {}
    for day, item in drafts.item_rows(session, itinerary):
        location, category = None, None
        if item.site_id and (site := session.get(Site, item.site_id)):
            location, category = LatLon(site.latitude, site.longitude), site.category
        elif item.supplier_id and (sup := session.get(Supplier, item.supplier_id)):
            if sup.latitude is not None and sup.longitude is not None:
                location = LatLon(sup.latitude, sup.longitude)
        cost = f"{from_minor(item.estimated_cost_minor, item.currency)} {item.currency}" if item.estimated_cost_minor else ""
        name = drafts._item_name(session, item)
        description = "" if (item.description or "").strip() == name else item.description or ""
        pano = street_view_url(location) if street_view and item.kind == "site" and location else None
        doc_item = DocItem(_clock(item.starts_at), _clock(item.ends_at), item.kind, name, description,
                           category, location, cost, pano)
        out.setdefault(day.day_number, []).append((doc_item, item.kind))
    return out


def _route(items: list[DocItem], last_hotel: DocItem | None) -> list[MapStop]:
    """Hotel, sites in plan order, hotel; the last day leaves from the previous night's hotel."""
    hotel = next((i for i in items if i.kind == "hotel" and i.location), last_hotel)
    sites = [MapStop(i.name, i.location) for i in items if i.kind == "site" and i.location]
    if hotel is None:
        return sites
    home = MapStop(hotel.name, hotel.location, "hotel")
    return [home, *sites, home] if sites else [home]


def _contacts(session: Session, itinerary: Itinerary, agency: Agency | None) -> list[dict]:
    contacts = []
    if agency is not None:
        contacts.append({"role": "Your travel agency", "name": agency.name, "phone": agency.phone or "",
                         "email": agency.email})
    seen: set[int] = set()
    for _, item in drafts.item_rows(session, itinerary):
        if item.supplier_id and item.supplier_id not in seen and (sup := session.get(Supplier, item.supplier_id)):
            seen.add(sup.id)
            role = {"hotel": "Hotel", "transport": "Driver and car", "guide": "Guide"}.get(sup.kind, "Supplier")
            contacts.append({"role": role, "name": f"{sup.name} ({sup.contact_name})", "phone": sup.contact_phone or "",
                             "email": sup.contact_email})
    return contacts


def _inclusions(days: list[DocDay]) -> list[str]:
    items = [i for d in days for i in d.items]
    nights: dict[str, int] = {}
    for i in items:
        if i.kind == "hotel":
            nights[i.name] = nights.get(i.name, 0) + 1
    out = [f"{n} night{'s' if n > 1 else ''} at {name}" for name, n in nights.items()]
    if any(i.kind == "transport" for i in items):
        out.append("Car with driver on the days listed")
    if any(i.kind == "site" and i.cost for i in items):
        out.append("Entry tickets for the sites with a price in the plan")
    if any(i.kind == "meal" and i.cost for i in items):
        out.append("Meals with a price in the plan")
    return out


def build_document(session: Session, itinerary: Itinerary, *, today: dt.date | None = None,
                   legs: LegMatrix | None = None, forecaster: OpenWeatherClient | None = None,
                   providers=None, booking_ref: str | None = None, street_view: bool | None = None) -> TripDocument:
    """`providers` (a TripDocumentProviders) supplies the shared legs and forecaster when given;
    its Google key also turns on the sites' Street View links (`street_view` overrides)."""
    today = today or dt.date.today()
    destination = session.get(Destination, itinerary.destination_id)
    agency = session.get(Agency, itinerary.agency_id) if itinerary.agency_id else None
    if providers is not None:
        legs, forecaster = legs or providers.legs(destination.country_code), forecaster or providers.forecaster
    legs = legs or LegMatrix(destination.country_code)
    if street_view is None:
        street_view = bool(providers is not None and providers.google_key)
    by_day = _items(session, itinerary, street_view=street_view)
    days: list[DocDay] = []
    last_hotel: DocItem | None = None
    for row in drafts.day_rows(session, itinerary):
        date = itinerary.start_date + dt.timedelta(days=row.day_number - 1) if itinerary.start_date else None
        items = [i for i, _ in by_day.get(row.day_number, [])]
        route = _route(items, last_hotel)
        last_hotel = next((i for i in items if i.kind == "hotel" and i.location), last_hotel)
        stops = [(s.label, s.location) for s in route]
        month = date.month if date else (itinerary.created_at or dt.datetime.now()).month
        weather = day_weather(destination.name, destination.latitude, destination.longitude, date, month,
                              today=today, forecaster=forecaster)
        title = re.sub(rf"^Day {row.day_number}\s*[:.-]\s*", "", row.title) or row.title
        days.append(DocDay(row.day_number, date, title, items, legs.legs(stops, PLANNED_MODE),
                           legs.legs(stops, TravelMode.WALK), route_svg(route, title=f"Day {row.day_number}"),
                           weather, warnings_for(weather, destination.country_code)))
    categories = [i.category or "" for d in days for i in d.items]
    rev = drafts.latest_revision(session, itinerary)
    summary = (json.loads(rev.snapshot)["plan"].get("summary") if rev else None) or ""
    end = itinerary.start_date + dt.timedelta(days=itinerary.days_count - 1) if itinerary.start_date else None
    return TripDocument(
        itinerary_id=itinerary.id, title=itinerary.title, summary=summary, destination=destination.name,
        country_code=destination.country_code, country_name=destination.country_name,
        start_date=itinerary.start_date, end_date=end, currency=itinerary.currency,
        total=f"{from_minor(itinerary.estimated_cost_minor, itinerary.currency)} {itinerary.currency}",
        travel_style=itinerary.travel_style, budget_level=itinerary.budget_level, status=itinerary.status,
        agency={"name": agency.name, "email": agency.email, "phone": agency.phone or "", "city": agency.city,
                "code": agency.code} if agency else {"name": "Tourstack", "email": "", "phone": "", "city": "", "code": ""},
        days=days, packing=packing_list([d.weather for d in days], categories, destination.country_code),
        inclusions=_inclusions(days), exclusions=list(STANDARD_EXCLUSIONS),
        contacts=_contacts(session, itinerary, agency), emergency=emergency_numbers(destination.country_code),
        booking_ref=booking_ref, weather_kinds=sorted({d.weather.kind for d in days}), prepared_on=today,
    )


@dataclass(frozen=True)
class RouteStop:
    label: str
    kind: str  # site | hotel
    lat: float
    lon: float
    street_view: str | None


@dataclass(frozen=True)
class RouteDay:
    number: int
    title: str
    stops: list[RouteStop]


def day_routes(session: Session, itinerary: Itinerary, *, street_view: bool = False) -> list[RouteDay]:
    """Each day's stops in visiting order (hotel, sites, hotel), as the PDF's map draws them:
    what the interactive map in the web view plots. No legs and no weather, so nothing is fetched."""
    by_day = _items(session, itinerary, street_view=street_view)
    days: list[RouteDay] = []
    last_hotel: DocItem | None = None
    for row in drafts.day_rows(session, itinerary):
        items = [i for i, _ in by_day.get(row.day_number, [])]
        route = _route(items, last_hotel)
        last_hotel = next((i for i in items if i.kind == "hotel" and i.location), last_hotel)
        panos = {i.name: i.street_view for i in items if i.street_view}
        title = re.sub(rf"^Day {row.day_number}\s*[:.-]\s*", "", row.title) or row.title
        days.append(RouteDay(row.day_number, title, [
            RouteStop(s.label, s.kind, s.location.lat, s.location.lon, panos.get(s.label)) for s in route]))
    return days
