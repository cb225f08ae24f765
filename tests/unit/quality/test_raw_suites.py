"""The raw-table suites catch the faults they are meant to catch, and pass clean data."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

import tourstack.db.models  # noqa: F401
from tourstack.db.base import Base
from tourstack.quality.raw_suites import columns_needed, validate_frame

NOW = dt.datetime(2026, 1, 1)


def _bookings(**overrides) -> pd.DataFrame:
    rows = {
        "id": [1, 2],
        "total_sell_minor": [100_00, 250_00],
        "total_cost_minor": [80_00, 200_00],
        "currency": ["INR", "USD"],
        "booked_at": pd.to_datetime(["2025-01-01 10:00", "2025-02-01 11:00"]),
        "cancelled_at": pd.to_datetime([None, None]),
        "deleted_at": pd.to_datetime([None, None]),
        "created_at": pd.to_datetime(["2025-01-01 10:00", "2025-02-01 11:00"]),
        "updated_at": pd.to_datetime(["2025-01-02 10:00", "2025-02-01 11:00"]),
        "travel_start": pd.to_datetime(["2025-03-01", "2025-04-01"]).date,
        "travel_end": pd.to_datetime(["2025-03-08", "2025-04-05"]).date,
    }
    rows.update(overrides)
    return pd.DataFrame(rows)


TABLE = Base.metadata.tables["bookings"]


def test_clean_rows_pass():
    outcome = validate_frame(TABLE, _bookings(), now=NOW)
    assert outcome.success, outcome.failures
    assert outcome.evaluated > 8


@pytest.mark.parametrize(
    ("override", "expectation"),
    [
        ({"id": [1, 1]}, "expect_column_values_to_be_unique"),
        ({"currency": ["INR", "XXY"]}, "expect_column_values_to_be_in_set"),
        ({"total_sell_minor": [100_00, -1]}, "expect_column_values_to_be_between"),
        ({"booked_at": pd.to_datetime(["1999-12-31", "2025-02-01"])}, "expect_column_values_to_be_between"),
        ({"travel_end": pd.to_datetime(["2025-02-01", "2025-04-05"]).date},
         "expect_column_pair_values_a_to_be_greater_than_b"),
    ],
)
def test_each_fault_is_reported(override, expectation):
    outcome = validate_frame(TABLE, _bookings(**override), now=NOW)
    assert not outcome.success
    assert expectation in {f["expectation"] for f in outcome.failures}


def test_only_checked_columns_are_pulled():
    needed = columns_needed(Base.metadata.tables["sites"])
    assert "description" not in needed and "price_minor" in needed and "id" in needed
