"""The AI services one app shares: provider configuration, budget and the rate limiter.

Why on app.state: the in-process token buckets must be shared by every request of the
process; built lazily on first use from settings, replaceable in tests through
`app.dependency_overrides[get_itinerary_services]`.
"""

from __future__ import annotations

from fastapi import Request

from api.problems import ApiProblem
from tourstack.itinerary.factory import ItineraryServices
from tourstack.itinerary.providers import Provider

__all__ = ["ItineraryServices", "get_itinerary_services", "provider_chain"]


def get_itinerary_services(request: Request) -> ItineraryServices:
    services = getattr(request.app.state, "itinerary_services", None)
    if services is None:
        services = request.app.state.itinerary_services = ItineraryServices.from_settings(request.app.state.settings)
    return services


def provider_chain(ai: ItineraryServices, provider: str | None) -> list[Provider]:
    """The providers to try for a request that named `provider`.

    Asking for OpenAI on a server without a key is the operator's configuration, not the
    caller's input: 503 naming the setting to configure, never a 500."""
    if provider == "openai" and not ai.config.enabled:
        raise ApiProblem(503, "the openai provider is not configured on this server: "
                         "TOURSTACK_OPENAI_API_KEY is not set (use provider \"auto\" or \"offline\")",
                         slug="provider-not-configured", title="Provider not configured", setting="TOURSTACK_OPENAI_API_KEY")
    return ai.providers(provider)
