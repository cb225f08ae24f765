"""`tourstack booking create|update|cancel` through Typer's CliRunner on a migrated SQLite file."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from typer.testing import CliRunner

from cli import app
from tests import factories as f
from tourstack.db.models import Booking

runner = CliRunner()


def test_create_update_cancel_and_a_refusal(db_url, session):
    agent = f.make_agent(session)
    customer = f.make_customer(session, session.get(f.Agency, agent.agency_id))
    start = dt.date.today() + dt.timedelta(days=20)
    quote = f.make_quote(session, f.make_quote_request(session, agent, customer=customer, travel_start=start,
                                                       travel_end=start + dt.timedelta(days=3)),
                         valid_until=start)
    session.commit()
    made = runner.invoke(app, ["booking", "create", "--quote-id", str(quote.id), "--database-url", db_url])
    assert made.exit_code == 0, made.output
    ref = made.output.split()[-1]
    moved = runner.invoke(app, ["booking", "update", ref, "--travellers", "3", "--database-url", db_url])
    assert moved.exit_code == 0 and f"changed {ref}" in moved.output
    gone = runner.invoke(app, ["booking", "cancel", ref, "--reason", "plans changed", "--database-url", db_url])
    assert gone.exit_code == 0 and "received 0.00 INR" in gone.output
    again = runner.invoke(app, ["booking", "cancel", ref, "--reason", "again", "--database-url", db_url])
    assert again.exit_code == 2 and "cancelled" in again.output
    past = runner.invoke(app, ["booking", "update", ref, "--start", "2020-01-01", "--database-url", db_url])
    assert past.exit_code == 2
    session.expire_all()
    booking = session.scalar(select(Booking).where(Booking.booking_ref == ref))
    assert (booking.status, booking.travellers, booking.cancellation_reason) == ("cancelled", 3, "plans changed")
