"""The providers a trip document uses, built once per process from plain configuration values.

Why shared: the distance cache and the forecast cache only pay off when every document of a
process goes through the same objects (fifty documents for one city ask OpenWeather once), so
the API and the CLI both call `trip_document_providers` and get the same instances back for
the same configuration. Callers pass values read from settings; nothing here reads the
environment.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from tourstack.geo.legs import GoogleDistanceMatrix, LegMatrix, google_client
from tourstack.weather.openweather import DEFAULT_BASE_URL, OpenWeatherClient


@dataclass
class TripDocumentProviders:
    google_key: str | None
    google_base_url: str | None
    forecaster: OpenWeatherClient | None
    _legs: dict

    def legs(self, country_code: str | None) -> LegMatrix:
        """One cached matrix per country (regional speeds), online when a Google key is set."""
        key = (country_code or "").upper()
        if key not in self._legs:
            google = None
            if self.google_key:
                google = GoogleDistanceMatrix(google_client(self.google_key, base_url=self.google_base_url))
            self._legs[key] = LegMatrix(key or None, google=google)
        return self._legs[key]


@lru_cache(maxsize=8)
def trip_document_providers(google_key: str | None = None, google_base_url: str | None = None,
                            openweather_key: str | None = None,
                            openweather_base_url: str = DEFAULT_BASE_URL) -> TripDocumentProviders:
    forecaster = OpenWeatherClient(openweather_key, base_url=openweather_base_url) if openweather_key else None
    return TripDocumentProviders(google_key, google_base_url, forecaster, {})


def providers_from_settings(settings) -> TripDocumentProviders:
    """From an object with the `google_maps_*` and `openweather_*` settings attributes."""
    secret = lambda value: value.get_secret_value() if value else None  # noqa: E731
    return trip_document_providers(secret(settings.google_maps_api_key), settings.google_maps_base_url,
                                   secret(settings.openweather_api_key), settings.openweather_base_url)
