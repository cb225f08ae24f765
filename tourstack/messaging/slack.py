"""The Slack transport: Block Kit messages through `slack_sdk`, by bot token or incoming webhook.

With a bot token (the Web API's chat.postMessage) the recipient is the Slack channel (`#bookings`
or an id), and messages about one booking (the payload's `thread`) go into one thread: the first
one's `ts` is kept per booking and channel (tourstack.messaging.threads), later ones reply to it.
An incoming webhook posts to the one channel it was made for and answers no `ts`, so it cannot
thread; it suits a workspace that only wants the feed.

Failures become the outbox's: a 429 is temporary with Slack's Retry-After (the dispatcher then
also holds the channel's rate slot); 5xx and network errors are temporary; a refusal that no
retry changes (invalid_auth, channel_not_found, not_in_channel, invalid_blocks, ...) is
permanent, and the message goes to the dead letters at once. The SDK's own retries are off: the
outbox retries, with its back-off, and one retry policy is enough. Slack has no idempotency key,
so a post whose answer was lost is posted again on retry (at least once, as the outbox says).
"""

from __future__ import annotations

import logging
import urllib.error
from collections.abc import Callable, Mapping
from typing import Any

from slack_sdk import WebClient, WebhookClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.models.blocks import ContextBlock, HeaderBlock, MarkdownTextObject, PlainTextObject, SectionBlock

from tourstack.messaging.cards import Card, card_for
from tourstack.messaging.threads import ThreadRoot, remember_root, thread_root
from tourstack.messaging.transports import DeliveryError, OutboundMessage

log = logging.getLogger("tourstack.messaging")

# Slack's errors that a later try may get past; every other `ok: false` is a refusal.
_TEMPORARY = frozenset({"ratelimited", "rate_limited", "internal_error", "fatal_error",
                        "service_unavailable", "request_timeout", "team_added_to_org"})
_TONE_EMOJI = {"good": ":white_check_mark:", "warning": ":warning:", "attention": ":rotating_light:",
               "info": ":information_source:"}


def blocks_for(card: Card) -> list[dict[str, Any]]:
    """The card as Block Kit (validated by the SDK's models: lengths, field counts)."""
    blocks: list[Any] = [
        HeaderBlock(text=PlainTextObject(text=card.title[:150], emoji=True)),
        SectionBlock(text=MarkdownTextObject(text=f"{_TONE_EMOJI[card.tone]} {card.summary}"[:3000])),
    ]
    if card.fields:
        blocks.append(SectionBlock(fields=[MarkdownTextObject(text=f"*{label}*\n{value}"[:2000])
                                           for label, value in card.fields]))
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=card.footer[:3000])]))
    return [block.to_dict() for block in blocks]


def _retry_after(headers: Mapping[str, Any] | None) -> float | None:
    for name, value in (headers or {}).items():
        if name.lower() == "retry-after":
            values = value if isinstance(value, list) else [value]
            try:
                return float(values[0])
            except (TypeError, ValueError, IndexError):
                return None
    return None


def _failure(status: int, error: str, headers: Mapping[str, Any] | None) -> DeliveryError:
    """One Slack answer that is not a success, as the outbox's failure."""
    if status == 429 or error in {"ratelimited", "rate_limited"}:
        return DeliveryError(f"slack: ratelimited (HTTP {status})", retry_after=_retry_after(headers))
    if status >= 500:
        return DeliveryError(f"slack: HTTP {status} {error}".strip())
    return DeliveryError(f"slack: {error or f'HTTP {status}'}", temporary=error in _TEMPORARY)


def _network(exc: Exception) -> DeliveryError:
    # The text of a URL error can name the webhook's secret path: keep only its kind.
    return DeliveryError(f"slack: network error ({type(exc).__name__})")


class SlackTransport:
    """`send` posts one outbox message and returns `<channel id>:<ts>` (Web API) or
    `webhook:<message id>` (a webhook answers no id)."""

    def __init__(self, *, sessions: Callable[[], Any] | None = None, token: str | None = None,
                 webhook_url: str | None = None, base_url: str | None = None, timeout: int = 10) -> None:
        if bool(token) == bool(webhook_url):
            raise ValueError("the Slack transport needs exactly one of a bot token or a webhook URL")
        if token and sessions is None:
            raise ValueError("the Slack Web API transport needs the database to keep its threads")
        self._sessions = sessions
        self._web = WebClient(token=token, base_url=base_url or WebClient.BASE_URL, timeout=timeout,
                              retry_handlers=[]) if token else None
        self._hook = WebhookClient(webhook_url, timeout=timeout, retry_handlers=[]) if webhook_url else None

    def send(self, message: OutboundMessage) -> str:
        card = card_for(message.event_type, message.payload)
        blocks = blocks_for(card)
        text = f"{card.title}: {card.summary}"
        if self._hook is not None:
            return self._via_webhook(message, text, blocks)
        return self._via_web_api(message, text, blocks)

    def _via_webhook(self, message: OutboundMessage, text: str, blocks: list) -> str:
        try:
            response = self._hook.send(text=text, blocks=blocks, unfurl_links=False, unfurl_media=False)
        except (urllib.error.URLError, OSError, SlackClientError) as exc:
            raise _network(exc) from None
        if response.status_code != 200:
            raise _failure(response.status_code, (response.body or "").strip()[:200], response.headers)
        return f"webhook:{message.id}"

    def _via_web_api(self, message: OutboundMessage, text: str, blocks: list) -> str:
        thread_key = message.payload.get("thread")
        root = thread_root(self._sessions, "slack", message.recipient, thread_key) if thread_key else None
        try:
            response = self._web.chat_postMessage(
                channel=(root.provider_channel or message.recipient) if root else message.recipient,
                text=text, blocks=blocks, thread_ts=root.thread_id if root else None,
                unfurl_links=False, unfurl_media=False)
        except SlackApiError as exc:
            answer = exc.response
            raise _failure(answer.status_code, str(answer.get("error") or ""), answer.headers) from None
        except (urllib.error.URLError, OSError, SlackClientError) as exc:
            raise _network(exc) from None
        channel_id, ts = str(response["channel"]), str(response["ts"])
        if thread_key and root is None:
            try:
                remember_root(self._sessions, "slack", message.recipient, thread_key, ThreadRoot(ts, channel_id))
            except Exception:  # posted already: a lost thread is better than a second post
                log.exception("could not keep the Slack thread of %s", thread_key)
        return f"{channel_id}:{ts}"
