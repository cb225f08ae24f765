"""Offline travel times (haversine x detour / speed) and the OSRM adapter against a fake."""

from __future__ import annotations

import numpy as np
import pytest

from tests.fakes.osrm import FakeOsrm
from tourstack.routing import (
    FallbackTravelTimes,
    LatLon,
    OfflineTravelTimes,
    OsrmTravelTimes,
    RoutingServiceError,
    TravelMode,
    haversine_km,
    road_km,
)

AMBER_FORT = LatLon(26.9855, 75.8513)
HAWA_MAHAL = LatLon(26.9239, 75.8267)
CITY_PALACE = LatLon(26.9258, 75.8237)
TAJ_MAHAL = LatLon(27.1751, 78.0421)


def test_haversine_known_distances():
    assert haversine_km(LatLon(51.5007, -0.1246), LatLon(40.6892, -74.0445)) == pytest.approx(5575, abs=5)
    assert haversine_km(LatLon(0, 0), LatLon(0, 1)) == pytest.approx(111.19, abs=0.05)
    assert haversine_km(HAWA_MAHAL, HAWA_MAHAL) == 0


def test_amber_fort_to_hawa_mahal_by_road():
    assert haversine_km(AMBER_FORT, HAWA_MAHAL) == pytest.approx(7.3, abs=0.2)
    assert 8 <= road_km(AMBER_FORT, HAWA_MAHAL, TravelMode.CAR) <= 11


def test_offline_minutes_depend_on_the_mode():
    times = OfflineTravelTimes()
    walk = times.minutes(HAWA_MAHAL, CITY_PALACE, TravelMode.WALK)
    assert 4 <= walk <= 8  # ~400 m through the old city
    car = times.minutes(AMBER_FORT, HAWA_MAHAL, TravelMode.CAR)
    tuk = times.minutes(AMBER_FORT, HAWA_MAHAL, TravelMode.TUK_TUK)
    assert 20 <= car <= 45 and car < tuk < times.minutes(AMBER_FORT, HAWA_MAHAL, TravelMode.WALK)


def test_offline_matrix_shape_and_diagonal():
    m = OfflineTravelTimes().matrix([AMBER_FORT, HAWA_MAHAL, CITY_PALACE, TAJ_MAHAL], TravelMode.CAR)
    assert m.shape == (4, 4)
    assert np.all(np.diag(m) == 0) and np.allclose(m, m.T)
    assert m[0, 3] > 400  # Jaipur to Agra is a day trip, not a city leg


def test_osrm_table_in_minutes_and_asymmetric():
    with FakeOsrm(speed_kmh=30, one_way_factor=1.5) as osrm:
        m = OsrmTravelTimes(osrm.url).matrix([AMBER_FORT, HAWA_MAHAL], TravelMode.CAR)
        path = osrm.requests[0].path
    km = haversine_km(AMBER_FORT, HAWA_MAHAL)
    assert m[1, 0] == pytest.approx(km / 30 * 60, abs=0.01)
    assert m[0, 1] == pytest.approx(1.5 * m[1, 0], abs=0.01)
    assert path.startswith("/table/v1/driving/75.851300,26.985500;75.826700,26.923900")
    assert "annotations=duration" in path


@pytest.mark.parametrize(
    ("mode", "message"),
    [
        ("error", "HTTP 400: Query string malformed"),
        ("down", "HTTP 503"),
        ("no_route", "no route between some points"),
    ],
)
def test_osrm_errors_are_clear(mode, message):
    with FakeOsrm() as osrm:
        osrm.mode = mode
        with pytest.raises(RoutingServiceError, match=message):
            OsrmTravelTimes(osrm.url).matrix([AMBER_FORT, HAWA_MAHAL], TravelMode.CAR)


def test_osrm_unreachable_and_walking_without_a_profile():
    with FakeOsrm() as osrm:
        url = osrm.url
    with pytest.raises(RoutingServiceError, match="unreachable"):
        OsrmTravelTimes(url, timeout_s=1).matrix([AMBER_FORT, HAWA_MAHAL], TravelMode.CAR)
    with pytest.raises(RoutingServiceError, match="no profile for mode walk"):
        OsrmTravelTimes(url).matrix([AMBER_FORT, HAWA_MAHAL], TravelMode.WALK)


def test_fallback_uses_offline_on_error_and_remembers_why():
    points = [AMBER_FORT, HAWA_MAHAL]
    with FakeOsrm() as osrm:
        provider = FallbackTravelTimes(OsrmTravelTimes(osrm.url))
        live = provider.matrix(points, TravelMode.CAR)
        assert provider.last_error is None
        osrm.mode = "error"
        fallback = provider.matrix(points, TravelMode.CAR)
    assert "HTTP 400" in str(provider.last_error)
    assert np.allclose(fallback, OfflineTravelTimes().matrix(points, TravelMode.CAR))
    assert not np.allclose(live, fallback)
