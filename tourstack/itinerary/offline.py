"""The offline planner: a day-by-day plan built only from the catalogue, deterministically.

Why greedy and not an optimiser: a handful of stops per day in one city is small enough that
scoring, clustering around the day's best stop and a nearest-neighbour visit order give plans
an agent accepts, in milliseconds and without any service. The hard rules are never traded
away: a site is only scheduled inside its opening window on that weekday, items never overlap,
and the style's stop count and time at sites and the budget's price level and hotel stars are
respected. Locked items are kept verbatim and scheduled around.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable

from tourstack.itinerary.catalogue import CatalogueSite, CatalogueSupplier, DestinationCatalogue
from tourstack.itinerary.models import DayPlan, ItineraryPlan, PlanItem, TripRequest
from tourstack.itinerary.pacing import BUDGETS, PACES, Pace, categories_for, rooms_for, vehicles_for
from tourstack.itinerary.routing import haversine_km, nearest_neighbour, order_stops, travel_minutes
from tourstack.money import format_money

MAX_WAIT_MIN = 60  # longer than this before a site opens: try it later in the day instead
CLUSTER_KM = 8.0
WEEKDAYS = ["", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def _t(minutes: int) -> dt.time:
    minutes = max(0, min(minutes, 23 * 60 + 59))
    return dt.time(minutes // 60, minutes % 60)


def _m(t: dt.time) -> int:
    return t.hour * 60 + t.minute


def _slot(start: int) -> str:
    return "morning" if start < 12 * 60 else "afternoon" if start < 17 * 60 else "evening"


class _Day:
    """Busy intervals of one day and a cursor, for first-fit placement."""

    def __init__(self, pace: Pace, locked: list[PlanItem]):
        self.busy: list[tuple[int, int]] = sorted(
            (_m(i.starts_at), _m(i.ends_at)) for i in locked
            if i.starts_at and i.ends_at and i.kind != "hotel"
        )
        self.pace = pace
        self.lunch_at: int | None = None

    def fit(self, earliest: int, duration: int, latest_end: int) -> int | None:
        start = earliest
        for b0, b1 in self.busy:
            if start + duration <= b0:
                break
            if start < b1:
                start = b1 + self.pace.buffer_minutes
        return start if start + duration <= latest_end else None

    def take(self, start: int, end: int) -> None:
        self.busy.append((start, end))
        self.busy.sort()


def _score(site: CatalogueSite, wanted: frozenset[str], month: int | None) -> float:
    score = site.popularity / 100
    if site.category in wanted:
        score += 2.0
    if month is not None and site.best_months:
        score += 0.3 if month in site.best_months else -0.5
    return score


def _choose_hotel(cat: DestinationCatalogue, stars: int, near: tuple[float, float]) -> CatalogueSupplier | None:
    hotels = [h for h in cat.of_kind("hotel") if h.rate_minor is not None and h.currency == cat.currency]
    if not hotels:
        return None
    best_stars = min({h.star_rating or 0 for h in hotels}, key=lambda s: (abs(s - stars), -s))
    pool = [h for h in hotels if (h.star_rating or 0) == best_stars]

    def dist(h: CatalogueSupplier) -> float:
        if h.latitude is None or h.longitude is None:
            return 1e9
        return haversine_km(near[0], near[1], h.latitude, h.longitude)

    return min(pool, key=lambda h: (dist(h), h.rate_minor, h.id))


def _cheapest(cat: DestinationCatalogue, kind: str) -> CatalogueSupplier | None:
    pool = [s for s in cat.of_kind(kind) if s.rate_minor is not None and s.currency == cat.currency]
    return min(pool, key=lambda s: (s.rate_minor, s.id)) if pool else None


def _site_item(site: CatalogueSite, start: int, travellers: int, hop: int | None, note: str) -> PlanItem:
    desc = (site.description or site.name) + note
    return PlanItem(
        slot=_slot(start), kind="site", name=site.name, description=desc, site_id=site.id,
        category=site.category, starts_at=_t(start), ends_at=_t(start + site.duration_minutes),
        estimated_cost_minor=site.price_minor * travellers, currency=site.currency, verified=True,
        latitude=site.latitude, longitude=site.longitude, travel_minutes_before=hop,
    )


def _balanced(scores: dict[int, float], pool: list[CatalogueSite], interests: list[str],
              served: dict[str, int]) -> dict[int, float]:
    """Boost sites serving the interests the trip has served least so far (food, not only forts)."""
    if not interests:
        return scores
    least = min(served.get(i, 0) for i in interests)
    starved = categories_for([i for i in interests if served.get(i, 0) == least])
    return {s.id: scores[s.id] + (1.0 if s.category in starved else 0.0) for s in pool}


def _pick_for_day(pool: list[CatalogueSite], scores: dict[int, float], pace: Pace,
                  weekday: int | None, budget_min: int, n_slots: int) -> list[CatalogueSite]:
    """Best open site as anchor, then the best ones near it, within count and time budgets."""
    open_today = [s for s in pool if s.open_windows(weekday) and s.duration_minutes <= budget_min]
    if not open_today or n_slots <= 0:
        return []
    anchor = max(open_today, key=lambda s: (scores[s.id], -s.id))
    chosen, minutes = [anchor], anchor.duration_minutes

    def near_score(s: CatalogueSite) -> float:
        km = haversine_km(anchor.latitude, anchor.longitude, s.latitude, s.longitude)
        return scores[s.id] - (km / CLUSTER_KM) * 0.5

    for site in sorted((s for s in open_today if s is not anchor), key=lambda s: (-near_score(s), s.id)):
        if len(chosen) >= n_slots:
            break
        if minutes + site.duration_minutes > budget_min:
            continue
        if any(site.category == c.category for c in chosen) and len(open_today) > 2 * n_slots:
            continue  # variety: one fort, one market... when the catalogue allows
        chosen.append(site)
        minutes += site.duration_minutes
    return chosen


def _schedule(stops: list[CatalogueSite], day: _Day, weekday: int | None, hotel_at: tuple[float, float],
              travellers: int, note_closed: bool) -> tuple[list[PlanItem], list[CatalogueSite]]:
    """Place stops in visit order inside their opening windows; return items and the misfits."""
    pace = day.pace
    clock, here = pace.day_start, hotel_at
    items: list[PlanItem] = []
    pending, misfits = list(stops), []
    for attempt in range(2):
        deferred = []
        for site in pending:
            hop = travel_minutes(here, (site.latitude, site.longitude))
            placed = None
            for opens, closes in site.open_windows(weekday):
                earliest = max(clock + hop, _m(opens))
                if attempt == 0 and earliest - (clock + hop) > MAX_WAIT_MIN:
                    continue
                latest = min(_m(closes), pace.day_end)
                start = day.fit(earliest, site.duration_minutes, latest)
                if start is not None:
                    placed = start
                    break
            if placed is None:
                deferred.append(site)
                continue
            end = placed + site.duration_minutes
            note = ""
            if note_closed:
                closed = [WEEKDAYS[d] for d in range(1, 8) if d not in site.hours]
                note = f" Closed on {', '.join(closed)}." if closed else ""
            items.append(_site_item(site, placed, travellers, hop, note))
            day.take(placed, end)
            clock, here = end + pace.buffer_minutes, (site.latitude, site.longitude)
        pending = sorted(deferred, key=lambda s: min((_m(o) for o, _ in s.open_windows(weekday)), default=0))
        if not pending:
            break
    misfits = pending
    return items, misfits


def _best_schedule(stops: list[CatalogueSite], day: _Day, weekday: int | None,
                   hotel_at: tuple[float, float], travellers: int, hold_lunch: bool) -> list[PlanItem]:
    """The schedule that fits the most stops with the least travel, lunch included.

    Opening windows make a purely geographic order fail (a three-hour fort closing at 17:30
    after lunch), so when the routed order leaves stops out, every order (a handful of stops)
    and a few lunch times are tried; the first complete schedule wins.
    """
    note = weekday is None
    lunch_options = [13 * 60, 12 * 60 + 30, 13 * 60 + 30, 14 * 60] if hold_lunch else [None]
    best: tuple | None = None
    orders = [stops] + [list(p) for p in itertools.permutations(stops)] if len(stops) <= 5 else [stops]
    for lunch in lunch_options:
        for order in orders:
            trial = _Day(day.pace, [])
            trial.busy = list(day.busy)
            if lunch is not None:
                start = trial.fit(lunch, day.pace.lunch_minutes, lunch + day.pace.lunch_minutes)
                if start is None:
                    continue
                trial.take(start, start + day.pace.lunch_minutes)
                trial.lunch_at = start
            got, _ = _schedule(order, trial, weekday, hotel_at, travellers, note)
            key = (len(got), trial.lunch_at is not None, -sum(i.travel_minutes_before or 0 for i in got))
            if best is None or key > best[0]:
                best = (key, got, trial)
            if len(got) == len(stops) and (lunch is None or trial.lunch_at is not None):
                break
        if best is not None and len(best[1]) == len(stops):
            break
    if best is None:
        return []
    day.busy, day.lunch_at = best[2].busy, best[2].lunch_at
    return sorted(best[1], key=lambda i: i.starts_at)


def _top_up(items: list[PlanItem], picked: list[CatalogueSite], candidates: list[CatalogueSite],
            scores: dict[int, float], day: _Day, saved: tuple, weekday: int | None,
            hotel_at: tuple[float, float], travellers: int, hold_lunch: bool, slots: int,
            minutes: int) -> list[PlanItem]:
    """When opening hours left the day short of its pace, try a few more nearby sites."""
    placed_ids = {i.site_id for i in items}
    tried = 0
    for site in sorted((c for c in candidates if c not in picked and c.open_windows(weekday)),
                       key=lambda c: (-scores[c.id], c.id)):
        used = sum(_m(i.ends_at) - _m(i.starts_at) for i in items if i.starts_at and i.ends_at)
        if len(items) >= slots or tried >= 4:
            break
        if used + site.duration_minutes > minutes:
            continue
        tried += 1
        keep = [c for c in picked if c.id in placed_ids] + [site]
        trial = _Day(day.pace, [])
        trial.busy, trial.lunch_at = list(saved[0]), saved[1]
        got = _best_schedule(nearest_neighbour(hotel_at, keep), trial, weekday, hotel_at, travellers, hold_lunch)
        if len(got) > len(items):
            items, picked = got, keep
            placed_ids = {i.site_id for i in items}
            day.busy, day.lunch_at = trial.busy, trial.lunch_at
    return items


def _meals(day: _Day, items: list[PlanItem], cat: DestinationCatalogue, req: TripRequest,
           meal_base: int | None) -> list[PlanItem]:
    """Lunch and dinner placed in free time; skipped when a food tour covers the meal."""
    pace, rule = day.pace, BUDGETS[req.budget]
    out = []
    has_food_evening = any(i.category == "food_tour" and i.starts_at and _m(i.starts_at) >= 16 * 60 for i in items)
    for name, earliest, latest_end, length, bps in (
        ("Lunch", 12 * 60 + 30, 15 * 60 + 30, pace.lunch_minutes, rule.lunch_bps),
        ("Dinner", 19 * 60 + 30, 23 * 60, pace.dinner_minutes, rule.dinner_bps),
    ):
        if name == "Dinner" and has_food_evening:
            continue
        if name == "Lunch" and day.lunch_at is not None:
            start = day.lunch_at  # already held while scheduling the sites
        else:
            start = day.fit(earliest, length, latest_end)
            if start is None:
                continue
        near = min((i for i in items if i.starts_at), key=lambda i: abs(_m(i.starts_at) - start), default=None)
        where = f" near {near.name}" if near else ""
        cost = (meal_base or 0) * bps // 10_000 * req.travellers.count
        out.append(PlanItem(
            slot=_slot(start), kind="meal", name=f"{name}{where}",
            description=f"{name} at a local restaurant chosen on the day ({req.budget} range); not pre-booked.",
            starts_at=_t(start), ends_at=_t(start + length), estimated_cost_minor=cost,
            currency=cat.currency, verified=False,
        ))
        if not (name == "Lunch" and day.lunch_at is not None):
            day.take(start, start + length)
    return out


def plan_offline(cat: DestinationCatalogue, req: TripRequest, *,
                 keep: dict[int, list[PlanItem]] | None = None,
                 base: ItineraryPlan | None = None, only_days: Iterable[int] | None = None,
                 avoid_site_ids: Iterable[int] = ()) -> ItineraryPlan:
    """Build a plan; with `base` and `only_days`, rebuild just those days and keep the others.

    `keep` maps day numbers to locked items that stay exactly as they are.
    """
    keep = keep or {}
    pace, rule = PACES[req.style], BUDGETS[req.budget]
    wanted = categories_for([str(i) for i in req.interests])
    month = req.start_date.month if req.start_date else None
    redo = set(only_days) if only_days is not None else set(range(1, req.days + 1))
    kept_days = {d.day_number: d for d in base.days} if base else {}
    used = {i.site_id for n, d in kept_days.items() if n not in redo for i in d.items if i.site_id}
    used |= {i.site_id for items in keep.values() for i in items if i.site_id}
    avoid = set(avoid_site_ids)
    warnings: list[str] = []
    pool = [s for s in cat.sites
            if s.price_level <= rule.max_price_level and s.currency == cat.currency and s.id not in used]
    scores = {s.id: _score(s, wanted, month) for s in pool}
    hotel = next((cat_s for items in keep.values() for i in items if i.kind == "hotel" and i.supplier_id
                  for cat_s in cat.suppliers if cat_s.id == i.supplier_id), None)
    centre = (cat.latitude, cat.longitude)
    top = sorted(pool, key=lambda s: -scores[s.id])[: max(6, req.days * 2)]
    if top:
        centre = (sum(s.latitude for s in top) / len(top), sum(s.longitude for s in top) / len(top))
    hotel = hotel or _choose_hotel(cat, rule.hotel_stars, centre)
    transport = _cheapest(cat, "transport")
    cheapest_hotel = _cheapest(cat, "hotel")
    meal_base = cheapest_hotel.rate_minor if cheapest_hotel else None
    if hotel is None:
        warnings.append("no hotel with a current rate in the catalogue; book accommodation manually")
    if req.start_date is None:
        warnings.append("no start date: weekly closing days are noted on each site; check them")
    hotel_at = (hotel.latitude, hotel.longitude) if hotel and hotel.latitude is not None else centre
    n = req.travellers.count
    interests = [str(i) for i in req.interests]
    served: dict[str, int] = {}

    days: list[DayPlan] = []
    for number in range(1, req.days + 1):
        if number not in redo and number in kept_days:
            days.append(kept_days[number])
            continue
        date = req.start_date + dt.timedelta(days=number - 1) if req.start_date else None
        weekday = date.isoweekday() if date else None
        locked = [i.model_copy(update={"locked": True}) for i in keep.get(number, [])]
        day = _Day(pace, locked)
        locked_sites = [i for i in locked if i.kind == "site"]
        slots = pace.max_activities - len(locked_sites)
        minutes = pace.max_activity_minutes - sum(
            _m(i.ends_at) - _m(i.starts_at) for i in locked_sites if i.starts_at and i.ends_at)
        candidates = [s for s in pool if s.id not in avoid] or pool
        hold_lunch = not any(i.kind == "meal" and i.starts_at and _m(i.starts_at) < 16 * 60 for i in locked)
        day_scores = _balanced(scores, candidates, interests, served)
        picked = _pick_for_day(candidates, day_scores, pace, weekday, minutes, slots)
        saved = (list(day.busy), day.lunch_at)
        stops = order_stops(hotel_at, picked, weekday=weekday, day_start=pace.day_start, day_end=pace.day_end)
        items = _best_schedule(stops, day, weekday, hotel_at, n, hold_lunch)
        items = _top_up(items, picked, candidates, day_scores, day, saved, weekday, hotel_at, n,
                        hold_lunch, slots, minutes)
        placed = {i.site_id for i in items}
        pool = [s for s in pool if s.id not in placed]
        for item in items:
            for interest in interests:
                if item.category in categories_for([interest]):
                    served[interest] = served.get(interest, 0) + 1
        if not items and not locked_sites:
            warnings.append(f"day {number}: no open site fits; a free day")
        items += locked
        items += _meals(day, items, cat, req, meal_base)
        if transport is not None and not any(i.kind == "transport" for i in locked):
            items.append(PlanItem(
                slot="morning", kind="transport", name=transport.name,
                description="Air-conditioned car with driver for the day's transfers between stops.",
                supplier_id=transport.id, starts_at=_t(pace.day_start), ends_at=None,
                estimated_cost_minor=transport.rate_minor * vehicles_for(n), currency=cat.currency,
                verified=True,
            ))
        if hotel is not None and number < req.days and not any(i.kind == "hotel" for i in locked):
            rooms = rooms_for(req.travellers.adults, req.travellers.children)
            items.append(PlanItem(
                slot="overnight", kind="hotel", name=hotel.name,
                description=f"{hotel.star_rating or ''}-star hotel, {rooms} room(s), breakfast included.".lstrip("-"),
                supplier_id=hotel.id, estimated_cost_minor=(hotel.rate_minor or 0) * rooms,
                currency=cat.currency, verified=True, latitude=hotel.latitude, longitude=hotel.longitude,
            ))
        items.sort(key=_order_key)
        sites = [i.name for i in items if i.kind == "site"][:2]
        title = f"Day {number}: " + (" and ".join(sites) if sites else "At leisure")
        days.append(DayPlan(day_number=number, date=date, title=title[:200], items=items))

    plan = ItineraryPlan(
        destination=cat.name, destination_id=cat.id,
        title=f"{req.days} day{'s' if req.days > 1 else ''} in {cat.name}", summary="", currency=cat.currency,
        budget=req.budget, style=req.style, travellers=req.travellers, start_date=req.start_date,
        provider="offline_planner", model=None, days=days, warnings=warnings,
    )
    plan.summary = summarise(plan, req)
    return plan


def _order_key(item: PlanItem) -> tuple[int, int]:
    if item.kind == "hotel":
        return (2, 0)
    if item.kind == "transport":
        return (0, -1)
    return (1, _m(item.starts_at) if item.starts_at else 0)


def summarise(plan: ItineraryPlan, req: TripRequest) -> str:
    highlights = [i.name for _, i in plan.items() if i.kind == "site"][:4]
    hotel = next((i.name for _, i in plan.items() if i.kind == "hotel"), None)
    who = req.travellers.kind
    parts = [
        f"{len(plan.days)} day{'s' if len(plan.days) > 1 else ''} in {plan.destination} for a {who} ({req.travellers.count} travellers), "
        f"{req.style.replace('_', '-')} pace, {req.budget} budget, focused on "
        f"{', '.join(str(i) for i in req.interests)}.",
    ]
    if highlights:
        parts.append("Highlights: " + ", ".join(highlights) + ".")
    if hotel:
        parts.append(f"Staying at {hotel}.")
    parts.append(f"Estimated total {format_money(plan.total_minor, plan.currency)}.")
    return " ".join(parts)
