"""The money rules the operational database enforces itself, by name, and how to tell which one
refused a write.

The rules are CHECK constraints, a unique index and triggers created by migration 0014 (see its
docstring and docs/security.md, "Invariants"). Triggers raise their refusal as a constraint
violation named after the rule (PostgreSQL: SQLSTATE 23514 with the CONSTRAINT field set;
SQLite: RAISE(ABORT, '<name>: ...')), so both dialects surface an IntegrityError whose text
carries the name. Services translate a refusal into their own conflict error (409), so a write
that got past a check in Python is still refused, and cleanly.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy.exc import IntegrityError

# name -> what it protects, in words the API can show.
RULES: dict[str, str] = {
    "ck_refunds_within_payment": "refunds pending or made never exceed the payment",
    "ck_refunds_amount_not_negative": "a refund is never negative",
    "ck_payments_succeeded_is_final": "a succeeded payment keeps its amount and status",
    "uq_payments_gateway_capture_reference": "a gateway capture is recorded on one payment only",
    "uq_refunds_gateway_gateway_reference": "a gateway or bank refund reference is recorded once",
    "ck_matches_within_invoice": "allocations and write-offs never exceed the invoice's total",
    "ck_write_offs_within_limit": "write-offs of an invoice stay within their limit together",
    "ck_matches_within_transaction": "allocations never exceed the transaction's amount",
    "ck_credit_notes_within_invoice": "credit notes never credit more than the invoice",
    "ck_invoices_number_is_final": "an issued invoice keeps its number",
    "ck_installments_within_plan": "installments are never negative nor schedule more than their plan",
    "ck_payout_items_within_cost": "a payout never covers more of a booking item than it costs",
    "ck_supplier_payout_items_amount_positive": "a payout item is a positive amount",
}

_SQLITE_UNIQUE = {
    "uq_payments_gateway_capture_reference": "payments.gateway, payments.capture_reference",
    "uq_refunds_gateway_gateway_reference": "refunds.gateway, refunds.gateway_reference",
}


def broken_rule(exc: BaseException) -> str | None:
    """The name of the rule behind this IntegrityError, or None if it is none of ours."""
    if not isinstance(exc, IntegrityError):
        return None
    orig = exc.orig
    diag = getattr(orig, "diag", None)
    named = getattr(diag, "constraint_name", None) if diag is not None else None
    if named in RULES:
        return named
    text = str(orig)
    named = next((name for name in RULES if name in text), None)
    if named is None and "UNIQUE constraint failed" in text:  # SQLite names the columns, not the index
        named = next((name for name, columns in _SQLITE_UNIQUE.items() if columns in text), None)
    return named


def describe(rule: str) -> str:
    return RULES.get(rule, "a stored rule refused the change")


@contextmanager
def refused_as(error: Callable[[str], Exception]) -> Iterator[None]:
    """Turn a refusal by one of the rules into the caller's own error (a conflict, 409);
    any other IntegrityError goes on unchanged."""
    try:
        yield
    except IntegrityError as exc:
        rule = broken_rule(exc)
        if rule is None:
            raise
        raise error(f"refused by the stored rule {rule}: {describe(rule)}") from exc
