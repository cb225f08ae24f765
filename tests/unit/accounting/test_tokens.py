"""Tokens at rest: encrypted, tamper-evident, never in a repr; Intuit's client built offline."""

from __future__ import annotations

import datetime as dt

import pytest
import requests

from tourstack.accounting import ProviderNotConfigured, TokenCipher, TokenSet
from tourstack.accounting.quickbooks_oauth import QuickBooksOAuth

NOW = dt.datetime(2026, 12, 7, 12, 0, tzinfo=dt.UTC)
TOKENS = TokenSet(access_token="access-secret-value", refresh_token="refresh-secret-value",
                  access_expires_at=NOW + dt.timedelta(hours=1), refresh_expires_at=NOW + dt.timedelta(days=100),
                  scope=("com.intuit.quickbooks.accounting",))


def test_round_trip_and_no_plaintext_in_the_ciphertext():
    cipher = TokenCipher(TokenCipher.new_key())
    stored = cipher.encrypt(TOKENS)
    assert "secret-value" not in stored
    assert cipher.decrypt(stored) == TOKENS


def test_a_tampered_ciphertext_or_another_key_is_refused_not_misread():
    cipher = TokenCipher(TokenCipher.new_key())
    stored = cipher.encrypt(TOKENS)
    with pytest.raises(ProviderNotConfigured, match="do not decrypt"):
        TokenCipher(TokenCipher.new_key()).decrypt(stored)
    with pytest.raises(ProviderNotConfigured):
        cipher.decrypt(stored[:-4] + ("AAAA" if not stored.endswith("AAAA") else "BBBB"))


def test_rotated_keys_still_read_old_rows_and_write_under_the_new_one():
    old, new = TokenCipher.new_key(), TokenCipher.new_key()
    stored_under_old = TokenCipher(old).encrypt(TOKENS)
    rotated = TokenCipher(f"{new},{old}")
    assert rotated.decrypt(stored_under_old) == TOKENS
    assert TokenCipher(new).decrypt(rotated.encrypt(TOKENS)) == TOKENS


@pytest.mark.parametrize("key", ["", "not-a-fernet-key"])
def test_a_missing_or_malformed_key_is_a_clear_configuration_error(key):
    with pytest.raises(ProviderNotConfigured, match="TOURSTACK_ACCOUNTING_KEY"):
        TokenCipher(key)


def test_secrets_never_show_in_repr():
    assert "secret-value" not in repr(TOKENS)


def test_intuit_auth_client_is_built_without_the_network(monkeypatch):
    def no_network(*_args, **_kwargs):
        raise AssertionError("the discovery document must not be downloaded")

    monkeypatch.setattr(requests.adapters.HTTPAdapter, "send", no_network)
    for environment in ("sandbox", "production"):
        client = QuickBooksOAuth("id", "secret", "http://127.0.0.1/cb", environment).client()
        assert client.token_endpoint == "https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer"
        assert client.auth_endpoint == "https://appcenter.intuit.com/connect/oauth2"
    pointed = QuickBooksOAuth("id", "secret", "http://127.0.0.1/cb", token_url="http://127.0.0.1:9/t").client()
    assert pointed.token_endpoint == "http://127.0.0.1:9/t"
    url = QuickBooksOAuth("id", "secret", "http://127.0.0.1/cb").authorization_url("st4te")
    assert url.startswith("https://appcenter.intuit.com/connect/oauth2?") and "state=st4te" in url
    assert "com.intuit.quickbooks.accounting" in url
