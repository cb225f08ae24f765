"""The outbox over the API: staff read deliveries and dead letters and replay them; agents
cannot see the queue at all; bad filters and cursors are 4xx problems."""

from __future__ import annotations

from tests.unit.api.conftest import auth
from tourstack.messaging import DeliveryError, dispatch_due, enqueue, shipped_config


class Refusing:
    def send(self, message):
        raise DeliveryError("recipient not on WhatsApp", temporary=False)


def _dead_message(session_factory) -> int:
    with session_factory() as s:
        row = enqueue(s, event_type="booking.created", event_key="BK-1", channel="whatsapp",
                      recipient="+919800000001", payload={"booking_ref": "BK-1"})
        enqueue(s, event_type="booking.created", event_key="BK-1", channel="slack", recipient="#bookings",
                payload={})
        s.commit()
    dispatch_due(session_factory, {"whatsapp": Refusing()}, shipped_config())
    return row.id


def test_ops_lists_dead_letters_and_replays_one(client, world, session_factory):
    dead_id = _dead_message(session_factory)
    headers = auth(world.keys["ops"])
    r = client.get("/api/v1/outbox/messages", params={"status": "dead"}, headers=headers)
    assert r.status_code == 200
    [item] = r.json()["items"]
    assert (item["id"], item["reason"], item["payload"]) == (dead_id, "recipient not on WhatsApp", {"booking_ref": "BK-1"})
    assert client.get("/api/v1/outbox/summary", headers=headers).json()["counts"]["dead"] == 1
    r = client.post(f"/api/v1/outbox/messages/{dead_id}/replay", headers=headers)
    assert r.status_code == 200 and r.json()["status"] == "pending" and r.json()["replays"] == 1
    again = client.post(f"/api/v1/outbox/messages/{dead_id}/replay", headers=headers)
    assert again.status_code == 409 and again.json()["type"].endswith("message-not-replayable")


def test_pages_follow_the_cursor(client, world, session_factory):
    with session_factory() as s:
        for i in range(5):
            enqueue(s, event_type="system.alert", event_key=f"a{i}", channel="teams", recipient="ops", payload={})
        s.commit()
    headers = auth(world.keys["finance"])
    only = {"channel": "teams", "limit": 3}  # the world's writes left search-index messages too
    first = client.get("/api/v1/outbox/messages", params=only, headers=headers).json()
    second = client.get("/api/v1/outbox/messages", params=only | {"cursor": first["next_cursor"]},
                        headers=headers).json()
    assert [m["event_key"] for m in first["items"] + second["items"]] == ["a4", "a3", "a2", "a1", "a0"]
    assert second["next_cursor"] is None


def test_agents_and_finance_cannot_replay_and_agents_cannot_read(client, world, session_factory):
    dead_id = _dead_message(session_factory)
    assert client.get("/api/v1/outbox/messages", headers=auth(world.keys["agent_a"])).status_code == 403
    assert client.post(f"/api/v1/outbox/messages/{dead_id}/replay",
                       headers=auth(world.keys["finance"])).status_code == 403
    assert client.get("/api/v1/outbox/messages").status_code == 401


def test_bad_filters_and_cursors_are_problems(client, world):
    headers = auth(world.keys["ops"])
    for params in ({"status": "lost"}, {"cursor": "not-a-cursor"}, {"limit": 0}):
        r = client.get("/api/v1/outbox/messages", params=params, headers=headers)
        assert r.status_code in (400, 422) and r.headers["content-type"].startswith("application/problem+json")
    assert client.get("/api/v1/outbox/messages/999999", headers=headers).status_code == 404


ALERT = {"version": "4", "status": "firing", "receiver": "tourstack", "groupKey": "{}:{alertname=\"ApiLatencyHigh\"}",
         "alerts": [{"status": "firing", "fingerprint": "c0ffee12", "startsAt": "2026-12-07T09:30:00Z",
                     "endsAt": "0001-01-01T00:00:00Z",
                     "labels": {"alertname": "ApiLatencyHigh", "severity": "page", "route": "/api/v1/search"},
                     "annotations": {"summary": "p95 latency above 800 ms for 10 minutes"}}]}


def test_an_alertmanager_notification_becomes_one_system_alert_per_channel(client, world, session_factory):
    from sqlalchemy import select

    from tourstack.db.models import OutboxMessage

    headers = auth(world.keys["ops"])
    first = client.post("/api/v1/outbox/alerts", json=ALERT, headers=headers)
    assert first.status_code == 202 and first.json() == {"alerts": 1, "queued": 2, "duplicates": 0}
    repeat = client.post("/api/v1/outbox/alerts", json=ALERT, headers=headers)  # repeat_interval
    assert repeat.json() == {"alerts": 1, "queued": 0, "duplicates": 2}
    resolved = {**ALERT, "status": "resolved", "alerts": [{**ALERT["alerts"][0], "status": "resolved"}]}
    assert client.post("/api/v1/outbox/alerts", json=resolved, headers=headers).json()["queued"] == 2
    with session_factory() as s:
        rows = s.scalars(select(OutboxMessage).where(OutboxMessage.event_type == "system.alert")).all()
    assert sorted((r.channel, r.recipient) for r in rows) == [
        ("slack", "#ops-alerts"), ("slack", "#ops-alerts"), ("teams", "operations"), ("teams", "operations")]
    assert '"detail": "p95 latency above 800 ms for 10 minutes"' in rows[0].payload


def test_alerts_need_messages_manage_and_a_valid_body(client, world):
    assert client.post("/api/v1/outbox/alerts", json=ALERT, headers=auth(world.keys["agent_a"])).status_code == 403
    assert client.post("/api/v1/outbox/alerts", json=ALERT).status_code == 401
    bad = {**ALERT, "alerts": []}
    assert client.post("/api/v1/outbox/alerts", json=bad, headers=auth(world.keys["ops"])).status_code == 422
