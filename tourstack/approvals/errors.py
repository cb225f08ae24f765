"""The two refusals of every approval workflow, whatever the record.

A domain declares its own by combining these with its conflict base
(`class IllegalTransition(approvals.IllegalTransition, InvoiceConflict)`), so the answer keeps
the rule's slug from here and the domain's title, and callers can catch either.
"""

from __future__ import annotations

from tourstack.errors import Conflict


class IllegalTransition(Conflict):
    """The record's status does not allow this step (or another step got there first)."""

    code = "illegal-transition"


class SeparationOfDuties(Conflict):
    """Whoever made the record tried to approve it: a second person must."""

    code = "separation-of-duties"
