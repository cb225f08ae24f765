"""Turning an open quote request into a sent quote."""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal, InvalidOperation

from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tourstack.db.models import Quote, QuoteRequest
from tourstack.messaging.events import announce_quote
from tourstack.money import CurrencyError, exponent, to_minor, validate_currency
from tourstack.sales.errors import (
    CurrencyMismatch,
    InvalidAmount,
    InvalidCurrency,
    InvalidValidity,
    QuoteRequestNotFound,
    QuoteRequestNotOpen,
    WrongAgency,
)

QUOTE_NUMBER_DIGITS = 6
# Amounts above this many major units are certainly typing errors (and near BIGINT range).
MAX_MAJOR_UNITS = Decimal(10) ** 12
_NUMBER_ATTEMPTS = 5


def quote_number_prefix(year: int) -> str:
    return f"Q-{year}-"


def next_quote_number(session: Session, year: int) -> str:
    """The next free `Q-YYYY-NNNNNN`: one more than the highest of that year."""
    prefix = quote_number_prefix(year)
    highest = session.scalar(
        select(func.max(Quote.quote_number)).where(Quote.quote_number.like(f"{prefix}%"))
    )
    sequence = 0
    if highest is not None:
        try:
            sequence = int(highest[len(prefix):])
        except ValueError:
            sequence = session.scalar(
                select(func.count()).select_from(Quote).where(Quote.quote_number.like(f"{prefix}%"))
            ) or 0
    return f"{prefix}{sequence + 1:0{QUOTE_NUMBER_DIGITS}d}"


def _parse_amount(label: str, value: Decimal | str | int, currency: str, *, allow_zero: bool) -> int:
    if isinstance(value, float):
        raise InvalidAmount(f"{label} must be a decimal string, not a float")
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError) as exc:
        raise InvalidAmount(f"{label} is not a decimal amount") from exc
    if not amount.is_finite():
        raise InvalidAmount(f"{label} is not a finite amount")
    if amount < 0 or (amount == 0 and not allow_zero):
        raise InvalidAmount(f"{label} must be {'zero or ' if allow_zero else ''}positive")
    if amount >= MAX_MAJOR_UNITS:
        raise InvalidAmount(f"{label} is too large")
    places = exponent(currency)
    if amount != amount.quantize(Decimal(1).scaleb(-places)):
        raise InvalidAmount(f"{label} has more than {places} decimal places for {currency}")
    return to_minor(amount, currency)


def create_quote(
    session: Session,
    quote_request_id: int,
    *,
    agency_id: int | None,
    total: Decimal | str,
    cost: Decimal | str,
    currency: str,
    valid_until: dt.date,
    prepared_by_staff_id: int | None = None,
    now: dt.datetime | None = None,
) -> Quote:
    """Price an open quote request: adds a `sent` quote and marks the request `quoted`.

    `agency_id` is the caller's scope: an agent's agency, or None for staff. Amounts are decimal
    (strings or Decimal) in major units of `currency`, which must be the request's currency.
    The session is flushed, not committed.

    Raises QuoteRequestNotFound, WrongAgency, QuoteRequestNotOpen, InvalidCurrency,
    CurrencyMismatch, InvalidAmount or InvalidValidity.
    """
    now = now or dt.datetime.now(dt.UTC)
    try:
        currency = validate_currency(currency)
    except CurrencyError as exc:
        raise InvalidCurrency(str(exc)) from exc
    total_minor = _parse_amount("total", total, currency, allow_zero=False)
    cost_minor = _parse_amount("cost", cost, currency, allow_zero=True)
    if valid_until < now.date():
        raise InvalidValidity("valid_until is in the past")

    request = session.scalar(
        select(QuoteRequest)
        .where(QuoteRequest.id == quote_request_id, QuoteRequest.deleted_at.is_(None))
        .with_for_update()  # serialises two quotes for one request on PostgreSQL
    )
    if request is None:
        raise QuoteRequestNotFound(f"quote request {quote_request_id} not found")
    if agency_id is not None and request.agency_id != agency_id:
        raise WrongAgency(f"quote request {quote_request_id} belongs to another agency")
    if request.status != "open":
        raise QuoteRequestNotOpen(f"quote request {quote_request_id} is {request.status}, not open")
    if currency != request.currency:
        raise CurrencyMismatch(
            f"quote currency {currency} differs from the request's currency {request.currency}"
        )

    quote = Quote(
        quote_request_id=request.id,
        agency_id=request.agency_id,
        agent_id=request.agent_id,
        prepared_by_staff_id=prepared_by_staff_id,
        requested_at=request.requested_at,
        sent_at=now,
        valid_until=valid_until,
        currency=currency,
        total_minor=total_minor,
        cost_minor=cost_minor,
        status="sent",
    )
    _insert_numbered(session, quote, now.year)
    request.status = "quoted"
    session.flush()
    announce_quote(session, quote)  # in this transaction: the message exists iff the quote does
    return quote


def _insert_numbered(session: Session, quote: Quote, year: int) -> None:
    """Insert with the next quote number.

    On PostgreSQL the year's numbering is serialised by a transaction-scoped advisory lock, taken
    before the highest number is read and held until the quote's transaction ends: without it,
    concurrent writers read the same highest number and all but one collide on the unique index,
    and under a burst (dozens of agents pricing at once, measured in bench/load.py) some ran out
    of retries. The savepoint retry stays as the guard the unique index backs. SQLite allows one
    writer at a time, so the number read cannot be taken in between.
    """
    if session.get_bind().dialect.name == "sqlite":
        quote.quote_number = next_quote_number(session, year)
        session.add(quote)
        session.flush()
        return
    lock_key = int.from_bytes(hashlib.sha256(f"quote-number:{year}".encode()).digest()[:8], "big", signed=True)
    session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": lock_key})
    for attempt in range(_NUMBER_ATTEMPTS):
        quote.quote_number = next_quote_number(session, year)
        try:
            with session.begin_nested():
                session.add(quote)
        except IntegrityError:
            if attempt == _NUMBER_ATTEMPTS - 1:
                raise
            continue
        return
