"""The sync's small promises: deterministic idempotency keys and digests, bounded backoff that
honours Retry-After, and webhook signatures as the providers compute them."""

from __future__ import annotations

import base64
import hashlib
import hmac

import pytest

from tourstack.accounting.documents import idempotency_key, payload_digest
from tourstack.accounting.provider import Backoff, major, minor
from tourstack.accounting.webhooks import BadSignature, signature, verify


def test_idempotency_keys_are_deterministic_and_move_only_with_the_attempt():
    first = idempotency_key("quickbooks", "invoice", 7)
    assert first == idempotency_key("quickbooks", "invoice", 7) and len(first) <= 50
    assert first != idempotency_key("xero", "invoice", 7) != idempotency_key("quickbooks", "invoice", 7, 1)


def test_the_digest_ignores_key_order_but_not_a_changed_amount():
    a = {"number": "INV/1", "lines": [{"amount_minor": 100}]}
    assert payload_digest(a) == payload_digest({"lines": [{"amount_minor": 100}], "number": "INV/1"})
    assert payload_digest(a) != payload_digest({"number": "INV/1", "lines": [{"amount_minor": 101}]})


def test_backoff_honours_retry_after_within_its_bound():
    slept: list[float] = []
    backoff = Backoff(max_wait=30, sleep=slept.append)
    backoff.wait(0, "7")
    backoff.wait(1, "600")
    backoff.wait(2, None)
    backoff.wait(3, "soon")
    assert slept == [7.0, 30.0, 4.0, 8.0]


def test_amounts_travel_as_decimals_in_minor_units():
    assert major(123456, "INR") == "1234.56" and major(1500, "JPY") == "1500"
    assert minor("1234.56", "INR") == 123456 and minor(None, "EUR") == 0


def test_webhook_signature_is_base64_hmac_sha256_of_the_body():
    body = b'{"eventNotifications": []}'
    expected = base64.b64encode(hmac.new(b"secret", body, hashlib.sha256).digest()).decode()
    assert signature("secret", body) == expected
    verify("secret", body, expected)
    for wrong in (None, "", signature("other", body)):
        with pytest.raises(BadSignature):
            verify("secret", body, wrong)
    with pytest.raises(BadSignature):
        verify(None, body, expected)  # no secret configured: refuse, never accept
