"""`POST /api/v1/slack/commands`: Slack's v0 signature (HMAC-SHA256 of v0:{ts}:{body}, at most
five minutes old) or 401; booking status and balance, today's KPIs, usage for anything else."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import threading
import time
from collections.abc import Iterator
from urllib.parse import urlencode

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.routes import slack_commands
from tests import factories as f
from tests.fakes.asgi_server import ThreadedServer
from tests.fakes.slack import FakeSlack
from tourstack.db.models import Payment
from tourstack.settings import Settings

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
PATH = "/api/v1/slack/commands"


def signed(text: str, *, secret: str = SECRET, at: float | None = None, **extra) -> tuple[bytes, dict]:
    body = urlencode({"command": "/tourstack", "text": text, "user_id": "U1", "team_id": "T0", **extra}).encode()
    ts = str(int(at if at is not None else time.time()))
    digest = hmac.new(secret.encode(), b"v0:" + ts.encode() + b":" + body, hashlib.sha256).hexdigest()
    return body, {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}",
                  "Content-Type": "application/x-www-form-urlencoded"}


class Kpis:
    def __init__(self, values=None, *, delay: threading.Event | None = None) -> None:
        self.values = values or {}
        self.calls: list[dt.date] = []
        self.delay = delay

    def __call__(self, day):
        self.calls.append(day)
        if self.delay is not None:
            self.delay.wait(10)
        return self.values


@pytest.fixture
def kpis() -> Kpis:
    return Kpis({"revenue": 245000, "bookings": 3, "cash_received": 120000, "cancelled_bookings": 0})


@pytest.fixture
def slack_client(db_url, session_factory, kpis) -> Iterator[TestClient]:
    app = create_app(settings=Settings(database_url=db_url, slack_signing_secret=SECRET), sessionmaker=session_factory)
    app.dependency_overrides[slack_commands.get_kpi_source] = lambda: kpis
    with TestClient(app) as client:
        yield client


def post(client, text, **kwargs):
    body, headers = signed(text, **kwargs)
    return client.post(PATH, content=body, headers=headers)


def words(answer: dict) -> str:
    return " ".join([answer["text"], *(fld["text"] for b in answer["blocks"] for fld in b.get("fields", []))])


def test_a_booking_answers_its_status_dates_amounts_and_balance(slack_client, session_factory):
    with session_factory() as s:
        booking = f.make_booking(s, status="confirmed")
        s.add(Payment(booking_id=booking.id, amount_minor=20_000_00, currency="INR", fee_minor=0, status="succeeded",
                      gateway="razorpay", gateway_reference="pay_s1", method="card",
                      attempted_at=dt.datetime.now(dt.UTC), idempotency_key="ks-1"))
        s.commit()
        ref = booking.booking_ref
    response = post(slack_client, f"booking {ref.lower()}")
    assert response.status_code == 200
    answer = response.json()
    assert answer["response_type"] == "ephemeral"
    text = words(answer)
    assert f"Booking {ref}" in text and "confirmed" in text and "01 Oct 2026 – 07 Oct 2026" in text
    assert "INR 120,000.00" in text and "INR 20,000.00" in text and "*Balance*\nINR 100,000.00" in text


def test_an_unknown_booking_ref_says_so_with_the_usage(slack_client):
    answer = post(slack_client, "booking BK-NOPE").json()
    assert "No booking `BK-NOPE`" in answer["text"] and "Usage" in answer["text"]


def test_kpi_today_answers_the_metrics_layer_numbers(slack_client, kpis):
    answer = post(slack_client, "kpi today").json()
    assert kpis.calls == [dt.datetime.now(dt.UTC).date()]
    text = words(answer)
    assert "*Revenue (INR)*\n245,000" in text and "*Bookings*\n3" in text and "*Cancellations*\n0" in text


def test_a_slow_warehouse_answers_at_once_and_posts_the_numbers_to_the_response_url(
        db_url, session_factory, monkeypatch):
    release = threading.Event()
    slow = Kpis({"revenue": 1, "bookings": 1, "cash_received": 0, "cancelled_bookings": 0}, delay=release)
    monkeypatch.setattr(slack_commands, "KPI_WAIT_S", 0.05)
    fake = FakeSlack()
    app = create_app(settings=Settings(database_url=db_url, slack_signing_secret=SECRET), sessionmaker=session_factory)
    app.dependency_overrides[slack_commands.get_kpi_source] = lambda: slow
    with ThreadedServer(fake.app) as server, TestClient(app) as client:
        answer = post(client, "kpi today", response_url=f"{server.url}/services/T0/B0/s3cr3t").json()
        assert "Working on today's KPIs" in answer["text"] and fake.posts == []
        release.set()
        deadline = time.monotonic() + 10
        while not fake.posts and time.monotonic() < deadline:
            time.sleep(0.02)
    [posted] = fake.posts
    assert "KPIs for" in posted["text"]


@pytest.mark.parametrize("text", ["", "help", "kpi yesterday", "booking", "refund BK1"])
def test_anything_else_answers_the_usage(slack_client, text):
    answer = post(slack_client, text).json()
    assert answer["response_type"] == "ephemeral" and "/tourstack booking BK" in answer["text"]


def test_a_bad_signature_is_refused_and_nothing_runs(slack_client, kpis):
    body, headers = signed("kpi today", secret="not-the-secret")
    assert slack_client.post(PATH, content=body, headers=headers).status_code == 401
    body, headers = signed("kpi today")
    tampered = body.replace(b"kpi+today", b"kpi+today+")
    response = slack_client.post(PATH, content=tampered, headers=headers)
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("application/problem+json")
    assert slack_client.post(PATH, content=body, headers={"Content-Type": headers["Content-Type"]}).status_code == 401
    assert kpis.calls == []


def test_a_signature_older_than_five_minutes_is_refused(slack_client, kpis):
    assert post(slack_client, "kpi today", at=time.time() - 301).status_code == 401
    assert post(slack_client, "kpi today", at=time.time() - 240).status_code == 200
    assert len(kpis.calls) == 1


def test_without_a_signing_secret_every_request_is_refused(client):
    assert post(client, "kpi today").status_code == 401
