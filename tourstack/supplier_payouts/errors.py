"""Domain errors of supplier settlement. Messages are safe to show; `code` is a stable slug.

Each is one of the shared families (tourstack.errors): not found, conflict with a payout's
state, invalid input; the API answers them all with one handler.
"""

from __future__ import annotations

from tourstack import approvals
from tourstack.errors import Conflict, DomainError, Invalid, NotFound


class SettlementError(DomainError):
    code = "settlement-error"


class PayoutNotFound(SettlementError, NotFound):
    code = "not-found"


class SupplierNotFound(SettlementError, NotFound):
    code = "supplier-not-found"


class PayoutConflict(SettlementError, Conflict):
    """The request is well-formed but the payout's current state does not allow it."""

    code = "payout-conflict"
    title = "Payout conflict"


class IllegalTransition(approvals.IllegalTransition, PayoutConflict):
    pass


class SeparationOfDuties(approvals.SeparationOfDuties, PayoutConflict):
    """The approver proposed the payout: a second person must approve it."""


class InvalidSettlement(SettlementError, Invalid):
    """Invalid input: an empty period, a blank bank reference, a payment date in the future."""

    code = "invalid-settlement"
    title = "Invalid settlement"
