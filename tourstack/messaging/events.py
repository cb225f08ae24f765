"""The business events the domain announces, built from its rows.

Why here and not in each domain: what a message says about a quote or a payment (its facts, its
thread, its INR amount for thresholds) is messaging's vocabulary; the domains only call
`announce_*` at the point where the change happens, inside their own transaction.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from decimal import Decimal

from sqlalchemy.orm import Session

from tourstack.db.models import Booking, Customer, Destination, Payment, Quote
from tourstack.fx import DbRateSource, FxError, convert
from tourstack.messaging.config import MessagingConfig
from tourstack.messaging.outbox import Event, Routed, route_event
from tourstack.money import Money, from_minor

log = logging.getLogger("tourstack.messaging")
HOME_CURRENCY = "INR"


def _inr(session: Session, amount_minor: int, currency: str, on: dt.date) -> tuple[dict[str, str], Decimal | None]:
    """The amount in INR with the rate, its date and source (facts), or no INR amount when no
    rate is stored: a threshold route is then skipped, and says why, rather than guessing."""
    money = Money(from_minor(amount_minor, currency), currency)
    if currency == HOME_CURRENCY:
        return {}, money.amount
    try:
        conversion = convert(money, HOME_CURRENCY, on, DbRateSource(session))
    except FxError as exc:
        log.warning("no INR amount for the announcement: %s", exc)
        return {"fx_note": str(exc)}, None
    facts = {"amount_inr": str(conversion.converted.amount),
             "fx_rate": str(conversion.rate), "fx_rate_date": conversion.rate_date.isoformat(),
             "fx_source": conversion.source}
    return facts, conversion.converted.amount


def announce_quote(session: Session, quote: Quote, *, config: MessagingConfig | None = None) -> Routed:
    """`quote.created`, once per quote (high-value ones reach the sales channel)."""
    on = (quote.sent_at or dt.datetime.now(dt.UTC)).date()
    fx_facts, amount_inr = _inr(session, quote.total_minor, quote.currency, on)
    facts = {"quote_number": quote.quote_number, "total": str(from_minor(quote.total_minor, quote.currency)),
             "currency": quote.currency, "agency_id": quote.agency_id, "valid_until": quote.valid_until,
             **fx_facts}
    return route_event(session, Event(type="quote.created", key=quote.quote_number, facts=facts,
                                      amount_inr=amount_inr, at=quote.sent_at), config)


def announce_payment(session: Session, payment: Payment, *, config: MessagingConfig | None = None) -> Routed | None:
    """`payment.confirmed` or `payment.failed`, once per payment and outcome; threaded on the
    booking. Pending payments announce nothing."""
    kind = {"succeeded": "payment.confirmed", "failed": "payment.failed"}.get(payment.status)
    if kind is None:
        return None
    booking = session.get(Booking, payment.booking_id)
    ref = booking.booking_ref if booking else None
    facts = {"payment_id": payment.id, "booking_ref": ref, "gateway": payment.gateway,
             "amount": str(from_minor(payment.amount_minor, payment.currency)), "currency": payment.currency,
             "failure_code": payment.failure_code if payment.status == "failed" else None}
    return route_event(session, Event(type=kind, key=f"payment-{payment.id}", facts=facts, thread=ref), config)


def announce_reconciliation(session: Session, summary: dict, *, as_of: dt.date,
                            config: MessagingConfig | None = None) -> Routed:
    """`reconciliation.exceptions`, once per reconciliation run (the run id is the key), in the
    run's transaction; the route's `min_count` keeps a run without exceptions quiet."""
    reasons = summary.get("exceptions_by_reason") or {}
    facts = {"date": as_of, "count": summary.get("exceptions", 0), "match_rate": summary.get("match_rate"),
             "transactions": summary.get("transactions"),
             "by_reason": ", ".join(f"{reason} {n}" for reason, n in reasons.items())}
    return route_event(session, Event(type="reconciliation.exceptions", key=f"reconciliation-{summary['run_id']}",
                                      facts=facts, count=int(summary.get("exceptions") or 0)), config)


BOOKING_CHANGES = ("created", "updated", "cancelled")


def booking_event_key(booking: Booking, change: str) -> str:
    """The key of one booking event. Created and cancelled happen once per booking; an update is
    identified by the state it leaves the booking in and the booking's own `updated_at` stamp, so
    a retried request that changes nothing announces nothing new, while a later change (even
    back to an earlier state: its stamp differs) is a new event."""
    if change == "created":
        return booking.booking_ref
    if change == "cancelled":
        return f"{booking.booking_ref}:cancelled"
    state = "|".join(str(v) for v in (
        booking.status, booking.travel_start, booking.travel_end, booking.travellers, booking.currency,
        booking.total_sell_minor, booking.updated_at.isoformat() if booking.updated_at else ""))
    return f"{booking.booking_ref}:u{hashlib.sha256(state.encode()).hexdigest()[:12]}"


def booking_facts(session: Session, booking: Booking) -> dict:
    """What every booking message shows (the calendar re-reads the booking itself)."""
    customer = session.get(Customer, booking.customer_id)
    destination = session.get(Destination, booking.destination_id)
    return {"booking_ref": booking.booking_ref, "status": booking.status,
            "customer": f"{customer.first_name} {customer.last_name}" if customer else None,
            "trip": destination.name if destination else None,
            "travel_start": booking.travel_start, "travel_end": booking.travel_end,
            "travellers": booking.travellers,
            "amount": str(from_minor(booking.total_sell_minor, booking.currency)), "currency": booking.currency,
            "cancellation_reason": booking.cancellation_reason if booking.status == "cancelled" else None}


def customer_recipients(session: Session, customer_id: int | None) -> dict[str, str]:
    """The customer's own recipients: `customer_whatsapp` only for an opted-in number (E.164),
    `customer_email` when the customer has an address."""
    from tourstack.messaging.whatsapp.consent import is_opted_in
    from tourstack.messaging.whatsapp.phones import maybe_e164

    customer = session.get(Customer, customer_id) if customer_id is not None else None
    if customer is None:
        return {}
    recipients = {"customer_email": customer.email.strip().lower()} if customer.email else {}
    phone = maybe_e164(customer.phone, region=customer.country_code)
    if phone is not None and is_opted_in(session, phone):
        recipients["customer_whatsapp"] = phone
    return recipients


def announce_booking(session: Session, booking: Booking, change: str, *,
                     config: MessagingConfig | None = None) -> Routed:
    """`booking.created`, `booking.updated` or `booking.cancelled`, in the caller's transaction
    (call it after the change, before the commit): the messages exist iff the change commits.
    Threaded on the booking reference, so Slack answers in the booking's thread. The customer's
    WhatsApp number is named (`@customer_whatsapp`) only when it has a current opt-in
    (tourstack.messaging.whatsapp.consent): nothing may reach a customer without it. The
    customer's e-mail address is named for the `@customer_email` route: the trip's calendar
    invite (ICS) is part of the booking the customer asked for, and the e-mail channel sends one
    only when the invite changed."""
    if change not in BOOKING_CHANGES:
        raise ValueError(f"unknown booking change {change!r}; expected one of {', '.join(BOOKING_CHANGES)}")
    session.flush()  # updated_at is stamped at flush: the update's key needs it
    on = booking.booked_at.date() if booking.booked_at else dt.datetime.now(dt.UTC).date()
    fx_facts, amount_inr = _inr(session, booking.total_sell_minor, booking.currency, on)
    event = Event(type=f"booking.{change}", key=booking_event_key(booking, change),
                  facts={**booking_facts(session, booking), **fx_facts}, amount_inr=amount_inr,
                  thread=booking.booking_ref, recipients=customer_recipients(session, booking.customer_id))
    return route_event(session, event, config)


def announce_alert(session: Session, *, name: str, status: str, severity: str | None, summary: str | None,
                   detail: str | None, fingerprint: str, starts_at: dt.datetime,
                   labels: dict[str, str] | None = None, config: MessagingConfig | None = None) -> Routed:
    """`system.alert`, once per alert firing (its fingerprint and start) and once when it
    resolves: Alertmanager repeats a firing alert every repeat_interval, and those repeats are
    the same event, so they write nothing new."""
    state = "resolved" if status == "resolved" else "firing"
    start = starts_at.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    key = f"alert-{fingerprint[:40]}-{start}-{state}"
    facts = {"title": name, "status": state, "severity": severity, "detail": summary or detail,
             "description": detail if summary else None, "started": starts_at,
             "labels": ", ".join(f"{k}={v}" for k, v in sorted((labels or {}).items())
                                 if k not in {"alertname", "severity"})}
    return route_event(session, Event(type="system.alert", key=key, facts=facts), config)


DIGEST_METRICS = ("revenue", "bookings", "cash_received", "cancelled_bookings")


def announce_digest(session: Session, day: dt.date, metrics: dict, *, dead_messages: int = 0,
                    management_email: str | None = None, config: MessagingConfig | None = None) -> Routed:
    """`digest.daily` for `day`, once (the day is the key): the semantic layer's numbers of the
    day, and the outbox's dead letters so a stuck channel is seen by the morning."""
    facts = {"date": day, "headline": f"{metrics.get('bookings') or 0} bookings, revenue INR "
                                      f"{metrics.get('revenue') or 0}",
             **{name: metrics.get(name) for name in DIGEST_METRICS}, "dead_messages": dead_messages}
    recipients = {"management_email": management_email} if management_email else {}
    return route_event(session, Event(type="digest.daily", key=f"digest-{day.isoformat()}", facts=facts,
                                      recipients=recipients), config)
