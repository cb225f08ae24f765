"""Domain errors of the sales flow. Messages are safe to show to the caller."""

from __future__ import annotations


class SalesError(Exception):
    """Base class; `code` is a stable machine-readable slug."""

    code = "sales-error"


class QuoteRequestNotFound(SalesError):
    code = "quote-request-not-found"


class WrongAgency(SalesError):
    """The request belongs to another agency than the caller's. APIs should present it as
    not found, so that agents cannot probe other agencies' ids."""

    code = "wrong-agency"


class QuoteRequestNotOpen(SalesError):
    """The request is already quoted or closed."""

    code = "quote-request-not-open"


class InvalidAmount(SalesError):
    code = "invalid-amount"


class InvalidCurrency(SalesError):
    code = "invalid-currency"


class CurrencyMismatch(SalesError):
    code = "currency-mismatch"


class InvalidValidity(SalesError):
    code = "invalid-validity"
