"""Field checks shared by both formats, so CSV and CAMT refuse the same things the same way.

Amounts: a plain decimal string converted exactly to minor units with the currency's ISO 4217
exponent. More decimals than the currency has (12.345 EUR) is an error, not a rounding: a bank
statement is exact, so such a value means the column is not what we think it is.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from tourstack.money import ISO_4217, exponent

_DECIMAL = re.compile(r"[+-]?\d+(\.\d+)?")
# Far above any real statement line (10^13 major units) and inside BIGINT: a longer number is a
# corrupt column, and it must be refused here rather than overflow the database.
MAX_DIGITS = 15
# Control characters (NUL above all: PostgreSQL text cannot hold it) never belong in a statement.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
SHOWN = 40
# Column widths of bank_statement_lines: longer values are refused rather than cut.
MAX_LENGTH = {"bank_account": 34, "reference": 140, "counterparty": 140, "description": 280,
              "entry_id": 64}


def shown(text: str) -> str:
    """A value as quoted in an error: cut, so a 5,000-character field gives a readable line."""
    return repr(text if len(text) <= SHOWN else text[:SHOWN] + "...")


class FieldError(ValueError):
    """A bad value; the format parser adds the file and location."""

    def __init__(self, field: str, problem: str) -> None:
        self.field = field
        super().__init__(f"{field}: {problem}")


def currency(value: str | None, field: str = "currency") -> str:
    code = (value or "").strip()
    if not code:
        raise FieldError(field, "is empty")
    if code not in ISO_4217:
        raise FieldError(field, f"unknown currency {shown(code)} (expected an ISO 4217 code such as EUR)")
    return code


def minor_units(value: str | None, code: str, field: str = "amount", *, unsigned: bool = False) -> int:
    text = (value or "").strip()
    if not text:
        raise FieldError(field, "is empty")
    if not _DECIMAL.fullmatch(text) or (unsigned and text[0] in "+-"):
        kind = "an unsigned decimal such as 1250.00" if unsigned else "a decimal such as -1250.00"
        raise FieldError(field, f"{shown(text)} is not {kind}")
    whole = text.lstrip("+-").split(".")[0].lstrip("0")
    places = exponent(code)
    if len(whole) + places > MAX_DIGITS:
        raise FieldError(field, f"{shown(text)} has {len(whole)} digits before the point, "
                                f"at most {MAX_DIGITS - places} fit")
    amount = Decimal(text)
    if -amount.as_tuple().exponent > places:
        raise FieldError(field, f"{shown(text)} has more decimals than {code} allows ({places})")
    return int(amount.scaleb(places))


def iso_date(value: str | None, field: str) -> dt.date:
    text = (value or "").strip()
    if not text:
        raise FieldError(field, "is empty")
    try:
        # CAMT may give a date-time (BookgDt/DtTm): the calendar date is what was booked.
        return dt.date.fromisoformat(text[:10]) if "T" in text else dt.date.fromisoformat(text)
    except ValueError:
        raise FieldError(field, f"{shown(text)} is not a date like 2026-03-31") from None


def text_field(value: str | None, field: str, *, required: bool = False) -> str | None:
    if value and _CONTROL.search(value):
        char = _CONTROL.search(value).group()
        raise FieldError(field, f"holds the control character U+{ord(char):04X}, which no statement field may hold")
    text = " ".join((value or "").split())
    if not text:
        if required:
            raise FieldError(field, "is empty")
        return None
    limit = MAX_LENGTH.get(field)
    if limit and len(text) > limit:
        raise FieldError(field, f"is {len(text)} characters long, at most {limit} fit")
    return text
