"""How a claimed message leaves: the transport protocol, its failure, and the file transport.

Why one protocol for every channel: the dispatcher's rules (retry, back off, honour Retry-After,
dead-letter, record the provider's id) are the same whether the message goes to Slack, Teams,
WhatsApp, a calendar or a mailbox; only the wire differs. A transport either returns the
provider's id for the message or raises `DeliveryError`, saying whether trying again can help.

Each message carries its idempotency key, for providers that deduplicate on one (so a send whose
answer was lost after the provider accepted it is not delivered twice when retried).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from tourstack.settings import Settings


@dataclass(frozen=True)
class OutboundMessage:
    id: int
    idempotency_key: str
    event_type: str
    event_key: str
    channel: str
    recipient: str
    payload: Mapping[str, Any]
    attempt: int
    claim_token: str = ""


class DeliveryError(Exception):
    """The message did not leave. `temporary`: a retry may succeed (network, 429, 5xx);
    `retry_after`: seconds the provider asked us to wait. The text is the provider's reason,
    safe to store (never a token or a signed URL)."""

    def __init__(self, reason: str, *, temporary: bool = True, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.temporary = temporary
        self.retry_after = retry_after


class Transport(Protocol):
    def send(self, message: OutboundMessage) -> str:
        """Deliver and return the provider's message id."""
        ...


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("_")[:150] or "message"


class FileTransport:
    """Writes `<root>/<channel>/<message id>-<key>.json`: what would be sent, for the demo and
    for a machine with no workspace connected. The file is named by the message, so a retry
    rewrites the same file instead of adding a second one."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def send(self, message: OutboundMessage) -> str:
        folder = self.root / message.channel
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{message.id:08d}-{_slug(message.event_key)}.json"
        document = {
            "id": message.id, "idempotency_key": message.idempotency_key, "event": message.event_type,
            "key": message.event_key, "channel": message.channel, "to": message.recipient,
            "attempt": message.attempt, "payload": message.payload,
        }
        tmp = path.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True), encoding="utf-8")
        tmp.replace(path)
        return f"file:{path.name}"


def transports_from_settings(settings: Settings, sessions: Callable[[], Any] | None = None) -> dict[str, Transport]:
    """The transport of every channel. A connected workspace (TOURSTACK_SLACK_BOT_TOKEN or
    _WEBHOOK_URL, TOURSTACK_TEAMS_WEBHOOK_URL, a Google service account with calendars, a WhatsApp
    Cloud API token or a Twilio account) gets
    its own; other people's channels use the file
    transport under the outbox folder (docs/messaging.md). With `sessions` (a sessionmaker of the
    operational database) the search channel updates the configured search engine's live indexes,
    Slack threads per booking, and e-mail goes by SMTP (TOURSTACK_SMTP_HOST; `.eml` files under
    `<outbox>/email/` without one) with the customer's ICS invite attached to booking events."""
    from tourstack.messaging.config import CHANNELS

    files = FileTransport(settings.outbox_dir)
    transports: dict[str, Transport] = {channel: files for channel in CHANNELS if channel != "search"}
    slack = _slack(settings, sessions)
    if slack is not None:
        transports["slack"] = slack
    if settings.teams_webhook_url is not None or settings.teams_webhook_urls:
        from tourstack.messaging.teams import TeamsTransport

        default = settings.teams_webhook_url.get_secret_value() if settings.teams_webhook_url else None
        transports["teams"] = TeamsTransport(default_url=default, urls={
            name: url.get_secret_value() for name, url in settings.teams_webhook_urls.items()})
    if sessions is not None:
        from tourstack.messaging.mail_channel import mail_channel_from_settings

        transports["email"] = mail_channel_from_settings(settings, sessions)
        from tourstack.messaging.calendar_sync import calendar_transport_from_settings

        calendar = calendar_transport_from_settings(settings, sessions)
        if calendar is not None:
            transports["calendar"] = calendar
        from tourstack.search import SearchService
        from tourstack.search.changes import SearchIndexTransport
        from tourstack.search.runtime import build_backend

        transports["search"] = SearchIndexTransport(sessions, SearchService(build_backend(settings)))
        from tourstack.messaging.whatsapp import whatsapp_transport_from_settings

        whatsapp = whatsapp_transport_from_settings(settings, sessions)
        if whatsapp is not None:
            transports["whatsapp"] = whatsapp
    return transports


def _slack(settings: Settings, sessions: Callable[[], Any] | None) -> Transport | None:
    from tourstack.messaging.slack import SlackTransport

    if settings.slack_bot_token is not None and sessions is not None:
        return SlackTransport(sessions=sessions, token=settings.slack_bot_token.get_secret_value(),
                              base_url=settings.slack_api_url)
    if settings.slack_webhook_url is not None:
        return SlackTransport(webhook_url=settings.slack_webhook_url.get_secret_value())
    return None
