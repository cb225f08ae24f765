"""The Cloud API backend (the real `pywa` client) against a fake Graph API on 127.0.0.1: templates,
the 24-hour window, consent, STOP, and Meta's failures mapped onto the outbox."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.fakes import whatsapp as meta
from tests.integration.messaging.whatsapp_helpers import (
    OTHER, PHONE, booking_created, conversation, known_only, offer, opted_in, rows,
)
from tourstack.messaging import dispatch_due, route_event, shipped_config
from tourstack.messaging.whatsapp import record_opt_out, shipped_whatsapp_config
from tourstack.messaging.whatsapp.cloud_api import CloudApiTransport
from tourstack.messaging.whatsapp.consent import OutsideWindow, contact_for
from tourstack.messaging.whatsapp.conversations import delivery_rate, queue_reply
from tourstack.messaging.whatsapp.webhooks import process_meta

pytestmark = pytest.mark.xdist_group("messaging_fakes")
CONFIG = shipped_config()
WA = shipped_whatsapp_config()


def transport(fake, url, sessions, clock, *, timeout: float = 5.0) -> dict:
    return {"whatsapp": CloudApiTransport(sessions=sessions, token=fake.token, phone_number_id=fake.phone_number_id,
                                          config=WA, base_url=url, api_version="23.0", timeout=timeout, clock=clock)}


def test_a_booking_confirmation_is_the_configured_template_with_the_events_facts(session, sessions, cloud_api, clock):
    fake, url = cloud_api
    opted_in(session)
    routed = route_event(session, booking_created(), CONFIG)
    session.commit()
    assert [r.channel for r in routed.queued if r.channel == "whatsapp"] == ["whatsapp"]
    report = dispatch_due(sessions, transport(fake, url, sessions, clock), CONFIG, clock=clock)
    assert report.sent == 1
    (sent,) = fake.messages
    assert sent["to"] == "919812345678" and sent["type"] == "template"
    assert sent["template"]["name"] == "booking_confirmation" and sent["template"]["language"] == {"code": "en"}
    values = [p["text"] for p in sent["template"]["components"][0]["parameters"]]
    assert values == ["Asha Rao", "BK-000321", "Kerala Backwaters", "2027-01-12"]
    assert sent["biz_opaque_callback_data"] == rows(session)[0].idempotency_key
    (row,) = rows(session)
    assert (row.status, row.provider_message_id) == ("sent", sent["id"])
    (kept,) = conversation(session)
    assert (kept.direction, kept.status, kept.template, kept.provider_message_id) == (
        "outbound", "sent", "booking_confirmation", sent["id"])


def test_without_a_current_opt_in_nothing_is_queued_or_sent(session, sessions, cloud_api, clock):
    fake, url = cloud_api
    known_only(session, OTHER)
    routed = route_event(session, booking_created(OTHER), CONFIG)
    assert ("whatsapp", OTHER, "no current WhatsApp opt-in") in [(s.channel, s.to, s.reason) for s in routed.skipped]
    # a message queued while the number was opted in, which then opted out, is refused when it leaves
    opted_in(session)
    route_event(session, booking_created(PHONE, "BK-000322"), CONFIG)
    record_opt_out(session, PHONE, source="staff")
    session.commit()
    assert dispatch_due(sessions, transport(fake, url, sessions, clock), CONFIG, clock=clock).dead == 1
    (row,) = rows(session)
    assert (row.status, row.reason) == ("dead", "whatsapp: the number has no current opt-in; nothing was sent")
    assert fake.messages == []


def test_free_form_text_only_inside_the_customer_service_window(session, sessions, cloud_api, clock):
    fake, url = cloud_api
    inside = opted_in(session, inbound_ago=dt.timedelta(hours=2))
    outside = opted_in(session, OTHER, inbound_ago=dt.timedelta(hours=25))
    queue_reply(session, inside.id, "Your driver is Ravi, +91 98450 00000.", WA)
    with pytest.raises(OutsideWindow):
        queue_reply(session, outside.id, "Hello again", WA)
    session.commit()
    assert dispatch_due(sessions, transport(fake, url, sessions, clock), CONFIG, clock=clock).sent == 1
    (sent,) = fake.messages
    assert (sent["type"], sent["text"]["body"], sent["to"]) == ("text", "Your driver is Ravi, +91 98450 00000.",
                                                                "919812345678")
    # queued inside the window, leaving after it closed: refused, never sent
    queue_reply(session, inside.id, "One more thing", WA)
    session.commit()
    clock.advance(23 * 3600)
    assert dispatch_due(sessions, transport(fake, url, sessions, clock), CONFIG, clock=clock).dead == 1
    assert "outside the 24-hour customer-service window" in rows(session)[-1].reason
    assert len(fake.messages) == 1


def test_throttling_waits_for_retry_after(session, sessions, cloud_api, clock):
    fake, url = cloud_api
    opted_in(session)
    route_event(session, booking_created(), CONFIG)
    session.commit()
    fake.throttle(retry_after=45)
    dispatch_due(sessions, transport(fake, url, sessions, clock), CONFIG, clock=clock)
    (row,) = rows(session)
    assert row.status == "pending" and row.reason.startswith("whatsapp: 130429")
    assert row.next_attempt_at >= clock.now + dt.timedelta(seconds=45)
    clock.advance(44)
    assert dispatch_due(sessions, transport(fake, url, sessions, clock), CONFIG, clock=clock).claimed == 0
    clock.advance(2)
    assert dispatch_due(sessions, transport(fake, url, sessions, clock), CONFIG, clock=clock).sent == 1
    assert len(fake.messages) == 1


def test_a_5xx_is_retried_and_the_customer_gets_one_message(session, sessions, cloud_api, clock):
    fake, url = cloud_api
    opted_in(session)
    route_event(session, booking_created(), CONFIG)
    session.commit()
    fake.fail_next(503, 131000)
    dispatch_due(sessions, transport(fake, url, sessions, clock), CONFIG, clock=clock)
    assert (rows(session)[0].status, rows(session)[0].attempts) == ("pending", 1)
    clock.advance(3600)
    assert dispatch_due(sessions, transport(fake, url, sessions, clock), CONFIG, clock=clock).sent == 1
    assert len(fake.messages) == 1 and len(conversation(session)) == 1


def test_a_timeout_after_the_accept_sends_no_second_copy(session, sessions, cloud_api, clock):
    fake, url = cloud_api
    opted_in(session)
    route_event(session, booking_created(), CONFIG)
    session.commit()
    fake.stall_next(2.0)
    dispatch_due(sessions, transport(fake, url, sessions, clock, timeout=0.5), CONFIG, clock=clock)
    (row,) = rows(session)
    assert row.status == "pending" and "may have been accepted" in row.reason
    assert row.next_attempt_at >= clock.now + dt.timedelta(seconds=WA.uncertain_hold_s)
    (accepted,) = fake.messages
    # Meta's "sent" report names our reference: the retry finds the wamid instead of sending again
    process_meta(session, meta.status(accepted["id"], accepted["to"], "sent", ref=row.idempotency_key))
    session.commit()
    clock.advance(WA.uncertain_hold_s + 1)
    assert dispatch_due(sessions, transport(fake, url, sessions, clock), CONFIG, clock=clock).sent == 1
    assert len(fake.messages) == 1
    assert rows(session)[0].provider_message_id == accepted["id"]


def test_permanent_refusals_are_dead_or_failed_with_metas_reason(session, sessions, cloud_api, clock):
    fake, url = cloud_api
    opted_in(session)
    opted_in(session, OTHER)
    fake.undeliverable.add("919876543210")
    route_event(session, booking_created(OTHER, "BK-000401"), CONFIG)
    route_event(session, booking_created(PHONE, "BK-000402"), CONFIG)
    session.commit()
    report = dispatch_due(sessions, transport(fake, url, sessions, clock), CONFIG, clock=clock)
    assert (report.dead, report.sent) == (1, 1)
    dead, sent = rows(session)
    assert dead.status == "dead" and dead.reason.startswith("whatsapp: 131026 Message undeliverable")
    # accepted, then reported failed (re-engagement required): the row is failed with the reason
    process_meta(session, meta.status(sent.provider_message_id, "919812345678", "failed",
                                      error=(131047, "Re-engagement message")))
    session.commit()
    assert (rows(session)[1].status, rows(session)[1].reason) == ("failed", "131047 Re-engagement message "
                                                                              "(Re-engagement message)")


def test_status_reports_move_forward_only_and_feed_the_delivery_rate(session, sessions, cloud_api, clock):
    fake, url = cloud_api
    opted_in(session)
    route_event(session, booking_created(), CONFIG)
    session.commit()
    dispatch_due(sessions, transport(fake, url, sessions, clock), CONFIG, clock=clock)
    wamid = fake.messages[0]["id"]
    assert delivery_rate(session, hours=24).rate == 0
    for name, expected in (("read", "read"), ("delivered", "read"), ("read", "read")):
        process_meta(session, meta.status(wamid, "919812345678", name))
        session.commit()
        assert rows(session)[0].status == expected
        assert conversation(session)[0].status == expected
    rate = delivery_rate(session, hours=24)
    assert (rate.sent, rate.delivered, rate.rate) == (1, 1, 1)


def test_stop_opts_out_at_once_and_marketing_is_skipped_on_every_channel(session, sessions, cloud_api, clock):
    from tests import factories as f

    fake, url = cloud_api
    customer = f.make_customer(session, email="asha@example.in")
    contact = opted_in(session)
    contact.customer_id = customer.id
    session.commit()
    email = "asha@example.in"
    route_event(session, offer(email=email), CONFIG)
    route_event(session, booking_created(), CONFIG)
    session.commit()
    outcome = process_meta(session, meta.inbound("wamid.IN1", "919812345678", "  Stop. "))
    session.commit()
    assert (outcome.stored, outcome.opted_out) == (1, 1)
    assert contact_for(session, PHONE).opt_out_source == "meta:inbound"
    dropped = [r for r in rows(session) + rows(session, "email") if r.event_type == "marketing.offer"]
    assert dropped and all(r.status == "dead" and r.reason.startswith("skipped: the recipient opted out of marketing")
                           for r in dropped)
    later = route_event(session, offer(email=email, key="offer-spring"), CONFIG)
    assert later.queued == ()
    assert {s.reason for s in later.skipped} <= {"no current WhatsApp opt-in", "the recipient opted out of marketing"}
    # the booking confirmation queued before STOP does not leave either: WhatsApp consent ended
    dispatch_due(sessions, transport(fake, url, sessions, clock), CONFIG, clock=clock)
    assert fake.messages == []
