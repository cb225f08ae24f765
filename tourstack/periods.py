"""An inclusive range of days: the period a report, a statement or an e-mail covers.

Why one type: the report builder's comparison periods and the executive e-mails' days and
weeks are the same thing, and how a period is named (`describe`, `label`) must not differ
between the two.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date  # inclusive

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def key(self) -> str:
        """Stable name in snapshots: one day as its ISO date, a range as start/end."""
        return self.start.isoformat() if self.start == self.end else f"{self.start}/{self.end}"

    def describe(self) -> str:
        """ISO dates: `2026-06-01 to 2026-06-30`."""
        if self.start == self.end:
            return self.start.isoformat()
        return f"{self.start.isoformat()} to {self.end.isoformat()}"

    def label(self) -> str:
        """How an e-mail names it: `Tue 30 Jun 2026`, or an ISO week `W27 2026 (29 Jun - 05 Jul)`."""
        if self.start == self.end:
            return self.start.strftime("%a %d %b %Y")
        iso = self.start.isocalendar()
        return f"W{iso.week:02d} {iso.year} ({self.start:%d %b} - {self.end:%d %b})"
