"""KPI tiles: a value, its change against the previous month and the same month last year.

Why plain HTML and not plotly indicators: a tile is text, it has to be readable before the 4 MB
plotly bundle has parsed, and tests can compare the figure shown with the mart. Values stay
`Decimal` (money) or `int` (counts) here: the figure displayed is formatted from the exact value,
never from a float.

Deltas: money and counts change by a relative percentage; rates (fractions such as 0.25 = 25 %)
change by percentage points, because "+10 %" of a 20 % conversion rate is ambiguous. A missing or
zero previous value has no meaningful relative change: the delta is None and the tile says why
("new" when there was nothing before, "n/a" when the comparison is unknown).
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from reports.render.formats import format_value

Kind = Literal["money", "count", "rate", "hours"]
Number = Decimal | int
_PCT = Decimal("0.1")


@dataclass(frozen=True)
class Delta:
    """A change against a reference period. `change` is a relative change (money, counts) or a
    difference in percentage points (rates); None when it cannot be computed."""

    label: str  # "vs prev. month", "vs last year"
    change: Decimal | None
    reason: str = ""  # why `change` is None: "new", "n/a"

    @property
    def direction(self) -> int:
        if self.change is None or self.change == 0:
            return 0
        return 1 if self.change > 0 else -1


def delta(current: Number | None, previous: Number | None, kind: Kind, label: str) -> Delta:
    """The change from `previous` to `current`.

    None when either side is unknown; for relative changes also None (reason "new") when the
    previous value is zero, since growth from nothing has no percentage.
    """
    if current is None or previous is None:
        return Delta(label, None, "n/a")
    current, previous = Decimal(current), Decimal(previous)
    if kind == "rate":
        return Delta(label, (current - previous) * 100)
    if previous == 0:
        return Delta(label, None, "new" if current > 0 else "n/a")
    return Delta(label, (current - previous) / abs(previous) * 100)


@dataclass(frozen=True)
class Tile:
    label: str
    value: Number | None
    kind: Kind = "count"
    prev_month: Number | None = None
    prev_year: Number | None = None
    currency: str = ""
    higher_is_better: bool = True
    key: str = ""  # stable identifier (data-kpi attribute), e.g. "revenue"

    @property
    def deltas(self) -> tuple[Delta, Delta]:
        return (
            delta(self.value, self.prev_month, self.kind, "vs prev. month"),
            delta(self.value, self.prev_year, self.kind, "vs same month last year"),
        )

    @property
    def display(self) -> str:
        return format_value(self.value, self.kind, self.currency)


def format_delta(d: Delta, kind: Kind) -> str:
    if d.change is None:
        return d.reason or "n/a"
    sign = "+" if d.change > 0 else ("−" if d.change < 0 else "±")
    amount = abs(d.change).quantize(_PCT, rounding=ROUND_HALF_UP)
    return f"{sign}{amount} {'pp' if kind == 'rate' else '%'}"


def _delta_html(d: Delta, tile: Tile) -> str:
    arrow = {1: "▲", -1: "▼", 0: "●"}[d.direction]
    good = d.direction * (1 if tile.higher_is_better else -1)
    tone = {1: "up", -1: "down", 0: "flat"}[good]
    return (
        f'<span class="delta {tone}" title="{html.escape(d.label)}">'
        f'<span class="arrow">{arrow}</span> {html.escape(format_delta(d, tile.kind))}'
        f' <span class="vs">{html.escape(d.label)}</span></span>'
    )


def _value_html(tile: Tile) -> str:
    """The currency code set smaller than the amount, so large amounts fit a tile (and wrap
    after the code, never inside the number, on a narrow one)."""
    shown = tile.display
    if tile.kind == "money" and tile.currency and shown.startswith(tile.currency + " "):
        amount = shown[len(tile.currency) + 1:]
        return f'<span class="ccy">{html.escape(tile.currency)}</span> <span class="amount">{html.escape(amount)}</span>'
    return html.escape(shown)


def tile_html(tile: Tile) -> str:
    mom, yoy = tile.deltas
    raw = "" if tile.value is None else str(tile.value)
    return (
        f'<div class="tile" data-kpi="{html.escape(tile.key or tile.label)}" '
        f'data-value="{html.escape(raw)}">'
        f'<div class="tile-label">{html.escape(tile.label)}</div>'
        f'<div class="tile-value">{_value_html(tile)}</div>'
        f'<div class="tile-deltas">{_delta_html(mom, tile)}{_delta_html(yoy, tile)}</div></div>'
    )


def tiles_html(tiles: list[Tile]) -> str:
    return '<section class="tiles">' + "".join(tile_html(t) for t in tiles) + "</section>"
