"""Payment domain errors; the API maps them to problems (404 / 409 / 422)."""

from __future__ import annotations


class PaymentsError(Exception):
    code = "payments-error"


class NotFound(PaymentsError):
    code = "not-found"


class Conflict(PaymentsError):
    code = "payments-conflict"


class Invalid(PaymentsError):
    code = "invalid-payment"


class IdempotencyKeyReused(Conflict):
    """The Idempotency-Key was used before for a request with other parameters."""

    code = "idempotency-key-reused"


class PaymentInProgress(Conflict):
    """Checkouts started moments ago already cover what the new payment would pay."""

    code = "payment-in-progress"
