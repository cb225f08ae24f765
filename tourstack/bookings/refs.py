"""New booking references: `TB` and seven base-34 characters, like the demo's, drawn at random.

Why random and not the next number: two creations at once would read the same highest number;
a random reference of 34**7 (about 5e10) values collides almost never, and the unique
constraint catches the rare collision, retried in a savepoint.
"""

from __future__ import annotations

import secrets

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tourstack.db.models import Booking

ALPHABET = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # 34: no I or O, which read as 1 and 0
_ATTEMPTS = 5


def new_booking_ref() -> str:
    return "TB" + "".join(secrets.choice(ALPHABET) for _ in range(7))


def insert_with_ref(session: Session, booking: Booking) -> None:
    """Add the booking under a fresh reference; a taken one is drawn again."""
    if session.get_bind().dialect.name == "sqlite":  # one writer at a time: no savepoint needed
        booking.booking_ref = new_booking_ref()
        session.add(booking)
        session.flush()
        return
    for attempt in range(_ATTEMPTS):
        booking.booking_ref = new_booking_ref()
        try:
            with session.begin_nested():
                session.add(booking)
                session.flush()
        except IntegrityError:
            if attempt == _ATTEMPTS - 1:
                raise
            continue
        return
