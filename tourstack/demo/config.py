"""What to generate: size presets, the three-year period ending on the as-of date, chunking.

Why a plan object: every generator reads the same frozen numbers, so the same seed and as-of
date always produce the same rows, whatever database they are written to.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

SIZES: dict[str, int] = {"tiny": 500, "small": 5_000, "demo": 20_000, "large": 1_000_000}
CHUNK_BOOKINGS = 50_000
PERIOD_YEARS = 3


class DemoConfigError(ValueError):
    """Bad generator input (unknown size, negative scale, ...)."""


@dataclass(frozen=True)
class Plan:
    bookings: int
    seed: int
    as_of: dt.date
    start: dt.date
    chunk_bookings: int = CHUNK_BOOKINGS

    @property
    def days(self) -> int:
        return (self.as_of - self.start).days + 1

    @property
    def end(self) -> dt.datetime:
        """Exclusive end instant of the period: midnight UTC after the as-of date."""
        return dt.datetime.combine(self.as_of + dt.timedelta(days=1), dt.time(), dt.UTC)

    @property
    def n_agencies(self) -> int:
        return int(min(400, max(60, 60 + self.bookings // 5_000)))


def resolve_bookings(size_or_scale: str | int) -> int:
    """'tiny'|'small'|'demo'|'large', or a positive number of bookings."""
    if isinstance(size_or_scale, bool):
        raise DemoConfigError("size must be a preset name or a number of bookings")
    if isinstance(size_or_scale, int):
        value = size_or_scale
    elif isinstance(size_or_scale, str) and size_or_scale.strip().lower() in SIZES:
        return SIZES[size_or_scale.strip().lower()]
    elif isinstance(size_or_scale, str) and size_or_scale.strip().lstrip("-").isdigit():
        value = int(size_or_scale.strip())
    else:
        raise DemoConfigError(
            f"unknown size {size_or_scale!r}: use one of {', '.join(SIZES)} or a number of bookings"
        )
    if value <= 0:
        raise DemoConfigError(f"scale must be a positive number of bookings, got {value}")
    if value > 20_000_000:
        raise DemoConfigError(f"scale {value} is beyond what the generator supports (20M)")
    return value


def make_plan(size_or_scale: str | int, seed: int = 42, as_of: dt.date | str | None = None) -> Plan:
    if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
        raise DemoConfigError(f"seed must be a non-negative integer, got {seed!r}")
    if as_of is None:
        # Yesterday, the last complete day: events are spread over each whole day, so a period
        # ending today would hold bookings and payments later than the moment of seeding.
        as_of = dt.datetime.now(dt.UTC).date() - dt.timedelta(days=1)
    elif isinstance(as_of, str):
        try:
            as_of = dt.date.fromisoformat(as_of)
        except ValueError as exc:
            raise DemoConfigError(f"as-of must be an ISO date (YYYY-MM-DD), got {as_of!r}") from exc
    elif isinstance(as_of, dt.datetime):
        as_of = as_of.date()
    try:
        start = as_of.replace(year=as_of.year - PERIOD_YEARS) + dt.timedelta(days=1)
    except ValueError:  # 29 February
        start = as_of.replace(year=as_of.year - PERIOD_YEARS, day=28) + dt.timedelta(days=1)
    return Plan(bookings=resolve_bookings(size_or_scale), seed=seed, as_of=as_of, start=start)
