"""The audit trail of invoices (`invoice_events`): who did what to which invoice, from which status.

Every step of the approval workflow, each payment status change and every credit note is a row
here (tourstack.approvals.AuditTrail), written in the step's transaction.
"""

from __future__ import annotations

from tourstack.approvals import AuditTrail
from tourstack.db.models import InvoiceEvent

INVOICE_TRAIL = AuditTrail(InvoiceEvent, InvoiceEvent.invoice_id)
list_events = INVOICE_TRAIL.list
