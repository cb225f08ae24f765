"""Google Distance Matrix through the real `googlemaps` client against a loopback fake."""

from __future__ import annotations

import pytest

from tests.fakes.google_maps import FakeGoogleMaps
from tourstack.geo.legs import GoogleDistanceMatrix, LegMatrix, google_client
from tourstack.routing import LatLon, TravelMode

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("google_maps_fake")]

STOPS = [("Amber Fort", LatLon(26.9855, 75.8513)), ("Hawa Mahal", LatLon(26.9239, 75.8267))]


@pytest.fixture(scope="module")
def fake():
    with FakeGoogleMaps() as server:
        yield server


def _matrix(fake, key=None) -> LegMatrix:
    client = google_client(key or fake.key, base_url=fake.url, timeout_s=2)
    return LegMatrix("IN", google=GoogleDistanceMatrix(client))


def test_online_legs_come_from_google_and_are_cached(fake):
    fake.mode = "ok"
    legs = _matrix(fake)
    before = len(fake.requests)
    leg = legs.legs(STOPS, TravelMode.WALK)[0]
    assert leg.source == "google" and not leg.is_estimate
    assert "mode=walking" in fake.requests[-1].path
    assert leg.distance_km == pytest.approx(7.3 * 1.4, abs=0.3)
    legs.legs(STOPS, TravelMode.WALK)
    assert len(fake.requests) == before + 1  # the second document paid nothing


@pytest.mark.parametrize("mode", ["denied", "no_route"])
def test_a_failed_call_falls_back_to_the_labelled_estimate(fake, mode):
    fake.mode = mode
    legs = _matrix(fake)
    leg = legs.legs(STOPS, TravelMode.CAR)[0]
    assert leg.is_estimate
    assert legs.last_error is not None and "Google" in str(legs.last_error)
    assert fake.key not in str(legs.last_error)  # the key is never repeated in errors
    fake.mode = "ok"
