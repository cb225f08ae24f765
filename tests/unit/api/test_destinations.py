"""Destination discovery over the API on a small hand-built book: similar by offer and season,
popular in a season, trending week over week, side by side; counts of fewer than three agencies
withheld; bad input a clear 4xx."""

from __future__ import annotations

import datetime as dt

import pytest

from tests import factories as f
from tests.unit.api.conftest import auth
from tests.unit.api.test_auth import assert_problem
from tourstack.db.models import Site
from tourstack.discovery import season_of

AS_OF = dt.date(2026, 12, 6)
WINTER = "11,12,1,2,3"
MONSOON = "6,7,8,9"


def _site(dest, category: str, season: str, level: int = 1, price: int = 50_000) -> Site:
    return Site(destination_id=dest.id, name=f"{category} of {dest.name}", category=category, latitude=26.9,
                longitude=75.8, typical_duration_minutes=90, price_minor=price, price_currency="INR",
                price_level=level, best_season=season, popularity=50, description=None)


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=dt.UTC)


@pytest.fixture
def book(world, session_factory):
    """Jaipur and Jodhpur: forts and palaces in winter; Kochi: backwaters in the monsoon.
    Jaipur is booked by four agencies; Kochi by two (its counts must stay hidden)."""
    with session_factory() as s:
        jaipur = f.make_destination(s, name="Jaipur", region="Rajasthan")
        jodhpur = f.make_destination(s, name="Jodhpur", region="Rajasthan")
        kochi = f.make_destination(s, name="Kochi", region="Kerala", city="Kochi")
        s.add_all([_site(jaipur, "fort", WINTER), _site(jaipur, "palace", WINTER), _site(jaipur, "market", WINTER),
                   _site(jodhpur, "fort", WINTER), _site(jodhpur, "palace", WINTER, price=80_000),
                   _site(kochi, "backwater", MONSOON), _site(kochi, "boat", MONSOON)])
        agents = [world.agent_a, world.agent_b] + [f.make_agent(s) for _ in range(2)]
        # Winter trips to Jaipur from four agencies, one cancelled; monsoon trips to Kochi from two.
        for i, agent in enumerate(agents):
            f.make_booking(s, agent, destination=jaipur, booked_at=_at(dt.date(2026, 3, 1)),
                           travel_start=dt.date(2026, 1, 10 + i), travel_end=dt.date(2026, 1, 14 + i))
        f.make_booking(s, agents[0], destination=jaipur, status="cancelled", booked_at=_at(dt.date(2026, 3, 2)),
                       travel_start=dt.date(2026, 2, 1), travel_end=dt.date(2026, 2, 3))
        for agent in agents[:2]:
            f.make_booking(s, agent, destination=kochi, booked_at=_at(dt.date(2026, 3, 3)),
                           travel_start=dt.date(2026, 7, 1), travel_end=dt.date(2026, 7, 5))
        # Trending: Jodhpur 1 request last week, 5 this week from three agencies; Jaipur falls.
        f.make_quote_request(s, agents[0], destination=jodhpur, requested_at=_at(AS_OF - dt.timedelta(days=9)))
        for i, agent in enumerate([agents[0], agents[1], agents[2], agents[2], agents[0]]):
            f.make_quote_request(s, agent, destination=jodhpur, requested_at=_at(AS_OF - dt.timedelta(days=i)))
        for i in range(4):
            f.make_quote_request(s, agents[i], destination=jaipur, requested_at=_at(AS_OF - dt.timedelta(days=10)))
        f.make_quote_request(s, agents[3], destination=jaipur, requested_at=_at(AS_OF))
        s.commit()
        return world, {"jaipur": jaipur.id, "jodhpur": jodhpur.id, "kochi": kochi.id}


def _names(items: list[dict]) -> list[str]:
    return [i["destination"]["name"] for i in items]


