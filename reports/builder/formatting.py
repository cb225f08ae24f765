"""Display text for report values, shared by the PDF, the table figure and the CLI table.

Why one place: a money amount, a ratio and a % change must read the same in every output.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any


def format_value(value: Any, kind: str | None = None, grain: str | None = None) -> str:
    if value is None:
        return "–"
    if kind == "date" and isinstance(value, dt.date):
        return period_label(value, grain)
    if kind == "percent" and isinstance(value, Decimal):
        return f"{(value * 100):+,.2f} %"
    if kind == "money" and isinstance(value, Decimal):
        return f"{value:,.2f}"
    if kind == "ratio" and isinstance(value, Decimal):
        return f"{value:,.4f}"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, Decimal):
        return f"{value:,}"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


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
