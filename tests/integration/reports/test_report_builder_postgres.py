"""The same report specs answer identically on the PostgreSQL warehouse and on DuckDB: the tiny
book is built once per session into a PostgreSQL database (tests/tiny_book.py), the semantic
manifest is parsed for that database, and every example spec is compared row by row, exactly (ratio metrics
too). Filter values with quotes and SQL syntax are bound by psycopg, and of two claimers of a
due report schedule on a PostgreSQL operational database exactly one wins."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal

import psycopg
import pytest

from reports import DEFINITIONS

from tests.pipeline_helpers import AS_OF
from reports.builder import ReportSource, load_spec, parse_spec, run_report

pytestmark = [pytest.mark.integration, pytest.mark.postgres, pytest.mark.slow,
              pytest.mark.xdist_group("dbt_postgres")]

EXAMPLES = DEFINITIONS


@pytest.fixture(scope="module")
def pg_source(pg_tiny_warehouse):
    return ReportSource("postgres", pg_tiny_warehouse.semantic_manifest, postgres_url=pg_tiny_warehouse.url)


@pytest.mark.parametrize("example", sorted(p.name for p in EXAMPLES.glob("*.yaml")))
def test_spec_answers_identically_on_postgres_and_duckdb(example, pg_source, tiny_warehouse):
    spec = load_spec(EXAMPLES / example)
    duck = ReportSource("duckdb", tiny_warehouse.semantic_manifest, duckdb_path=tiny_warehouse.duckdb_path)
    on_duckdb = run_report(spec, duck, as_of=AS_OF)
    on_postgres = run_report(spec, pg_source, as_of=AS_OF)
    assert [c.name for c in on_postgres.columns] == [c.name for c in on_duckdb.columns]
    assert on_postgres.rows, example
    if spec.sort:  # ordered output: identical order (ties may differ: compare as sets then)
        assert sorted(on_postgres.rows, key=repr) == sorted(on_duckdb.rows, key=repr)
    else:
        assert set(on_postgres.rows) == set(on_duckdb.rows)


@pytest.mark.parametrize("metrics, dimensions", [
    (["avg_booking_value", "quote_conversion_rate", "cash_received_share"], ["metric_time"]),
    (["avg_booking_value", "cash_received_share"], ["metric_time", "booking__region"]),
])
def test_ratio_metrics_answer_identically_on_postgres_and_duckdb(pg_source, tiny_warehouse,
                                                                 metrics, dimensions):
    spec = parse_spec({"title": "Ratios", "metrics": metrics, "dimensions": dimensions, "grain": "month",
                       "date_range": {"start": "2025-07-01", "end": "2026-06-30"}})
    duck = ReportSource("duckdb", tiny_warehouse.semantic_manifest, duckdb_path=tiny_warehouse.duckdb_path)
    on_duckdb, on_postgres = run_report(spec, duck), run_report(spec, pg_source)
    assert set(on_postgres.rows) == set(on_duckdb.rows) and len(on_postgres.rows) >= 10
    values = [v for row in on_postgres.rows for v in row[len(dimensions):] if v is not None]
    assert values and all(isinstance(v, Decimal) for v in values)


# Everything that could end a SQL literal, start a comment or a Jinja expression, or be read as a
# psycopg placeholder.
NASTY = 'O\'Brien "Goa North" \\ {{ Dimension(\'x\') }} 100% %s %(p0)s $1; -- drop table x;\nline two'


def test_filter_values_are_bound_by_psycopg(pg_source):
    """The busiest agent renamed to NASTY (and back afterwards: the other tests read names)."""
    with psycopg.connect(pg_source.postgres_url, autocommit=True) as con:
        agent_id, revenue, bookings = con.execute(
            "select agent_id, sum(total_sell_amount_base), count(*) from marts.fct_bookings "
            "where not is_deleted and not is_cancelled group by 1 order by 3 desc, 1 limit 1").fetchone()
        (name,) = con.execute("select agent_name from marts.dim_agents where agent_id = %s", [agent_id]).fetchone()
        con.execute("update marts.dim_agents set agent_name = %s where agent_id = %s", [NASTY, agent_id])
        try:
            for op, value in [("=", NASTY), ("in", [NASTY, "Nobody's agent"])]:
                spec = parse_spec({"title": "One agent", "metrics": ["revenue", "bookings"],
                                   "dimensions": ["agent__agent_name"],
                                   "filters": [{"dimension": "agent__agent_name", "op": op, "value": value}]})
                result = run_report(spec, pg_source)
                assert result.records() == [{"agent__agent_name": NASTY, "revenue": Decimal(revenue),
                                             "bookings": bookings}], op
                assert all(NASTY not in sql and "O'Brien" not in sql and "line two" not in sql
                           for sql in result.sql)
        finally:
            con.execute("update marts.dim_agents set agent_name = %s where agent_id = %s", [name, agent_id])


def test_of_two_claimers_exactly_one_wins_on_postgres(pg_url):
    """Claimer A updates the row and holds its transaction open; claimer B's conditional UPDATE
    waits for it and, once A commits, finds next_run_at moved and updates nothing."""
    from tests import factories as f
    from tourstack.db.engine import make_engine, make_sessionmaker
    from tourstack.db.migrate import upgrade
    from tourstack.db.models.reporting import ReportSchedule
    from reports.builder import store

    upgrade(pg_url)
    engine = make_engine(pg_url)
    sessions = make_sessionmaker(engine)
    now = dt.datetime(2026, 6, 30, 1, 30, tzinfo=dt.UTC)
    try:
        with sessions() as setup:
            key = f.make_api_key(setup, "finance")[1]
            owner = store.Owner(key.id, "finance")
            report = store.save_report(setup, owner, "r", {"title": "Revenue", "metrics": ["revenue"]})
            schedule = store.create_schedule(setup, owner, report.id, cron="30 1 * * *", timezone="UTC",
                                             recipients=["ceo@example.com"], format="csv",
                                             now=now - dt.timedelta(hours=1))
            setup.commit()
            schedule_id = schedule.id
        with sessions() as a, sessions() as b:
            seen_a = [(s.id, s.next_run_at, s.cron, s.timezone) for s in store.due_schedules(a, now)]
            seen_b = [(s.id, s.next_run_at, s.cron, s.timezone) for s in store.due_schedules(b, now)]
            assert seen_a == seen_b == [(schedule_id, now, "30 1 * * *", "UTC")]
            assert store.claim_schedule(a, *seen_a[0], now=now) is True  # row locked, not committed
            outcome: list[bool] = []
            racer = threading.Thread(target=lambda: outcome.append(store.claim_schedule(b, *seen_b[0], now=now)))
            racer.start()
            a.commit()
            racer.join(timeout=60)
            b.commit()
            assert outcome == [False]
        with sessions() as check:
            assert check.get(ReportSchedule, schedule_id).next_run_at == now + dt.timedelta(days=1)
    finally:
        engine.dispose()


def test_a_manifest_for_another_database_is_refused(pg_source, tiny_warehouse):
    from reports.builder import SourceError

    wrong = ReportSource("postgres", tiny_warehouse.semantic_manifest, postgres_url=pg_source.postgres_url)
    with pytest.raises(SourceError, match="parsed for database"):
        wrong.layer()


def test_dashboards_show_the_same_figures_on_postgres_and_duckdb(pg_source, tiny_warehouse):
    """Every dashboard built from the PostgreSQL warehouse carries the same tiles (exact values)
    and the same chart data as the one built from DuckDB."""
    from reports.dashboards.writer import build_pages
    from tourstack.warehouse import connect_duckdb, connect_postgres

    duck, pg = connect_duckdb(tiny_warehouse.duckdb_path), connect_postgres(pg_source.postgres_url)
    try:
        on_duckdb, _ = build_pages(duck, AS_OF)
        on_postgres, _ = build_pages(pg, AS_OF)
    finally:
        duck.close()
        pg.close()
    assert [p.name for p in on_postgres] == [p.name for p in on_duckdb]
    for left, right in zip(on_duckdb, on_postgres, strict=True):
        assert [(t.key, t.value, t.prev_month, t.prev_year) for t in left.tiles] == \
               [(t.key, t.value, t.prev_month, t.prev_year) for t in right.tiles], left.name
        assert len(left.charts) == len(right.charts) and left.charts, left.name
        for a, b in zip(left.charts, right.charts, strict=True):
            traces_a = [t.to_plotly_json() for t in a.figure.data]
            traces_b = [t.to_plotly_json() for t in b.figure.data]
            assert _plain(traces_a) == _plain(traces_b), (left.name, a.figure.layout.title.text)


def _plain(value):
    """Plotly data with arrays as lists, so NumPy arrays compare by value."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if hasattr(value, "tolist"):
        return _plain(value.tolist())
    return value
