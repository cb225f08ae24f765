"""OAuth tokens as one value, and their encryption at rest.

Why Fernet: authenticated symmetric encryption (AES-128-CBC + HMAC-SHA256) with a timestamp, from
a maintained library. A stolen database dump without `TOURSTACK_ACCOUNTING_KEY` yields no token,
and a tampered ciphertext fails to decrypt instead of yielding a wrong one. `MultiFernet` lets a
new key be put first while rows written under the old one still read (key rotation).

`TokenSet.__repr__` hides the secrets, so a token never lands in a log or a traceback by accident.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from tourstack.accounting.errors import ProviderNotConfigured


@dataclass(frozen=True)
class TokenSet:
    access_token: str = field(repr=False)
    refresh_token: str = field(repr=False)
    access_expires_at: dt.datetime
    refresh_expires_at: dt.datetime | None = None
    scope: tuple[str, ...] = ()

    def to_json(self) -> str:
        return json.dumps({"access_token": self.access_token, "refresh_token": self.refresh_token,
                           "access_expires_at": self.access_expires_at.isoformat(),
                           "refresh_expires_at": self.refresh_expires_at.isoformat()
                           if self.refresh_expires_at else None, "scope": list(self.scope)})

    @classmethod
    def from_json(cls, text: str) -> TokenSet:
        data = json.loads(text)
        refresh_at = data.get("refresh_expires_at")
        return cls(access_token=data["access_token"], refresh_token=data["refresh_token"],
                   access_expires_at=dt.datetime.fromisoformat(data["access_expires_at"]),
                   refresh_expires_at=dt.datetime.fromisoformat(refresh_at) if refresh_at else None,
                   scope=tuple(data.get("scope") or ()))


def expiry(now: dt.datetime, seconds: object) -> dt.datetime | None:
    """`now + seconds` for the providers' `expires_in` fields (numbers or numeric strings)."""
    if seconds in (None, ""):
        return None
    return now + dt.timedelta(seconds=int(float(str(seconds))))


class TokenCipher:
    """Encrypts token sets with the first key and decrypts with any (comma-separated keys)."""

    def __init__(self, keys: str) -> None:
        parts = [k.strip() for k in keys.split(",") if k.strip()]
        if not parts:
            raise ProviderNotConfigured("TOURSTACK_ACCOUNTING_KEY is empty")
        try:
            self._fernet = MultiFernet([Fernet(k.encode()) for k in parts])
        except ValueError:
            raise ProviderNotConfigured(
                "TOURSTACK_ACCOUNTING_KEY is not a Fernet key (32 url-safe base64 bytes); "
                "make one with `tourstack accounting new-key`") from None

    @staticmethod
    def new_key() -> str:
        return Fernet.generate_key().decode()

    def encrypt(self, tokens: TokenSet) -> str:
        return self._fernet.encrypt(tokens.to_json().encode()).decode()

    def decrypt(self, ciphertext: str) -> TokenSet:
        try:
            return TokenSet.from_json(self._fernet.decrypt(ciphertext.encode()).decode())
        except InvalidToken:
            raise ProviderNotConfigured(
                "the stored tokens do not decrypt with TOURSTACK_ACCOUNTING_KEY (wrong or rotated-out key)"
            ) from None
