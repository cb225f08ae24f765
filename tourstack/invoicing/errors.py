"""Domain errors of invoicing. Messages are safe to show to the caller; `code` is a stable slug.

Each is one of the shared families (tourstack.errors): not found, conflict with the invoice's
state, invalid input; the API answers them all with one handler.
"""

from __future__ import annotations

from tourstack import approvals
from tourstack.errors import Conflict, DomainError, Invalid, NotFound


class InvoicingError(DomainError):
    code = "invoicing-error"


class InvoiceNotFound(InvoicingError, NotFound):
    code = "not-found"


class BookingNotFound(InvoicingError, NotFound):
    code = "booking-not-found"


class InvoiceConflict(InvoicingError, Conflict):
    """The request is well-formed but the invoice's current state does not allow it."""

    code = "invoice-conflict"
    title = "Invoice conflict"


class IllegalTransition(approvals.IllegalTransition, InvoiceConflict):
    """Also: a credit note takes no approval step, only void."""


class SeparationOfDuties(approvals.SeparationOfDuties, InvoiceConflict):
    """The approver submitted the invoice: a second person must approve."""


class CreditLimitExceeded(InvoiceConflict):
    code = "credit-limit-exceeded"


class InvalidInvoice(InvoicingError, Invalid):
    """Invalid input: no lines, bad amounts, currency mismatch, unknown place of supply."""

    code = "invalid-invoice"
    title = "Invalid invoice"
