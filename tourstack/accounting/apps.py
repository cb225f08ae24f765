"""The OAuth apps and the token cipher, built from configuration by the entry points.

Takes any object with the settings' attribute names (tourstack.settings.Settings in the CLI, API
and Dagster; a plain namespace in tests), so this package imports no settings module.
"""

from __future__ import annotations

from tourstack.accounting.connections import check_provider
from tourstack.accounting.errors import ProviderNotConfigured
from tourstack.accounting.oauth import OAuthApp
from tourstack.accounting.quickbooks_oauth import QuickBooksOAuth
from tourstack.accounting.tokens import TokenCipher

CALLBACK_PATH = "/api/v1/accounting/{provider}/callback"


def _secret(value) -> str | None:  # noqa: ANN001 (SecretStr or str)
    if value is None:
        return None
    return value.get_secret_value() if hasattr(value, "get_secret_value") else str(value)


def redirect_uri(settings, provider: str) -> str:  # noqa: ANN001
    return settings.accounting_redirect_base.rstrip("/") + CALLBACK_PATH.format(provider=provider)


def cipher_from_settings(settings) -> TokenCipher:  # noqa: ANN001
    key = _secret(settings.accounting_key)
    if not key:
        raise ProviderNotConfigured("set TOURSTACK_ACCOUNTING_KEY (a Fernet key: `tourstack accounting new-key`)")
    return TokenCipher(key)


def oauth_app_from_settings(settings, provider: str) -> OAuthApp:  # noqa: ANN001
    check_provider(provider)
    if provider == "quickbooks":
        client_id, secret = settings.quickbooks_client_id, _secret(settings.quickbooks_client_secret)
        if not (client_id and secret):
            raise ProviderNotConfigured("set TOURSTACK_QUICKBOOKS_CLIENT_ID and TOURSTACK_QUICKBOOKS_CLIENT_SECRET")
        return QuickBooksOAuth(client_id, secret, redirect_uri(settings, provider), settings.quickbooks_environment,
                               auth_url=settings.quickbooks_auth_url, token_url=settings.quickbooks_token_url)
    client_id, secret = settings.xero_client_id, _secret(settings.xero_client_secret)
    if not (client_id and secret):
        raise ProviderNotConfigured("set TOURSTACK_XERO_CLIENT_ID and TOURSTACK_XERO_CLIENT_SECRET")
    from tourstack.accounting.xero_oauth import XeroOAuth  # the SDK import is heavy; only when used

    return XeroOAuth(client_id, secret, redirect_uri(settings, provider), auth_url=settings.xero_auth_url,
                     token_url=settings.xero_token_url, identity_url=settings.xero_identity_url)
