"""Distance and travel time between consecutive items of a day, per mode.

Why through the routing's matrix: the day was ordered by `tourstack.routing` from a
`TravelTimeProvider`'s minutes matrix, so the document reads its legs out of the same kind of
matrix (`RegionalTravelTimes` *is* an `OfflineTravelTimes`, and `LegMatrix.matrix` satisfies
the provider protocol) instead of a second, disagreeing estimate. Offline, distance is
great-circle x the mode's detour factor and time is that over the mode's speed, scaled per
region (old-town traffic in India and Thailand is slower than the Gulf's highways), and every
such leg says `source="estimate"`. With a Google key, `GoogleDistanceMatrix` asks the
Distance Matrix API through the official `googlemaps` client; a failure falls back to the
estimate and keeps the error. Answers are cached per (points, mode), so a document rendered
twice, or routing followed by rendering, pays once.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from tourstack.routing.travel import (
    MODE_PROFILES,
    OfflineTravelTimes,
    RoutingServiceError,
    haversine_matrix_km,
)
from tourstack.routing.types import LatLon, TravelMode

# Multiplies motorised speeds (walking and cycling are the same everywhere). Chosen from the
# typical urban congestion of each market, not measured: the legs say they are estimates.
REGION_SPEED_FACTOR = {"IN": 0.85, "TH": 0.85, "AE": 1.3, "SG": 1.15, "US": 1.1, "FR": 1.0, "GB": 0.95}
MOTORISED = {TravelMode.TUK_TUK, TravelMode.TAXI, TravelMode.CAR, TravelMode.COACH}
GOOGLE_MODES = {TravelMode.WALK: "walking", TravelMode.BICYCLE: "bicycling", TravelMode.TUK_TUK: "driving",
                TravelMode.TAXI: "driving", TravelMode.CAR: "driving", TravelMode.COACH: "driving"}
GOOGLE_MAX_POINTS = 10  # 10 x 10 = 100 elements, the Distance Matrix limit for one request


@dataclass(frozen=True)
class Leg:
    """One hop of a day. `source` is "estimate" (offline) or "google"."""

    from_name: str
    to_name: str
    mode: TravelMode
    distance_km: float
    minutes: float
    source: str

    @property
    def is_estimate(self) -> bool:
        return self.source == "estimate"


def regional_travel_times(country_code: str | None) -> OfflineTravelTimes:
    """The offline matrix with speeds scaled for a country (unknown countries: unscaled)."""
    factor = REGION_SPEED_FACTOR.get((country_code or "").upper(), 1.0)
    profiles = {mode: replace(p, speed_kmh=p.speed_kmh * factor) if mode in MOTORISED else p
                for mode, p in MODE_PROFILES.items()}
    return OfflineTravelTimes(profiles=profiles)


class GoogleDistanceMatrix:
    """Road distance (km) and duration (min) matrices from Google's Distance Matrix API."""

    source = "google"

    def __init__(self, client) -> None:
        self.client = client  # a googlemaps.Client (base_url points at a fake in tests)

    def matrices(self, points: Sequence[LatLon], mode: TravelMode) -> tuple[np.ndarray, np.ndarray]:
        import googlemaps.exceptions as gme

        if len(points) > GOOGLE_MAX_POINTS:
            raise RoutingServiceError(f"Distance Matrix takes at most {GOOGLE_MAX_POINTS} points per request")
        coords = [(p.lat, p.lon) for p in points]
        try:
            body = self.client.distance_matrix(coords, coords, mode=GOOGLE_MODES[TravelMode(mode)])
        except (gme.ApiError, gme.HTTPError, gme.Timeout, gme.TransportError) as exc:
            raise RoutingServiceError(f"Google Distance Matrix failed: {exc}") from exc
        n = len(points)
        km, minutes = np.zeros((n, n)), np.zeros((n, n))
        rows = body.get("rows") or []
        if len(rows) != n:
            raise RoutingServiceError("Google Distance Matrix returned no table")
        for i, row in enumerate(rows):
            for j, element in enumerate(row.get("elements", [])):
                if i == j:
                    continue
                if element.get("status") != "OK":
                    raise RoutingServiceError(f"Google found no route from point {i} to {j}: {element.get('status')}")
                km[i, j] = element["distance"]["value"] / 1000.0
                minutes[i, j] = element["duration"]["value"] / 60.0
        return km, minutes


class EstimatedDistances:
    """The offline estimate as distance and minutes matrices."""

    source = "estimate"

    def __init__(self, travel: OfflineTravelTimes) -> None:
        self.travel = travel

    def matrices(self, points: Sequence[LatLon], mode: TravelMode) -> tuple[np.ndarray, np.ndarray]:
        km = haversine_matrix_km(points) * self.travel.profile(mode).detour
        return km, self.travel.matrix(points, mode)


class LegMatrix:
    """Cached distance/time matrices: Google when configured, else (or on failure) the estimate.

    `matrix()` makes it a routing `TravelTimeProvider`, so the optimiser and the document read
    the same numbers; `legs()` gives the consecutive hops of an ordered day.
    """

    def __init__(self, country_code: str | None = None, google: GoogleDistanceMatrix | None = None,
                 max_entries: int = 512) -> None:
        self.estimate = EstimatedDistances(regional_travel_times(country_code))
        self.google = google
        self.last_error: RoutingServiceError | None = None
        self._cache: OrderedDict[tuple, tuple[np.ndarray, np.ndarray, str]] = OrderedDict()
        self._max = max_entries

    def matrices(self, points: Sequence[LatLon], mode: TravelMode) -> tuple[np.ndarray, np.ndarray, str]:
        key = (TravelMode(mode), tuple((round(p.lat, 5), round(p.lon, 5)) for p in points))
        if key in self._cache:
            self._cache.move_to_end(key)
            return self._cache[key]
        result = None
        if self.google is not None:
            try:
                result = (*self.google.matrices(points, mode), self.google.source)
                self.last_error = None
            except RoutingServiceError as exc:
                self.last_error = exc  # shown to staff; the leg falls back to the estimate
        if result is None:
            result = (*self.estimate.matrices(points, mode), self.estimate.source)
        self._cache[key] = result
        if len(self._cache) > self._max:
            self._cache.popitem(last=False)
        return result

    def matrix(self, points: Sequence[LatLon], mode: TravelMode) -> np.ndarray:
        return self.matrices(points, mode)[1]

    def legs(self, stops: Sequence[tuple[str, LatLon]], mode: TravelMode) -> list[Leg]:
        """Hops between consecutive (name, location) stops, in the order given."""
        if len(stops) < 2:
            return []
        km, minutes, source = self.matrices([p for _, p in stops], mode)
        return [Leg(stops[i][0], stops[i + 1][0], TravelMode(mode), round(float(km[i, i + 1]), 1),
                    round(float(minutes[i, i + 1])), source) for i in range(len(stops) - 1)]


def google_client(api_key: str, *, base_url: str | None = None, timeout_s: float = 5.0):
    """A `googlemaps.Client`; `base_url` is for a fake or a proxy of the Maps API."""
    import googlemaps

    kwargs = {"key": api_key, "timeout": timeout_s, "retry_timeout": timeout_s}
    if base_url:
        kwargs["base_url"] = base_url.rstrip("/")
    return googlemaps.Client(**kwargs)
