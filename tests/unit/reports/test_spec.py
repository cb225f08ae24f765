"""Report spec validation: every error path names its field; names are identifiers (matched in
full, so a trailing newline is refused), while filter text may be anything a name can hold,
quotes included, since tourstack.metrics binds it as a parameter."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from reports import DEFINITIONS

from reports.builder.spec import SpecError, load_spec, loads_spec, parse_spec, spec_to_data

EXAMPLES = DEFINITIONS
BASE = {"title": "Revenue", "metrics": ["revenue"]}


def spec(**changes):
    return parse_spec({**BASE, **changes})


def error(**changes) -> str:
    with pytest.raises(SpecError) as info:
        spec(**changes)
    return str(info.value)


def test_minimal_spec_has_defaults():
    s = spec()
    assert s.dimensions == [] and s.filters == [] and s.comparison == "none"
    assert s.chart.type == "table" and s.grain is None and s.limit is None


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.name)
def test_examples_load(path):
    assert load_spec(path).title


@pytest.mark.parametrize("changes, field", [
    ({"title": ""}, "title"),
    ({"title": "a\nb"}, "title: title must be one line"),
    ({"metrics": []}, "metrics"),
    ({"metrics": ["revenue", "revenue"]}, "metrics: names must not repeat"),
    ({"metrics": ["Revenue"]}, "metrics: name must be a lower-case identifier"),
    ({"dimensions": ["booking__country; drop table x"]}, "dimensions"),
    ({"grain": "fortnight"}, "grain"),
    ({"comparison": "last_decade", "date_range": {"relative": "last_month"}}, "comparison"),
    ({"comparison": "previous_year"}, "a comparison needs a date_range"),
    ({"limit": 0}, "limit"),
    ({"limit": 100_001}, "limit"),
    ({"sort": ["-bookings"]}, "sort[0]: 'bookings' is not among the metrics or dimensions"),
    ({"sort": ["revenue desc"]}, "sort"),
    ({"unknown": 1}, "unknown: Extra inputs are not permitted"),
    ({"date_range": {"start": "2026-02-01"}}, "date_range: give start and end, or a relative range"),
    ({"date_range": {"start": "2026-02-01", "end": "2026-01-01"}}, "date_range: start 2026-02-01 is after end"),
    ({"date_range": {"relative": "last_week"}}, "date_range.relative"),
    ({"date_range": {"relative": "last_month", "start": "2026-01-01"}}, "date_range: give either"),
    ({"date_range": {"start": "2026-01-01", "end": "2026-01-31", "as_of": "2026-02-01"}}, "as_of only goes"),
    ({"date_range": {"start": "not a date", "end": "2026-01-31"}}, "date_range.start"),
    ({"chart": {"type": "donut"}}, "chart.type"),
    ({"chart": {"type": "bar"}}, "chart.type: a bar chart needs at least one dimension"),
    ({"chart": {"type": "table", "y": ["bookings"]}}, "chart.y: 'bookings' is not one of the report's metrics"),
    ({"dimensions": ["booking__country"], "chart": {"type": "bar", "x": "booking__region"}}, "chart.x"),
    ({"dimensions": ["booking__country"], "chart": {"type": "bar", "series": "metric_time"}}, "chart.series"),
    ({"metrics": ["revenue", "bookings"], "dimensions": ["booking__country"], "chart": {"type": "pie"}},
     "chart.y: a pie chart shows exactly one metric"),
    ({"dimensions": ["booking__country"], "chart": {"type": "big_number"}}, "chart.type: big_number"),
    ({"chart": {"type": "bar", "x": "x; delete"}}, "chart.x"),
])
def test_invalid_specs_name_the_field(changes, field):
    assert field in error(**changes)


@pytest.mark.parametrize("flt, field", [
    ({"dimension": "booking__country", "op": "like", "value": "IN"}, "filters[0].op"),
    ({"dimension": "booking__country", "op": "=", "value": "a" * 201}, "filters[0].value: text may hold at most 200"),
    ({"dimension": "booking__country", "op": "=", "value": "IN\x00"}, "filters[0].value: text may not contain NUL"),
    ({"dimension": "booking__country\n", "op": "=", "value": "IN"}, "filters[0].dimension"),
    ({"dimension": "booking__country", "op": "in", "value": "IN"}, "'in' needs a list"),
    ({"dimension": "booking__country", "op": "in", "value": []}, "'in' needs a list"),
    ({"dimension": "booking__country", "op": "=", "value": ["IN", "TH"]}, "use 'in' for a list"),
    ({"dimension": "booking__country", "op": "=", "value": None}, "filters[0].value"),
    ({"dimension": "booking__country", "op": "=", "value": {"a": 1}}, "filters[0].value"),
    ({"dimension": "booking__country", "op": "=", "value": "2026-01-01T10:00:00"}, None),
    ({"dimension": "Booking country", "op": "=", "value": "IN"}, "filters[0].dimension"),
    ({"dimension": "booking__country", "value": "IN", "extra": 1}, "filters[0].extra"),
])
def test_filter_errors_and_injection_attempts(flt, field):
    if field is None:  # ISO timestamps as text are harmless text; accepted
        assert spec(filters=[flt]).filters[0].value == "2026-01-01T10:00:00"
        return
    assert field in error(filters=[flt])


@pytest.mark.parametrize("value", [
    "O'Brien Travels", "Côte d'Ivoire", 'Goa "North"', "back\\slash", "{{ Dimension('x') }}", "100%",
    "a -- b; c", "line one\nline two", "IN' or 1=1 --", "x'; drop table marts.kpi_bookings; --",
])
def test_any_text_is_a_filter_value_kept_verbatim(value):
    s = spec(filters=[{"dimension": "agency__agency_name", "op": "in", "value": [value, "Other"]},
                      {"dimension": "agent__agent_name", "value": value}])
    assert s.filters[0].value == [value, "Other"] and s.filters[1].value == value
    assert parse_spec(spec_to_data(s)) == s  # and through storage unchanged


@pytest.mark.parametrize("changes", [
    {"metrics": ["revenue\n"]}, {"dimensions": ["metric_time\n"]},
    {"metrics": ["revenue"], "sort": ["-revenue\n"]}, {"chart": {"type": "table", "y": ["revenue\n"]}},
])
def test_names_with_a_trailing_newline_are_refused(changes):
    assert error(**changes)


def test_filter_values_are_typed_exactly():
    s = loads_spec("""
