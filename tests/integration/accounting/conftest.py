"""The fake QuickBooks and Xero servers, one of each per module, and OAuth apps pointed at them."""

from __future__ import annotations

import pytest

from tests.fakes.asgi_server import ThreadedServer
from tests.fakes.quickbooks import TOKEN_PATH as QB_TOKEN_PATH, FakeQuickBooks
from tests.fakes.xero import TOKEN_PATH as XERO_TOKEN_PATH, FakeXero
from tourstack.accounting import TokenCipher
from tourstack.accounting.quickbooks_oauth import QuickBooksOAuth
from tourstack.accounting.xero_oauth import XeroOAuth

REDIRECT = "http://127.0.0.1:8000/api/v1/accounting/{}/callback"


@pytest.fixture(scope="module")
def fake_quickbooks():
    fake = FakeQuickBooks()
    with ThreadedServer(fake.app()) as server:
        fake.url = server.url
        yield fake


@pytest.fixture(scope="module")
def fake_xero():
    fake = FakeXero()
    with ThreadedServer(fake.app()) as server:
        fake.url = server.url
        yield fake


@pytest.fixture
def quickbooks_app(fake_quickbooks) -> QuickBooksOAuth:
    return QuickBooksOAuth(fake_quickbooks.auth.client_id, fake_quickbooks.auth.client_secret,
                           REDIRECT.format("quickbooks"), token_url=fake_quickbooks.url + QB_TOKEN_PATH)


@pytest.fixture
def xero_app(fake_xero) -> XeroOAuth:
    return XeroOAuth(fake_xero.auth.client_id, fake_xero.auth.client_secret, REDIRECT.format("xero"),
                     token_url=fake_xero.url + XERO_TOKEN_PATH, identity_url=fake_xero.url)


@pytest.fixture(scope="module")
def cipher() -> TokenCipher:
    return TokenCipher(TokenCipher.new_key())
