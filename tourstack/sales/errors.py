"""Domain errors of the sales flow, in the families of tourstack.errors so the API answers them
with its one problem+json handler. Messages are safe to show to the caller."""

from __future__ import annotations

from tourstack.errors import Conflict, DomainError, Invalid, NotFound


class SalesError(DomainError):
    """Base class; `code` is a stable machine-readable slug."""

    code = "sales-error"


class QuoteRequestNotFound(SalesError, NotFound):
    code = "quote-request-not-found"


class WrongAgency(SalesError, NotFound):
    """The request belongs to another agency than the caller's. APIs should present it as
    not found with the same words as QuoteRequestNotFound, so that agents cannot probe other
    agencies' ids."""

    code = "wrong-agency"


class QuoteRequestNotOpen(SalesError, Conflict):
    """The request is already quoted or closed."""

    code = "quote-request-not-open"
    title = "Quote request not open"


class InvalidQuote(SalesError, Invalid):
    """A quote that could never be accepted as it stands."""

    title = "Invalid quote"


class InvalidAmount(InvalidQuote):
    code = "invalid-amount"


class InvalidCurrency(InvalidQuote):
    code = "invalid-currency"


class CurrencyMismatch(InvalidQuote):
    code = "currency-mismatch"


class InvalidValidity(InvalidQuote):
    code = "invalid-validity"
