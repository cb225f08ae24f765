"""The outbox on SQLite: routing rules, idempotent writes, dispatch, retries, dead letters,
pacing and provider reports."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from tourstack.db.models import OutboxMessage
from tourstack.messaging import (
    DeliveryError,
    Event,
    FileTransport,
    InvalidMessage,
    NotReplayable,
    dispatch_due,
    enqueue,
    record_status,
    replay,
    route_event,
    shipped_config,
    status_counts,
)
from tourstack.messaging.whatsapp.consent import record_opt_in

CONFIG = shipped_config()
DAY = dt.datetime(2026, 12, 7, 6, 0, tzinfo=dt.UTC)  # 11:30 in Kolkata: outside quiet hours


class Clock:
    """Dispatch time under the test's control, starting just after the rows were written."""

    def __init__(self) -> None:
        self.start = self.now = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1)

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += dt.timedelta(seconds=seconds)


class Recording:
    """A transport that records sends and fails on demand."""

    def __init__(self, failures: list[DeliveryError] | None = None) -> None:
        self.sent: list = []
        self.failures = list(failures or [])

    def send(self, message):
        if self.failures:
            raise self.failures.pop(0)
        self.sent.append(message)
        return f"p-{message.id}"


@pytest.fixture
def sessions(session: Session) -> sessionmaker:
    return sessionmaker(session.get_bind(), expire_on_commit=False)


@pytest.fixture(autouse=True)
def consenting_customer(session: Session) -> None:
    """The customer's number has a current WhatsApp opt-in (without one the route is skipped:
    tests/integration/messaging/test_whatsapp_cloud_api.py)."""
    record_opt_in(session, "+919800000001", source="test")
    session.commit()


def booking_event(**kw) -> Event:
    base = dict(type="booking.created", key="BK-000123", facts={"booking_ref": "BK-000123", "total": Decimal("1250.50")},
                recipients={"customer_whatsapp": "+919800000001"}, thread="BK-000123", at=DAY)
    base.update(kw)
    return Event(**base)


def count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(OutboxMessage))


def test_a_booking_goes_to_every_route_once_even_when_announced_twice(session):
    first = route_event(session, booking_event(), CONFIG)
    again = route_event(session, booking_event(), CONFIG)
    session.commit()
    assert sorted(m.channel for m in first.queued) == ["calendar", "slack", "teams", "whatsapp"]
    assert again.queued == () and again.duplicates == 4
    assert count(session) == 4
    payload = json.loads(first.queued[0].payload)
    assert payload["facts"]["total"] == "1250.50" and payload["thread"] == "BK-000123"


def test_rows_roll_back_with_the_event(session):
    route_event(session, booking_event(), CONFIG)
    session.rollback()
    assert count(session) == 0


def test_high_value_threshold_decides_whether_a_quote_is_announced(session):
    small = route_event(session, Event(type="quote.created", key="Q-1", amount_inr=Decimal("499999.99"), at=DAY), CONFIG)
    big = route_event(session, Event(type="quote.created", key="Q-2", amount_inr=Decimal("500000.00"), at=DAY), CONFIG)
    assert small.queued == () and small.skipped[0].reason == "below high_value_quote_inr"
    assert [m.recipient for m in big.queued] == ["#sales"]


def test_a_route_to_a_recipient_the_event_does_not_name_is_skipped(session):
    routed = route_event(session, booking_event(recipients={}), CONFIG)
    assert "whatsapp" not in {m.channel for m in routed.queued}
    assert any(s.channel == "whatsapp" and "no such recipient" in s.reason for s in routed.skipped)


def test_quiet_hours_hold_a_customer_message_until_morning_in_their_zone(session):
    late = dt.datetime(2026, 12, 7, 17, 0, tzinfo=dt.UTC)  # 22:30 in Kolkata
    routed = route_event(session, booking_event(at=late), CONFIG)
    whatsapp = next(m for m in routed.queued if m.channel == "whatsapp")
    slack = next(m for m in routed.queued if m.channel == "slack")
    assert whatsapp.next_attempt_at == dt.datetime(2026, 12, 8, 2, 30, tzinfo=dt.UTC)  # 08:00 IST
    assert slack.next_attempt_at <= dt.datetime.now(dt.UTC)


def test_unknown_channel_and_blank_recipient_are_refused(session):
    with pytest.raises(InvalidMessage):
        enqueue(session, event_type="x", event_key="k", channel="fax", recipient="1", payload={})
    with pytest.raises(InvalidMessage):
        enqueue(session, event_type="x", event_key="k", channel="slack", recipient=" ", payload={})


def test_dispatch_writes_files_and_records_the_provider_id(session, sessions, tmp_path):
    route_event(session, booking_event(), CONFIG)
    session.commit()
    transport = FileTransport(tmp_path)
    report = dispatch_due(sessions, {c: transport for c in ("slack", "teams", "calendar", "whatsapp")}, CONFIG)
    assert (report.claimed, report.sent) == (4, 4)
    files = sorted(p.relative_to(tmp_path).parts[0] for p in tmp_path.rglob("*.json"))
    assert files == ["calendar", "slack", "teams", "whatsapp"]
    rows = session.scalars(select(OutboxMessage).execution_options(populate_existing=True)).all()
    assert {r.status for r in rows} == {"sent"} and all(r.provider_message_id.startswith("file:") for r in rows)
    assert dispatch_due(sessions, {"slack": transport}, CONFIG).claimed == 0  # nothing twice


