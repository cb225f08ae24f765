"""An OAuth 2.0 authorisation server's token side, as QuickBooks' and Xero's documents describe it:
authorisation codes that work once, access tokens that expire, refresh tokens that rotate (a
refresh answers a new refresh token and the old one is dead: invalid_grant), and revocation.

The providers' fakes (quickbooks.py, xero.py) mount it on their token paths. `refresh_delay`
holds each refresh answer back so a test can make two refreshes overlap; `revoke_all()` is the
user disconnecting the app on the provider's side.
"""

from __future__ import annotations

import base64
import itertools
import secrets
import threading
import time
from dataclasses import dataclass, field


@dataclass
class TokenAuthority:
    client_id: str
    client_secret: str
    access_ttl: int = 3600
    refresh_ttl: int = 8_726_400  # Intuit's x_refresh_token_expires_in (101 days)
    refresh_delay: float = 0.0
    codes: dict[str, str] = field(default_factory=dict)  # code -> tenant
    access_tokens: dict[str, float] = field(default_factory=dict)  # token -> expires at (epoch)
    refresh_tokens: set[str] = field(default_factory=set)
    refresh_calls: int = 0
    refused_refreshes: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _serial: itertools.count = field(default_factory=lambda: itertools.count(1))

    def issue_code(self, tenant: str = "") -> str:
        """What the consent page would redirect with after the person approved."""
        code = f"code-{secrets.token_hex(8)}"
        self.codes[code] = tenant
        return code

    def client_ok(self, authorization: str | None, form: dict[str, str]) -> bool:
        if authorization and authorization.lower().startswith("basic "):
            pair = base64.b64decode(authorization.split(" ", 1)[1]).decode()
            return pair == f"{self.client_id}:{self.client_secret}"
        return form.get("client_id") == self.client_id and form.get("client_secret") == self.client_secret

    def token(self, authorization: str | None, form: dict[str, str]) -> tuple[int, dict]:
        """The token endpoint: (status, JSON body)."""
        if not self.client_ok(authorization, form):
            return 401, {"error": "invalid_client"}
        grant = form.get("grant_type")
        if grant == "authorization_code":
            with self._lock:
                if self.codes.pop(form.get("code", ""), None) is None:
                    return 400, {"error": "invalid_grant"}
                return 200, self._issue()
        if grant == "refresh_token":
            if self.refresh_delay:
                time.sleep(self.refresh_delay)
            with self._lock:
                self.refresh_calls += 1
                old = form.get("refresh_token", "")
                if old not in self.refresh_tokens:
                    self.refused_refreshes += 1
                    return 400, {"error": "invalid_grant"}
                self.refresh_tokens.discard(old)  # rotation: the old one is spent
                return 200, self._issue()
        return 400, {"error": "unsupported_grant_type"}

    def _issue(self) -> dict:
        n = next(self._serial)
        access, refresh = f"at-{n}-{secrets.token_hex(6)}", f"rt-{n}-{secrets.token_hex(6)}"
        self.access_tokens[access] = time.time() + self.access_ttl
        self.refresh_tokens.add(refresh)
        return {"token_type": "bearer", "access_token": access, "refresh_token": refresh,
                "expires_in": self.access_ttl, "x_refresh_token_expires_in": self.refresh_ttl}

    def bearer_ok(self, authorization: str | None) -> bool:
        """A resource call's `Authorization: Bearer`: known and not expired (else 401)."""
        if not authorization or not authorization.lower().startswith("bearer "):
            return False
        expires = self.access_tokens.get(authorization.split(" ", 1)[1])
        return expires is not None and expires > time.time()

    def expire_access_tokens(self) -> None:
        self.access_tokens = {t: 0.0 for t in self.access_tokens}

    def revoke_all(self) -> None:
        self.access_tokens.clear()
        self.refresh_tokens.clear()
