"""Travel-time matrices between coordinates: an offline estimate and an OSRM adapter.

Why offline first: the demo and tests run without a routing service, and even in production a
fast estimate is good enough to order a handful of sites. The estimate is the great-circle
(haversine) distance times a detour factor (streets are not straight lines: ~1.3-1.4 in dense
old towns), divided by a typical urban door-to-door speed for the mode, plus a fixed per-leg
overhead (hailing a tuk-tuk, parking a car).

`OsrmTravelTimes` asks an OSRM-compatible `/table` service; `FallbackTravelTimes` wraps it so a
failed call degrades to the offline estimate with the error kept for the caller to log.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from tourstack.routing.types import LatLon, TravelMode

EARTH_RADIUS_KM = 6371.0088


@dataclass(frozen=True)
class ModeProfile:
    speed_kmh: float  # average door-to-door speed in city traffic
    detour: float  # road distance / straight-line distance
    overhead_min: float  # per leg: waiting for a ride, parking, walking to the vehicle


MODE_PROFILES: dict[TravelMode, ModeProfile] = {
    TravelMode.WALK: ModeProfile(4.5, 1.3, 0.0),
    TravelMode.BICYCLE: ModeProfile(12.0, 1.3, 2.0),
    TravelMode.TUK_TUK: ModeProfile(18.0, 1.35, 3.0),
    TravelMode.TAXI: ModeProfile(22.0, 1.35, 4.0),
    TravelMode.CAR: ModeProfile(22.0, 1.35, 5.0),  # chauffeured car incl. parking
    TravelMode.COACH: ModeProfile(20.0, 1.35, 10.0),  # boarding a group
}


class RoutingServiceError(RuntimeError):
    """A routing service call failed (unreachable, HTTP error, or an error code in the body)."""


class TravelTimeProvider(Protocol):
    def matrix(self, points: Sequence[LatLon], mode: TravelMode) -> np.ndarray:
        """Minutes from points[i] to points[j]; zero on the diagonal; may be asymmetric."""
        ...


def haversine_km(a: LatLon, b: LatLon) -> float:
    """Great-circle distance in kilometres."""
    lat1, lat2 = math.radians(a.lat), math.radians(b.lat)
    dlat, dlon = lat2 - lat1, math.radians(b.lon - a.lon)
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, h)))


def haversine_matrix_km(points: Sequence[LatLon]) -> np.ndarray:
    lat = np.radians([p.lat for p in points])
    lon = np.radians([p.lon for p in points])
    dlat = lat[None, :] - lat[:, None]
    dlon = lon[None, :] - lon[:, None]
    h = np.sin(dlat / 2) ** 2 + np.cos(lat)[:, None] * np.cos(lat)[None, :] * np.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))


def road_km(a: LatLon, b: LatLon, mode: TravelMode = TravelMode.CAR) -> float:
    """Estimated road (or footpath) distance: haversine times the mode's detour factor."""
    return haversine_km(a, b) * MODE_PROFILES[TravelMode(mode)].detour


@dataclass(frozen=True)
class OfflineTravelTimes:
    """Haversine x detour / speed + per-leg overhead, in minutes. Profiles are overridable."""

    profiles: dict[TravelMode, ModeProfile] | None = None

    def profile(self, mode: TravelMode) -> ModeProfile:
        return (self.profiles or MODE_PROFILES)[TravelMode(mode)]

    def minutes(self, a: LatLon, b: LatLon, mode: TravelMode) -> float:
        return float(self.matrix([a, b], mode)[0, 1])

    def matrix(self, points: Sequence[LatLon], mode: TravelMode) -> np.ndarray:
        p = self.profile(mode)
        km = haversine_matrix_km(points) * p.detour
        minutes = km / p.speed_kmh * 60.0 + np.where(km > 0, p.overhead_min, 0.0)
        np.fill_diagonal(minutes, 0.0)
        return minutes


class OsrmTravelTimes:
    """Durations from an OSRM-compatible `/table/v1/{profile}/{lon,lat;...}?annotations=duration`.

    OSRM answers seconds for its own profile (usually `driving`); walking and cycling need a
    server with that profile, so modes not in `profiles` are refused (wrap this provider in
    `FallbackTravelTimes` to estimate them offline instead).
    """

    def __init__(
        self,
        base_url: str,
        *,
        profiles: dict[TravelMode, str] | None = None,
        timeout_s: float = 5.0,
        client: object | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.profiles = profiles or {
            TravelMode.CAR: "driving",
            TravelMode.TAXI: "driving",
            TravelMode.TUK_TUK: "driving",
            TravelMode.COACH: "driving",
        }
        self.timeout_s = timeout_s
        self._client = client

    def matrix(self, points: Sequence[LatLon], mode: TravelMode) -> np.ndarray:
        import httpx

        profile = self.profiles.get(TravelMode(mode))
        if profile is None:
            raise RoutingServiceError(f"routing service has no profile for mode {mode!s}")
        coords = ";".join(f"{p.lon:.6f},{p.lat:.6f}" for p in points)
        url = f"{self.base_url}/table/v1/{profile}/{coords}"
        try:
            if self._client is not None:
                response = self._client.get(url, params={"annotations": "duration"})
            else:
                with httpx.Client(timeout=self.timeout_s) as client:
                    response = client.get(url, params={"annotations": "duration"})
        except httpx.HTTPError as exc:
            raise RoutingServiceError(f"routing service unreachable at {self.base_url}: {exc}") from exc
        try:
            body = response.json()
        except ValueError:
            body = {}
        if response.status_code != 200 or body.get("code") != "Ok":
            detail = body.get("message") or body.get("code") or response.text[:200]
            raise RoutingServiceError(
                f"routing service answered HTTP {response.status_code}: {detail}"
            )
        durations = body.get("durations")
        n = len(points)
        if not isinstance(durations, list) or len(durations) != n:
            raise RoutingServiceError("routing service returned no duration table")
        if any(v is None for row in durations for v in row):
            raise RoutingServiceError("routing service found no route between some points")
        matrix = np.asarray(durations, dtype=float) / 60.0
        if matrix.shape != (n, n):
            raise RoutingServiceError(f"routing service returned a {matrix.shape} table for {n} points")
        return matrix


class FallbackTravelTimes:
    """Try `primary`; on RoutingServiceError use `fallback` and keep the error in `last_error`."""

    def __init__(self, primary: TravelTimeProvider, fallback: TravelTimeProvider | None = None):
        self.primary = primary
        self.fallback = fallback or OfflineTravelTimes()
        self.last_error: RoutingServiceError | None = None

    def matrix(self, points: Sequence[LatLon], mode: TravelMode) -> np.ndarray:
        try:
            result = self.primary.matrix(points, mode)
        except RoutingServiceError as exc:
            self.last_error = exc
            return self.fallback.matrix(points, mode)
        self.last_error = None
        return result
