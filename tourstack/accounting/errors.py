"""What the accounting sync refuses, in the shared families (tourstack.errors) the API answers."""

from __future__ import annotations

from tourstack.errors import Conflict, Forbidden, Invalid, NotFound


class AccountingError(Exception):
    """Any refusal of the accounting sync."""


class UnknownProvider(AccountingError, NotFound):
    code = "accounting-unknown-provider"


class ProviderNotConfigured(AccountingError, Conflict):
    """The OAuth app's client id and secret (or the token key) are not set."""

    code = "accounting-not-configured"


class NotConnected(AccountingError, Conflict):
    """No usable connection: never connected, or revoked / expired and waiting for a person."""

    code = "accounting-not-connected"


class InvalidState(AccountingError, Forbidden):
    """The callback's `state` is not the one this consent was started with (or it is too old)."""

    code = "accounting-invalid-state"


class ConsentRefused(AccountingError, Invalid):
    """The provider would not exchange the authorisation code (or the user declined)."""

    code = "accounting-consent-refused"


class TokenRejected(AccountingError):
    """The provider answered the refresh with invalid_grant: the refresh token is dead.

    Raised by the OAuth adapters; the connection turns `revoked` and a person must reconnect."""


class ProviderUnavailable(AccountingError, Conflict):
    """The token endpoint failed in a way that may pass (network, 5xx): try again later."""

    code = "accounting-provider-unavailable"
