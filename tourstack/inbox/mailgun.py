"""Mailgun inbound routes (`forward()` to our URL): verify the delivery, then store the message.

Mailgun signs each delivery with the account's HTTP webhook signing key: `signature` is the hex
HMAC-SHA256 of `timestamp` + `token`. We refuse a missing or wrong signature, a timestamp more
than five minutes from now (either way), and a token seen before with *other* bytes: the
signature does not cover the message, so without remembering tokens a captured delivery could
carry any message for five minutes. The same token with the same bytes is Mailgun retrying a
delivery we already hold, and is answered as a duplicate.

The message must be the raw MIME (`body-mime`, which Mailgun posts when the route's URL ends in
`mime`); the parsed variant (`body-plain`, `attachment-1`, ...) has lost the original bytes the
store keeps, so it is refused with a message saying how to configure the route.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass
from email.parser import BytesParser
from email.policy import HTTP
from urllib.parse import parse_qs

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tourstack.db.models.inbox import InboxInboundToken
from tourstack.inbox.process import Outcome, ingest

PROVIDER = "mailgun"
MAX_AGE = dt.timedelta(minutes=5)


class InvalidDelivery(Exception):
    """Not signed by Mailgun with our key, stale, or a replayed token: nothing is stored."""


class NotMime(Exception):
    """Signed, but without `body-mime`: the route does not forward the raw message."""


@dataclass(frozen=True)
class Delivery:
    timestamp: str
    token: str
    signature: str
    mime: bytes | None


def read_form(body: bytes, content_type: str) -> dict[str, bytes]:
    """The form's fields as bytes (multipart/form-data or urlencoded), read by the standard
    library's MIME parser: a multipart form is a MIME message, so no other parser is needed."""
    if content_type.lower().startswith("multipart/form-data"):
        message = BytesParser(policy=HTTP).parsebytes(
            b"Content-Type: " + content_type.encode("latin-1") + b"\r\nMIME-Version: 1.0\r\n\r\n" + body)
        if not message.is_multipart():
            return {}
        fields: dict[str, bytes] = {}
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            if name and name not in fields:
                fields[str(name)] = part.get_payload(decode=True) or b""
        return fields
    if content_type.lower().startswith("application/x-www-form-urlencoded"):
        return {k: v[0].encode("utf-8", "surrogateescape")
                for k, v in parse_qs(body.decode("latin-1"), keep_blank_values=True).items()}
    return {}


def delivery(fields: dict[str, bytes]) -> Delivery:
    def text(name: str) -> str:
        return fields.get(name, b"").decode("ascii", "replace")[:256]
    return Delivery(text("timestamp"), text("token"), text("signature"), fields.get("body-mime"))


def verify(key: str, d: Delivery, *, now: dt.datetime | None = None) -> None:
    """Raise InvalidDelivery unless the signature is Mailgun's and the timestamp is fresh."""
    if not (key and d.timestamp and d.token and d.signature):
        raise InvalidDelivery("missing signature, timestamp or token")
    expected = hmac.new(key.encode(), (d.timestamp + d.token).encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, d.signature.lower()):
        raise InvalidDelivery("the signature does not verify")
    try:
        signed = dt.datetime.fromtimestamp(int(d.timestamp), dt.UTC)
    except (ValueError, OverflowError, OSError):
        raise InvalidDelivery("the timestamp is not a Unix time") from None
    if abs((now or dt.datetime.now(dt.UTC)) - signed) > MAX_AGE:
        raise InvalidDelivery("the timestamp is more than five minutes from now")


def receive(session: Session, d: Delivery) -> Outcome:
    """Record the token with the message's digest, then ingest (store first) the message.

    Called after `verify`. A token already recorded with other bytes raises InvalidDelivery;
    with the same bytes the stored message's outcome is returned (`new` false).
    """
    if not d.mime:
        raise NotMime("no body-mime field: end the route's forward() URL in /mime so Mailgun posts the raw message")
    digest = hashlib.sha256(d.mime).hexdigest()
    seen = session.scalar(select(InboxInboundToken).where(InboxInboundToken.provider == PROVIDER,
                                                          InboxInboundToken.token == d.token))
    if seen is None:
        session.add(InboxInboundToken(provider=PROVIDER, token=d.token, sha256=digest,
                                      signed_at=dt.datetime.fromtimestamp(int(d.timestamp), dt.UTC)))
        try:
            session.commit()
        except IntegrityError:  # the same token arriving at the same moment: one row wins
            session.rollback()
            seen = session.scalar(select(InboxInboundToken).where(InboxInboundToken.provider == PROVIDER,
                                                                  InboxInboundToken.token == d.token))
    if seen is not None and seen.sha256 != digest:
        raise InvalidDelivery("this token was already used for another message")
    return ingest(session, d.mime, "mailgun")
