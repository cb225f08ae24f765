"""Maker-checker approvals, shared by invoices, supplier payouts and reconciliation decisions.

One mechanism for every record that people move through states and must answer for:
- `Actor`: who took a step (a role, an API key, a staff user), stamped on every audit row;
- `AuditTrail`: the append-only rows (`invoice_events`, `supplier_payout_events`) saying who
  moved which record from which status to which, and when;
- `Workflow`: lock the record, check the move against the domain's transition table, apply it
  and write its audit row in the same transaction; and separation of duties (the person who
  made the record cannot also approve it).

Each domain keeps its own states, transition table and errors and passes them in; nothing here
commits.
"""

from tourstack.approvals.actor import SYSTEM, Actor
from tourstack.approvals.errors import IllegalTransition, SeparationOfDuties
from tourstack.approvals.trail import AuditTrail
from tourstack.approvals.workflow import Transitions, Workflow

__all__ = ["SYSTEM", "Actor", "AuditTrail", "IllegalTransition", "SeparationOfDuties", "Transitions", "Workflow"]
