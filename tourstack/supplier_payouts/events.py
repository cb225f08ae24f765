"""The audit trail of supplier payouts (`supplier_payout_events`): the proposal and every
approval step, with its actor (tourstack.approvals.AuditTrail)."""

from __future__ import annotations

from tourstack.approvals import AuditTrail
from tourstack.db.models import SupplierPayoutEvent

PAYOUT_TRAIL = AuditTrail(SupplierPayoutEvent, SupplierPayoutEvent.supplier_payout_id)
list_events = PAYOUT_TRAIL.list
