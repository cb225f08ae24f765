"""Domain errors of invoicing. Messages are safe to show to the caller; `code` is a stable slug.

The API maps them by family: not found -> 404, conflicts with the invoice's state -> 409,
invalid input -> 422.
"""

from __future__ import annotations


class InvoicingError(Exception):
    code = "invoicing-error"


class InvoiceNotFound(InvoicingError):
    code = "not-found"


class BookingNotFound(InvoicingError):
    code = "booking-not-found"


class InvoiceConflict(InvoicingError):
    """The request is well-formed but the invoice's current state does not allow it."""

    code = "invoice-conflict"


class IllegalTransition(InvoiceConflict):
    code = "illegal-transition"


class SeparationOfDuties(InvoiceConflict):
    """The approver submitted the invoice: a second person must approve."""

    code = "separation-of-duties"


class CreditLimitExceeded(InvoiceConflict):
    code = "credit-limit-exceeded"


class InvalidInvoice(InvoicingError):
    """Invalid input: no lines, bad amounts, currency mismatch, unknown place of supply."""

    code = "invalid-invoice"
