"""Grounding: match every place a plan names to the catalogue, or flag it unverified.

Why: a language model will happily invent a charming restaurant or mis-spell a fort. A place
counts as verified only when a catalogue row of the right kind has a similar enough name
(rapidfuzz token-set ratio) and lies within `max_km` of the destination; the item then takes the
catalogue's id, name and coordinates. Everything else keeps its text but is marked
`verified=False`, which makes it non-bookable (see PlanItem.bookable).
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz, process, utils

from tourstack.itinerary.catalogue import DestinationCatalogue
from tourstack.itinerary.models import ItineraryPlan, PlanItem
from tourstack.itinerary.routing import haversine_km

MIN_SCORE = 85.0
MAX_KM = 60.0
SUPPLIER_KIND = {"hotel": "hotel", "transport": "transport"}


@dataclass(frozen=True, slots=True)
class Match:
    kind: str  # site or supplier
    id: int
    name: str
    score: float
    latitude: float | None
    longitude: float | None


def _within(cat: DestinationCatalogue, lat: float | None, lon: float | None, max_km: float) -> bool:
    if lat is None or lon is None:
        return True  # suppliers without coordinates belong to the destination by their row
    return haversine_km(cat.latitude, cat.longitude, lat, lon) <= max_km


def match_place(cat: DestinationCatalogue, name: str, kind: str, *, min_score: float = MIN_SCORE,
                max_km: float = MAX_KM) -> Match | None:
    """The best catalogue row for `name` of item kind `kind` (site, hotel, transport, meal)."""
    if kind == "site" or kind == "meal":
        # meals can name a catalogued food experience (a food walk, a cooking class)
        rows = [(s.id, s.name, s.latitude, s.longitude) for s in cat.sites
                if kind == "site" or s.category in {"food_tour", "cooking_class", "market"}]
        row_kind = "site"
    else:
        wanted = SUPPLIER_KIND.get(kind)
        rows = [(s.id, s.name, s.latitude, s.longitude) for s in cat.suppliers if s.kind == wanted]
        row_kind = "supplier"
    rows = [r for r in rows if _within(cat, r[2], r[3], max_km)]
    if not rows or not name.strip():
        return None
    best = process.extractOne(
        name, [r[1] for r in rows], scorer=fuzz.token_set_ratio, processor=utils.default_process,
        score_cutoff=min_score,
    )
    if best is None:
        return None
    _, score, index = best
    # token_set_ratio forgives extra words ("the Amber Fort, Jaipur") but also rewards a bare
    # shared word ("Fort"): demand the plain ratio be reasonable too, and a one-word name be close.
    a, b = utils.default_process(name), utils.default_process(rows[index][1])
    plain = fuzz.ratio(a, b)
    shortest = min(len(a.split()), len(b.split()))
    if plain < 50 or (shortest < 2 and plain < 85):
        return None
    r = rows[index]
    return Match(row_kind, r[0], r[1], float(score), r[2], r[3])


def ground_item(cat: DestinationCatalogue, item: PlanItem) -> PlanItem:
    match = match_place(cat, item.name, item.kind)
    if match is None:
        return item.model_copy(update={"verified": False, "site_id": None, "supplier_id": None})
    update: dict = {"verified": True, "name": match.name}
    if match.kind == "site":
        update |= {"site_id": match.id, "supplier_id": None,
                   "latitude": match.latitude, "longitude": match.longitude}
        site = cat.site(match.id)
        if site is not None:
            update["category"] = site.category
    else:
        update |= {"supplier_id": match.id, "site_id": None}
        if match.latitude is not None:
            update |= {"latitude": match.latitude, "longitude": match.longitude}
    return item.model_copy(update=update)


def ground_plan(cat: DestinationCatalogue, plan: ItineraryPlan) -> ItineraryPlan:
    """Every item re-checked against the catalogue; unverified names are listed as warnings."""
    days, unverified = [], []
    for day in plan.days:
        items = []
        for item in day.items:
            grounded = ground_item(cat, item)
            if not grounded.verified and grounded.kind in ("site", "hotel"):
                unverified.append(grounded.name)
            items.append(grounded)
        days.append(day.model_copy(update={"items": items}))
    warnings = list(plan.warnings)
    if unverified:
        warnings.append("not in the catalogue (not bookable): " + ", ".join(sorted(set(unverified))))
    return plan.model_copy(update={"days": days, "warnings": warnings})
