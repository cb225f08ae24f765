"""What a parsed statement file holds, independent of its format."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class StatementLine:
    """One booked entry. `amount_minor` is signed (credits positive) in ISO 4217 minor units.

    `entry_id` is the bank's own id of the entry (CSV column entry_id, CAMT AcctSvcrRef);
    without it a line cannot be recognised again in an overlapping statement.
    """

    bank_account: str
    booked_on: dt.date
    value_on: dt.date
    amount_minor: int
    currency: str
    reference: str | None
    counterparty: str | None
    description: str | None
    entry_id: str | None
    location: str  # "line 7" / "entry 3": lets a later error (e.g. a repeated id) point back


@dataclass(frozen=True, slots=True)
class ParsedStatement:
    """A whole file: one bank account, the period it covers, its lines in file order."""

    file_name: str
    format: str  # "csv" or "camt.053"
    bank_account: str
    period_start: dt.date | None
    period_end: dt.date | None
    lines: tuple[StatementLine, ...]
