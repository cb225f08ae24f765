"""What the connection code needs from a provider's OAuth 2.0 app, whichever SDK speaks it.

Both providers issue short-lived access tokens (QuickBooks: 1 hour, Xero: 30 minutes)
and refresh tokens that rotate: every refresh answers a new refresh token and the old one soon
stops working, so the new one must be stored before anything else can go wrong.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol

from tourstack.accounting.tokens import TokenSet


@dataclass(frozen=True)
class Grant:
    """The answer to a finished consent: tokens and the company they open."""

    tokens: TokenSet
    tenant_id: str
    tenant_name: str | None = None


class OAuthApp(Protocol):
    provider: str

    def authorization_url(self, state: str) -> str:
        """The consent page the person opens; it redirects to our callback with `state`."""

    def exchange(self, code: str, tenant_hint: str | None, now: dt.datetime) -> Grant:
        """Trade the callback's code for tokens (QuickBooks passes the realmId as `tenant_hint`)."""

    def refresh(self, tokens: TokenSet, now: dt.datetime) -> TokenSet:
        """New tokens for old; raises TokenRejected when the refresh token is dead."""
