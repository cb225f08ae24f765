"""Small vectorised helpers: time arithmetic, integer money rounding, random codes.

Why integer helpers: amounts are integer minor units; every division that turns a rate or a
percentage into money goes through `div_round` (half-even, like tourstack.money) so no binary
float ever reaches a stored amount.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

US_PER_S = 1_000_000
US_PER_DAY = 86_400 * US_PER_S
ALNUM = np.frombuffer(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", dtype="S1")
ALNUM_LOWER = np.frombuffer(b"abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", dtype="S1")


def rng_for(seed: int, *stream: int) -> np.random.Generator:
    """An independent, reproducible random stream per (seed, purpose, chunk)."""
    return np.random.default_rng([seed, *stream])


def day0(start: dt.date) -> np.datetime64:
    return np.datetime64(start, "D")


def ts(start: dt.date, day: np.ndarray, seconds: np.ndarray) -> np.ndarray:
    """Timestamps (datetime64[us], UTC) from day offsets into the period plus seconds."""
    base = day0(start).astype("datetime64[us]")
    us = day.astype(np.int64) * US_PER_DAY + (np.asarray(seconds, dtype=np.float64) * US_PER_S).astype(np.int64)
    return base + us.astype("timedelta64[us]")


def dates(start: dt.date, day: np.ndarray) -> np.ndarray:
    return day0(start) + np.asarray(day, dtype=np.int64).astype("timedelta64[D]")


def to_day(start: dt.date, values: np.ndarray) -> np.ndarray:
    """Day offsets (int64) of datetime64 values relative to the period start."""
    return (values.astype("datetime64[D]") - day0(start)).astype(np.int64)


def hours(h) -> np.ndarray:
    return (np.asarray(h, dtype=np.float64) * 3_600 * US_PER_S).astype("timedelta64[us]")


def div_round(numer: np.ndarray, denom: int | np.ndarray) -> np.ndarray:
    """Integer division rounded half-even, element-wise (numer >= 0)."""
    numer = np.asarray(numer, dtype=np.int64)
    q, r = np.divmod(numer, denom)
    twice = 2 * r
    up = (twice > denom) | ((twice == denom) & (q % 2 == 1))
    return q + up.astype(np.int64)


def money_from_float(values: np.ndarray) -> np.ndarray:
    """Round a computed (rate-scaled) amount to whole minor units as int64."""
    return np.rint(np.asarray(values, dtype=np.float64)).astype(np.int64)


def random_codes(rng: np.random.Generator, n: int, length: int, alphabet=ALNUM) -> list[str]:
    """n random strings of `length` characters from `alphabet`, vectorised."""
    if n == 0:
        return []
    idx = rng.integers(0, len(alphabet), size=(n, length))
    raw = alphabet[idx].view(f"S{length}").ravel()
    return raw.astype(str).tolist()


def nullable(values, null_mask: np.ndarray) -> pl.Series:
    """A polars column with nulls where `null_mask` is true."""
    series = pl.Series(values)
    if not np.any(null_mask):
        return series
    return series.zip_with(pl.Series(~np.asarray(null_mask, dtype=bool)), series.clear(len(series)))


def pick(rng: np.random.Generator, options: list, n: int, p=None) -> np.ndarray:
    arr = np.asarray(options, dtype=object)
    return arr[rng.choice(len(options), size=n, p=p)]


def group_pick(rng: np.random.Generator, offsets: np.ndarray, counts: np.ndarray, group: np.ndarray) -> np.ndarray:
    """For each element, a uniformly chosen member index of its group (offsets/counts per group)."""
    return offsets[group] + np.floor(rng.random(len(group)) * counts[group]).astype(np.int64)


def fiscal_year(d: np.ndarray) -> np.ndarray:
    """Indian fiscal year (April..March) named by its starting calendar year."""
    years = d.astype("datetime64[Y]").astype(np.int64) + 1970
    months = d.astype("datetime64[M]").astype(np.int64) % 12 + 1
    return np.where(months >= 4, years, years - 1)


def month_of(d: np.ndarray) -> np.ndarray:
    return d.astype("datetime64[M]").astype(np.int64) % 12 + 1


def year_of(d: np.ndarray) -> np.ndarray:
    return d.astype("datetime64[Y]").astype(np.int64) + 1970
