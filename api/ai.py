"""The AI services one app shares: provider configuration, budget and the rate limiter.

Why on app.state: the in-process token buckets must be shared by every request of the
process; built lazily on first use from settings, replaceable in tests through
`app.dependency_overrides[get_ai]`.
"""

from __future__ import annotations

from fastapi import Request

from api.problems import ApiProblem
from tourstack.itinerary.factory import AiServices
from tourstack.itinerary.providers import Provider

__all__ = ["AiServices", "get_ai", "provider_chain"]


def get_ai(request: Request) -> AiServices:
    services = getattr(request.app.state, "ai_services", None)
    if services is None:
        services = request.app.state.ai_services = AiServices.from_settings(request.app.state.settings)
    return services


def provider_chain(ai: AiServices, provider: str | None) -> list[Provider]:
    """The providers to try for a request that named `provider`.

    Asking for OpenAI on a server without a key is the operator's configuration, not the
    caller's input: 503 naming the setting to configure, never a 500."""
    if provider == "openai" and not ai.config.enabled:
        raise ApiProblem(503, "the openai provider is not configured on this server: "
                         "TOURSTACK_OPENAI_API_KEY is not set (use provider \"auto\" or \"offline\")",
                         slug="provider-not-configured", title="Provider not configured", setting="TOURSTACK_OPENAI_API_KEY")
    return ai.providers(provider)
