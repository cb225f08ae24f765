"""The Dagster dispatch job delivers what is due through the configured transports and reports
the queue by status, dead letters included."""

from __future__ import annotations

from tourstack.db.engine import make_engine, make_sessionmaker
from tourstack.messaging import enqueue


def test_the_job_sends_due_messages_to_files_and_reports_counts(db_url, tmp_path, monkeypatch):
    from orchestration.defs.messaging.dispatch import outbox_dispatch_job
    from orchestration.defs.resources import OperationalDatabase
    from orchestration.defs.services import settings_backed_resources
    from tourstack.settings import get_settings

    engine = make_engine(db_url)
    with make_sessionmaker(engine)() as s:
        enqueue(s, event_type="digest.daily", event_key="2026-12-07", channel="slack", recipient="#management",
                payload={"revenue": "1.00"})
        s.commit()
    engine.dispose()
    monkeypatch.setenv("TOURSTACK_HOME", str(tmp_path / "home"))
    get_settings.cache_clear()
    try:
        result = outbox_dispatch_job.execute_in_process(
            resources={"operational_db": OperationalDatabase(url=db_url), **settings_backed_resources()})
    finally:
        get_settings.cache_clear()
    assert result.success
    assert result.output_for_node("outbox_dispatch") == {
        "pending": 0, "sending": 0, "sent": 1, "delivered": 0, "read": 0, "failed": 0, "dead": 0}
    [written] = (tmp_path / "home" / "outbox" / "slack").glob("*.json")
    assert "2026-12-07" in written.name


def test_the_calendar_check_fails_for_a_live_booking_without_its_event(db_url, monkeypatch):
    import datetime as dt

    from dagster import build_asset_check_context

    from orchestration.defs.messaging.calendar_check import one_calendar_event_per_live_booking
    from orchestration.defs.resources import OperationalDatabase
    from tests import factories as f
    from tourstack.db.models import CalendarEvent
    from tourstack.settings import get_settings

    engine = make_engine(db_url)
    future = dt.date.today() + dt.timedelta(days=30)
    with make_sessionmaker(engine)() as s:
        covered = f.make_booking(s, travel_start=future, travel_end=future + dt.timedelta(days=3))
        bare = f.make_booking(s, travel_start=future, travel_end=future + dt.timedelta(days=3))
        f.make_booking(s, status="cancelled", travel_start=future, travel_end=future)
        s.add(CalendarEvent(booking_id=covered.id, calendar="operations", provider="google", provider_event_id="e1",
                            etag='"1"', uid="u1", sequence=0, status="confirmed"))
        s.commit()
        bare_ref = bare.booking_ref
    engine.dispose()
    db = OperationalDatabase(url=db_url)
    monkeypatch.setenv("TOURSTACK_GOOGLE_CALENDAR_IDS", '{"operations": "ops@group.calendar.google.com"}')
    get_settings.cache_clear()
    try:
        result = one_calendar_event_per_live_booking(build_asset_check_context(), operational_db=db)
        monkeypatch.delenv("TOURSTACK_GOOGLE_CALENDAR_IDS")
        get_settings.cache_clear()
        unconnected = one_calendar_event_per_live_booking(build_asset_check_context(), operational_db=db)
    finally:
        get_settings.cache_clear()
    assert not result.passed
    assert result.metadata["missing"].value == 1
    assert result.metadata["first_missing"].value == f"{bare_ref}@operations"
    assert unconnected.passed


def test_the_calendar_check_covers_connected_outlook_mailboxes(db_url, monkeypatch):
    import datetime as dt

    from dagster import build_asset_check_context

    from orchestration.defs.messaging.calendar_check import one_calendar_event_per_live_booking
    from orchestration.defs.resources import OperationalDatabase
    from tests import factories as f
    from tourstack.db.models import CalendarEvent
    from tourstack.settings import get_settings

    engine = make_engine(db_url)
    future = dt.date.today() + dt.timedelta(days=30)
    with make_sessionmaker(engine)() as s:
        booking = f.make_booking(s, travel_start=future, travel_end=future + dt.timedelta(days=3))
        s.add(CalendarEvent(booking_id=booking.id, calendar="operations", provider="google", provider_event_id="e1",
                            etag='"1"', uid="u1", sequence=0, status="confirmed"))
        s.commit()
        ref = booking.booking_ref
    engine.dispose()
    db = OperationalDatabase(url=db_url)
    monkeypatch.setenv("TOURSTACK_GOOGLE_CALENDAR_IDS", '{"operations": "ops@group.calendar.google.com"}')
    for name, value in (("TENANT_ID", "t"), ("CLIENT_ID", "c"), ("CLIENT_SECRET", "s"),
                        ("CALENDAR_USERS", '{"operations": "ops@contoso.example"}')):
        monkeypatch.setenv(f"TOURSTACK_GRAPH_{name}", value)
    get_settings.cache_clear()
    try:
        missing_outlook = one_calendar_event_per_live_booking(build_asset_check_context(), operational_db=db)
        with make_sessionmaker(make_engine(db_url))() as s:
            s.add(CalendarEvent(booking_id=booking.id, calendar="outlook:operations", provider="outlook",
                                provider_event_id="AAMk1", etag='W/"1"', uid="u1", sequence=0, status="confirmed"))
            s.commit()
        covered = one_calendar_event_per_live_booking(build_asset_check_context(), operational_db=db)
    finally:
        get_settings.cache_clear()
    assert not missing_outlook.passed
    assert missing_outlook.metadata["first_missing"].value == f"{ref}@outlook:operations"
    assert covered.passed and covered.metadata["calendars"].value == "operations, outlook:operations"


def test_the_digest_job_announces_the_day_once(db_url, tmp_path, monkeypatch):
    import json

    from sqlalchemy import select

    from orchestration.defs.messaging import digest
    from orchestration.defs.resources import OperationalDatabase
    from orchestration.defs.services import settings_backed_resources
    from tourstack.db.models import OutboxMessage
    from tourstack.settings import get_settings

    asked = []
    monkeypatch.setattr(digest, "day_metrics", lambda day: asked.append(day) or {
        "revenue": 245000, "bookings": 3, "cash_received": 120000, "cancelled_bookings": 1})
    monkeypatch.setenv("TOURSTACK_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("TOURSTACK_EXEC_REPORT_RECIPIENTS", '["ceo@tourstack.example"]')
    get_settings.cache_clear()
    run_config = {"ops": {"daily_digest": {"config": {"day": "2026-12-06"}}}}
    try:
        for _ in range(2):  # a re-run of the same morning writes nothing new
            result = digest.daily_digest_job.execute_in_process(run_config=run_config, resources={
                "operational_db": OperationalDatabase(url=db_url), **settings_backed_resources()})
            assert result.success
    finally:
        get_settings.cache_clear()
    assert result.output_for_node("daily_digest") == {"day": "2026-12-06", "queued": 0, "duplicates": 2}
    engine = make_engine(db_url)
    with make_sessionmaker(engine)() as s:
        rows = s.scalars(select(OutboxMessage).where(OutboxMessage.event_type == "digest.daily")).all()
    engine.dispose()
    assert sorted((r.channel, r.recipient) for r in rows) == [("email", "ceo@tourstack.example"),
                                                              ("slack", "#management")]
    facts = json.loads(rows[0].payload)["facts"]
    assert (facts["bookings"], facts["cancelled_bookings"], facts["dead_messages"]) == (3, 1, 0)
    assert [d.isoformat() for d in asked] == ["2026-12-06", "2026-12-06"]
