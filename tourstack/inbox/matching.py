"""A supplier's confirmation against our booking: recorded, matched, and a task when it differs.

What differs, by the rules of docs/inbound-email.md: the service dates must lie inside the
booking's trip (a hotel confirms some nights of it, never nights outside it), the guest count
must be the booking's travellers, and the lead guest's name must share a word with the booking's
customer (accents and case folded: "Lefèvre" is "Lefevre"). The room type is recorded, not
compared: our booking items describe the service ("Hotel, 2 nights"), not the room category.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from tourstack.db.models import Booking, Customer
from tourstack.db.models.inbox import InboxConfirmation, InboxMessage, InboxTask
from tourstack.inbox.confirmation import ConfirmationFields
from tourstack.inbox.dates import fold

KINDS = ("booking_confirmation", "amendment", "cancellation")
LIVE = ("pending", "confirmed", "paid")


@dataclass
class MatchResult:
    confirmation: InboxConfirmation
    booking: Booking | None
    mismatches: list[dict] = field(default_factory=list)
    tasks: list[InboxTask] = field(default_factory=list)


def _words(name: str) -> set[str]:
    return {w for w in fold(name).replace("-", " ").split() if len(w) > 1}


def compare(booking: Booking, customer: Customer | None, fields: ConfirmationFields) -> list[dict]:
    out = []
    start, end = booking.travel_start, booking.travel_end
    for name, day in (("start_date", fields.start_date), ("end_date", fields.end_date)):
        if day is not None and not start <= day <= end:
            out.append({"field": name, "ours": f"{start.isoformat()} to {end.isoformat()}", "theirs": day.isoformat()})
    if fields.start_date and fields.end_date and fields.end_date < fields.start_date:
        out.append({"field": "dates", "ours": "end on or after start", "theirs": "end before start"})
    if fields.guests is not None and fields.guests != booking.travellers:
        out.append({"field": "guests", "ours": booking.travellers, "theirs": fields.guests})
    if fields.guest_name and customer is not None:
        ours = f"{customer.first_name} {customer.last_name}"
        if not _words(ours) & _words(fields.guest_name):
            out.append({"field": "guest_name", "ours": ours, "theirs": fields.guest_name})
    return out


def _reply(fields: ConfirmationFields, mismatches: list[dict]) -> str:
    lines = "\n".join(f"- {m['field'].replace('_', ' ')}: our booking has {m['ours']}, your message says {m['theirs']}"
                      for m in mismatches)
    number = f" {fields.confirmation_number}" if fields.confirmation_number else ""
    return (f"Dear colleagues,\n\nThank you for your confirmation{number} for our booking {fields.booking_ref}. "
            f"It does not agree with our file:\n{lines}\n\nCould you please check and send a corrected "
            "confirmation?\n\nKind regards,\nReservations")


def _task(message: InboxMessage, kind: str, title: str, detail: dict, *, booking: Booking | None = None,
          priority: int = 2, reply: str | None = None) -> InboxTask:
    return InboxTask(message_id=message.id, kind=kind, title=title[:300], detail=json.dumps(detail, default=str),
                     booking_id=booking.id if booking else None, priority=priority, suggested_reply=reply)


def record(session: Session, message: InboxMessage, kind: str, fields: ConfirmationFields) -> MatchResult:
    """The confirmation row for `message` and the tasks it needs, added to the session (not
    committed). Called once per message: the caller checks that none exists yet."""
    if kind not in KINDS:
        raise ValueError(f"not a confirmation kind: {kind!r}")
    booking = None
    if fields.booking_ref:
        booking = session.scalar(select(Booking).where(Booking.booking_ref == fields.booking_ref,
                                                       Booking.deleted_at.is_(None)))
    customer = session.get(Customer, booking.customer_id) if booking else None
    mismatches = compare(booking, customer, fields) if booking is not None and kind != "cancellation" else []
    row = InboxConfirmation(
        message_id=message.id, kind=kind, booking_ref=fields.booking_ref, booking_id=booking.id if booking else None,
        supplier_id=message.supplier_id, supplier_reference=fields.confirmation_number,
        start_date=fields.start_date, end_date=fields.end_date, guests=fields.guests,
        guest_name=fields.guest_name, room_type=fields.room_type,
        matched=booking is not None and not mismatches, mismatches=json.dumps(mismatches),
    )
    session.add(row)
    result = MatchResult(row, booking, mismatches)
    what = kind.replace("_", " ")
    if booking is None:
        seen = fields.booking_ref or "no booking reference"
        result.tasks.append(_task(message, "unmatched_booking", f"{what.capitalize()} for {seen}: no such booking",
                                  {"fields": fields.as_json()}, priority=2))
    elif mismatches:
        result.tasks.append(_task(
            message, "booking_mismatch",
            f"{what.capitalize()} for {booking.booking_ref} differs: " + ", ".join(m["field"] for m in mismatches),
            {"fields": fields.as_json(), "mismatches": mismatches}, booking=booking, priority=1,
            reply=_reply(fields, mismatches)))
    if booking is not None and kind == "cancellation" and booking.status in LIVE:
        result.tasks.append(_task(message, "review_cancellation",
                                  f"Supplier cancelled a service of live booking {booking.booking_ref}",
                                  {"fields": fields.as_json(), "booking_status": booking.status},
                                  booking=booking, priority=1))
    if booking is not None:
        message.booking_id = booking.id
    session.add_all(result.tasks)
    return result
