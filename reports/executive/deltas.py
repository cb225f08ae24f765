"""Changes between figures: vs a comparison period, vs the last e-mail, and restatements.

Why restatements matter: the marts are rebuilt from the operational data every hour, so the
figures of a day already reported move when a booking is cancelled or paid late, or an FX rate is
corrected. An executive who compares two e-mails must not mistake such a correction for a trend,
so every figure of a period the last e-mail already showed is compared with what it said then.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

PCT = Decimal("0.1")
LABELS = {
    "revenue": "Revenue",
    "bookings": "Bookings",
    "avg_booking_value": "Average booking value",
    "quote_conversion": "Quote conversion (requests, last 30 days)",
    "active_agents": "Active agents",
    "cash_received": "Cash received",
    "cash_share": "Cash received share",
}
RATIOS = {"quote_conversion", "cash_share"}  # fractions: compared in percentage points


def _num(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    return value if isinstance(value, Decimal) else Decimal(str(value))


@dataclass(frozen=True)
class Delta:
    """`change` is new - old (points x100 for ratios); `pct` the relative change in percent."""

    metric: str
    current: Decimal | None
    other: Decimal | None

    @property
    def change(self) -> Decimal | None:
        if self.current is None or self.other is None:
            return None
        diff = self.current - self.other
        return diff * 100 if self.metric in RATIOS else diff

    @property
    def pct(self) -> Decimal | None:
        if self.metric in RATIOS or self.current is None or not self.other:
            return None
        return ((self.current - self.other) / abs(self.other) * 100).quantize(PCT, rounding=ROUND_HALF_UP)

    @property
    def direction(self) -> str:
        change = self.change
        if change is None or change == 0:
            return "flat"
        return "up" if change > 0 else "down"


def deltas(current: dict[str, Any], other: dict[str, Any] | None) -> dict[str, Delta]:
    other = other or {}
    return {m: Delta(m, _num(v), _num(other.get(m))) for m, v in current.items()}


@dataclass(frozen=True)
class Restatement:
    period_key: str
    metric: str
    old: Decimal | None
    new: Decimal | None

    @property
    def label(self) -> str:
        return LABELS.get(self.metric, self.metric)


def restatements(
    previous: dict[str, dict[str, Any]] | None, current: dict[str, dict[str, Any]]
) -> list[Restatement]:
    """Figures of periods present in both snapshots whose value changed since it was sent."""
    found: list[Restatement] = []
    for key, metrics in sorted(current.items()):
        before = (previous or {}).get(key)
        if before is None:
            continue
        for metric, value in metrics.items():
            if metric not in before:
                continue
            old, new = _num(before[metric]), _num(value)
            if old != new:
                found.append(Restatement(key, metric, old, new))
    return found
