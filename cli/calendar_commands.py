"""`tourstack calendar ics BOOKING_REF --out FILE.ics`: the customer's invite of one booking.

The invite is METHOD:REQUEST (METHOD:CANCEL for a cancelled booking) with the booking's stable
UID; its SEQUENCE grows by one each time the trip changed since the last invite written, so a
mail client updates the entry it has (tourstack.messaging.invites).
"""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape

calendar_app = typer.Typer(help="Calendar events and invites of bookings.", no_args_is_help=True)
console = Console()
err_console = Console(stderr=True)


@calendar_app.command()
def ics(booking_ref: str = typer.Argument(..., help="the booking reference"),
        out: Path = typer.Option(..., "--out", help="the .ics file to write"),
        database_url: str | None = typer.Option(None, help="defaults to the operational DB")) -> None:
    """Write the booking's ICS invite (REQUEST, or CANCEL when cancelled)."""
    from tourstack.db.engine import make_engine, make_sessionmaker
    from tourstack.messaging.invites import customer_invite
    from tourstack.messaging.trip_calendar import BookingNotFound, booking_by_ref
    from tourstack.settings import get_settings

    settings = get_settings()
    engine = make_engine(database_url or settings.operational_url)
    try:
        with make_sessionmaker(engine)() as session:
            try:
                booking = booking_by_ref(session, booking_ref)
            except BookingNotFound:
                err_console.print(f"no booking {escape(booking_ref)!r}", highlight=False)
                raise typer.Exit(1) from None
            invite, sequence = customer_invite(session, booking, public_url=settings.public_url)
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(invite)
            session.commit()
    finally:
        engine.dispose()
    method = "CANCEL" if booking.status == "cancelled" else "REQUEST"
    console.print(f"wrote {escape(str(out))}: {method}, sequence {sequence}", highlight=False)


def register(app: typer.Typer) -> None:
    app.add_typer(calendar_app, name="calendar")
