"""How every kind of value reads, in text and in a spreadsheet cell.

Why one module: a money amount, a ratio and a % change must read the same in the PDF, the CLI
table, the e-mail, the dashboard tiles and the workbook. Rounding for display is half away from
zero, the marts' rule, so a shown figure never disagrees with the stored one in the last digit.

Kinds are those of `tourstack.tables` plus three display-only ones of the dashboards: `rate` (a
ratio), `count` (an integer) and `hours`.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from tourstack.tables import NUMERIC_KINDS

NONE = "–"
ALIASES = {"rate": "ratio", "count": "integer", "int": "integer"}

# Excel number formats per kind: one table for every workbook (report builder, finance
# statements, executive e-mail). Ratios are fractions, shown as percentages.
XLSX_FORMATS = {
    "money": "#,##0.00;[Red]-#,##0.00",
    "amount": "#,##0.00;[Red]-#,##0.00",
    "integer": "#,##0",
    "ratio": "0.00%",
    "percent": "0.00%",
    "date": "yyyy-mm-dd",
}
XLSX_WIDTHS = {"money": 16, "amount": 16, "integer": 10, "date": 12, "ratio": 10, "percent": 10}


def grouped(value: Decimal | int, places: int) -> str:
    """Thousands separators and `places` decimals, rounded half away from zero."""
    exp = Decimal(1).scaleb(-places)
    return f"{Decimal(value).quantize(exp, rounding=ROUND_HALF_UP):,.{places}f}"


def money(value: Decimal | int | None, currency: str = "", *, none: str = NONE) -> str:
    """`INR 4,135,317.24`, or the bare amount without a currency."""
    if value is None:
        return none
    return f"{currency} {grouped(value, 2)}".strip()


def percent(fraction: Decimal | int | None, places: int = 1, *, signed: bool = False, none: str = NONE) -> str:
    """A fraction as a percentage: 0.40425 -> `40.4 %`; signed: `+12.34 %`."""
    if fraction is None:
        return none
    value = Decimal(fraction) * 100
    text = grouped(value, places)
    return f"+{text} %" if signed and value >= 0 else f"{text} %"


def period_label(value: Any, grain: str | None) -> str:
    """A time bucket as people name it: 2026-03 for a month, 2026 Q1, 2026; days and weeks
    (their Monday) stay ISO dates."""
    if not isinstance(value, dt.date):
        return "" if value is None else str(value)
    if grain == "month":
        return value.strftime("%Y-%m")
    if grain == "quarter":
        return f"{value.year} Q{(value.month - 1) // 3 + 1}"
    if grain == "year":
        return str(value.year)
    return value.isoformat()


def format_value(value: Any, kind: str | None = None, currency: str = "", *, grain: str | None = None,
                 none: str = NONE) -> str:
    """The text a person reads for `value` of `kind`."""
    kind = ALIASES.get(kind or "", kind)
    if value is None:
        return none
    if kind == "date" and isinstance(value, dt.date):
        return period_label(value, grain)
    if kind == "money":
        return money(Decimal(value), currency)
    if kind == "ratio":
        return percent(value, 1)
    if kind == "percent":
        return percent(value, 2, signed=True)
    if kind == "hours":
        return f"{grouped(value, 1)} h"
    if kind == "integer" and not isinstance(value, bool):
        return grouped(value, 0)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, Decimal):
        return f"{value:,}"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def is_numeric(kind: str | None) -> bool:
    return ALIASES.get(kind or "", kind) in NUMERIC_KINDS | {"hours"}
