"""Supplier settlement: what is owed to suppliers, payout proposals, and their approval workflow.

Dues come from confirmed booking items at cost, in the supplier's currency, due after the
supplier's payment terms; payouts link the items they settle so nothing is paid twice.
Service functions take a Session, flush, and leave the commit to the caller.
"""

from tourstack.supplier_payouts.dues import ItemDue, SupplierDue, get_supplier, item_dues, supplier_dues
from tourstack.supplier_payouts.errors import (
    IllegalTransition,
    InvalidSettlement,
    PayoutConflict,
    PayoutNotFound,
    SeparationOfDuties,
    SettlementError,
    SupplierNotFound,
)
from tourstack.supplier_payouts.events import list_events
from tourstack.supplier_payouts.proposals import propose_payouts
from tourstack.supplier_payouts.queries import PayoutFilters, get_payout, list_payouts, payout_items
from tourstack.supplier_payouts.states import STATUSES
from tourstack.supplier_payouts.workflow import approve, mark_paid, reject

__all__ = [
    "STATUSES", "IllegalTransition", "InvalidSettlement", "ItemDue", "PayoutConflict",
    "PayoutFilters", "PayoutNotFound", "SeparationOfDuties", "SettlementError", "SupplierDue",
    "SupplierNotFound", "approve", "get_payout", "get_supplier", "item_dues", "list_events",
    "list_payouts", "mark_paid", "payout_items", "propose_payouts", "reject", "supplier_dues",
]
