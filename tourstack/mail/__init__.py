"""Outgoing e-mail: compose a MIME message, then send it by SMTP or drop it in an outbox folder.

Why a package of its own: the executive e-mails, the report scheduler and notifications all need
the same two things, a correctly nested message (text + HTML with inline images + attachments)
and a transport that works both on a machine with no mail server (the outbox of `.eml` files,
the embedded default) and in production (SMTP). Callers pick the transport once, from settings,
and never branch on it again.
"""

from tourstack.mail.message import Attachment, InlineImage, compose
from tourstack.mail.transport import (
    Delivery,
    MailDeliveryError,
    OutboxTransport,
    SmtpTransport,
    Transport,
    transport_from_settings,
)

__all__ = [
    "Attachment",
    "Delivery",
    "InlineImage",
    "MailDeliveryError",
    "OutboxTransport",
    "SmtpTransport",
    "Transport",
    "compose",
    "transport_from_settings",
]
