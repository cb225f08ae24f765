"""The AI services one app shares: provider configuration, budget and the rate limiter.

Why on app.state: the in-process token buckets must be shared by every request of the
process; built lazily on first use from settings, replaceable in tests through
`app.dependency_overrides[get_ai]`.
"""

from __future__ import annotations

from fastapi import Request

from tourstack.itinerary.factory import AiServices

__all__ = ["AiServices", "get_ai"]


def get_ai(request: Request) -> AiServices:
    services = getattr(request.app.state, "ai_services", None)
    if services is None:
        services = request.app.state.ai_services = AiServices.from_settings(request.app.state.settings)
    return services
