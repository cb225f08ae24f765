"""The e2e modules that only read marts (reports, dashboards, e-mails, KPIs) share the session's
`tiny_warehouse` (tests/conftest.py, built by tests/tiny_book.py); modules that change the
warehouse copy it or build their own."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def ops(tiny_warehouse):
    """The tiny demo's operational tables, loaded once per module for independent recomputation."""
    from tests.e2e.analytics.kpi_operational import load

    return load(str(tiny_warehouse.operational_db))


@pytest.fixture(scope="module")
def marts(tiny_warehouse):
    """A read-only DuckDB connection to the shared tiny warehouse."""
    import duckdb

    con = duckdb.connect(str(tiny_warehouse.duckdb_path), read_only=True)
    yield con
    con.close()
