"""The providers' webhooks: a correct signature answers 200, a wrong or missing one 401 with an
empty body (Xero's intent-to-receive handshake), and a redelivery is recorded once."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from api.app import create_app
from tourstack.accounting.webhooks import signature
from tourstack.db.engine import make_engine, make_sessionmaker
from tourstack.db.models import AccountingWebhookDelivery
from tourstack.settings import Settings

pytestmark = [pytest.mark.integration]


@pytest.fixture
def client(db_url):
    settings = Settings(database_url=db_url, quickbooks_webhook_verifier_token="qb-verifier",
                        xero_webhook_key="xero-key")
    engine = make_engine(db_url)
    with TestClient(create_app(settings=settings, sessionmaker=make_sessionmaker(engine))) as test_client:
        test_client.sessions = make_sessionmaker(engine)
        yield test_client
    engine.dispose()


def _deliveries(client) -> int:
    with client.sessions() as session:
        return session.scalar(select(func.count()).select_from(AccountingWebhookDelivery))


def test_xero_intent_to_receive(client):
    body = json.dumps({"events": [], "firstEventSequence": 0, "lastEventSequence": 0, "entropy": "ABCDEF"}).encode()
    ok = client.post("/api/v1/accounting/xero/webhook", content=body,
                     headers={"x-xero-signature": signature("xero-key", body)})
    assert ok.status_code == 200 and ok.content == b""
    wrong = client.post("/api/v1/accounting/xero/webhook", content=body,
                        headers={"x-xero-signature": signature("other-key", body)})
    assert wrong.status_code == 401 and wrong.content == b""
    assert client.post("/api/v1/accounting/xero/webhook", content=body).status_code == 401


def test_quickbooks_signature_and_redelivery_is_a_no_op(client):
    body = json.dumps({"eventNotifications": [{"realmId": "9130350", "dataChangeEvent": {"entities": [
        {"name": "Payment", "id": "145", "operation": "Create", "lastUpdated": "2026-12-07T20:00:00.000Z"}]}}]}).encode()
    headers = {"intuit-signature": signature("qb-verifier", body)}
    assert client.post("/api/v1/accounting/quickbooks/webhook", content=body, headers=headers).status_code == 200
    assert client.post("/api/v1/accounting/quickbooks/webhook", content=body, headers=headers).status_code == 200
    assert _deliveries(client) == 1
    forged = client.post("/api/v1/accounting/quickbooks/webhook", content=body + b" ", headers=headers)
    assert forged.status_code == 401 and _deliveries(client) == 1
