"""The one shape every report result takes: typed columns and rows of typed values.

Why in the domain: the finance statements (`tourstack.finance`) and the report builder
(`reports.builder`) both answer with a table, and every writer in `reports.render` (CSV, XLSX,
PDF, the CLI table) reads this one type. A column's kind says what its values *are*, not how they
look; how each kind is shown is decided once, in `reports.render.formats`.

Kinds: text, date, boolean, integer; money (base currency, two places); amount (a Decimal in its
row's own currency, with that currency's places: JPY 0, KWD 3); ratio (a fraction, 0.985 is
98.5 %); percent (a change as a fraction of the earlier value).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

Kind = Literal["text", "date", "boolean", "integer", "money", "amount", "ratio", "percent"]
KINDS: tuple[str, ...] = ("text", "date", "boolean", "integer", "money", "amount", "ratio", "percent")
NUMERIC_KINDS = frozenset({"integer", "money", "amount", "ratio", "percent"})


@dataclass(frozen=True)
class Column:
    name: str
    label: str
    kind: Kind = "money"
    role: str = "value"  # the builder's: dimension, metric, previous, delta, pct_change
    metric: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"column {self.name!r}: unknown kind {self.kind!r}; use one of {', '.join(KINDS)}")


@dataclass
class Table:
    """A titled table as of a date. `period` and `filters` are the words a reader sees above it
    ("March 2026", "none"); `grain` names the time bucket of date columns (month, quarter...)."""

    name: str
    title: str
    as_of: dt.date
    columns: list[Column]
    rows: list[tuple] = field(default_factory=list)
    description: str = ""
    grain: str | None = None

    @classmethod
    def from_records(cls, name: str, title: str, as_of: dt.date, columns: list[Column],
                     records: Iterable[Mapping[str, Any]], **extra: Any) -> Table:
        """Rows given as mappings by column name; a missing name is an empty cell."""
        names = [c.name for c in columns]
        return cls(name, title, as_of, list(columns), [tuple(r.get(n) for n in names) for r in records], **extra)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    def index(self, name: str) -> int:
        return [c.name for c in self.columns].index(name)

    def values(self, name: str) -> list[Any]:
        idx = self.index(name)
        return [row[idx] for row in self.rows]

    def records(self) -> list[dict[str, Any]]:
        names = [c.name for c in self.columns]
        return [dict(zip(names, row)) for row in self.rows]

    def describe_period(self) -> str:
        return f"as of {self.as_of.isoformat()}"

    def describe_filters(self) -> str:
        return "none"
