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
# Column widths of bank_statement_lines: longer values are refused rather than cut.
MAX_LENGTH = {"bank_account": 34, "reference": 140, "counterparty": 140, "description": 280,
              "entry_id": 64}


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
        raise FieldError(field, f"unknown currency {code!r} (expected an ISO 4217 code such as EUR)")
    return code


def minor_units(value: str | None, code: str, field: str = "amount", *, unsigned: bool = False) -> int:
    text = (value or "").strip()
    if not text:
        raise FieldError(field, "is empty")
    if not _DECIMAL.fullmatch(text) or (unsigned and text[0] in "+-"):
        kind = "an unsigned decimal such as 1250.00" if unsigned else "a decimal such as -1250.00"
        raise FieldError(field, f"{text!r} is not {kind}")
    amount = Decimal(text)
    places = exponent(code)
    if -amount.as_tuple().exponent > places:
        raise FieldError(field, f"{text!r} has more decimals than {code} allows ({places})")
    return int(amount.scaleb(places))


def iso_date(value: str | None, field: str) -> dt.date:
    text = (value or "").strip()
    if not text:
        raise FieldError(field, "is empty")
    try:
        # CAMT may give a date-time (BookgDt/DtTm): the calendar date is what was booked.
        return dt.date.fromisoformat(text[:10]) if "T" in text else dt.date.fromisoformat(text)
    except ValueError:
        raise FieldError(field, f"{text!r} is not a date like 2026-03-31") from None


def text_field(value: str | None, field: str, *, required: bool = False) -> str | None:
    text = " ".join((value or "").split())
    if not text:
        if required:
            raise FieldError(field, "is empty")
        return None
    limit = MAX_LENGTH.get(field)
    if limit and len(text) > limit:
        raise FieldError(field, f"is {len(text)} characters long, at most {limit} fit")
    return text
