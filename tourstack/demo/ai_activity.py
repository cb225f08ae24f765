"""AI activity on top of a seeded database: drafted itineraries, agents' edits and approvals.

Why through the real code paths instead of generated rows: the seed writes tables directly, but
ai_generations and itinerary_revisions only mean something when the planner, the usage store
and the review workflow wrote them (request ids, attempts, snapshots, edit distances). So this
runs the request-drafting job with the offline planner (deterministic, free) and then plays an
agent's review of a reproducible subset: approve as generated, swap a site, take a negotiated
hotel rate, or lock a favourite stop and regenerate its day. It is kept out of `seed` because
its timestamps are "now" and the seed's figures are compared exactly.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from sqlalchemy.orm import Session

from tourstack.db.engine import make_engine, make_sessionmaker
from tourstack.db.models import Itinerary, ItineraryDay, ItineraryItem
from tourstack.itinerary import drafts, service
from tourstack.itinerary.catalogue import CatalogueSite, load_catalogue
from tourstack.itinerary.providers import OfflineProvider
from tourstack.itinerary.request_drafts import draft_for_open_requests

# Share of drafts per review outcome; the rest stay drafts, as some always await review.
ACTIONS = (("approve", 0.30), ("swap_site", 0.25), ("hotel_rate", 0.15), ("regenerate_day", 0.15))
# The seeded period leaves only the last week's unquoted requests open (often none in small
# sizes); requests quoted by hand without an itinerary are drafted too, as a backfill would.
DEMO_STATUSES = ("open", "quoted")


@dataclass
class AiActivity:
    drafted: int = 0
    failed: int = 0
    approved: int = 0
    edited: int = 0
    regenerated: int = 0


def _covers(site: CatalogueSite, weekday: int | None, start: dt.time | None, end: dt.time | None) -> bool:
    if start is None or end is None:
        return False
    return any(o <= start and end <= c for o, c in site.open_windows(weekday))


def _day_of(itinerary: Itinerary, day: ItineraryDay) -> int | None:
    if itinerary.start_date is None:
        return None
    return (itinerary.start_date + dt.timedelta(days=day.day_number - 1)).isoweekday()


def swap_site(session: Session, itinerary: Itinerary, rng: random.Random) -> bool:
    """Replace one unlocked site with another popular one open at the same time of day."""
    rows = drafts.item_rows(session, itinerary)
    sites = [(d, i) for d, i in rows if i.kind == "site" and not i.is_locked]
    if not sites:
        return False
    day, item = rng.choice(sites)
    catalogue = load_catalogue(session, itinerary.destination_id, as_of=itinerary.start_date)
    used = {i.site_id for _, i in rows if i.site_id}
    weekday = _day_of(itinerary, day)
    fits = [s for s in catalogue.sites if s.id not in used and s.currency == itinerary.currency
            and _covers(s, weekday, item.starts_at, item.ends_at)]
    if not fits:
        return False
    site = rng.choice(sorted(fits, key=lambda s: (-s.popularity, s.id))[:5])
    travellers = drafts.trip_of(session, itinerary).travellers.count
    drafts.update_item(session, itinerary, item.id, {
        "site_id": site.id, "name": site.name, "description": site.description or site.name,
        "estimated_cost_minor": site.price_minor * travellers,
    })
    return True


def negotiate_hotel(session: Session, itinerary: Itinerary, rng: random.Random) -> bool:
    """An agent's contracted rate: one hotel night 5-15 % below the planner's estimate."""
    hotels = [i for _, i in drafts.item_rows(session, itinerary) if i.kind == "hotel" and i.estimated_cost_minor]
    if not hotels:
        return False
    item: ItineraryItem = rng.choice(hotels)
    discount_pct = rng.randint(5, 15)
    drafts.update_item(session, itinerary, item.id,
                       {"estimated_cost_minor": item.estimated_cost_minor * (100 - discount_pct) // 100})
    return True


def lock_and_regenerate(session: Session, itinerary: Itinerary, rng: random.Random) -> bool:
    """Keep one site the client asked for and have the planner redo the rest of its day."""
    sites = [(d, i) for d, i in drafts.item_rows(session, itinerary) if i.kind == "site"]
    if not sites:
        return False
    day, item = rng.choice(sites)
    drafts.set_locked(session, itinerary, item.id, True)
    service.regenerate(session, itinerary, [OfflineProvider()], day=day.day_number,
                       agency_id=itinerary.agency_id)
    return True


EDITS = {"swap_site": swap_site, "hotel_rate": negotiate_hotel, "regenerate_day": lock_and_regenerate}


def _pick(rng: random.Random) -> str | None:
    roll, acc = rng.random(), 0.0
    for action, share in ACTIONS:
        acc += share
        if roll < acc:
            return action
    return None


def review(session: Session, itinerary_ids: list[int], *, seed: int, activity: AiActivity) -> None:
    """Play the agents' review of the drafts; one reproducible random stream per itinerary."""
    for itinerary_id in sorted(itinerary_ids):
        rng = random.Random(f"{seed}:{itinerary_id}")
        action = _pick(rng)
        if action is None:
            continue
        itinerary = drafts.get_itinerary(session, itinerary_id, agency_id=None)
        if action in EDITS and EDITS[action](session, itinerary, rng):
            activity.edited += 1
            activity.regenerated += action == "regenerate_day"
        drafts.approve(session, itinerary)
        activity.approved += 1
        session.commit()


def run_ai_activity(url: str, *, limit: int = 40, seed: int = 7, as_of: dt.date | None = None) -> AiActivity:
    """Draft itineraries for up to `limit` requests without one, then review a subset."""
    activity = AiActivity()
    engine = make_engine(url)
    try:
        with make_sessionmaker(engine)() as session:
            report = draft_for_open_requests(session, [OfflineProvider()], limit=limit, as_of=as_of,
                                             statuses=DEMO_STATUSES)
            activity.drafted, activity.failed = report.drafted, report.failed
            review(session, report.itinerary_ids, seed=seed, activity=activity)
    finally:
        engine.dispose()
    return activity
