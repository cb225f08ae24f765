"""The outbox's e-mail channel: a mail per message, and the trip's invite for booking events.

Why the invite is made at sending time: like the calendars, the customer's invite says what the
booking is now (late or reordered messages converge), made by `invites.customer_invite` (same
UID for the booking's life, SEQUENCE + 1 whenever what it says changed), attached as
`text/calendar; method=REQUEST` (or `method=CANCEL` for a cancelled trip) so mail clients show
it as an invitation and update the entry they have.

A `booking.updated` that leaves the invite as it was (a payment that moved the status) mails
nothing on its first try; a retry always sends, because its first try already recorded the new
version before the send failed. The invite's version is committed before the send (no network
call inside a transaction): a send that fails is retried with the same SEQUENCE.

Other events (the daily digest) are a plain mail of the event's card. Failures become the
outbox's: 4xx and network trouble retry, 5xx refusals are dead at once.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from email.message import EmailMessage

from sqlalchemy import select
from sqlalchemy.orm import Session

from tourstack.db.models import Booking, CalendarEvent
from tourstack.mail import MailDeliveryError, compose
from tourstack.mail import Transport as MailTransport
from tourstack.messaging.cards import card_for
from tourstack.messaging.invites import CUSTOMER_CALENDAR, customer_invite
from tourstack.messaging.transports import DeliveryError, OutboundMessage


def _bodies(title: str, summary: str, fields) -> tuple[str, str]:
    text = "\n".join([title, "", summary, "", *(f"{k}: {v}" for k, v in fields)])
    rows = "".join(f"<tr><th align='left'>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>" for k, v in fields)
    return text, f"<h2>{html.escape(title)}</h2><p>{html.escape(summary)}</p><table>{rows}</table>"


class MailChannelTransport:
    """`send` mails one outbox message through a `tourstack.mail` transport (SMTP, or `.eml`
    files when no server is configured) and returns `email:<Message-ID>`."""

    def __init__(self, *, mail: MailTransport, sender: str, sessions: Callable[[], Session] | None,
                 public_url: str) -> None:
        self._mail, self._sender, self._sessions, self._public_url = mail, sender, sessions, public_url

    def send(self, message: OutboundMessage) -> str:
        card = card_for(message.event_type, message.payload)
        text, body = _bodies(card.title, card.summary, card.fields)
        mail = compose(subject=card.title, sender=self._sender, to=message.recipient, text=text, html=body,
                       headers={"X-Tourstack-Key": message.idempotency_key[:200]})
        if message.event_type.startswith("booking.") and self._sessions is not None:
            invite = self._invite(message)
            if invite is None:
                return "email:unchanged"
            ics, cancelled = invite
            mail.add_attachment(ics, maintype="text", subtype="calendar", filename="invite.ics",
                                params={"method": "CANCEL" if cancelled else "REQUEST", "charset": "utf-8"})
        return self._deliver(mail)

    def _invite(self, message: OutboundMessage) -> tuple[bytes, bool] | None:
        ref = (message.payload.get("facts") or {}).get("booking_ref") or message.payload.get("thread")
        with self._sessions() as session:
            booking = session.scalar(select(Booking).where(Booking.booking_ref == str(ref or "")))
            if booking is None:
                raise DeliveryError(f"email: no booking {ref!r}", temporary=False)
            before = session.scalar(select(CalendarEvent.last_event_key).where(
                CalendarEvent.booking_id == booking.id, CalendarEvent.calendar == CUSTOMER_CALENDAR))
            ics, _sequence = customer_invite(session, booking, public_url=self._public_url)
            after = session.scalar(select(CalendarEvent.last_event_key).where(
                CalendarEvent.booking_id == booking.id, CalendarEvent.calendar == CUSTOMER_CALENDAR))
            cancelled = booking.status == "cancelled" or booking.deleted_at is not None
            session.commit()
        if message.event_type == "booking.updated" and message.attempt == 1 and before == after:
            return None  # the invite says what the last one said: nothing new for the customer
        return ics, cancelled

    def _deliver(self, mail: EmailMessage) -> str:
        try:
            delivery = self._mail.send(mail)
        except MailDeliveryError as exc:
            raise DeliveryError(f"email: {exc}", temporary=exc.temporary) from None
        return f"email:{delivery.message_id}"


def mail_channel_from_settings(settings, sessions: Callable[[], Session] | None) -> MailChannelTransport:
    """SMTP when TOURSTACK_SMTP_HOST is set, `.eml` files under `<outbox>/email/` otherwise."""
    from tourstack.mail import OutboxTransport, SmtpTransport

    if settings.smtp_host:
        mail = SmtpTransport(settings.smtp_host, settings.smtp_port, username=settings.smtp_username,
                             password=settings.smtp_password, security=settings.smtp_security,
                             timeout=settings.smtp_timeout_seconds)
    else:
        mail = OutboxTransport(settings.outbox_dir / "email")
    return MailChannelTransport(mail=mail, sender=settings.mail_from, sessions=sessions,
                                public_url=settings.public_url)