def test_similar_ranks_the_same_offer_and_season_first(client, book):
    world, ids = book
    body = client.get(f"/api/v1/destinations/{ids['jaipur']}/similar", headers=auth(world.keys["agent_a"])).json()
    names = _names(body["items"])
    assert names.index("Jodhpur") < names.index("Kochi")
    jodhpur = body["items"][names.index("Jodhpur")]
    assert set(jodhpur["shared_categories"]) == {"fort", "palace"}
    assert jodhpur["shared_best_months"] == [1, 2, 3, 11, 12]
    assert body["items"][names.index("Kochi")]["shared_categories"] == []


def test_popular_in_winter_counts_live_bookings_of_enough_agencies(client, book):
    world, ids = book
    body = client.get("/api/v1/destinations/popular", params={"season": "winter", "as_of": AS_OF.isoformat()},
                      headers=auth(world.keys["ops"])).json()
    assert body["season"] == "winter" and body["months"] == [12, 1, 2]
    assert _names(body["items"]) == ["Jaipur"]
    assert body["items"][0]["bookings"] == 4  # the cancelled trip does not count
    assert body["items"][0]["agencies"] == 4 and body["items"][0]["in_season_share"] == 1.0
    monsoon = client.get("/api/v1/destinations/popular", params={"season": "monsoon", "as_of": AS_OF.isoformat()},
                         headers=auth(world.keys["ops"])).json()
    assert monsoon["items"] == []  # Kochi's two agencies are too few to show


def test_popular_defaults_to_the_season_of_as_of(client, book):
    world, _ = book
    body = client.get("/api/v1/destinations/popular", params={"as_of": "2026-07-15"},
                      headers=auth(world.keys["ops"])).json()
    assert body["season"] == season_of(dt.date(2026, 7, 15)).name == "monsoon"


def test_trending_is_growth_week_over_week_with_enough_agencies(client, book):
    world, _ = book
    body = client.get("/api/v1/destinations/trending", params={"as_of": AS_OF.isoformat()},
                      headers=auth(world.keys["agent_b"])).json()
    assert _names(body["items"]) == ["Jodhpur"]  # Jaipur fell from 4 to 1
    item = body["items"][0]
    assert (item["this_week"], item["last_week"], item["growth"], item["agencies"]) == (5, 1, 4.0, 3)


def test_compare_side_by_side_withholds_thin_counts(client, book):
    world, ids = book
    body = client.get("/api/v1/destinations/compare", params={"ids": f"{ids['jaipur']},{ids['kochi']}",
                                                              "as_of": AS_OF.isoformat()},
                      headers=auth(world.keys["ops"])).json()
    jaipur, kochi = body["items"]
    assert jaipur["destination"]["name"] == "Jaipur" and jaipur["sites"] == 3
    assert jaipur["bookings_365d"] == 4 and jaipur["cancellation_rate"] == 0.2
    assert jaipur["median_trip_days"] == 5 and jaipur["best_months"] == [1, 2, 3, 11, 12]
    assert jaipur["median_site_price_minor"] == 50_000 and jaipur["site_price_currency"] == "INR"
    assert kochi["bookings_365d"] is None and kochi["cancellation_rate"] is None  # two agencies only
    assert kochi["sites"] == 2 and kochi["best_months"] == [6, 7, 8, 9]


@pytest.mark.parametrize("ids", ["1", "1,2,3,4,5", "1,1", "a,b", "-1,2", ""])
def test_compare_refuses_bad_lists(client, book, ids):
    world, _ = book
    response = client.get("/api/v1/destinations/compare", params={"ids": ids}, headers=auth(world.keys["ops"]))
    assert_problem(response, 422)


def test_unknown_destination_is_404(client, book):
    world, ids = book
    headers = auth(world.keys["ops"])
    assert_problem(client.get("/api/v1/destinations/999999/similar", headers=headers), 404)
    assert_problem(client.get("/api/v1/destinations/compare", params={"ids": f"{ids['jaipur']},999999"},
                              headers=headers), 404)


def test_unknown_season_and_no_key(client, book):
    world, _ = book
    assert_problem(client.get("/api/v1/destinations/popular", params={"season": "spring"},
                              headers=auth(world.keys["ops"])), 422)
    assert client.get("/api/v1/destinations/trending").status_code == 401
