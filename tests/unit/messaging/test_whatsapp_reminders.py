"""Customer reminders: an overdue invoice once per AR ageing bucket, trips 7 days and 1 day ahead,
each to the customer's WhatsApp only with a current opt-in."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from tests import factories as f
from tourstack.db.models import Invoice, OutboxMessage
from tourstack.messaging.reminders import announce_payment_reminders, announce_trip_reminders
from tourstack.messaging.whatsapp.consent import record_opt_in

TODAY = dt.date(2026, 12, 8)


def whatsapp_rows(session) -> list[OutboxMessage]:
    return list(session.scalars(select(OutboxMessage).where(OutboxMessage.channel == "whatsapp")
                                .order_by(OutboxMessage.id)))


def test_trip_reminders_go_a_week_and_a_day_ahead_only_to_opted_in_numbers(session):
    consenting = f.make_customer(session, phone="98123 45678", first_name="Asha", last_name="Rao")
    silent = f.make_customer(session, phone="+91 98765 43210")
    record_opt_in(session, "+919812345678", source="booking_form")
    week = f.make_booking(session, customer=consenting, travel_start=TODAY + dt.timedelta(days=7))
    tomorrow = f.make_booking(session, customer=consenting, travel_start=TODAY + dt.timedelta(days=1))
    f.make_booking(session, customer=consenting, travel_start=TODAY + dt.timedelta(days=3))
    f.make_booking(session, customer=consenting, travel_start=TODAY + dt.timedelta(days=1), status="cancelled")
    f.make_booking(session, customer=silent, travel_start=TODAY + dt.timedelta(days=7))
    assert announce_trip_reminders(session, TODAY) == 2
    assert announce_trip_reminders(session, TODAY) == 0  # a second run the same day writes nothing
    rows = whatsapp_rows(session)
    assert [(r.event_type, r.event_key, r.recipient) for r in rows] == [
        ("trip.reminder_7d", f"{week.booking_ref}:7d", "+919812345678"),
        ("trip.reminder_1d", f"{tomorrow.booking_ref}:1d", "+919812345678")]
    assert '"customer": "Asha Rao"' in rows[0].payload


def test_an_overdue_receivable_is_reminded_once_per_ageing_bucket(session):
    customer = f.make_customer(session, phone="+919812345678")
    record_opt_in(session, "+919812345678", source="booking_form")
    booking = f.make_booking(session, customer=customer)
    session.add(Invoice(invoice_number="INV-2026-0042", series="INV", fiscal_year=2026, booking_id=booking.id,
                        agency_id=booking.agency_id, currency="INR", subtotal_minor=50_000_00, tax_minor=0,
                        total_minor=50_000_00, status="issued", kind="invoice", issued_on=dt.date(2026, 11, 1),
                        due_on=dt.date(2026, 11, 20)))
    session.flush()
    assert announce_payment_reminders(session, TODAY) == 1
    assert announce_payment_reminders(session, TODAY + dt.timedelta(days=2)) == 0  # still 1-30 days
    assert announce_payment_reminders(session, dt.date(2026, 12, 25)) == 1  # now 31-60 days
    first, second = whatsapp_rows(session)
    assert (first.event_key, second.event_key) == ("INV-2026-0042:days_1_30", "INV-2026-0042:days_31_60")
    assert '"amount_due": "50000.00"' in first.payload and '"due_on": "2026-11-20"' in first.payload


def test_the_daily_job_queues_the_days_reminders_once(db_url, tmp_path, monkeypatch):
    from orchestration.defs.messaging.reminders import customer_reminders_job
    from orchestration.defs.resources import OperationalDatabase
    from orchestration.defs.services import settings_backed_resources
    from tourstack.db.engine import make_engine, make_sessionmaker
    from tourstack.settings import get_settings

    engine = make_engine(db_url)
    with make_sessionmaker(engine)() as s:
        customer = f.make_customer(s, phone="+919812345678")
        record_opt_in(s, "+919812345678", source="booking_form")
        f.make_booking(s, customer=customer, travel_start=TODAY + dt.timedelta(days=1))
        s.commit()
    monkeypatch.setenv("TOURSTACK_HOME", str(tmp_path / "home"))
    get_settings.cache_clear()
    try:
        run = {"ops": {"customer_reminders": {"config": {"day": TODAY.isoformat()}}}}
        resources = {"operational_db": OperationalDatabase(url=db_url), **settings_backed_resources()}
        first = customer_reminders_job.execute_in_process(run_config=run, resources=resources)
        second = customer_reminders_job.execute_in_process(run_config=run, resources=resources)
    finally:
        get_settings.cache_clear()
    assert first.output_for_node("customer_reminders")["trip_reminders"] == 1
    assert second.output_for_node("customer_reminders")["trip_reminders"] == 0
    with make_sessionmaker(engine)() as s:
        assert [r.event_type for r in whatsapp_rows(s)] == ["trip.reminder_1d"]
    engine.dispose()
