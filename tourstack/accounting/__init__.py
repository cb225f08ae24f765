"""Accounting sync with QuickBooks Online and Xero (see docs/accounting.md).

Connections (OAuth 2.0 consent, tokens encrypted at rest with Fernet, refreshed under a row lock
with the rotated refresh token stored in the same transaction, revoked and expired connections
visible), the account and tax-code mappings with their validation (mappings), the outbound sync
(documents: what we send; sync: the provider-neutral engine; quickbooks_sync / xero_sync: the
SDK adapters behind provider.AccountingClient), payments pulled back (inbound), webhooks,
the conflict queue (conflicts) and the sync reconciliation (sync_report). runner builds an
adapter from settings for the CLI and Dagster.
"""

from tourstack.accounting.apps import cipher_from_settings, oauth_app_from_settings, redirect_uri
from tourstack.accounting.connections import (
    AccessGrant,
    ConnectionStatus,
    access_token,
    begin_connect,
    check_provider,
    connection_statuses,
    finish_connect,
)
from tourstack.accounting.errors import (
    AccountingError,
    ConsentRefused,
    InvalidState,
    NotConnected,
    ProviderNotConfigured,
    ProviderUnavailable,
    TokenRejected,
    UnknownProvider,
)
from tourstack.accounting.oauth import Grant, OAuthApp
from tourstack.accounting.tokens import TokenCipher, TokenSet

__all__ = [
    "AccessGrant", "AccountingError", "ConnectionStatus", "ConsentRefused", "Grant", "InvalidState",
    "NotConnected", "OAuthApp", "ProviderNotConfigured", "ProviderUnavailable", "TokenCipher", "TokenRejected",
    "TokenSet", "UnknownProvider", "access_token", "begin_connect", "check_provider", "cipher_from_settings",
    "connection_statuses", "finish_connect", "oauth_app_from_settings", "redirect_uri",
]
