"""`/api/v1/whatsapp`: Meta's handshake and signed webhooks (inbound, STOP, statuses, unknown
events, redelivery), and staff's conversations, replies and opt-ins."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from api.app import create_app
from tests.fakes import whatsapp as meta
from tests.unit.api.conftest import auth
from tourstack.db.models import OutboxMessage, WhatsAppContact, WhatsAppMessage
from tourstack.messaging import enqueue
from tourstack.messaging.dispatch import record_sent
from tourstack.settings import Settings

SECRET = "meta-app-secret-1f2e3d"
VERIFY = "verify-me-7c1"
WEBHOOK = "/api/v1/whatsapp/webhook"


@pytest.fixture
def wa_client(db_url, session_factory) -> Iterator[TestClient]:
    settings = Settings(database_url=db_url, whatsapp_app_secret=SECRET, whatsapp_verify_token=VERIFY)
    with TestClient(create_app(settings=settings, sessionmaker=session_factory)) as client:
        yield client


def count(session, model) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(model))


def post(client, payload, secret=SECRET):
    body, headers = meta.signed(payload, secret)
    return client.post(WEBHOOK, content=body, headers=headers)


def test_the_handshake_echoes_the_challenge_only_for_the_verify_token(wa_client):
    good = wa_client.get(WEBHOOK, params={"hub.mode": "subscribe", "hub.verify_token": VERIFY,
                                          "hub.challenge": "1158201444"})
    assert (good.status_code, good.text, good.headers["content-type"].split(";")[0]) == (
        200, "1158201444", "text/plain")
    for params in ({"hub.mode": "subscribe", "hub.verify_token": "guess", "hub.challenge": "1"},
                   {"hub.mode": "unsubscribe", "hub.verify_token": VERIFY, "hub.challenge": "1"}):
        assert wa_client.get(WEBHOOK, params=params).status_code == 403


def test_a_bad_or_missing_signature_is_401_and_stores_nothing(wa_client, session):
    payload = meta.inbound("wamid.A1", "919812345678", "hello")
    body, _ = meta.signed(payload, SECRET)
    assert post(wa_client, payload, secret="not-the-secret").status_code == 401
    assert wa_client.post(WEBHOOK, content=body, headers={"Content-Type": "application/json"}).status_code == 401
    tampered, headers = meta.signed(payload, SECRET)
    assert wa_client.post(WEBHOOK, content=tampered.replace(b"hello", b"hellO"), headers=headers).status_code == 401
    assert count(session, WhatsAppMessage) == count(session, WhatsAppContact) == 0


def test_an_inbound_message_is_stored_once_and_opens_the_window(wa_client, session):
    payload = meta.inbound("wamid.A2", "919812345678", "Is pickup at 9?")
    first = post(wa_client, payload)
    assert first.status_code == 200 and first.json() == {"stored": 1, "duplicates": 0, "statuses": 0,
                                                         "opted_out": 0, "ignored": 0}
    again = post(wa_client, payload)
    assert again.json()["stored"] == 0 and again.json()["duplicates"] == 1
    assert count(session, WhatsAppMessage) == 1
    contact = session.scalars(select(WhatsAppContact)).one()
    assert contact.phone == "+919812345678" and contact.last_inbound_at is not None
    assert not contact.opted_in  # writing to us is not consent to business messages


def test_unknown_event_types_are_200_and_ignored(wa_client, session):
    answer = post(wa_client, meta.unknown_event())
    assert answer.status_code == 200 and answer.json()["ignored"] == 1
    assert post(wa_client, {"object": "page", "entry": []}).json()["ignored"] == 1
    assert count(session, WhatsAppMessage) == 0


def test_stop_by_webhook_opts_out_and_drops_queued_marketing(wa_client, session, world):
    admin = auth(world.keys["admin"])
    assert wa_client.post("/api/v1/whatsapp/opt-ins", json={"phone": "+91 98123 45678", "source": "booking_form"},
                          headers=admin).status_code == 200
    enqueue(session, event_type="marketing.offer", event_key="offer-1", channel="whatsapp",
            recipient="+919812345678", payload={"facts": {}})
    enqueue(session, event_type="booking.created", event_key="BK-1", channel="whatsapp",
            recipient="+919812345678", payload={"facts": {}})
    session.commit()
    answer = post(wa_client, meta.inbound("wamid.S1", "919812345678", "UNSUBSCRIBE"))
    assert answer.json()["opted_out"] == 1
    session.expire_all()
    by_type = {r.event_type: r for r in session.scalars(select(OutboxMessage))}
    assert by_type["marketing.offer"].status == "dead"
    assert by_type["marketing.offer"].reason.startswith("skipped: the recipient opted out of marketing (meta:inbound")
    assert by_type["booking.created"].status == "pending"  # transactional: the transport refuses it on WhatsApp
    contact = session.scalars(select(WhatsAppContact)).one()
    assert not contact.opted_in and contact.opt_out_source == "meta:inbound"


def test_a_status_webhook_moves_the_outbox_row_forward_only(wa_client, session):
    row = enqueue(session, event_type="booking.created", event_key="BK-2", channel="whatsapp",
                  recipient="+919812345678", payload={"facts": {}})
    session.commit()
    from tourstack.messaging.dispatch import claim, DispatchReport
    from tourstack.messaging import shipped_config

    (message,) = claim(session, shipped_config(), now=dt.datetime.now(dt.UTC) + dt.timedelta(seconds=5), limit=5,
                       report=DispatchReport(), channels=("whatsapp",))
    record_sent(session, message, "wamid.OUT1", now=dt.datetime.now(dt.UTC))
    for name, expected in (("delivered", "delivered"), ("read", "read"), ("delivered", "read"),
                           ("failed", "read")):
        assert post(wa_client, meta.status("wamid.OUT1", "919812345678", name)).status_code == 200
        session.expire_all()
        assert session.get(OutboxMessage, row.id).status == expected


def test_staff_list_read_reply_and_opt_in(wa_client, session, world):
    admin, agent = auth(world.keys["admin"]), auth(world.keys["agent_a"])
    post(wa_client, meta.inbound("wamid.C1", "919812345678", "Hi, about my trip"))
    listed = wa_client.get("/api/v1/whatsapp/conversations", headers=admin)
    assert listed.status_code == 200
    (item,) = listed.json()["items"]
    conversation = f"/api/v1/whatsapp/conversations/{item['id']}"
    assert wa_client.get(conversation, headers=agent).status_code == 403
    assert wa_client.get("/api/v1/whatsapp/conversations").status_code == 401
    read = wa_client.get(conversation, headers=admin).json()
    assert read["window_open"] is True and [m["body"] for m in read["messages"]] == ["Hi, about my trip"]
    not_opted = wa_client.post(f"{conversation}/replies", json={"text": "Hello"}, headers=admin)
    assert (not_opted.status_code, not_opted.json()["type"].rsplit("/", 1)[-1]) == (409, "whatsapp-not-opted-in")
    assert wa_client.post("/api/v1/whatsapp/opt-ins", json={"phone": "12", "source": "x"},
                          headers=admin).status_code == 422
    opted = wa_client.post("/api/v1/whatsapp/opt-ins", json={"phone": "+919812345678", "source": "phone_call"},
                           headers=admin)
    assert opted.json()["opted_in"] is True and opted.json()["opt_in_source"] == "phone_call"
    queued = wa_client.post(f"{conversation}/replies", json={"text": "Pickup is at 9:00"}, headers=admin)
    assert queued.status_code == 202 and queued.json()["event_type"] == "whatsapp.reply"
    contact = session.get(WhatsAppContact, item["id"])
    contact.last_inbound_at = dt.datetime.now(dt.UTC) - dt.timedelta(hours=25)
    session.commit()
    closed = wa_client.post(f"{conversation}/replies", json={"text": "Still there?"}, headers=admin)
    assert (closed.status_code, closed.json()["type"].rsplit("/", 1)[-1]) == (409, "whatsapp-outside-window")
    assert wa_client.get("/api/v1/whatsapp/conversations/999999", headers=admin).status_code == 404


def test_the_delivery_success_ratio_is_a_prometheus_gauge(wa_client, session):
    from tourstack.messaging.whatsapp.consent import ensure_contact

    contact = ensure_contact(session, "+919812345678")
    now = dt.datetime.now(dt.UTC)
    for n, status in enumerate(("delivered", "read", "sent", "failed")):
        session.add(WhatsAppMessage(contact_id=contact.id, direction="outbound", provider="meta",
                                    provider_message_id=f"wamid.M{n}", client_ref=f"k{n}", kind="template",
                                    status=status, at=now))
    session.add(WhatsAppMessage(contact_id=contact.id, direction="outbound", provider="meta", client_ref="k9",
                                kind="template", status="sending", at=now))  # never accepted: not counted
    session.commit()
    text = wa_client.get("/metrics").text
    assert 'tourstack_whatsapp_messages{outcome="sent"} 4.0' in text
    assert 'tourstack_whatsapp_messages{outcome="delivered"} 2.0' in text
    assert "tourstack_whatsapp_delivery_success_ratio 0.5" in text
