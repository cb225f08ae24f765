"""Domain errors of supplier settlement. Messages are safe to show; `code` is a stable slug.

The API maps them by family: not found -> 404, conflicts with a payout's state -> 409,
invalid input -> 422.
"""

from __future__ import annotations


class SettlementError(Exception):
    code = "settlement-error"


class PayoutNotFound(SettlementError):
    code = "not-found"


class SupplierNotFound(SettlementError):
    code = "supplier-not-found"


class PayoutConflict(SettlementError):
    """The request is well-formed but the payout's current state does not allow it."""

    code = "payout-conflict"


class IllegalTransition(PayoutConflict):
    code = "illegal-transition"


class SeparationOfDuties(PayoutConflict):
    """The approver proposed the payout: a second person must approve it."""

    code = "separation-of-duties"


class InvalidSettlement(SettlementError):
    """Invalid input: an empty period, a blank bank reference, a payment date in the future."""

    code = "invalid-settlement"