title: t
metrics: [revenue]
filters:
  - {dimension: booking__country, op: IN, value: [IN, TH]}
  - {dimension: booking__booked_date, op: ">=", value: 2026-01-01}
  - {dimension: agent__is_active, value: true}
  - {dimension: booking__country, op: "!=", value: 0.1}
""")
    assert s.filters[0].op == "in" and s.filters[0].value == ["IN", "TH"]
    assert s.filters[1].value == dt.date(2026, 1, 1)
    assert s.filters[2].value is True and s.filters[2].op == "="
    assert s.filters[3].value == Decimal("0.1") and isinstance(s.filters[3].value, Decimal)


def test_json_spec_decimals_never_pass_through_float():
    s = loads_spec('{"title": "t", "metrics": ["revenue"], "filters": '
                   '[{"dimension": "x", "op": ">", "value": 1234567.123456789}]}', fmt="json")
    assert s.filters[0].value == Decimal("1234567.123456789")


def test_unparseable_text_and_non_mapping():
    with pytest.raises(SpecError, match="not valid YAML"):
        loads_spec("title: [unclosed")
    with pytest.raises(SpecError, match="not valid JSON"):
        loads_spec("{", fmt="json")
    with pytest.raises(SpecError, match="must be a mapping"):
        loads_spec("- a\n- b")
    with pytest.raises(SpecError, match="cannot read"):
        load_spec("/nonexistent/spec.yaml")


def test_round_trip_through_storage_form():
    original = load_spec(EXAMPLES / "revenue_by_region.yaml")
    assert parse_spec(spec_to_data(original)) == original


def test_chart_defaults():
    s = spec(metrics=["revenue", "bookings"], dimensions=["metric_time", "booking__region"],
             chart={"type": "line", "series": "booking__region"})
    assert s.chart_x == "metric_time" and s.chart_y == ["revenue", "bookings"]
    assert spec(chart={"type": "big_number"}).chart_y == ["revenue"]
