"""Messaging: one outbox for every message to every channel.

A business event is routed (tourstack/messaging/messaging.yaml: which event goes where, the
thresholds, quiet hours, mutes) into outbox rows written in the event's own transaction
(`route_event`, `enqueue`). A dispatcher (`dispatch_due`: the Dagster job, or `tourstack outbox
work`) delivers them through one transport per channel with retries, back-off, per-recipient rate
limits and a dead-letter state (`replay`); providers' delivery reports move a message forward
(`record_status`). The file transport writes what would be sent under var/outbox/.
"""

from tourstack.messaging.config import (
    CHANNELS,
    InvalidMessagingConfig,
    MessagingConfig,
    config_from_settings,
    load_config,
    shipped_config,
)
from tourstack.messaging.dispatch import DispatchReport, dispatch_due
from tourstack.messaging.outbox import Event, InvalidMessage, Routed, enqueue, route_event
from tourstack.messaging.status import (
    STATUSES,
    MessageNotFound,
    NotReplayable,
    get_message,
    list_messages,
    record_status,
    replay,
    status_counts,
)
from tourstack.messaging.transports import (
    DeliveryError,
    FileTransport,
    OutboundMessage,
    Transport,
    transports_from_settings,
)

__all__ = [
    "CHANNELS", "STATUSES", "DeliveryError", "DispatchReport", "Event", "FileTransport",
    "InvalidMessage", "InvalidMessagingConfig", "MessageNotFound", "MessagingConfig",
    "NotReplayable", "OutboundMessage", "Routed", "Transport", "config_from_settings", "dispatch_due",
    "enqueue",
    "get_message", "list_messages", "load_config", "record_status", "replay", "route_event",
    "shipped_config", "status_counts", "transports_from_settings",
]
