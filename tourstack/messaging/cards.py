"""What a team message says about each event: one card, rendered by every chat channel.

Why one description for Slack and Teams: the title, the one-line summary and the facts shown
for a new booking or a failed payment are the same decision whatever the wire format (Block Kit
or an Adaptive Card); each transport only lays the card out. An event type without a card of
its own (a new type added to messaging.yaml before its wording) still gets a generic card with
every fact, so nothing is dropped while the wording catches up.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

MAX_FIELDS = 10  # Block Kit allows ten fields in a section; Adaptive Cards' FactSet more


@dataclass(frozen=True)
class Card:
    title: str
    summary: str  # one line: the notification text, and the fallback of clients without blocks
    fields: tuple[tuple[str, str], ...]
    tone: str  # "info", "good", "warning" or "attention": the accent a channel may show
    footer: str  # event type and key, so a reader can find the row in the outbox


def _text(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return ", ".join(_text(v) for v in value)
    return str(value)


def _label(name: str) -> str:
    return name.replace("_", " ").capitalize()


def _money(facts: Mapping[str, Any], amount: str = "amount") -> str:
    value, currency = facts.get(amount) or facts.get("total"), facts.get("currency")
    return f"{currency} {value}" if value is not None and currency else _text(value or "")


_Describe = Callable[[Mapping[str, Any]], tuple[str, str, str]]

# event type -> (title, summary, tone) from the event's facts
_CARDS: dict[str, _Describe] = {
    "booking.created": lambda f: (f"New booking {f.get('booking_ref', '')}",
                                  f"{f.get('customer') or 'A customer'} booked {f.get('trip') or 'a trip'}"
                                  f" for {_money(f)}", "good"),
    "booking.updated": lambda f: (f"Booking {f.get('booking_ref', '')} changed",
                                  f"Now {f.get('status', 'changed')}: {_money(f)}", "info"),
    "booking.cancelled": lambda f: (f"Booking {f.get('booking_ref', '')} cancelled",
                                    f"{f.get('customer') or 'The customer'}'s trip is cancelled", "warning"),
    "quote.created": lambda f: (f"High-value quote {f.get('quote_number', '')}",
                                f"{_money(f, 'total')} for agency {f.get('agency_id', '')}", "good"),
    "payment.confirmed": lambda f: (f"Payment confirmed: {_money(f)}",
                                    f"{f.get('gateway', 'gateway')} payment for {f.get('booking_ref') or 'no booking'}",
                                    "good"),
    "payment.failed": lambda f: (f"Payment failed: {_money(f)}",
                                 f"{f.get('gateway', 'gateway')} said {f.get('failure_code') or 'failed'} for "
                                 f"{f.get('booking_ref') or 'no booking'}", "attention"),
    "reconciliation.exceptions": lambda f: (f"{f.get('count', 'New')} reconciliation exceptions",
                                            f"Open exceptions need a decision ({f.get('scope') or 'all gateways'})",
                                            "warning"),
    "system.alert": lambda f: (f"Alert: {f.get('title') or f.get('name') or 'system'}",
                               _text(f.get('detail') or f.get('message') or 'see the facts'), "attention"),
    # customers' WhatsApp events: the card is what the file transport and e-mail show; WhatsApp
    # itself sends the template of whatsapp.yaml
    "payment.reminder": lambda f: (f"Payment reminder {f.get('invoice_number') or f.get('booking_ref', '')}",
                                   f"{_money(f, 'amount_due')} due since {f.get('due_on', '')}", "warning"),
    "trip.reminder_7d": lambda f: (f"Trip in a week: {f.get('booking_ref', '')}",
                                   f"{f.get('trip') or 'The trip'} starts {f.get('travel_start', '')}", "info"),
    "trip.reminder_1d": lambda f: (f"Trip tomorrow: {f.get('booking_ref', '')}",
                                   f"{f.get('trip') or 'The trip'} starts {f.get('travel_start', '')}", "info"),
    "marketing.offer": lambda f: ("An offer for you", _text(f.get('offer') or 'see the facts'), "info"),
    "digest.daily": lambda f: (f"Daily digest {f.get('date', '')}",
                               _text(f.get('headline') or 'Yesterday in numbers'), "info"),
}
_SHOWN_IN_TITLE = {"booking_ref", "quote_number", "title", "name", "headline", "detail", "message"}


def card_for(event_type: str, payload: Mapping[str, Any]) -> Card:
    """The card of one outbox payload (`{"event", "key", "facts", ...}`)."""
    facts: Mapping[str, Any] = payload.get("facts") or {}
    key = _text(payload.get("key", ""))
    describe = _CARDS.get(event_type)
    if describe is None:
        title, summary, tone = event_type, f"{event_type} {key}".strip(), "info"
    else:
        title, summary, tone = describe(facts)
    fields = tuple((_label(name), _text(value)) for name, value in facts.items()
                   if value not in (None, "", [], {}) and name not in _SHOWN_IN_TITLE
                   and not isinstance(value, Mapping))[:MAX_FIELDS]
    return Card(title=title.strip() or event_type, summary=summary, fields=fields, tone=tone,
                footer=f"{event_type} · {key}")
