"""Payment domain errors, each one of the shared families (tourstack.errors); the API answers
them with its one domain-error handler (404 / 409 / 422).

Invalid (422) is a request that could never succeed as asked (a refund larger than its payment);
Conflict (409) is one the current state refuses (what is left was taken by earlier requests,
possibly a moment ago by a concurrent one), so the same request can be right again later.
"""

from __future__ import annotations

from tourstack import errors


class PaymentsError(errors.DomainError):
    code = "payments-error"


class NotFound(PaymentsError, errors.NotFound):
    code = "not-found"


class Conflict(PaymentsError, errors.Conflict):
    code = "payments-conflict"
    title = "Payment conflict"


class Invalid(PaymentsError, errors.Invalid):
    code = "invalid-payment"
    title = "Invalid payment"


class IdempotencyKeyReused(Conflict):
    """The Idempotency-Key was used before for a request with other parameters."""

    code = "idempotency-key-reused"


class PaymentInProgress(Conflict):
    """Checkouts started moments ago already cover what the new payment would pay."""

    code = "payment-in-progress"


class ExceedsRemaining(Conflict):
    """More than what is left: refundable on the payment, outstanding on the booking, open on the
    installment. Also what a refusal by the database's own rules becomes (tourstack.db.rules)."""

    code = "exceeds-remaining"
