"""The shape every finance report takes: typed columns and rows, ready for CSV/XLSX export."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal

# money: base currency, two places; amount: a Decimal in its row's own currency, written with
# that currency's places (JPY 0, KWD 3); ratio: a fraction, 0.985 = 98.5 %
Kind = Literal["text", "date", "int", "money", "amount", "ratio"]


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: Kind = "money"


@dataclass
class Report:
    name: str
    title: str
    as_of: dt.date
    columns: list[Column]
    rows: list[dict[str, Any]] = field(default_factory=list)

    def totals(self, key: str):
        return sum(row[key] for row in self.rows if row.get(key) is not None)
