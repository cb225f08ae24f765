"""Webhooks from QuickBooks and Xero: verified, recorded once, and answered fast.

- QuickBooks signs the raw body: `intuit-signature` is base64(HMAC-SHA256(verifier token, body)).
- Xero signs the same way with the webhook key in `x-xero-signature`. Its intent-to-receive
  handshake sends signed and wrongly signed payloads: a correct signature must answer 200 and a
  wrong one 401, with an empty body, within 5 seconds.
- A redelivery (providers retry until they get a 2xx) carries the same body: its SHA-256 is the
  delivery key, unique per provider, so the second one finds the row and does nothing.

What a delivery triggers is the early pull: the next inbound run (tourstack.accounting.inbound)
reads from its cursor, so the webhook itself never calls the provider.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tourstack.accounting.errors import AccountingError
from tourstack.db.base import utcnow
from tourstack.db.models import AccountingWebhookDelivery

SIGNATURE_HEADERS = {"quickbooks": "intuit-signature", "xero": "x-xero-signature"}


class BadSignature(AccountingError):
    """The webhook's signature does not match the body (or no secret is configured)."""


def signature(secret: str, body: bytes) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def verify(secret: str | None, body: bytes, given: str | None) -> None:
    if not secret or not given or not hmac.compare_digest(signature(secret, body), given.strip()):
        raise BadSignature("webhook signature does not match")


def record_delivery(session: Session, provider: str, body: bytes) -> bool:
    """True for a new delivery, False for a redelivery (a no-op). Commits."""
    key = hashlib.sha256(body).hexdigest()
    if session.scalars(select(AccountingWebhookDelivery.id).where(
            AccountingWebhookDelivery.provider == provider, AccountingWebhookDelivery.delivery_key == key)).first():
        return False
    session.add(AccountingWebhookDelivery(provider=provider, delivery_key=key, received_at=utcnow()))
    try:
        session.commit()
    except IntegrityError:  # the same delivery, arriving twice at once
        session.rollback()
        return False
    return True