def test_a_channel_without_transport_waits_instead_of_failing(session, sessions):
    route_event(session, booking_event(), CONFIG)
    session.commit()
    report = dispatch_due(sessions, {"slack": Recording()}, CONFIG)
    assert report.claimed == 1
    assert status_counts(session)["pending"] == 3


def test_temporary_failures_back_off_then_go_dead_and_can_be_replayed(session, sessions):
    enqueue(session, event_type="system.alert", event_key="a1", channel="email", recipient="ops@example.com",
            payload={"text": "disk"})
    session.commit()
    policy = CONFIG.channels["email"]
    clock = Clock()
    flaky = Recording([DeliveryError("503 from server")] * policy.max_attempts)
    waits = []
    for attempt in range(1, policy.max_attempts + 1):
        report = dispatch_due(sessions, {"email": flaky}, CONFIG, clock=clock)
        assert report.claimed == 1
        row = session.scalars(select(OutboxMessage).execution_options(populate_existing=True)).one()
        if attempt < policy.max_attempts:
            assert row.status == "pending" and row.reason == "503 from server"
            waits.append((row.next_attempt_at - clock.now).total_seconds())
            assert dispatch_due(sessions, {"email": flaky}, CONFIG, clock=clock).claimed == 0  # not yet due
            clock.now = row.next_attempt_at
    assert waits == [min(policy.backoff_max_s, policy.backoff_s * 2 ** i) for i in range(policy.max_attempts - 1)]
    assert row.status == "dead" and row.attempts == policy.max_attempts and flaky.sent == []
    replay(session, row.id)
    session.commit()
    ok = Recording()
    assert dispatch_due(sessions, {"email": ok}, CONFIG, clock=clock).sent == 1 and len(ok.sent) == 1
    with pytest.raises(NotReplayable):
        replay(session, row.id)


def test_a_permanent_refusal_is_dead_at_once_and_retry_after_is_honoured(session, sessions):
    enqueue(session, event_type="e", event_key="1", channel="whatsapp", recipient="+91", payload={})
    enqueue(session, event_type="e", event_key="2", channel="slack", recipient="#x", payload={})
    session.commit()
    clock = Clock()
    transports = {"whatsapp": Recording([DeliveryError("template not approved", temporary=False)]),
                  "slack": Recording([DeliveryError("429 rate limited", retry_after=120)])}
    report = dispatch_due(sessions, transports, CONFIG, clock=clock)
    assert (report.dead, report.retried) == (1, 1)
    slack = session.scalars(select(OutboxMessage).where(OutboxMessage.channel == "slack")
                            .execution_options(populate_existing=True)).one()
    assert slack.next_attempt_at == clock.start + dt.timedelta(seconds=120)
    # A new message to the throttled channel waits for the same slot.
    enqueue(session, event_type="e", event_key="3", channel="slack", recipient="#x", payload={})
    session.commit()
    clock.advance(60)
    assert dispatch_due(sessions, transports, CONFIG, clock=clock).sent == 0


def test_one_message_per_second_per_slack_channel(session, sessions):
    for i in range(3):
        enqueue(session, event_type="e", event_key=str(i), channel="slack", recipient="#bookings", payload={})
    enqueue(session, event_type="e", event_key="other", channel="slack", recipient="#finance", payload={})
    session.commit()
    clock, slack = Clock(), Recording()
    first = dispatch_due(sessions, {"slack": slack}, CONFIG, clock=clock)
    assert (first.sent, first.deferred) == (2, 2)  # one per channel now, the rest deferred
    assert dispatch_due(sessions, {"slack": slack}, CONFIG, clock=clock).claimed == 0
    clock.advance(1)
    assert dispatch_due(sessions, {"slack": slack}, CONFIG, clock=clock).sent == 1
    clock.advance(1)
    assert dispatch_due(sessions, {"slack": slack}, CONFIG, clock=clock).sent == 1
    assert [m.event_key for m in slack.sent] == ["0", "other", "1", "2"]


def test_provider_reports_only_move_forward_and_duplicates_change_nothing(session, sessions):
    enqueue(session, event_type="e", event_key="1", channel="whatsapp", recipient="+91", payload={})
    session.commit()
    dispatch_due(sessions, {"whatsapp": Recording()}, CONFIG)
    row = session.scalars(select(OutboxMessage).execution_options(populate_existing=True)).one()
    assert record_status(session, channel="whatsapp", provider_message_id=row.provider_message_id, status="read")
    assert record_status(session, channel="whatsapp", provider_message_id=row.provider_message_id,
                         status="delivered") is None  # late, behind "read"
    assert record_status(session, channel="whatsapp", provider_message_id=row.provider_message_id,
                         status="read") is None  # duplicate
    assert record_status(session, channel="slack", provider_message_id=row.provider_message_id,
                         status="read") is None  # another channel's id space
    assert row.status == "read"


def test_a_transport_bug_is_retried_not_lost(session, sessions):
    class Broken:
        def send(self, message):
            raise KeyError("boom")

    enqueue(session, event_type="e", event_key="1", channel="teams", recipient="ops", payload={})
    session.commit()
    report = dispatch_due(sessions, {"teams": Broken()}, CONFIG)
    assert report.retried == 1
    row = session.scalars(select(OutboxMessage).execution_options(populate_existing=True)).one()
    assert row.status == "pending" and row.reason == "KeyError: transport error"
