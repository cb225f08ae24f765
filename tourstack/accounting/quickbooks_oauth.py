"""QuickBooks Online's OAuth 2.0 through Intuit's `intuit-oauth` SDK (`AuthClient`).

`AuthClient.__init__` downloads Intuit's OpenID discovery document (a GET through the client
itself, which is a `requests.Session`). Machines that run the sync may have no route to it, and
a sync should not depend on one more remote call, so `ShippedDiscoveryAuthClient` answers that
one GET from the copy shipped beside this module (intuit_discovery.json, Intuit's documented
endpoints); every other request goes out as usual. Endpoints can still be overridden (the fakes
in tests) with the SDK's own `setAuthorizeURLs`.
"""

from __future__ import annotations

import datetime as dt
import json
from functools import cache
from pathlib import Path

import requests
from intuitlib.client import AuthClient
from intuitlib.config import DISCOVERY_URL
from intuitlib.enums import Scopes
from intuitlib.exceptions import AuthClientError

from tourstack.accounting.errors import ConsentRefused, ProviderUnavailable, TokenRejected
from tourstack.accounting.oauth import Grant
from tourstack.accounting.tokens import TokenSet, expiry

DISCOVERY_FILE = Path(__file__).with_name("intuit_discovery.json")
SCOPES = [Scopes.ACCOUNTING]


@cache
def _shipped_documents() -> dict[str, dict]:
    documents = json.loads(DISCOVERY_FILE.read_text())
    return {DISCOVERY_URL["production"]: documents["production"], DISCOVERY_URL["sandbox"]: documents["sandbox"]}


class ShippedDiscoveryAuthClient(AuthClient):
    """An `AuthClient` whose discovery document comes from the shipped file, not the network."""

    def get(self, url, **kwargs):  # noqa: ANN001 (requests.Session signature)
        document = _shipped_documents().get(url)
        if document is None:
            return super().get(url, **kwargs)
        response = requests.Response()
        response.status_code = 200
        response._content = json.dumps(document).encode()
        response.headers["Content-Type"] = "application/json"
        response.url = url
        return response


class QuickBooksOAuth:
    provider = "quickbooks"

    def __init__(self, client_id: str, client_secret: str, redirect_uri: str, environment: str = "sandbox",
                 auth_url: str | None = None, token_url: str | None = None) -> None:
        self._args = (client_id, client_secret, redirect_uri, environment)
        self._auth_url, self._token_url = auth_url, token_url

    def client(self) -> AuthClient:
        """A fresh SDK client per call: it keeps tokens on itself, and workers share nothing."""
        client = ShippedDiscoveryAuthClient(*self._args)
        if self._auth_url or self._token_url:
            client.setAuthorizeURLs({"auth_endpoint": self._auth_url or client.auth_endpoint,
                                     "token_endpoint": self._token_url or client.token_endpoint,
                                     "revoke_endpoint": client.revoke_endpoint,
                                     "user_info_url": client.user_info_url})
        return client

    def authorization_url(self, state: str) -> str:
        return self.client().get_authorization_url(SCOPES, state_token=state)

    def exchange(self, code: str, tenant_hint: str | None, now: dt.datetime) -> Grant:
        if not tenant_hint:
            raise ConsentRefused("the QuickBooks callback carries no realmId (the company)")
        client = self.client()
        try:
            client.get_bearer_token(code, realm_id=tenant_hint)
        except AuthClientError as exc:
            raise ConsentRefused(f"QuickBooks refused the authorisation code ({exc.status_code})") from None
        except requests.RequestException as exc:
            raise ProviderUnavailable(f"QuickBooks token endpoint unreachable: {type(exc).__name__}") from None
        return Grant(tokens=_tokens(client, now), tenant_id=tenant_hint)

    def refresh(self, tokens: TokenSet, now: dt.datetime) -> TokenSet:
        client = self.client()
        try:
            client.refresh(refresh_token=tokens.refresh_token)
        except AuthClientError as exc:
            if exc.status_code in (400, 401):  # invalid_grant: revoked, expired or already rotated
                raise TokenRejected(f"QuickBooks refused the refresh token ({exc.status_code})") from None
            raise ProviderUnavailable(f"QuickBooks token endpoint answered {exc.status_code}") from None
        except requests.RequestException as exc:
            raise ProviderUnavailable(f"QuickBooks token endpoint unreachable: {type(exc).__name__}") from None
        return _tokens(client, now)


def _tokens(client: AuthClient, now: dt.datetime) -> TokenSet:
    return TokenSet(access_token=client.access_token, refresh_token=client.refresh_token,
                    access_expires_at=expiry(now, client.expires_in) or now,
                    refresh_expires_at=expiry(now, client.x_refresh_token_expires_in))
