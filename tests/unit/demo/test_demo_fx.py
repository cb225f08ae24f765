"""Bundled ECB rates and the derived AED rate."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from tourstack.demo.fx import AED_PER_USD, CUR_INDEX, FxTable, published_rows


def test_published_rows_are_exact_ecb_values():
    rows = published_rows(dt.date(2024, 1, 2), dt.date(2024, 1, 5))
    by = {(d, c): (r, s) for d, c, r, s in rows}
    usd, _ = by[(dt.date(2024, 1, 2), "USD")]
    assert isinstance(usd, Decimal) and usd == Decimal("1.0956")
    aed, source = by[(dt.date(2024, 1, 2), "AED")]
    assert source == "ecb_derived" and aed == (usd * AED_PER_USD).quantize(Decimal("0.00000001"))
    assert {c for _, c, _, _ in rows} == {"INR", "USD", "GBP", "SGD", "THB", "AED"}


def test_table_forward_fills_weekends():
    table = FxTable(dt.date(2024, 1, 5), 4)  # Friday .. Monday
    inr = CUR_INDEX["INR"]
    assert table.rates[1, inr] == table.rates[0, inr] == table.rates[2, inr]
    assert table.rates[0, CUR_INDEX["EUR"]] == 1.0
