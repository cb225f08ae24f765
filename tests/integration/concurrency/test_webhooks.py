"""Copies of one gateway event delivered at the same moment are applied once: one delivery
answers `processed`, every other `duplicate`, and the money moves once."""

from __future__ import annotations

import json
import threading
import uuid

import httpx
import pytest
from sqlalchemy import select

from tests.integration.concurrency.conftest import N
from tests.integration.concurrency.helpers import held_refunds, payment
from tourstack.db.models import Refund, WebhookEvent

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("concurrency_webhooks")]


def _deliver_at_once(stack, body: bytes, n: int) -> list[httpx.Response]:
    barrier = threading.Barrier(n)
    answers: list[httpx.Response | BaseException | None] = [None] * n

    def send(i: int) -> None:
        with httpx.Client(base_url=stack.base_url, timeout=60) as client:
            barrier.wait(timeout=30)
            try:
                answers[i] = client.post("/api/v1/webhooks/razorpay", content=body,
                                         headers={"x-sig": "ok", "Content-Type": "application/json"})
            except BaseException as exc:  # noqa: BLE001 - reported below
                answers[i] = exc

    threads = [threading.Thread(target=send, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert all(isinstance(a, httpx.Response) for a in answers), answers
    return answers  # type: ignore[return-value]


def test_concurrent_copies_of_a_refund_event_refund_once(stack):
    with stack.factory() as s:
        paid = payment(s, 50_000_00, gateway="razorpay")
        pid, reference = paid.id, paid.gateway_reference
        s.commit()
    event_id = f"evt_{uuid.uuid4().hex[:12]}"
    body = json.dumps({"event_id": event_id, "gateway_type": "refund.processed", "kind": "refund.succeeded",
                       "payment_reference": reference, "refund_reference": f"rfnd_{event_id}",
                       "amount_minor": 20_000_00, "currency": "INR"}).encode()

    answers = _deliver_at_once(stack, body, N)

    assert [a.status_code for a in answers] == [200] * N, [a.text for a in answers]
    outcomes = sorted(a.json()["outcome"] for a in answers)
    assert outcomes == ["duplicate"] * (N - 1) + ["processed"], outcomes
    with stack.factory() as s:
        refunds = list(s.scalars(select(Refund).where(Refund.payment_id == pid)))
        assert [(r.amount_minor, r.status) for r in refunds] == [(20_000_00, "succeeded")]
        assert held_refunds(s, pid) == 20_000_00
        event = s.scalars(select(WebhookEvent).where(WebhookEvent.gateway == "razorpay",
                                                     WebhookEvent.event_id == event_id)).one()
        assert (event.status, event.attempts) == ("processed", 1)
