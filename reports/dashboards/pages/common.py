"""What every page builder receives and the helpers they share.

Why a context object: each page needs the same four things (connection, the data's as-of and
freshness, the month the tiles describe, the base currency), and builders stay plain functions
`build(ctx) -> Page` that tests can call on any warehouse.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Sequence

from reports.dashboards.data import Freshness, add_months, comparisons
from reports.dashboards.tiles import Kind, Tile, format_value


@dataclass(frozen=True)
class Context:
    conn: Any
    fresh: Freshness
    month: dt.date  # first day of the month the tiles describe
    currency: str = "INR"

    @property
    def as_of(self) -> dt.date:
        return self.fresh.as_of

    @property
    def month_label(self) -> str:
        return f"{self.month:%B %Y}"

    def months_back(self, n: int) -> dt.date:
        return add_months(self.month, -n)


@dataclass(frozen=True)
class TileSpec:
    key: str
    label: str
    column: str
    kind: Kind = "count"
    higher_is_better: bool = True


def month_tiles(ctx: Context, rows: Sequence[dict[str, Any]], specs: Sequence[TileSpec]) -> list[Tile]:
    """Tiles for `ctx.month` from monthly rows (keyed by month_start), with the previous month
    and the same month last year as references."""
    tiles = []
    for s in specs:
        value, prev, last_year = comparisons(list(rows), ctx.month, s.column)
        tiles.append(Tile(
            label=s.label, value=value, kind=s.kind, prev_month=prev, prev_year=last_year,
            currency=ctx.currency if s.kind == "money" else "", higher_is_better=s.higher_is_better,
            key=s.key,
        ))
    return tiles


def cell(value: Any, kind: Kind = "count") -> str:
    """A table cell formatted from the exact value (Decimal or int), never from a float."""
    return format_value(value, kind)


def decimal(value: Any, places: int = 2) -> str:
    """A plain decimal (ratings, scores, indexes) rounded half up for display."""
    return "–" if value is None else format(
        Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP), "f")


def text(value: Any) -> str:
    return "–" if value is None else str(value)
