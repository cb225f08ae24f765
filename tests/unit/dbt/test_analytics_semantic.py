"""Static checks of the analytics marts and the semantic layer, no database needed: `dbt parse`,
the analytics marts' contracts, docs and tests, MetricFlow's semantic-manifest validation, and
the tourstack.metrics wrapper compiling queries to SQL for DuckDB and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

dbt_main = pytest.importorskip("dbt.cli.main")
pytest.importorskip("metricflow")

from tourstack.metrics import Filter, MetricQuery, MetricQueryError, SemanticLayer  # noqa: E402

PROJECT_DIR = Path(__file__).resolve().parents[3] / "dbt_project"
ANALYTICS = {
    "kpi_bookings", "exec_kpi_daily", "exec_kpi_monthly", "exec_revenue_by_currency_monthly",
    "exec_destination_monthly", "exec_site_revenue_monthly", "sales_funnel_monthly",
    "sales_conversion_monthly", "ops_monthly", "ops_staff_workload", "agent_leaderboard",
    "supplier_scorecard", "customer_lifetime", "customer_acquisition_monthly", "cohort_retention",
    "metricflow_time_spine",
}
METRICS = {
    "revenue": "simple", "recognised_revenue": "simple", "bookings": "simple", "paid_amount": "simple",
    "cash_received": "simple", "active_agents": "simple", "quotes_requested": "simple",
    "recognised_cash_received": "simple", "revenue_original_currency": "simple",
    "recognised_revenue_original_currency": "simple",
    "avg_booking_value": "ratio", "quote_conversion_rate": "ratio", "cash_received_share": "ratio",
    "recognised_cash_received_share": "ratio",
    "revenue_mtd": "cumulative", "revenue_ytd": "cumulative", "revenue_growth_mom": "derived",
    "revenue_growth_yoy": "derived", "quote_to_booking_conversion": "conversion",
}


@pytest.fixture(scope="module")
def target(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("dbt_semantic")
    saved = dict(os.environ)
    os.environ["DO_NOT_TRACK"] = "1"
    os.environ["TOURSTACK_DUCKDB_PATH"] = str(tmp / "warehouse.duckdb")
    try:
        result = dbt_main.dbtRunner().invoke([
            "parse", "--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROJECT_DIR),
            "--target", "duckdb", "--target-path", str(tmp / "target"), "--log-path", str(tmp / "logs"),
            "--no-partial-parse", "--quiet",
        ])
    finally:
        os.environ.clear()
        os.environ.update(saved)
    assert result.success, result.exception
    return result.result, tmp / "target" / "semantic_manifest.json"


@pytest.fixture(scope="module")
def layer(target):
    return SemanticLayer(target[1].read_text())


def test_analytics_marts_enforce_contracts_and_are_documented_and_tested(target):
    manifest = target[0]
    models = {n.name: n for n in manifest.nodes.values()
              if n.resource_type == "model" and n.fqn[1] == "analytics"}
    assert set(models) == ANALYTICS
    tested = {dep.split(".")[-1] for n in manifest.nodes.values() if n.resource_type == "test"
              for dep in n.depends_on.nodes}
    for name, node in models.items():
        assert node.config.materialized == "table" and node.schema == "marts", name
        assert node.config.contract.enforced, name
        assert node.description, name
        assert node.columns and all(c.description and c.data_type for c in node.columns.values()), name
        assert name in tested, name


def test_semantic_manifest_passes_metricflow_validation(target):
    from metricflow_semantic_interfaces.validations.semantic_manifest_validator import (
        SemanticManifestValidator,
    )
    from metricflow_semantics.model.dbt_manifest_parser import parse_manifest_from_dbt_generated_manifest

    manifest = parse_manifest_from_dbt_generated_manifest(target[1].read_text())
    results = SemanticManifestValidator().validate_semantic_manifest(manifest)
    assert not results.errors, [e.message for e in results.errors]
    assert {m.name for m in manifest.metrics} >= set(METRICS)
    assert {m.name for m in manifest.semantic_models} >= {"bookings", "quotes", "payments"}


def test_declared_metrics_and_their_types(layer):
    declared = {m.name: m.type for m in layer.metrics()}
    assert {k: declared.get(k) for k in METRICS} == METRICS
    assert all(m.description for m in layer.metrics())


def test_dimensions_cover_time_destination_country_agency_agent_channel_status(layer):
    names = {d.name for d in layer.dimensions(["revenue"])}
    assert {"metric_time", "booking__country", "booking__destination_name", "booking__channel",
            "booking__status", "agent__agent_name", "agency__agency_name",
            "destination__country_name"} <= names
    assert "payment__gateway" in {d.name for d in layer.dimensions(["paid_amount"])}
    assert "payment__gateway" not in names  # a booking has many payments: no fan-out join


@pytest.mark.parametrize("engine", ["duckdb", "postgres"])
def test_every_metric_compiles_by_month(target, engine):
    layer = SemanticLayer(target[1].read_text(), engine=engine)
    for metric in METRICS:
        sql = layer.compile(MetricQuery(metrics=[metric], group_by=["metric_time"], grain="month",
                                        start=dt.date(2026, 1, 1), end=dt.date(2026, 6, 30)))
        assert "select" in sql.lower(), metric


def test_compile_with_filters_order_and_limit(layer):
    prepared = layer.prepare(MetricQuery(
        metrics=["revenue", "bookings"], group_by=["booking__country"],
        where=[Filter("booking__country", "in", ["IN", "FR"]), Filter("booking__status", "!=", "pending")],
        order_by=["-revenue"], limit=5,
    ))
    assert prepared.params == {"p0": "IN", "p1": "FR", "p2": "pending"}
    assert "in ($p0, $p1)" in prepared.sql and "!= $p2" in prepared.sql and "limit 5" in prepared.sql.lower()
    assert "'IN'" not in prepared.sql and "pending" not in prepared.sql


@pytest.mark.parametrize("query", [
    MetricQuery(metrics=[]),
    MetricQuery(metrics=["revenue; drop table x"]),
    MetricQuery(metrics=["revenue"], group_by=["booking__country; --"]),
    MetricQuery(metrics=["revenue"], group_by=["payment__gateway"]),
    MetricQuery(metrics=["revenue"], grain="minute", group_by=["metric_time"]),
    MetricQuery(metrics=["revenue"], where=[Filter("booking__country", "=", "IN\x00")]),
    MetricQuery(metrics=["revenue"], where=[Filter("booking__country", "=", "x" * 201)]),
    MetricQuery(metrics=["revenue"], where=[Filter("booking__booked_date", ">=", "last week")]),
    MetricQuery(metrics=["revenue"], where=[Filter("booking__booked_date", ">=", dt.datetime(2026, 1, 1))]),
    MetricQuery(metrics=["revenue"], where=[Filter("booking__country", "like", "I%")]),
    MetricQuery(metrics=["revenue"], where=[Filter("booking__country", "=", 1.5)]),
    MetricQuery(metrics=["revenue"], where=[Filter("booking__country", "=", 2**70)]),
    MetricQuery(metrics=["revenue"], where=[Filter("booking__country", "in", [])]),
    MetricQuery(metrics=["revenue"], order_by=["booking__country"]),
    MetricQuery(metrics=["revenue"], limit=0),
])
def test_undeclared_names_and_unsafe_values_are_refused(layer, query):
    with pytest.raises(MetricQueryError):
        layer.compile(query)


@pytest.mark.parametrize("engine, marker", [("duckdb", "$p0"), ("postgres", "%(p0)s")])
def test_filter_values_are_bound_never_written_into_the_sql(target, engine, marker):
    layer = SemanticLayer(target[1].read_text(), engine=engine)
    value = "O'Brien \\ {{ Dimension('x') }} 100% -- ;\n$1 ?"
    prepared = layer.prepare(MetricQuery(
        metrics=["revenue"], group_by=["metric_time"], grain="day",
        where=[Filter("agent__agent_name", "=", value), Filter("booking__booked_date", ">=", "2026-01-01"),
               Filter("booking__is_repeat_booking", "=", True)],
    ))
    assert prepared.params == {"p0": value, "p1": dt.date(2026, 1, 1), "p2": True}
    assert marker in prepared.sql and "O'Brien" not in prepared.sql and "2026-01-01" not in prepared.sql
    assert "tsparam_" not in prepared.sql


def test_plain_ratio_metrics_fetch_their_numerator_and_denominator(layer):
    prepared = layer.prepare(MetricQuery(metrics=["avg_booking_value", "revenue"], group_by=["metric_time"],
                                         grain="month"))
    assert prepared.ratios == (("avg_booking_value", "revenue", "bookings"),)
    assert prepared.hidden == ("bookings",)  # revenue was asked for; bookings only for the division
