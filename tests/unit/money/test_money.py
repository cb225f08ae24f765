"""Money value type, allocation and the half-even rounding policy."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest

from tourstack.money import (
    ISO_4217,
    CurrencyError,
    CurrencyMismatchError,
    Money,
    allocate,
    exponent,
    format_money,
    from_minor,
    split_evenly,
    to_minor,
)


def test_existing_helpers_keep_their_behaviour():
    assert exponent("EUR") == 2 and exponent("JPY") == 0 and exponent("KWD") == 3
    assert to_minor(Decimal("10.005"), "EUR") == 1000  # half-even: 1000.5 -> 1000
    assert to_minor("10.015", "EUR") == 1002
    assert from_minor(1234, "KWD") == Decimal("1.234")
    assert format_money(123456, "EUR") == "1,234.56 EUR"
    assert "EUR" in ISO_4217


def test_amount_is_quantised_to_the_currency_exponent_half_even():
    assert Money("10.005", "EUR").amount == Decimal("10.00")
    assert Money("10.015", "EUR").amount == Decimal("10.02")
    assert Money("2.5", "JPY").amount == Decimal("2")
    assert Money("3.5", "JPY").amount == Decimal("4")
    assert Money("1.2345", "KWD").amount == Decimal("1.234")
    assert Money("1.2355", "KWD").amount == Decimal("1.236")
    assert str(Money(1000, "KWD").amount) == "1000.000"


def test_minor_units_round_trip():
    assert Money("12.34", "EUR").minor == 1234
    assert Money("1234", "JPY").minor == 1234
    assert Money("1.234", "KWD").minor == 1234
    assert Money.from_minor(1234, "KWD") == Money("1.234", "KWD")
    assert Money.from_minor(-5, "EUR").amount == Decimal("-0.05")


@pytest.mark.parametrize("bad", [0.1, 1.0, float("nan")])
def test_floats_are_refused(bad):
    with pytest.raises(TypeError):
        Money(bad, "EUR")
    with pytest.raises(TypeError):
        Money("1", "EUR") * bad
    with pytest.raises(TypeError):
        allocate(Money("1", "EUR"), [bad, 1])
    with pytest.raises(TypeError):
        Money.from_minor(bad, "EUR")


def test_invalid_input():
    with pytest.raises(CurrencyError):
        Money("1", "XXX")
    with pytest.raises(ValueError):
        Money("abc", "EUR")
    with pytest.raises(ValueError):
        Money("Infinity", "EUR")


def test_arithmetic_same_currency_only():
    a, b = Money("10.10", "EUR"), Money("0.95", "EUR")
    assert a + b == Money("11.05", "EUR")
    assert a - b == Money("9.15", "EUR")
    assert -a == Money("-10.10", "EUR") and abs(-a) == a
    assert sum([a, b, b]) == Money("12.00", "EUR")
    with pytest.raises(CurrencyMismatchError):
        a + Money("1", "USD")
    with pytest.raises(CurrencyMismatchError):
        a < Money("1", "USD")
    with pytest.raises(TypeError):
        a + Decimal("1")


def test_multiplication_rounds_half_even():
    assert Money("10.00", "EUR") * Decimal("0.0005") == Money("0.00", "EUR")  # 0.005 -> 0.00
    assert Money("10.00", "EUR") * Decimal("0.0015") == Money("0.02", "EUR")  # 0.015 -> 0.02
    assert 3 * Money("1.11", "EUR") == Money("3.33", "EUR")
    assert Money("100", "JPY") * Decimal("0.125") == Money("12", "JPY")  # 12.5 -> 12


def test_comparisons_and_immutability():
    small, big = Money("1.00", "GBP"), Money("2.00", "GBP")
    assert small < big and big > small and small <= small and big >= small
    assert small != Money("1.00", "EUR")
    assert len({Money("1", "GBP"), Money("1.00", "GBP")}) == 1
    with pytest.raises(AttributeError):
        small.amount = Decimal("5")  # type: ignore[misc]


def test_allocate_three_ways():
    assert [m.amount for m in allocate(Money("100.00", "EUR"), [1, 1, 1])] == [
        Decimal("33.34"), Decimal("33.33"), Decimal("33.33"),
    ]
    assert [m.amount for m in allocate(Money("100", "JPY"), [1, 1, 1])] == [
        Decimal("34"), Decimal("33"), Decimal("33"),
    ]
    assert [m.amount for m in allocate(Money("100.000", "KWD"), [1, 1, 1])] == [
        Decimal("33.334"), Decimal("33.333"), Decimal("33.333"),
    ]


def test_allocate_largest_remainder_and_negatives():
    # shares of 0.05 by 3:7 -> 1.5 and 3.5 cents; remainders tie, the earlier part wins.
    assert [m.minor for m in allocate(Money("0.05", "EUR"), [3, 7])] == [2, 3]
    # 1.00 by 1:2:2 -> 20, 40, 40 exactly; 1.01 -> the extra cent goes to the largest remainder.
    assert [m.minor for m in allocate(Money("1.01", "EUR"), [1, 2, 2])] == [20, 41, 40]
    assert [m.minor for m in allocate(Money("-100.00", "EUR"), [1, 1, 1])] == [-3334, -3333, -3333]
    assert [m.minor for m in allocate(Money("10", "EUR"), ["0.7", "0.3", 0])] == [700, 300, 0]
    assert [m.minor for m in split_evenly(Money("0.02", "EUR"), 3)] == [1, 1, 0]


def test_allocate_rejects_bad_ratios():
    with pytest.raises(ValueError):
        allocate(Money("1", "EUR"), [])
    with pytest.raises(ValueError):
        allocate(Money("1", "EUR"), [0, 0])
    with pytest.raises(ValueError):
        allocate(Money("1", "EUR"), [1, -1])


@pytest.mark.parametrize("currency", ["EUR", "JPY", "KWD", "INR"])
def test_allocate_parts_always_sum_to_the_whole(currency):
    rng = random.Random(4217)
    for _ in range(400):
        minor = rng.randint(-10**9, 10**9)
        ratios = [rng.choice([0, rng.randint(1, 1000), Decimal(rng.randint(1, 10**6)) / 1000])
                  for _ in range(rng.randint(1, 12))]
        if not any(ratios):
            ratios[0] = 1
        whole = Money.from_minor(minor, currency)
        parts = allocate(whole, ratios)
        assert len(parts) == len(ratios)
        assert sum(p.minor for p in parts) == minor
        assert all(p.currency == currency for p in parts)
        # each part is within one minor unit of its exact share
        total = sum(Decimal(r) for r in ratios)
        for part, ratio in zip(parts, ratios):
            assert abs(Decimal(part.minor) - Decimal(minor) * Decimal(ratio) / total) < 1
