"""Mailgun's inbound route: a signed delivery is stored first and processed, the same delivery
again is a no-op, and a missing, wrong or stale signature, a replayed token with another
message, or an unset key answers 401 with nothing stored."""

from __future__ import annotations

import hashlib
import hmac
import time
from email.message import EmailMessage

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from api.app import create_app
from tests.unit.api.test_auth import assert_problem
from tourstack.db.models.inbox import InboxInboundToken, InboxMessage
from tourstack.settings import Settings

KEY = "key-mailgun-signing-test"
URL = "/api/v1/inbox/inbound/mailgun/mime"


def _mime(n: int = 1) -> bytes:
    msg = EmailMessage()
    msg["From"], msg["To"] = "Hotel Rambagh <reservations@rambagh.example>", "suppliers@tourstack.example"
    msg["Subject"], msg["Message-ID"] = f"Confirmation RC-{n} / your ref TB4K7X2QA", f"<mg{n}@rambagh.example>"
    msg.set_content(f"Confirmation No: RC-{n}\nArrival: 02/10/2026\nDeparture: 05/10/2026")
    msg.add_attachment(b"%PDF-1.4 voucher", maintype="application", subtype="pdf", filename="voucher.pdf")
    return msg.as_bytes()


def _signed(mime: bytes | None, *, key: str = KEY, token: str = "t" * 50, at: int | None = None) -> dict:
    timestamp = str(at if at is not None else int(time.time()))
    signature = hmac.new(key.encode(), (timestamp + token).encode(), hashlib.sha256).hexdigest()
    files = {"timestamp": (None, timestamp), "token": (None, token), "signature": (None, signature),
             "recipient": (None, "suppliers@tourstack.example")}
    if mime is not None:
        files["body-mime"] = (None, mime)
    return files


@pytest.fixture
def mailgun(db_url, session_factory):
    app = create_app(settings=Settings(database_url=db_url, mailgun_webhook_signing_key=KEY),
                     sessionmaker=session_factory)
    with TestClient(app) as client:
        yield client


def _counts(session_factory) -> tuple[int, int]:
    with session_factory() as s:
        return (s.scalar(select(func.count()).select_from(InboxMessage)),
                s.scalar(select(func.count()).select_from(InboxInboundToken)))


def test_a_signed_delivery_is_stored_and_processed_and_its_retry_is_a_no_op(mailgun, session_factory):
    mime = _mime()
    files = _signed(mime)
    first = mailgun.post(URL, files=files)
    assert first.status_code == 200, first.text
    assert first.json()["outcome"] == "stored" and first.json()["status"] == "processed"
    again = mailgun.post("/api/v1/inbox/inbound/mailgun", files=files)  # Mailgun retrying, other path
    assert again.status_code == 200 and again.json() == {**first.json(), "outcome": "duplicate"}
    assert _counts(session_factory) == (1, 1)
    with session_factory() as s:
        row = s.scalar(select(InboxMessage))
        assert row.raw == mime and row.source == "mailgun" and row.category == "booking_confirmation"


def test_the_urlencoded_form_is_read_too(mailgun, session_factory):
    data = {k: v[1] for k, v in _signed(_mime(3)).items()}
    response = mailgun.post(URL, data=data)
    assert response.status_code == 200, response.text
    assert _counts(session_factory) == (1, 1)


@pytest.mark.parametrize("change", ["wrong key", "stale", "future", "no signature", "garbage"])
def test_an_unverified_delivery_is_401_and_stores_nothing(mailgun, session_factory, change):
    files = {"wrong key": lambda: _signed(_mime(), key="another-key"),
             "stale": lambda: _signed(_mime(), at=int(time.time()) - 3600),
             "future": lambda: _signed(_mime(), at=int(time.time()) + 3600),
             "no signature": lambda: {k: v for k, v in _signed(_mime()).items() if k != "signature"},
             "garbage": lambda: {**_signed(_mime()), "timestamp": (None, "not-a-time")}}[change]()
    assert_problem(mailgun.post(URL, files=files), 401)
    assert _counts(session_factory) == (0, 0)


def test_a_replayed_token_with_another_message_is_refused(mailgun, session_factory):
    assert mailgun.post(URL, files=_signed(_mime(1))).status_code == 200
    assert_problem(mailgun.post(URL, files=_signed(_mime(2))), 401)  # same token, other bytes
    assert _counts(session_factory) == (1, 1)


def test_a_signed_delivery_without_the_raw_message_is_422(mailgun, session_factory):
    response = mailgun.post(URL, files=_signed(None))
    assert_problem(response, 422)
    assert "/mime" in response.json()["detail"]
    assert _counts(session_factory) == (0, 0)


def test_without_a_signing_key_every_delivery_is_401(client, session_factory):
    assert_problem(client.post(URL, files=_signed(_mime())), 401)
    assert_problem(client.post(URL), 401)
    assert _counts(session_factory) == (0, 0)


def test_a_large_message_passes_the_body_gate_on_this_route_only(mailgun):
    msg = EmailMessage()
    msg["From"], msg["Subject"] = "dmc@alpine.example", "Tarifs 2027"
    msg.set_content("see attached")
    msg.add_attachment(bytes(range(256)) * 8000, maintype="application", subtype="octet-stream", filename="scan.bin")
    big = msg.as_bytes()
    assert len(big) > 1_000_000
    assert mailgun.post(URL, files=_signed(big)).status_code == 200
    assert_problem(mailgun.post("/api/v1/outbox/alerts", content=b"x" * 1_100_000,
                                headers={"content-type": "application/json"}), 413)
