"""Offline legs: the routing's matrix, scaled per region, labelled as estimates, cached."""

from __future__ import annotations

import datetime as dt

import pytest

from tourstack.geo.legs import LegMatrix, regional_travel_times
from tourstack.routing import LatLon, OfflineTravelTimes, TravelMode, Stop, plan_day
from tourstack.routing.travel import road_km

HAWA_MAHAL = ("Hawa Mahal", LatLon(26.9239, 75.8267))
CITY_PALACE = ("City Palace", LatLon(26.9258, 75.8237))
AMBER_FORT = ("Amber Fort", LatLon(26.9855, 75.8513))


def test_legs_follow_the_given_order_with_distance_and_time_per_mode():
    legs = LegMatrix("IN").legs([AMBER_FORT, HAWA_MAHAL, CITY_PALACE], TravelMode.CAR)
    assert [(l.from_name, l.to_name) for l in legs] == [("Amber Fort", "Hawa Mahal"), ("Hawa Mahal", "City Palace")]
    assert legs[0].distance_km == pytest.approx(road_km(AMBER_FORT[1], HAWA_MAHAL[1]), abs=0.05)
    assert all(l.is_estimate and l.source == "estimate" for l in legs)
    walk = LegMatrix("IN").legs([HAWA_MAHAL, CITY_PALACE], TravelMode.WALK)[0]
    car = LegMatrix("IN").legs([HAWA_MAHAL, CITY_PALACE], TravelMode.CAR)[0]
    assert walk.minutes > 3 and walk.distance_km < 1 and walk.mode == TravelMode.WALK
    assert car.mode == TravelMode.CAR and car.minutes != walk.minutes


def test_region_scales_motorised_speed_but_not_walking():
    india, gulf = regional_travel_times("IN"), regional_travel_times("AE")
    a, b = AMBER_FORT[1], HAWA_MAHAL[1]
    assert india.minutes(a, b, TravelMode.CAR) > gulf.minutes(a, b, TravelMode.CAR)
    assert india.minutes(a, b, TravelMode.WALK) == gulf.minutes(a, b, TravelMode.WALK)
    assert regional_travel_times("ZZ").minutes(a, b, TravelMode.CAR) == OfflineTravelTimes().minutes(a, b, TravelMode.CAR)


def test_the_leg_matrix_is_the_routing_matrix_and_is_cached():
    legs = LegMatrix("IN")
    points = [p for _, p in (AMBER_FORT, HAWA_MAHAL, CITY_PALACE)]
    first = legs.matrices(points, TravelMode.CAR)
    assert legs.matrices(points, TravelMode.CAR) is first  # cached: the same answer object
    assert (legs.matrix(points, TravelMode.CAR) == regional_travel_times("IN").matrix(points, TravelMode.CAR)).all()
    # routing accepts it as its TravelTimeProvider
    stops = [Stop(name, p, 60, name=name) for name, p in (HAWA_MAHAL, CITY_PALACE)]
    day = plan_day(stops, AMBER_FORT[1], dt.date(2026, 3, 2), 540, 1200, travel_times=legs)
    assert len(day.visits) == 2


def test_a_single_stop_has_no_legs():
    assert LegMatrix("IN").legs([HAWA_MAHAL], TravelMode.CAR) == []
