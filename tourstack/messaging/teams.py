"""The Microsoft Teams transport: Adaptive Cards posted to a Workflows (or legacy incoming)
webhook with httpx.

Why plain HTTP: a Teams webhook is one POST of a JSON message with the card as an attachment;
Microsoft ships no SDK for it (the Bot Framework is for bots, not webhooks), and the community
clients still build the retired MessageCard format. The recipient of a route (`bookings`,
`finance`, `operations`) picks its own URL from TOURSTACK_TEAMS_WEBHOOK_URLS when it has one,
else the one TOURSTACK_TEAMS_WEBHOOK_URL.

Failures become the outbox's: 429 waits for Retry-After; 5xx, timeouts and network errors are
retried; 400 (a card Teams refused), 401/403/404 (a revoked or deleted flow) and a recipient
without a URL are dead at once. Teams deduplicates nothing, so a post whose answer was lost is
posted again on its retry (at least once). The reason never holds the URL, whose query carries
the flow's signature.
"""

from __future__ import annotations

from collections.abc import Mapping

import httpx

from tourstack.messaging.cards import Card, card_for
from tourstack.messaging.transports import DeliveryError, OutboundMessage

_COLOR = {"good": "Good", "warning": "Warning", "attention": "Attention", "info": "Default"}
ADAPTIVE_CARD = "application/vnd.microsoft.card.adaptive"


def adaptive_card(card: Card) -> dict:
    """The card as an Adaptive Card 1.4 (what Teams renders in channels)."""
    body: list[dict] = [
        {"type": "TextBlock", "text": card.title, "size": "Large", "weight": "Bolder", "wrap": True,
         "color": _COLOR[card.tone]},
        {"type": "TextBlock", "text": card.summary, "wrap": True},
    ]
    if card.fields:
        body.append({"type": "FactSet", "facts": [{"title": label, "value": value} for label, value in card.fields]})
    body.append({"type": "TextBlock", "text": card.footer, "isSubtle": True, "size": "Small", "wrap": True})
    return {"$schema": "http://adaptivecards.io/schemas/adaptive-card.json", "type": "AdaptiveCard",
            "version": "1.4", "body": body}


def teams_message(card: Card) -> dict:
    """The webhook's body: a message with the card as its one attachment."""
    return {"type": "message", "summary": card.title,
            "attachments": [{"contentType": ADAPTIVE_CARD, "contentUrl": None, "content": adaptive_card(card)}]}


def _retry_after(response: httpx.Response) -> float | None:
    try:
        return float(response.headers["retry-after"])
    except (KeyError, ValueError):
        return None


class TeamsTransport:
    """`send` posts one outbox message and returns `teams:<HTTP status>:<message id>` (a webhook
    answers no message id)."""

    def __init__(self, *, default_url: str | None = None, urls: Mapping[str, str] | None = None,
                 timeout: float = 10.0, client: httpx.Client | None = None) -> None:
        if not default_url and not urls:
            raise ValueError("the Teams transport needs a webhook URL")
        self._default, self._urls = default_url, dict(urls or {})
        self._client = client or httpx.Client(timeout=timeout)

    def send(self, message: OutboundMessage) -> str:
        url = self._urls.get(message.recipient) or self._default
        if not url:
            raise DeliveryError(f"teams: no webhook URL for {message.recipient!r}", temporary=False)
        body = teams_message(card_for(message.event_type, message.payload))
        try:
            response = self._client.post(url, json=body)
        except httpx.TimeoutException:
            raise DeliveryError("teams: timed out") from None
        except httpx.HTTPError as exc:
            raise DeliveryError(f"teams: network error ({type(exc).__name__})") from None
        status = response.status_code
        if status in (200, 202):
            return f"teams:{status}:{message.id}"
        if status == 429:
            raise DeliveryError("teams: throttled (HTTP 429)", retry_after=_retry_after(response))
        if status >= 500:
            raise DeliveryError(f"teams: HTTP {status}")
        detail = response.text.strip().replace("\n", " ")[:200]
        raise DeliveryError(f"teams: HTTP {status} {detail}".strip(), temporary=False)
