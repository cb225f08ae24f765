"""Xero's OAuth 2.0 through `xero-python` (`OAuth2Token`, `TokenApi`, `IdentityApi`).

The SDK refreshes (`OAuth2Token.fetch_access_token` through `TokenApi`) and lists the tenants a
consent opened (`IdentityApi.get_connections`), but has no authorisation-code exchange: that one
form POST follows Xero's documented flow (Basic client auth, `grant_type=authorization_code`).
`TokenApi`'s endpoint is a class attribute; a subclass per app points it elsewhere (the fakes).
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

import httpx
from xero_python.api_client import ApiClient
from xero_python.api_client.configuration import Configuration
from xero_python.api_client.oauth2 import OAuth2Token, TokenApi
from xero_python.exceptions import ApiException, HTTPStatusException
from xero_python.identity import IdentityApi

from tourstack.accounting.errors import ConsentRefused, ProviderUnavailable, TokenRejected
from tourstack.accounting.oauth import Grant
from tourstack.accounting.tokens import TokenSet, expiry

# offline_access is what grants a refresh token; the accounting scopes cover every entity synced.
SCOPES = ("offline_access", "accounting.transactions", "accounting.contacts", "accounting.settings")
# Xero's refresh tokens last 60 days unused (each refresh starts a new 60 days).
REFRESH_TOKEN_DAYS = 60


class XeroOAuth:
    provider = "xero"

    def __init__(self, client_id: str, client_secret: str, redirect_uri: str,
                 auth_url: str = "https://login.xero.com/identity/connect/authorize",
                 token_url: str = "https://identity.xero.com/connect/token",
                 identity_url: str = "https://api.xero.com", timeout: float = 30.0) -> None:
        self.client_id, self._secret, self.redirect_uri = client_id, client_secret, redirect_uri
        self.auth_url, self.token_url, self.identity_url, self.timeout = auth_url, token_url, identity_url, timeout

    def authorization_url(self, state: str) -> str:
        query = {"response_type": "code", "client_id": self.client_id, "redirect_uri": self.redirect_uri,
                 "scope": " ".join(SCOPES), "state": state}
        return f"{self.auth_url}?{urlencode(query)}"

    def api_client(self, tokens: TokenSet) -> ApiClient:
        """An SDK client holding these tokens (read-only: refreshing is ours, under the row lock)."""
        token = OAuth2Token(client_id=self.client_id, client_secret=self._secret)
        stored = _sdk_token(tokens)
        client = ApiClient(Configuration(oauth2_token=token), pool_threads=1,
                           oauth2_token_getter=lambda: stored, oauth2_token_saver=lambda _new: None)
        # `Configuration(...)` returns a shallow copy of the first Configuration ever built in the
        # process (its metaclass ignores the arguments after that), so every client would share
        # that first OAuth2Token: give this client its own.
        client.configuration.oauth2_token = token
        token.update_token(**stored)
        return client

    def exchange(self, code: str, tenant_hint: str | None, now: dt.datetime) -> Grant:
        try:
            answer = httpx.post(self.token_url, auth=(self.client_id, self._secret), timeout=self.timeout,
                                data={"grant_type": "authorization_code", "code": code,
                                      "redirect_uri": self.redirect_uri})
        except httpx.HTTPError as exc:
            raise ProviderUnavailable(f"Xero token endpoint unreachable: {type(exc).__name__}") from None
        if answer.status_code != 200:
            raise ConsentRefused(f"Xero refused the authorisation code ({answer.status_code})")
        tokens = _tokens(answer.json(), now)
        try:
            tenants = IdentityApi(self.api_client(tokens), base_url=self.identity_url).get_connections()
        except (ApiException, OSError) as exc:
            raise ProviderUnavailable(f"Xero connections could not be listed: {type(exc).__name__}") from None
        organisations = [t for t in tenants if (t.tenant_type or "ORGANISATION") == "ORGANISATION"]
        if not organisations:
            raise ConsentRefused("the Xero consent opened no organisation")
        # The person picks one organisation on Xero's consent screen; when several were ticked,
        # the one named by `tenant_hint`, else the first (Xero lists them in the order granted).
        chosen = next((t for t in organisations if str(t.tenant_id) == tenant_hint), organisations[0])
        return Grant(tokens=tokens, tenant_id=str(chosen.tenant_id), tenant_name=chosen.tenant_name)

    def refresh(self, tokens: TokenSet, now: dt.datetime) -> TokenSet:
        client = self.api_client(tokens)
        sdk_token = client.configuration.oauth2_token
        token_api = type("PointedTokenApi", (TokenApi,), {"refresh_token_url": self.token_url})(
            client, self.client_id, self._secret)
        try:
            answer = sdk_token.fetch_access_token(token_api, token_valid_from=now.timestamp())
        except HTTPStatusException as exc:
            if exc.status in (400, 401):  # invalid_grant: revoked, expired or already rotated
                raise TokenRejected(f"Xero refused the refresh token ({exc.status})") from None
            raise ProviderUnavailable(f"Xero token endpoint answered {exc.status}") from None
        except (ApiException, OSError) as exc:
            raise ProviderUnavailable(f"Xero token endpoint unreachable: {type(exc).__name__}") from None
        return _tokens(answer, now)


def _tokens(answer: dict, now: dt.datetime) -> TokenSet:
    scope = answer.get("scope") or ()
    return TokenSet(access_token=answer["access_token"], refresh_token=answer["refresh_token"],
                    access_expires_at=expiry(now, answer.get("expires_in")) or now,
                    refresh_expires_at=now + dt.timedelta(days=REFRESH_TOKEN_DAYS),
                    scope=tuple(scope.split() if isinstance(scope, str) else scope))


def _sdk_token(tokens: TokenSet) -> dict:
    return {"access_token": tokens.access_token, "refresh_token": tokens.refresh_token,
            "scope": list(tokens.scope or SCOPES), "expires_in": 1800, "token_type": "Bearer",
            "expires_at": tokens.access_expires_at.timestamp()}
