"""The Teams transport against a fake Workflows webhook on 127.0.0.1: Adaptive Cards per event,
a URL per recipient, and Teams' failures mapped onto the outbox."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from tourstack.db.models import OutboxMessage
from tourstack.messaging import Event, dispatch_due, route_event, shipped_config, transports_from_settings
from tourstack.messaging.teams import TeamsTransport
from tourstack.settings import Settings

pytestmark = pytest.mark.xdist_group("messaging_fakes")
CONFIG = shipped_config()
DAY = dt.datetime(2026, 12, 7, 6, 0, tzinfo=dt.UTC)


def failed_payment() -> Event:
    return Event(type="payment.failed", key="payment-9", thread="BK-000200", at=DAY,
                 facts={"booking_ref": "BK-000200", "gateway": "stripe", "amount": "420.00", "currency": "USD",
                        "failure_code": "card_declined"})


def teams_rows(session) -> list[OutboxMessage]:
    session.expire_all()
    return list(session.scalars(select(OutboxMessage).where(OutboxMessage.channel == "teams")
                                .order_by(OutboxMessage.id)))


def test_a_failed_payment_posts_an_adaptive_card_to_the_recipients_flow(session, sessions, teams, clock, tmp_path):
    fake, url = teams
    settings = Settings(home=tmp_path, teams_webhook_urls={"finance": fake.url(url, "finance")},
                        teams_webhook_url=fake.url(url, "bookings"))
    route_event(session, failed_payment(), CONFIG)
    session.commit()
    report = dispatch_due(sessions, {"teams": transports_from_settings(settings)["teams"]}, CONFIG, clock=clock)
    assert report.sent == 1
    ((flow, card),) = fake.cards
    assert flow == "finance" and card["version"] == "1.4"
    title, summary, facts, footer = card["body"]
    assert (title["text"], title["color"]) == ("Payment failed: USD 420.00", "Attention")
    assert summary["text"] == "stripe said card_declined for BK-000200"
    assert {"title": "Failure code", "value": "card_declined"} in facts["facts"]
    assert footer["text"] == "payment.failed · payment-9"
    assert teams_rows(session)[0].provider_message_id.startswith("teams:202:")


def test_throttling_waits_for_retry_after_and_5xx_backs_off(session, sessions, teams, clock):
    fake, url = teams
    transports = {"teams": TeamsTransport(default_url=fake.url(url, "finance"))}
    route_event(session, failed_payment(), CONFIG)
    session.commit()
    fake.throttle(retry_after=12)
    dispatch_due(sessions, transports, CONFIG, clock=clock)
    (row,) = teams_rows(session)
    assert (row.status, row.reason) == ("pending", "teams: throttled (HTTP 429)")
    assert row.next_attempt_at >= clock.now + dt.timedelta(seconds=12)
    clock.advance(12)
    fake.fail_next(502)
    dispatch_due(sessions, transports, CONFIG, clock=clock)
    (row,) = teams_rows(session)
    assert (row.status, row.attempts, row.reason) == ("pending", 2, "teams: HTTP 502")
    clock.advance(3600)
    dispatch_due(sessions, transports, CONFIG, clock=clock)
    assert teams_rows(session)[0].status == "sent" and len(fake.cards) == 1


def test_a_revoked_flow_a_refused_card_and_a_recipient_without_url_are_dead(session, sessions, teams, clock):
    fake, url = teams
    revoked = fake.url(url, "finance").replace("sig-finance", "old-signature")
    transports = {"teams": TeamsTransport(urls={"finance": revoked})}
    route_event(session, failed_payment(), CONFIG)  # -> teams "finance"
    route_event(session, Event(type="system.alert", key="alert-2", at=DAY, facts={"title": "disk full"}),
                CONFIG)  # -> teams "operations", which has no URL here
    session.commit()
    assert dispatch_due(sessions, transports, CONFIG, clock=clock).dead == 2
    reasons = [r.reason for r in teams_rows(session)]
    assert reasons == ["teams: HTTP 401 The request signature is invalid", "teams: no webhook URL for 'operations'"]
    assert not any("old-signature" in reason for reason in reasons)
    assert fake.cards == []


def test_the_fake_refuses_what_teams_would_not_render(teams):
    fake, url = teams
    import httpx

    answer = httpx.post(fake.url(url, "bookings"), json={"type": "message", "attachments": []})
    assert (answer.status_code, answer.text) == (400, "expected one Adaptive Card attachment")
