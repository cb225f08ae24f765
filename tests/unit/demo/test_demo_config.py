"""Input validation of the demo generator, and its size presets."""

from __future__ import annotations

import datetime as dt

import pytest

from tourstack.demo import SIZES, DemoConfigError, make_plan, resolve_bookings, seed


def test_presets():
    assert SIZES["tiny"] < SIZES["small"] < SIZES["demo"] < SIZES["large"] == 1_000_000
    assert resolve_bookings("Demo") == 20_000
    assert resolve_bookings(1234) == 1234
    assert resolve_bookings("777") == 777


@pytest.mark.parametrize("bad", ["huge", "", -1, 0, "-5", 1.5, True])
def test_bad_size_or_scale(bad):
    with pytest.raises(DemoConfigError):
        resolve_bookings(bad)


def test_bad_seed_and_as_of():
    with pytest.raises(DemoConfigError, match="seed"):
        make_plan("tiny", seed=-1)
    with pytest.raises(DemoConfigError, match="ISO date"):
        make_plan("tiny", as_of="25/11/2026")


def test_period_is_three_years_ending_on_as_of():
    plan = make_plan("tiny", as_of="2026-11-25")
    assert plan.start == dt.date(2023, 11, 26) and plan.as_of == dt.date(2026, 11, 25)
    assert make_plan("tiny", as_of="2028-02-29").start == dt.date(2025, 3, 1)


def test_bad_input_fails_before_touching_the_database(sqlite_url, tmp_path):
    with pytest.raises(DemoConfigError, match="positive"):
        seed(sqlite_url, -10, progress=False)
    assert not (tmp_path / "operational.db").exists()


def test_default_period_ends_with_the_last_complete_day():
    """No generated booking or payment may lie after the moment of seeding."""
    yesterday = dt.datetime.now(dt.UTC).date() - dt.timedelta(days=1)
    plan = make_plan("tiny")
    assert plan.as_of == yesterday
    assert plan.end <= dt.datetime.now(dt.UTC)
