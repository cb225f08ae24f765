"""Every route outside the public few answers 401 without an API key, whatever the method."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from api.app import create_app
from tourstack.settings import Settings

PUBLIC = {"/health", "/health/live"}
# signed by the sender (WhatsApp's GET handshake: its verify token, 403 otherwise)
SIGNED_NOT_KEYED = re.compile(r"^/api/v1/webhooks/|^/api/v1/accounting/\{provider\}/webhook$"
                              r"|^/api/v1/whatsapp/webhook$|^/api/v1/whatsapp/twilio/status$")
OAUTH_CALLBACKS = re.compile(r"^/api/v1/accounting/\{provider\}/callback$")  # authorised by `state`


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


def test_every_non_public_route_requires_a_key(app, client):
    checked = 0
    for path, operations in app.openapi()["paths"].items():
        if path in PUBLIC or SIGNED_NOT_KEYED.match(path) or OAUTH_CALLBACKS.match(path):
            continue
        for method in operations:
            response = client.request(method.upper(), _concrete(path))
            assert response.status_code == 401, (method, path, response.status_code)
            assert response.headers["content-type"].startswith("application/problem+json")
            checked += 1
    assert checked > 40


def test_webhooks_refuse_unsigned_deliveries(db_url, session_factory):
    # Configured gateways (credentials only; no call leaves the process in this test).
    settings = Settings(database_url=db_url, stripe_secret_key="sk_test_x",
                        stripe_webhook_secret="whsec_test", razorpay_key_id="rzp_test_x",
                        razorpay_key_secret="secret", razorpay_webhook_secret="rzp_webhook_test")
    with TestClient(create_app(settings=settings, sessionmaker=session_factory)) as client:
        for gateway, header in (("stripe", "Stripe-Signature"), ("razorpay", "X-Razorpay-Signature")):
            response = client.post(f"/api/v1/webhooks/{gateway}", content=b'{"id": "evt_1"}',
                                   headers={header: "t=1,v1=forged"})
            assert response.status_code == 400, (gateway, response.status_code)
