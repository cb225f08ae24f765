"""`tourstack booking create|update|cancel`: the booking service from the shell, as staff.

The same service and rules as the API (tourstack.bookings): each change is one transaction with
its announcement, so Slack, Teams, the calendars and the customer's invite hear of it. A refusal
(an unknown quote, dates in the past, a cancelled booking) prints the reason and exits 2.
"""

from __future__ import annotations

import datetime as dt

import typer
from rich.console import Console

booking_app = typer.Typer(help="Bookings: book a quote, change a booking, cancel it.", no_args_is_help=True)
console = Console()
err_console = Console(stderr=True)
USAGE_ERROR = 2


def _date(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        err_console.print(f"not a date (YYYY-MM-DD): {value}")
        raise typer.Exit(USAGE_ERROR) from None


def _run(database_url: str | None, work) -> None:
    from tourstack.bookings import BookingError
    from tourstack.db.engine import make_engine, make_sessionmaker
    from tourstack.settings import get_settings

    engine = make_engine(database_url or get_settings().operational_url)
    try:
        with make_sessionmaker(engine)() as session:
            try:
                line = work(session)
            except BookingError as exc:
                session.rollback()
                err_console.print(f"refused: {exc}")
                raise typer.Exit(USAGE_ERROR) from None
            session.commit()
            console.print(line, highlight=False)
    finally:
        engine.dispose()


@booking_app.command()
def create(quote_id: int = typer.Option(..., min=1, max=2**31 - 1, help="the quote to book"),
           customer_id: int | None = typer.Option(None, min=1, max=2**31 - 1),
           start: str | None = typer.Option(None, help="travel start, YYYY-MM-DD (default: the request's)"),
           end: str | None = typer.Option(None, help="travel end, YYYY-MM-DD"),
           travellers: int | None = typer.Option(None, min=1, max=99),
           database_url: str | None = typer.Option(None, help="defaults to the operational DB")) -> None:
    """Book a quote at its price."""
    from tourstack.bookings import NewBooking, create_booking

    data = NewBooking(quote_id=quote_id, customer_id=customer_id, travel_start=_date(start), travel_end=_date(end),
                      travellers=travellers)
    _run(database_url, lambda s: f"booked {create_booking(s, data, agency_id=None).booking.booking_ref}")


@booking_app.command()
def update(booking_ref: str, start: str | None = typer.Option(None), end: str | None = typer.Option(None),
           travellers: int | None = typer.Option(None, min=1, max=99), email: str | None = typer.Option(None),
           phone: str | None = typer.Option(None),
           database_url: str | None = typer.Option(None, help="defaults to the operational DB")) -> None:
    """Change the trip's dates, travellers or the customer's contacts."""
    from tourstack.bookings import BookingChange, update_booking

    change = BookingChange(travel_start=_date(start), travel_end=_date(end), travellers=travellers,
                           customer_email=email, customer_phone=phone)

    def work(session) -> str:
        result = update_booking(session, booking_ref, change, agency_id=None)
        return f"{'changed' if result.changed else 'unchanged'} {booking_ref}"

    _run(database_url, work)


@booking_app.command()
def cancel(booking_ref: str, reason: str = typer.Option(..., help="why (kept on the booking)"),
           database_url: str | None = typer.Option(None, help="defaults to the operational DB")) -> None:
    """Cancel; money received is refunded through the refunds flow, not here."""
    from tourstack.bookings import cancel_booking
    from tourstack.money import from_minor

    def work(session) -> str:
        result = cancel_booking(session, booking_ref, reason, agency_id=None)
        received = from_minor(result.received_minor, result.booking.currency)
        return f"cancelled {booking_ref}; received {received} {result.booking.currency} (refund via the refunds flow)"

    _run(database_url, work)


def register(app: typer.Typer) -> None:
    app.add_typer(booking_app, name="booking")
