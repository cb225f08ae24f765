"""Invoice kinds, statuses and the workflow's legal transitions, in one table.

draft -> pending_approval -> approved -> issued -> partially_paid / paid; pending_approval can
be rejected back to draft; void is reachable from every state before money arrives (an invoice
with payments applied must be refunded or credited instead). Payment statuses are never set by
hand: tourstack.invoicing.payments derives them from payments and refunds.
"""

from __future__ import annotations

INVOICE, CREDIT_NOTE = "invoice", "credit_note"

DRAFT = "draft"
PENDING_APPROVAL = "pending_approval"
APPROVED = "approved"
ISSUED = "issued"
PARTIALLY_PAID = "partially_paid"
PAID = "paid"
VOID = "void"
STATUSES = (DRAFT, PENDING_APPROVAL, APPROVED, ISSUED, PARTIALLY_PAID, PAID, VOID)
# Statuses of a numbered, legally issued document.
ISSUED_STATUSES = frozenset({ISSUED, PARTIALLY_PAID, PAID})

# action -> (statuses it may start from, status it leads to)
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "submit": (frozenset({DRAFT}), PENDING_APPROVAL),
    "reject": (frozenset({PENDING_APPROVAL}), DRAFT),
    "approve": (frozenset({PENDING_APPROVAL}), APPROVED),
    "issue": (frozenset({APPROVED}), ISSUED),
    "void": (frozenset({DRAFT, PENDING_APPROVAL, APPROVED, ISSUED}), VOID),
}
