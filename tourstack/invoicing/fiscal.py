"""Indian fiscal years (1 April to 31 March) and document numbers such as INV/2025-26/000123.

A fiscal year is stored as the calendar year it starts in (2025 = FY 2025-26): an int sorts,
compares and indexes better than a label, and the label is derived.
"""

from __future__ import annotations

import datetime as dt

FISCAL_YEAR_START_MONTH = 4
NUMBER_DIGITS = 6


def fiscal_year(day: dt.date) -> int:
    """The fiscal year `day` falls in: 2026-03-31 -> 2025, 2026-04-01 -> 2026."""
    return day.year if day.month >= FISCAL_YEAR_START_MONTH else day.year - 1


def fiscal_year_label(year: int) -> str:
    """2025 -> '2025-26'."""
    return f"{year}-{(year + 1) % 100:02d}"


def format_number(series: str, year: int, sequence: int) -> str:
    """('INV', 2025, 123) -> 'INV/2025-26/000123'."""
    return f"{series}/{fiscal_year_label(year)}/{sequence:0{NUMBER_DIGITS}d}"
