"""The Twilio backend (the real `twilio` SDK) against a fake Messages API on 127.0.0.1: Content API
templates, free-form text, Twilio's failures, and a lost answer found again through the signed
status callback (no second copy)."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from tests.fakes.twilio import signed_callback
from tests.integration.messaging.whatsapp_helpers import PHONE, booking_created, conversation, opted_in, rows
from tourstack.messaging import dispatch_due, route_event, shipped_config
from tourstack.messaging.whatsapp import shipped_whatsapp_config
from tourstack.messaging.whatsapp.config import Template
from tourstack.messaging.whatsapp.conversations import queue_reply
from tourstack.messaging.whatsapp.twilio_api import STATUS_CALLBACK_PATH, TwilioWhatsAppTransport
from tourstack.settings import Settings

pytestmark = pytest.mark.xdist_group("messaging_fakes")
CONFIG = shipped_config()
CONTENT_SID = "HX" + "ab" * 16
BASE = shipped_whatsapp_config()
WA = BASE.model_copy(update={"templates": {**BASE.templates, "booking.created": Template(
    **{**BASE.templates["booking.created"].model_dump(), "twilio_content_sid": CONTENT_SID})}})
PUBLIC = "https://tourstack.example"
SENDER = "+14155238886"


def transport(fake, url, sessions, clock, *, timeout: float = 5.0, config=WA) -> dict:
    return {"whatsapp": TwilioWhatsAppTransport(
        sessions=sessions, account_sid=fake.account_sid, auth_token=fake.auth_token, from_number=SENDER,
        public_url=PUBLIC, config=config, base_url=url, timeout=timeout, clock=clock)}


def test_a_template_goes_through_the_content_api_with_numbered_variables(session, sessions, twilio, clock):
    fake, url = twilio
    opted_in(session)
    route_event(session, booking_created(), CONFIG)
    session.commit()
    assert dispatch_due(sessions, transport(fake, url, sessions, clock), CONFIG, clock=clock).sent == 1
    (sent,) = fake.messages
    assert (sent["To"], sent["From"], sent["ContentSid"]) == (f"whatsapp:{PHONE}", f"whatsapp:{SENDER}", CONTENT_SID)
    assert sent["ContentVariables"] == ('{"1": "Asha Rao", "2": "BK-000321", "3": "Kerala Backwaters", '
                                        '"4": "2027-01-12"}')
    (row,) = rows(session)
    assert (row.status, row.provider_message_id) == ("sent", sent["sid"])
    callback = urlsplit(sent["StatusCallback"])
    assert f"{callback.scheme}://{callback.netloc}{callback.path}" == PUBLIC + STATUS_CALLBACK_PATH
    assert parse_qs(callback.query)["ref"] == [row.idempotency_key]


def test_a_template_without_a_content_sid_is_refused_and_free_form_uses_body(session, sessions, twilio, clock):
    fake, url = twilio
    contact = opted_in(session, inbound_ago=dt.timedelta(minutes=5))
    route_event(session, booking_created(), CONFIG)
    queue_reply(session, contact.id, "See you at Kochi airport", BASE)
    session.commit()
    report = dispatch_due(sessions, transport(fake, url, sessions, clock, config=BASE), CONFIG, clock=clock)
    assert (report.dead, report.sent) == (1, 0)  # the reply waits for the number's rate slot
    assert "has no twilio_content_sid" in rows(session)[0].reason
    clock.advance(2)
    assert dispatch_due(sessions, transport(fake, url, sessions, clock, config=BASE), CONFIG, clock=clock).sent == 1
    assert [m["Body"] for m in fake.messages] == ["See you at Kochi airport"]


def test_429_waits_for_retry_after_and_5xx_then_one_message(session, sessions, twilio, clock):
    fake, url = twilio
    opted_in(session)
    route_event(session, booking_created(), CONFIG)
    session.commit()
    fake.throttle(retry_after=20)
    dispatch_due(sessions, transport(fake, url, sessions, clock), CONFIG, clock=clock)
    (row,) = rows(session)
    assert row.status == "pending" and row.reason.startswith("whatsapp: twilio 20429")
    assert row.next_attempt_at >= clock.now + dt.timedelta(seconds=20)
    clock.advance(31)  # the channel's back-off (30 s) is longer than Twilio's 20 s
    fake.fail_next(500)
    assert dispatch_due(sessions, transport(fake, url, sessions, clock), CONFIG, clock=clock).retried == 1
    assert rows(session)[0].reason == "whatsapp: twilio 20500 Unable to create record: Internal Server Error"
    clock.advance(3600)
    report = dispatch_due(sessions, transport(fake, url, sessions, clock), CONFIG, clock=clock)
    assert report.sent == 1, rows(session)[0].reason
    assert len(fake.messages) == 1


def test_an_invalid_number_is_dead_with_twilios_reason(session, sessions, twilio, clock):
    fake, url = twilio
    opted_in(session)
    route_event(session, booking_created(), CONFIG)
    session.commit()
    fake.fail_next(400, 21211, "Invalid 'To' Phone Number")
    assert dispatch_due(sessions, transport(fake, url, sessions, clock), CONFIG, clock=clock).dead == 1
    assert rows(session)[0].reason == "whatsapp: twilio 21211 Unable to create record: Invalid 'To' Phone Number"
    assert conversation(session)[0].status == "failed"


def test_a_lost_answer_is_found_again_through_the_signed_status_callback(session, sessions, session_factory_for,
                                                                         twilio, clock):
    fake, url = twilio
    opted_in(session)
    route_event(session, booking_created(), CONFIG)
    session.commit()
    fake.stall_next(2.0)
    dispatch_due(sessions, transport(fake, url, sessions, clock, timeout=0.5), CONFIG, clock=clock)
    (row,) = rows(session)
    assert row.status == "pending" and "may have been accepted" in row.reason
    (accepted,) = fake.messages
    app = create_app(settings=Settings(database_url=session_factory_for, twilio_auth_token=fake.auth_token,
                                       public_url=PUBLIC))
    params = {"MessageSid": accepted["sid"], "MessageStatus": "sent", "To": accepted["To"], "From": accepted["From"],
              "AccountSid": fake.account_sid}
    with TestClient(app) as client:
        callback = accepted["StatusCallback"]
        path = urlsplit(callback).path + "?" + urlsplit(callback).query
        forged = client.post(path, data=params, headers=signed_callback(callback, params, "wrong-token"))
        assert forged.status_code == 401
        answer = client.post(path, data=params, headers=signed_callback(callback, params, fake.auth_token))
        assert answer.status_code == 200 and answer.json()["statuses"] == 1
        delivered = {**params, "MessageStatus": "delivered"}
        client.post(path, data=delivered, headers=signed_callback(callback, delivered, fake.auth_token))
    clock.advance(WA.uncertain_hold_s + 1)
    assert dispatch_due(sessions, transport(fake, url, sessions, clock), CONFIG, clock=clock).sent == 1
    assert len(fake.messages) == 1
    assert rows(session)[0].provider_message_id == accepted["sid"]
    assert conversation(session)[0].status == "delivered"


@pytest.fixture
def session_factory_for(db_url) -> str:
    return db_url


def test_a_lost_free_form_answer_without_a_report_is_found_in_the_messages_list(session, sessions, twilio, clock):
    fake, url = twilio
    contact = opted_in(session, inbound_ago=dt.timedelta(minutes=5))
    queue_reply(session, contact.id, "Your hotel is the Brunton Boatyard", BASE)
    session.commit()
    fake.stall_next(2.0)
    dispatch_due(sessions, transport(fake, url, sessions, clock, timeout=0.5), CONFIG, clock=clock)
    assert rows(session)[0].status == "pending"
    (accepted,) = fake.messages
    clock.advance(WA.uncertain_hold_s + 1)  # no status callback came
    assert dispatch_due(sessions, transport(fake, url, sessions, clock), CONFIG, clock=clock).sent == 1
    assert len(fake.messages) == 1
    assert rows(session)[0].provider_message_id == accepted["sid"]
