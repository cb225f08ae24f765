"""The Slack slash command `/tourstack`: who may ask (Slack's signature), and the answers.

Why verify before reading anything: the endpoint is public (Slack cannot send an API key); only
a request signed with the app's signing secret (v0: HMAC-SHA256 of `v0:{timestamp}:{body}`),
no older than five minutes (a replayed capture is refused), is from Slack. Verification uses
`slack_sdk`'s own verifier; nothing is stored or looked up before it passes.

Answers are ephemeral (only the asker sees them) Block Kit JSON, built here so the API route
stays thin: `booking BK...` (status, dates, amounts, balance), `kpi today` (the metrics layer's
numbers, passed in by the caller), and a usage text for anything else.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from slack_sdk.signature import SignatureVerifier
from sqlalchemy import select
from sqlalchemy.orm import Session

from tourstack.db.models import Booking, Customer, Destination
from tourstack.money import from_minor

MAX_AGE_S = 5 * 60
USAGE = ("Usage: `/tourstack booking BK…` (status, dates, amounts, balance) · "
         "`/tourstack kpi today` (today's revenue, bookings, cash received, cancellations)")
KPI_METRICS = ("revenue", "bookings", "cash_received", "cancelled_bookings")
KPI_LABELS = {"revenue": "Revenue (INR)", "bookings": "Bookings", "cash_received": "Cash received (INR)",
              "cancelled_bookings": "Cancellations"}


class _Clock:
    def __init__(self, now: float | None) -> None:
        self._now = now

    def now(self) -> float:
        return self._now if self._now is not None else time.time()


def signature_valid(secret: str, body: bytes, timestamp: str | None, signature: str | None, *,
                    now: float | None = None) -> bool:
    """True only for a v0 signature of this body by `secret`, at most five minutes old."""
    if not timestamp or not signature or not timestamp.strip().isdigit():
        return False
    if abs((now if now is not None else time.time()) - int(timestamp)) > MAX_AGE_S:
        return False
    return SignatureVerifier(secret, clock=_Clock(now)).is_valid(body=body, timestamp=timestamp, signature=signature)


@dataclass(frozen=True)
class Command:
    name: str  # "booking", "kpi" or "" (usage)
    argument: str


def parse(text: str) -> Command:
    words = (text or "").split()
    if len(words) == 2 and words[0].lower() == "booking":
        return Command("booking", words[1].upper())
    if len(words) == 2 and words[0].lower() == "kpi" and words[1].lower() == "today":
        return Command("kpi", "today")
    return Command("", text or "")


def ephemeral(text: str, fields: list[tuple[str, str]] | None = None) -> dict[str, Any]:
    blocks: list[dict[str, Any]] = [{"type": "section", "text": {"type": "mrkdwn", "text": text[:3000]}}]
    if fields:
        blocks.append({"type": "section", "fields": [{"type": "mrkdwn", "text": f"*{label}*\n{value}"[:2000]}
                                                     for label, value in fields[:10]]})
    return {"response_type": "ephemeral", "text": text[:3000], "blocks": blocks}


def usage(what: str = "") -> dict[str, Any]:
    said = f"I don't know `{what.strip()[:80]}`. " if what.strip() else ""
    return ephemeral(f"{said}{USAGE}")


def booking_answer(session: Session, ref: str) -> dict[str, Any]:
    from tourstack.payments.plans import received_minor

    booking = session.scalar(select(Booking).where(Booking.booking_ref == ref, Booking.deleted_at.is_(None)))
    if booking is None:
        return ephemeral(f"No booking `{ref[:40]}`. {USAGE}")
    customer = session.get(Customer, booking.customer_id)
    destination = session.get(Destination, booking.destination_id)
    received = received_minor(session, booking)

    def money(minor: int) -> str:
        return f"{booking.currency} {from_minor(minor, booking.currency):,}"

    return ephemeral(
        f"*Booking {booking.booking_ref}* · {destination.name if destination else ''} · "
        f"{customer.first_name + ' ' + customer.last_name if customer else ''}",
        [("Status", booking.status), ("Travel", f"{booking.travel_start:%d %b %Y} – {booking.travel_end:%d %b %Y}"),
         ("Travellers", str(booking.travellers)), ("Total", money(booking.total_sell_minor)),
         ("Received", money(received)), ("Balance", money(booking.total_sell_minor - received))])


def _number(value: Any) -> str:
    if value is None:
        return "0"
    if isinstance(value, (int,)) or (isinstance(value, Decimal) and value == value.to_integral_value()):
        return f"{int(value):,}"
    return f"{Decimal(str(value)).quantize(Decimal('0.01')):,}"


def kpi_answer(day: dt.date, values: Mapping[str, Any]) -> dict[str, Any]:
    """The day's numbers (as the metrics layer answered them) as an ephemeral message."""
    return ephemeral(f"*KPIs for {day:%d %b %Y}* (bookings on their booked date, from the warehouse)",
                     [(KPI_LABELS[m], _number(values.get(m))) for m in KPI_METRICS])


def day_metrics(run: Callable[[Any], Any], day: dt.date, metrics: tuple[str, ...] = KPI_METRICS) -> dict[str, Any]:
    """One day's numbers from the semantic layer: `run` executes a MetricQuery on the warehouse
    (the report builder's `ReportSource.run`), so the numbers are the dashboards' own. A day
    without rows has no numbers (an empty dict: the answers show zeros)."""
    from tourstack.metrics import MetricQuery

    result = run(MetricQuery(metrics=list(metrics), group_by=["metric_time"], grain="day", start=day, end=day))
    rows = [dict(zip(result.columns, row, strict=True)) for row in result.rows]
    return rows[0] if rows else {}
