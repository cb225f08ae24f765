"""Gateway fixtures: localstripe as a subprocess (optionally behind `StripeProxy`, which injects
faults per call), fake Razorpay and PayPal servers in threads, and an API app whose payments
runtime drives the real SDKs against them (all on 127.0.0.1)."""

from __future__ import annotations

import hashlib
import hmac
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.fakes.asgi_server import ThreadedServer, free_port, wait_for_port
from tests.fakes.faults import StripeProxy
from tests.fakes.paypal import FakePayPal
from tests.fakes.razorpay import FakeRazorpay
from tests.unit.api.conftest import app, client, session_factory, world  # noqa: F401
from tourstack.payments import BankAccount, GatewayConfig, build_runtime

STRIPE_WEBHOOK_SECRET = "whsec_test_secret"
RAZORPAY_WEBHOOK_SECRET = "rzp_webhook_secret"


@pytest.fixture(scope="session")
def localstripe_url():
    port = free_port()
    exe = Path(sys.executable).with_name("localstripe")
    proc = subprocess.Popen([str(exe), "--port", str(port), "--from-scratch"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_port(port)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture
def fake_razorpay():
    fake = FakeRazorpay()
    with ThreadedServer(fake.app) as server:
        fake.url = server.url
        yield fake


@pytest.fixture
def fake_paypal():
    fake = FakePayPal()
    with ThreadedServer(fake.app) as server:
        fake.base_url = server.url
        yield fake


@pytest.fixture
def stripe_proxy(localstripe_url):
    proxy = StripeProxy(localstripe_url)
    with ThreadedServer(proxy.app) as server:
        proxy.url = server.url
        yield proxy


@pytest.fixture
def proxied_runtime(app, stripe_proxy, fake_razorpay, fake_paypal):  # noqa: F811
    """The runtime with Stripe reached through `stripe_proxy`."""
    rt = build_runtime(gateway_config(stripe_proxy.url, fake_razorpay, fake_paypal))
    app.state.payments = rt
    return rt


def gateway_config(localstripe_url: str, razorpay: FakeRazorpay, paypal: FakePayPal, **overrides) -> GatewayConfig:
    values = dict(
        stripe_secret_key="sk_test_tourstack", stripe_webhook_secret=STRIPE_WEBHOOK_SECRET,
        stripe_api_base=localstripe_url,
        razorpay_key_id=razorpay.key_id, razorpay_key_secret=razorpay.key_secret,
        razorpay_webhook_secret=RAZORPAY_WEBHOOK_SECRET, razorpay_base_url=razorpay.url,
        paypal_client_id=paypal.client_id, paypal_client_secret=paypal.client_secret,
        paypal_webhook_id=paypal.webhook_id, paypal_base_url=paypal.base_url,
        bank_account=BankAccount("Tourstack Journeys Pvt Ltd", "50200012345678", ifsc="HDFC0000001"),
        timeout_seconds=2.0, breaker_threshold=2, breaker_cooldown_seconds=60,
        refund_approval_thresholds={"INR": 1_000_000, "USD": 50_000, "*": 50_000},
    )
    return GatewayConfig(**(values | overrides))


@pytest.fixture
def runtime(app, localstripe_url, fake_razorpay, fake_paypal):  # noqa: F811
    rt = build_runtime(gateway_config(localstripe_url, fake_razorpay, fake_paypal))
    app.state.payments = rt
    return rt


def stripe_signed(event: dict, secret: str = STRIPE_WEBHOOK_SECRET) -> tuple[bytes, dict[str, str]]:
    body = json.dumps(event).encode()
    ts = int(time.time())
    sig = hmac.new(secret.encode(), f"{ts}.".encode() + body, hashlib.sha256).hexdigest()
    return body, {"Stripe-Signature": f"t={ts},v1={sig}", "Content-Type": "application/json"}


def razorpay_signed(event: dict, event_id: str, secret: str = RAZORPAY_WEBHOOK_SECRET) -> tuple[bytes, dict]:
    body = json.dumps(event).encode()
    sig = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return body, {"X-Razorpay-Signature": sig, "X-Razorpay-Event-Id": event_id, "Content-Type": "application/json"}


def paypal_signed(fake: FakePayPal, event: dict, transmission_id: str) -> tuple[bytes, dict]:
    body = json.dumps(event).encode()
    return body, {"PAYPAL-TRANSMISSION-ID": transmission_id, "PAYPAL-TRANSMISSION-SIG": fake.sign(transmission_id, event),
                  "PAYPAL-TRANSMISSION-TIME": "2026-11-25T10:00:00Z", "PAYPAL-AUTH-ALGO": "SHA256withRSA",
                  "PAYPAL-CERT-URL": f"{fake.base_url}/certs/cert.pem", "Content-Type": "application/json"}
