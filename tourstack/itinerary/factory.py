"""Assemble the provider chain from plain configuration values.

Why here and not in settings: domain code takes values, not the settings object, so the API,
the CLI, Dagster and tests build the same chain from whatever configuration they hold. No key
means the offline planner only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from tourstack.itinerary.limits import Budget, RateLimiter
from tourstack.itinerary.providers import OfflineProvider, Provider


@dataclass(frozen=True, slots=True)
class AiConfig:
    api_key: str | None = None
    base_url: str | None = None
    model: str = "gpt-4.1"
    fallback_model: str | None = "gpt-4.1-mini"
    timeout_s: float = 60.0
    max_retries: int = 2

    @property
    def enabled(self) -> bool:
        return bool(self.api_key)


def openai_client(config: AiConfig, http_client=None):
    """The official SDK client; retries 429/5xx/timeouts with exponential backoff itself."""
    import openai

    return openai.OpenAI(
        api_key=config.api_key, base_url=config.base_url or None, timeout=config.timeout_s,
        max_retries=config.max_retries, http_client=http_client,
    )


def build_chain(config: AiConfig, provider: str | None = None, http_client=None) -> list[Provider]:
    """`provider`: None (best available), 'openai' (models then offline) or 'offline'."""
    offline = OfflineProvider()
    if provider == "offline" or provider == "offline_planner" or not config.enabled:
        if provider == "openai":
            raise ValueError("the openai provider needs TOURSTACK_OPENAI_API_KEY")
        return [offline]
    from tourstack.itinerary.openai_provider import OpenAIProvider

    client = openai_client(config, http_client)
    chain: list[Provider] = [OpenAIProvider(client, config.model, timeout_s=config.timeout_s)]
    if config.fallback_model and config.fallback_model != config.model:
        chain.append(OpenAIProvider(client, config.fallback_model, timeout_s=config.timeout_s))
    chain.append(offline)
    return chain


def _micros(usd: Decimal | None) -> int | None:
    return None if usd is None else int(Decimal(usd) * 1_000_000)


@dataclass
class ItineraryServices:
    """Provider configuration, budget and rate limiter that one process shares."""

    config: AiConfig
    budget: Budget
    limiter: RateLimiter
    http_client: Any = None
    _clients: dict = field(default_factory=dict)

    def providers(self, provider: str | None = None) -> list[Provider]:
        return build_chain(self.config, None if provider in (None, "auto") else provider, self.http_client)

    def content_clients(self) -> list[tuple[Any, str]]:
        """(client, model) pairs for content generation; empty without a key (templates)."""
        if not self.config.enabled:
            return []
        if "content" not in self._clients:
            self._clients["content"] = openai_client(self.config, self.http_client)
        models = [self.config.model] + ([self.config.fallback_model] if self.config.fallback_model else [])
        return [(self._clients["content"], m) for m in dict.fromkeys(models)]

    @classmethod
    def from_settings(cls, settings: Any) -> ItineraryServices:
        """From an object with the `TOURSTACK_OPENAI_*` / `TOURSTACK_AI_*` settings attributes."""
        key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else None
        return cls(
            config=AiConfig(api_key=key, base_url=settings.openai_base_url, model=settings.openai_model,
                            fallback_model=settings.openai_fallback_model,
                            timeout_s=settings.openai_timeout_s, max_retries=settings.openai_max_retries),
            budget=Budget(monthly_usd_micros=_micros(settings.ai_monthly_budget_usd),
                          agency_monthly_usd_micros=_micros(settings.ai_agency_monthly_budget_usd),
                          on_exceeded=settings.ai_budget_policy),
            limiter=RateLimiter(settings.ai_rate_limit_per_minute, settings.ai_agency_rate_limit_per_minute),
        )
