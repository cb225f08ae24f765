"""FX errors. All are ValueErrors so callers can treat "cannot convert" uniformly, while the
subclasses tell a user *why*: unknown currency, no rate for that date, or a failing source.
"""

from __future__ import annotations

from tourstack.money import CurrencyError


class FxError(ValueError):
    """A conversion that cannot be made honestly."""


class UnknownCurrencyError(FxError, CurrencyError):
    """Not an ISO 4217 code at all."""


class RateNotAvailableError(FxError):
    """The source has no rate for the currency on or before the requested date."""


class FxSourceError(FxError):
    """A rate source failed (HTTP status, network, malformed body, missing credentials).

    The message names the source and, for HTTP, the status; it never carries credentials.
    """

    def __init__(self, source: str, message: str, *, status: int | None = None) -> None:
        self.source = source
        self.status = status
        super().__init__(f"{source}: {message}")
