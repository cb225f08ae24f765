"""The inbox's AI helpers from TOURSTACK_OPENAI_*, as the itinerary provider builds its client
(tourstack.itinerary.factory): none without a key, so rules and templates stay the default."""

from __future__ import annotations

from dataclasses import dataclass

from tourstack.inbox.ai_classifier import OpenAIClassifier
from tourstack.inbox.ai_reply import OpenAIReplyWriter


@dataclass(frozen=True)
class InboxAi:
    classifier: OpenAIClassifier | None = None
    replies: OpenAIReplyWriter | None = None


def inbox_ai(settings) -> InboxAi:
    """Both helpers on one SDK client with the configured model, or neither."""
    if settings.openai_api_key is None:
        return InboxAi()
    from tourstack.itinerary.factory import AiConfig, openai_client

    config = AiConfig(api_key=settings.openai_api_key.get_secret_value(), base_url=settings.openai_base_url,
                      model=settings.openai_model, timeout_s=settings.openai_timeout_s,
                      max_retries=settings.openai_max_retries)
    client = openai_client(config)
    timeout = min(settings.openai_timeout_s, 30.0)
    return InboxAi(OpenAIClassifier(client, settings.openai_model, timeout_s=timeout),
                   OpenAIReplyWriter(client, settings.openai_model, timeout_s=timeout))
