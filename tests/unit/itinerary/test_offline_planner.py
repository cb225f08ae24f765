"""The offline planner on the tiny demo catalogue: every plan must pass the quality checks."""

from __future__ import annotations

import datetime as dt

import pytest

from tourstack.itinerary.catalogue import UnknownDestination, load_catalogue
from tourstack.itinerary.models import Travellers, TripRequest
from tourstack.itinerary.offline import plan_offline
from tourstack.itinerary.pacing import PACES
from tourstack.itinerary.quality import check_plan

CASES = [
    ("Jaipur", 7, "moderate", ["culture", "food"], "relaxed", "couple", dt.date(2026, 11, 2)),
    ("Udaipur", 3, "luxury", ["relaxation", "culture"], "moderate", "family", dt.date(2026, 12, 20)),
    ("Delhi", 4, "budget", ["history", "shopping"], "fast_paced", "group", dt.date(2027, 1, 4)),
    ("Paris", 5, "moderate", ["culture", "food"], "moderate", "solo", dt.date(2026, 6, 1)),
    ("Goa", 3, "budget", ["nature", "nightlife"], "relaxed", "group", None),
    ("Singapore", 2, "luxury", ["food", "shopping"], "fast_paced", "couple", dt.date(2026, 9, 7)),
]


@pytest.fixture(scope="module")
def session(sessions):
    with sessions() as s:
        yield s


@pytest.mark.parametrize(("dest", "days", "budget", "interests", "style", "who", "start"), CASES)
def test_plans_are_sound(session, dest, days, budget, interests, style, who, start):
    trip = TripRequest(destination=dest, days=days, budget=budget, interests=interests, style=style,
                       travellers=Travellers.of(who), start_date=start)
    cat = load_catalogue(session, dest)
    plan = plan_offline(cat, trip)
    assert check_plan(plan, cat, trip) == []
    assert plan.provider == "offline_planner" and len(plan.days) == days
    assert plan.total_minor == sum(i.estimated_cost_minor for _, i in plan.items())
    sites = [i for _, i in plan.items() if i.kind == "site"]
    assert len(sites) >= days  # at least one activity a day on these catalogues
    assert all(i.verified and i.bookable for i in sites)
    assert all(not i.bookable for _, i in plan.items() if i.kind == "meal")
    assert sum(1 for _, i in plan.items() if i.kind == "hotel") == days - 1


def test_interests_are_all_served(session):
    trip = TripRequest(destination="Jaipur", days=4, interests=["culture", "food"], style="relaxed",
                       start_date=dt.date(2026, 11, 2))
    plan = plan_offline(load_catalogue(session, "Jaipur"), trip)
    categories = {i.category for _, i in plan.items() if i.kind == "site"}
    assert categories & {"food_tour", "cooking_class", "market"}
    assert categories & {"fort", "palace", "monument"}


def test_closed_days_are_never_scheduled(session):
    cat = load_catalogue(session, "Delhi")
    closed_monday = {s.id for s in cat.sites if 1 not in s.hours}
    assert closed_monday, "the demo catalogue has sites closed on Mondays (Red Fort)"
    for start in (dt.date(2026, 11, 2), dt.date(2026, 11, 9)):  # Mondays
        trip = TripRequest(destination="Delhi", days=1, style="fast_paced", start_date=start)
        plan = plan_offline(cat, trip)
        assert not {i.site_id for _, i in plan.items()} & closed_monday


def test_pacing_differs_by_style(session):
    cat = load_catalogue(session, "Delhi")
    counts = {}
    for style in PACES:
        trip = TripRequest(destination="Delhi", days=3, style=style, interests=["culture", "history"],
                           start_date=dt.date(2026, 11, 3))
        plan = plan_offline(cat, trip)
        counts[style] = sum(1 for _, i in plan.items() if i.kind == "site")
    assert counts["relaxed"] < counts["fast_paced"]


def test_deterministic(session):
    cat = load_catalogue(session, "Agra")
    trip = TripRequest(destination="Agra", days=2, start_date=dt.date(2026, 10, 10))
    assert plan_offline(cat, trip).model_dump() == plan_offline(cat, trip).model_dump()


def test_unknown_destination(session):
    with pytest.raises(UnknownDestination):
        load_catalogue(session, "Atlantis")
