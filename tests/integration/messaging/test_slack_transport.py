"""The Slack transport through the real slack_sdk against a fake Slack on 127.0.0.1: Block Kit
per event, one thread per booking and channel, and Slack's failures mapped onto the outbox's
retries, Retry-After and dead letters."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from tourstack.db.models import MessageThread, OutboxMessage
from tourstack.messaging import Event, dispatch_due, enqueue, route_event, shipped_config, transports_from_settings
from tourstack.messaging.slack import SlackTransport
from tourstack.messaging.transports import _slack
from tourstack.settings import Settings

pytestmark = pytest.mark.xdist_group("messaging_fakes")
CONFIG = shipped_config()
DAY = dt.datetime(2026, 12, 7, 6, 0, tzinfo=dt.UTC)  # 11:30 in Kolkata: no quiet hours


def booking(kind: str = "booking.created", key: str = "BK-000123", **facts) -> Event:
    return Event(type=kind, key=key, thread="BK-000123", at=DAY,
                 facts={"booking_ref": "BK-000123", "customer": "Asha Rao", "trip": "Golden Triangle",
                        "amount": "125000.00", "currency": "INR", **facts})


def web(slack, sessions) -> dict:
    fake, url = slack
    return {"slack": SlackTransport(sessions=sessions, token=fake.token, base_url=f"{url}/api/")}


def rows(session, event_type: str | None = None) -> list[OutboxMessage]:
    stmt = select(OutboxMessage).where(OutboxMessage.channel == "slack").order_by(OutboxMessage.id)
    if event_type:
        stmt = stmt.where(OutboxMessage.event_type == event_type)
    session.expire_all()
    return list(session.scalars(stmt))


def test_a_bookings_later_messages_reply_in_its_thread_per_channel(session, sessions, slack, clock):
    fake, _ = slack
    route_event(session, booking(), CONFIG)
    route_event(session, booking("booking.updated", "BK-000123:v2", status="confirmed"), CONFIG)
    route_event(session, Event(type="payment.confirmed", key="payment-7", thread="BK-000123", at=DAY,
                               facts={"booking_ref": "BK-000123", "gateway": "razorpay", "amount": "5000.00",
                                      "currency": "INR"}), CONFIG)
    session.commit()
    transports = web(slack, sessions)
    dispatch_due(sessions, transports, CONFIG, clock=clock)
    clock.advance(1)  # Slack's pace: one message per second per channel
    dispatch_due(sessions, transports, CONFIG, clock=clock)

    root, reply = fake.in_channel("C0BOOKINGS")
    assert root["thread_ts"] is None and reply["thread_ts"] == root["ts"]
    assert root["blocks"][0] == {"type": "header", "text": {"type": "plain_text", "text": "New booking BK-000123",
                                                            "emoji": True}}
    assert "Asha Rao booked Golden Triangle for INR 125000.00" in root["text"]
    assert reply["blocks"][0]["text"]["text"] == "Booking BK-000123 changed"
    (finance,) = fake.in_channel("C0FINANCE")  # the same booking starts its own thread in #finance
    assert finance["thread_ts"] is None
    assert [r.status for r in rows(session)] == ["sent"] * 3
    assert rows(session, "booking.created")[0].provider_message_id == f"C0BOOKINGS:{root['ts']}"
    threads = {(t.recipient, t.provider_thread_id) for t in session.scalars(select(MessageThread))}
    assert threads == {("#bookings", root["ts"]), ("#finance", finance["ts"])}


def test_429_waits_for_retry_after_then_sends_once(session, sessions, slack, clock):
    fake, _ = slack
    fake.rate_limit(times=1, retry_after=7)
    route_event(session, booking(), CONFIG)
    session.commit()
    transports = web(slack, sessions)
    report = dispatch_due(sessions, transports, CONFIG, clock=clock)
    (row,) = rows(session)
    assert (report.retried, row.status, row.reason) == (1, "pending", "slack: ratelimited (HTTP 429)")
    assert row.next_attempt_at >= clock.now + dt.timedelta(seconds=7)
    clock.advance(6)
    assert dispatch_due(sessions, transports, CONFIG, clock=clock).claimed == 0
    clock.advance(1)
    assert dispatch_due(sessions, transports, CONFIG, clock=clock).sent == 1
    assert len(fake.posts) == 1 and rows(session)[0].status == "sent"


def test_a_5xx_is_retried_with_back_off(session, sessions, slack, clock):
    fake, _ = slack
    fake.fail_next(503)
    route_event(session, booking(), CONFIG)
    session.commit()
    dispatch_due(sessions, web(slack, sessions), CONFIG, clock=clock)
    (row,) = rows(session)
    assert (row.status, row.attempts) == ("pending", 1) and "503" in row.reason
    assert fake.posts == []


def test_refusals_go_to_the_dead_letters_at_once(session, sessions, slack, clock):
    fake, url = slack
    route_event(session, booking(), CONFIG)
    session.commit()
    bad_token = {"slack": SlackTransport(sessions=sessions, token="xoxb-revoked", base_url=f"{url}/api/")}
    assert dispatch_due(sessions, bad_token, CONFIG, clock=clock).dead == 1
    assert (rows(session)[0].status, rows(session)[0].reason) == ("dead", "slack: invalid_auth")

    enqueue(session, event_type="system.alert", event_key="alert-1", channel="slack", recipient="#nowhere",
            payload={"event": "system.alert", "key": "alert-1", "facts": {"title": "disk"}})
    session.commit()
    assert dispatch_due(sessions, web(slack, sessions), CONFIG, clock=clock).dead == 1
    assert rows(session, "system.alert")[0].reason == "slack: channel_not_found"
    assert fake.posts == []


def test_an_unknown_event_type_still_posts_every_fact(session, sessions, slack, clock):
    fake, _ = slack
    enqueue(session, event_type="supplier.rated", event_key="SUP-9", channel="slack", recipient="#ops-alerts",
            payload={"event": "supplier.rated", "key": "SUP-9", "facts": {"supplier": "Taj", "stars": 4}})
    session.commit()
    assert dispatch_due(sessions, web(slack, sessions), CONFIG, clock=clock).sent == 1
    (post,) = fake.posts
    assert post["blocks"][0]["text"]["text"] == "supplier.rated"
    assert post["blocks"][2]["fields"] == [{"type": "mrkdwn", "text": "*Stars*\n4"},
                                           {"type": "mrkdwn", "text": "*Supplier*\nTaj"}]


def test_incoming_webhook_posts_and_maps_failures_without_leaking_its_url(session, sessions, slack, clock, tmp_path):
    fake, url = slack
    hook = f"{url}/services/T0/B0/s3cr3t"
    settings = Settings(home=tmp_path, slack_webhook_url=hook)
    transports = {"slack": transports_from_settings(settings)["slack"]}
    route_event(session, booking(), CONFIG)
    session.commit()
    fake.rate_limit(times=1, retry_after=30)
    dispatch_due(sessions, transports, CONFIG, clock=clock)
    (row,) = rows(session)
    assert row.status == "pending" and row.next_attempt_at >= clock.now + dt.timedelta(seconds=30)
    clock.advance(30)
    dispatch_due(sessions, transports, CONFIG, clock=clock)
    (post,) = fake.posts
    assert (post["via"], post["channel"], rows(session)[0].provider_message_id) == (
        "webhook", "C0BOOKINGS", f"webhook:{row.id}")

    gone = {"slack": SlackTransport(webhook_url=f"{url}/services/T0/B0/deleted")}
    route_event(session, booking("booking.cancelled", "BK-000123:cancelled"), CONFIG)
    session.commit()
    clock.advance(1)
    dispatch_due(sessions, gone, CONFIG, clock=clock)
    (dead,) = rows(session, "booking.cancelled")
    assert (dead.status, dead.reason) == ("dead", "slack: no_service")
    assert all("s3cr3t" not in (r.reason or "") and "deleted" not in (r.reason or "") for r in rows(session))


def test_a_bot_token_wins_over_a_webhook_and_without_either_slack_is_files(tmp_path, sessions):
    both = Settings(home=tmp_path, slack_bot_token="xoxb-1", slack_webhook_url="http://127.0.0.1:9/h")
    chosen = _slack(both, sessions)  # (the whole set would also open the search index)
    assert isinstance(chosen, SlackTransport) and chosen._web is not None
    from tourstack.messaging import FileTransport

    assert isinstance(transports_from_settings(Settings(home=tmp_path))["slack"], FileTransport)
