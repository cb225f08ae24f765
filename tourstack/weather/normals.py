"""Monthly climate normals per destination, shipped as data with a source for every figure.

`data/climate_normals.csv` has one row per destination, month and measure (tmax_c, tmin_c,
precip_mm, rain_days, humidity_pct) and names where the figure was published (a national
weather service's normals as reproduced in a public reference). Nothing is interpolated or
invented: a measure without a published figure is simply absent, `missing` lists it, and the
trip document prints "not sourced" instead of a number. Destinations with no row at all are
reported by `unsourced_destinations`.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).parent / "data" / "climate_normals.csv"
MEASURES = ("tmax_c", "tmin_c", "precip_mm", "rain_days", "humidity_pct")


@dataclass(frozen=True)
class MonthNormals:
    destination: str
    month: int
    values: dict[str, float] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)

    def get(self, measure: str) -> float | None:
        return self.values.get(measure)

    @property
    def missing(self) -> list[str]:
        return [m for m in MEASURES if m not in self.values]

    @property
    def source_names(self) -> list[str]:
        return sorted(set(self.sources.values()))


@lru_cache(maxsize=1)
def _table() -> dict[tuple[str, int], MonthNormals]:
    out: dict[tuple[str, int], MonthNormals] = {}
    with DATA.open(newline="") as handle:
        for row in csv.DictReader(handle):
            if row["measure"] not in MEASURES:
                raise ValueError(f"climate_normals.csv: unknown measure {row['measure']!r}")
            key = (row["destination"].casefold(), int(row["month"]))
            entry = out.setdefault(key, MonthNormals(row["destination"], int(row["month"])))
            entry.values[row["measure"]] = float(row["value"])
            entry.sources[row["measure"]] = row["source"]
    return out


def month_normals(destination: str, month: int) -> MonthNormals | None:
    """The normals of one destination and month, or None when none are shipped."""
    return _table().get((destination.casefold(), month))


def sourced_destinations() -> set[str]:
    return {n.destination for n in _table().values()}


def unsourced_destinations(destinations: list[str]) -> list[str]:
    known = {d.casefold() for d in sourced_destinations()}
    return [d for d in destinations if d.casefold() not in known]
