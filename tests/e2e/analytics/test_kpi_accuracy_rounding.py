"""The KPI rounding macros (dbt_project/macros/kpi.sql) run on DuckDB and on PostgreSQL with values
the demo data never produces: ties, values just below a tie, where rounding a quotient first to 8
decimals and then to 2 would go wrong, negatives and large amounts. Each case is compared with the
documented rule (the exact quotient rounded once, half away from zero) computed in Python.

The macros are rendered with plain Jinja: adapter.dispatch is resolved to the engine's variant the
way dbt resolves it (`<engine>__name`, else `default__name`), so no dbt parse is needed."""

from __future__ import annotations

from fractions import Fraction

import duckdb
import jinja2
import psycopg
import pytest

from tests.tiny_book import PROJECT_DIR
from tests.e2e.analytics.kpi_operational import round_half_up

MACROS = PROJECT_DIR / "macros" / "kpi.sql"

# (macro, numerator, denominator, places of the result)
CASES = [
    ("kpi_average", "0.010", "2", 2),  # exactly half a cent: up
    ("kpi_average", "4999.999", "1000000", 2),  # 0.004999999: 0.00, not 0.01 via 0.00500000
    ("kpi_average", "-0.010", "2", 2),  # half away from zero
    ("kpi_average", "123456789012.345", "7", 2),
    ("kpi_average", "0.000", "3", 2),
    ("kpi_ratio", "2", "3", 8),
    ("kpi_ratio", "1", "200000000", 8),  # exactly half of the 8th decimal: up
    ("kpi_ratio", "123456784999", "1000000000000", 8),  # just below a tie
    ("kpi_ratio", "93473359.760", "88154570.430", 8),
    ("avg_hours", "17999", "1", 2),  # 4.99972... h
    ("avg_hours", "18", "1", 2),  # 0.005 h exactly: up
]


class _Adapter:
    def __init__(self, engine: str):
        self.engine, self.macros = engine, None

    def dispatch(self, name: str):
        return getattr(self.macros, f"{self.engine}__{name}", None) or getattr(self.macros, f"default__{name}")


def render(engine: str, macro: str, *args: str) -> str:
    adapter = _Adapter(engine)
    env = jinja2.Environment(undefined=jinja2.StrictUndefined)
    module = env.from_string(MACROS.read_text(), globals={"adapter": adapter, "return": lambda v: v}).module
    adapter.macros = module
    return str(getattr(module, macro)(*args))


def expected(macro: str, num: str, den: str, places: int):
    if macro == "avg_hours":
        return round_half_up(Fraction(num) / (Fraction(den) * 3600), places)
    return round_half_up(Fraction(num) / Fraction(den), places)


def _sql(engine: str, macro: str, num: str, den: str) -> str:
    return "select " + render(engine, macro, f"cast({num} as numeric(38, 3))", f"cast({den} as numeric(38, 3))")


def test_rounding_on_duckdb():
    con = duckdb.connect()
    try:
        for macro, num, den, places in CASES:
            got = con.execute(_sql("duckdb", macro, num, den)).fetchone()[0]
            assert got == expected(macro, num, den, places), (macro, num, den)
    finally:
        con.close()


@pytest.mark.postgres
def test_rounding_on_postgres(pg_admin_url):
    with psycopg.connect(pg_admin_url) as conn:
        for macro, num, den, places in CASES:
            got = conn.execute(_sql("postgres", macro, num, den)).fetchone()[0]
            assert got == expected(macro, num, den, places), (macro, num, den)


def test_a_zero_or_missing_denominator_gives_null():
    con = duckdb.connect()
    try:
        for macro in ("kpi_average", "kpi_ratio", "avg_hours"):
            for den in ("0", "null"):
                sql = "select " + render("duckdb", macro, "cast(1 as numeric(38, 3))", f"cast({den} as bigint)")
                assert con.execute(sql).fetchone()[0] is None, (macro, den)
    finally:
        con.close()


def test_cash_share_of_a_booking_part_is_rounded_once():
    """part x cash / revenue: 1/3 of 100.00 cash for a third of the revenue is 33.33."""
    con = duckdb.connect()
    try:
        sql = "select " + render("duckdb", "cash_share_of", "cast(10.000 as numeric(18, 3))",
                                 "cast(100.000 as numeric(18, 3))", "cast(30.000 as numeric(18, 3))")
        assert con.execute(sql).fetchone()[0] == round_half_up(Fraction(10 * 100, 30), 2)
        sql = "select " + render("duckdb", "cash_share_of", "cast(10.000 as numeric(18, 3))",
                                 "cast(100.000 as numeric(18, 3))", "cast(0 as numeric(18, 3))")
        assert con.execute(sql).fetchone()[0] == 0
    finally:
        con.close()
