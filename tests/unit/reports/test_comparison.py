"""Comparison arithmetic: Decimal deltas and % change, rows joined by dimension values and by
the position of their time bucket; value conversion never keeps a float."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest

from tourstack.metrics import DimensionInfo, MetricInfo, QueryResult
from reports.builder import runner
from reports.builder.runner import _convert, change, run_report
from reports.builder.spec import parse_spec


def test_change_is_exact_decimal():
    delta, pct = change(Decimal("110.10"), Decimal("100.00"))
    assert delta == Decimal("10.10") and pct == Decimal("0.1010")
    assert change(Decimal("0.1") + Decimal("0.2"), Decimal("0.3")) == (Decimal("0.0"), Decimal("0.0000"))
    assert change(5, 3) == (2, Decimal("0.6667"))          # half up on the 4th place
    assert change(1, 3) == (-2, Decimal("-0.6667"))
    assert change(Decimal("5"), Decimal("0")) == (Decimal("5"), None)  # no % change from zero
    assert change(None, Decimal("1")) == (None, None)
    assert change(Decimal("1"), None) == (None, None)


def test_convert_money_ratio_and_dates():
    assert _convert(Decimal("853477.710"), "money") == Decimal("853477.71")
    assert _convert(426738.855, "money") == Decimal("426738.86")  # DOUBLE ratio from MetricFlow
    assert _convert(0.1 + 0.2, "ratio") == Decimal("0.30000000")
    assert isinstance(_convert(0.5, "ratio"), Decimal)
    assert _convert(dt.datetime(2026, 1, 1), "date") == dt.date(2026, 1, 1)
    assert _convert(7, "integer") == 7 and _convert(None, "money") is None


class FakeSource:
    """Answers MetricQuery objects from canned rows keyed by the queried start date."""

    def __init__(self, answers):
        self.answers, self.queries = answers, []
        self._layer = SimpleNamespace(
            metrics=lambda: [MetricInfo("revenue", "Revenue (base)", None, "simple"),
                             MetricInfo("bookings", "Bookings", None, "simple")],
            dimensions=lambda metrics: [DimensionInfo("metric_time", "time", None),
                                        DimensionInfo("booking__country", "categorical", None)],
        )

    def layer(self):
        return self._layer

    def run(self, query):
        self.queries.append(query)
        cols, rows = self.answers[query.start]
        return QueryResult(cols, rows, sql=f"-- {query.start}")


def test_previous_year_joins_by_month_position_and_country():
    cols = ["metric_time__month", "booking__country", "revenue", "bookings"]
    source = FakeSource({
        dt.date(2026, 1, 1): (cols, [(dt.datetime(2026, 1, 1), "IN", Decimal("100.00"), 2),
                                     (dt.datetime(2026, 2, 1), "IN", Decimal("50.00"), 1),
                                     (dt.datetime(2026, 2, 1), "TH", Decimal("30.00"), 1)]),
        dt.date(2025, 1, 1): (cols, [(dt.datetime(2025, 1, 1), "IN", Decimal("80.00"), 4),
                                     (dt.datetime(2025, 2, 1), "IN", Decimal("0.00"), 0),
                                     (dt.datetime(2025, 3, 1), "IN", Decimal("9.00"), 1)]),
    })
    spec = parse_spec({"title": "t", "metrics": ["revenue", "bookings"],
                       "dimensions": ["metric_time", "booking__country"], "grain": "month",
                       "date_range": {"start": "2026-01-01", "end": "2026-02-28"},
                       "comparison": "previous_year", "limit": 10})
    result = run_report(spec, source)
    assert [q.limit for q in source.queries] == [10, None]  # the comparison is never cut short
    assert (source.queries[1].start, source.queries[1].end) == (dt.date(2025, 1, 1), dt.date(2025, 2, 28))
    rows = result.records()
    assert rows[0]["metric_time"] == dt.date(2026, 1, 1)
    assert rows[0]["revenue_previous"] == Decimal("80.00")
    assert rows[0]["revenue_delta"] == Decimal("20.00") and rows[0]["revenue_pct_change"] == Decimal("0.2500")
    assert rows[0]["bookings_delta"] == -2 and rows[0]["bookings_pct_change"] == Decimal("-0.5000")
    assert rows[1]["revenue_previous"] == Decimal("0.00") and rows[1]["revenue_pct_change"] is None
    assert rows[2]["revenue_previous"] is None and rows[2]["revenue_delta"] is None  # TH had no row
    assert result.column("revenue_pct_change").kind == "percent"
    assert result.column("revenue").kind == "money" and result.column("bookings").kind == "integer"


def test_undeclared_names_are_rejected_before_any_query():
    source = FakeSource({})
    from reports.builder.spec import SpecError

    with pytest.raises(SpecError, match=r"metrics\[0\]: unknown metric 'profit'"):
        run_report(parse_spec({"title": "t", "metrics": ["profit"]}), source)
    with pytest.raises(SpecError, match=r"dimensions\[0\]: 'agent__email'"):
        run_report(parse_spec({"title": "t", "metrics": ["revenue"], "dimensions": ["agent__email"]}), source)
    with pytest.raises(SpecError, match=r"filters\[0\].dimension: 'customer__email'"):
        run_report(parse_spec({"title": "t", "metrics": ["revenue"],
                               "filters": [{"dimension": "customer__email", "value": "x"}]}), source)
    with pytest.raises(SpecError, match="grain: add a time dimension"):
        run_report(parse_spec({"title": "t", "metrics": ["revenue"], "grain": "month"}), source)
    assert source.queries == []


def test_humanize():
    assert runner.humanize("agent__agent_name") == "Agent name"
    assert runner.humanize("booking__country") == "Booking country"
    assert runner.humanize("quote__agent__agent_name") == "Agent name (quote)"


def test_ratio_metrics_divide_exact_sums_and_round_once():
    """5000.025 / 5 is exactly 1000.005: half up gives 1000.01. In DOUBLE the quotient is
    1000.0049999999999, which rounds to 1000.00: the cent the exact division exists for."""
    from tourstack.metrics import PreparedQuery, SemanticLayer, exact_ratio

    assert _convert(5000.025 / 5, "money") == Decimal("1000.00")  # the DOUBLE path, for contrast
    assert _convert(exact_ratio(Decimal("5000.025"), 5), "money") == Decimal("1000.01")
    assert _convert(exact_ratio(2, 3), "ratio") == Decimal("0.66666667")
    assert exact_ratio(Decimal("1"), 0) is None and exact_ratio(None, 3) is None
    prepared = PreparedQuery("-- sql", None, ratios=(("avg_booking_value", "revenue", "bookings"),),
                             hidden=("bookings",))
    result = SemanticLayer._result(prepared, ["metric_time__month", "avg_booking_value", "revenue", "bookings"],
                                   [(dt.date(2026, 1, 1), 1000.0049999999999, Decimal("5000.025"), 5),
                                    (dt.date(2026, 2, 1), None, Decimal("0"), 0)])
    assert result.columns == ["metric_time__month", "avg_booking_value", "revenue"]
    assert result.rows == [(dt.date(2026, 1, 1), Decimal("1000.005"), Decimal("5000.025")),
                           (dt.date(2026, 2, 1), None, Decimal("0"))]
