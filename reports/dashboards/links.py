"""Short-lived signed links to the dashboards, for browsers that cannot send an API-key header.

Why: a person opens a dashboard by navigating to it, and a navigation carries no
`Authorization` header. An authenticated client asks the API for a link instead; the link
carries `<key_id>.<expires>.<signature>` in its path (so the page's relative `assets/...` and
`sales.html` links keep working under the same prefix) and stops working when it expires, when
the issuing key is revoked, or when that key's role loses analytics access.

The signature is an HMAC-SHA256 whose secret is derived from the issuing key's stored hash: it
needs no new server secret, differs per key, and dies with the key. Anyone able to read the
api_keys table could forge links; such a reader could read the marts anyway.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from collections.abc import Callable
from dataclasses import dataclass

DEFAULT_TTL_SECONDS = 15 * 60
MAX_TTL_SECONDS = 60 * 60
_CONTEXT = b"tourstack dashboards link v1\x00"


@dataclass(frozen=True)
class LinkToken:
    key_id: int
    expires: int  # unix seconds


def _secret(key_hash: str) -> bytes:
    return hashlib.sha256(_CONTEXT + key_hash.encode("ascii")).digest()


def _signature(key_id: int, expires: int, key_hash: str) -> str:
    mac = hmac.new(_secret(key_hash), f"{key_id}.{expires}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).rstrip(b"=").decode("ascii")


def issue(key_id: int, key_hash: str, *, ttl_seconds: int = DEFAULT_TTL_SECONDS,
          now: float | None = None) -> tuple[str, int]:
    """(token, expires) for the key `key_id` whose stored hash is `key_hash`."""
    if not 1 <= ttl_seconds <= MAX_TTL_SECONDS:
        raise ValueError(f"ttl_seconds must be between 1 and {MAX_TTL_SECONDS}")
    expires = int(now if now is not None else time.time()) + ttl_seconds
    return f"{key_id}.{expires}.{_signature(key_id, expires, key_hash)}", expires


def parse(token: str) -> tuple[LinkToken, str] | None:
    """The claimed key and expiry plus the signature, or None when malformed. Not verified."""
    parts = token.split(".")
    if len(parts) != 3 or not parts[0].isdigit() or not parts[1].isdigit() or len(parts[0]) > 18:
        return None
    if len(parts[1]) > 12 or not 20 <= len(parts[2]) <= 64:
        return None
    return LinkToken(int(parts[0]), int(parts[1])), parts[2]


def verify(token: str, key_hash_of: Callable[[int], str | None], *,
           now: float | None = None) -> LinkToken | None:
    """The token's claims when well-formed, unexpired, not too long-lived and signed with the key
    `key_hash_of(key_id)` returns (None for an unknown, revoked or unauthorised key)."""
    parsed = parse(token)
    if parsed is None:
        return None
    claims, signature = parsed
    now = now if now is not None else time.time()
    if not now < claims.expires <= now + MAX_TTL_SECONDS:
        return None
    key_hash = key_hash_of(claims.key_id)
    if key_hash is None:
        return None
    expected = _signature(claims.key_id, claims.expires, key_hash)
    return claims if hmac.compare_digest(expected, signature) else None
