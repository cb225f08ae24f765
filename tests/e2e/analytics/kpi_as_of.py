"""A copy of the tiny demo's warehouse rebuilt at a fixed analytics reference date, for the KPI
accuracy tests of the marts that read "now" (overdue tasks, SLA breaches, recency and churn).

Why a copy: those marts depend on var analytics_as_of; rebuilding them in the shared warehouse
would change what every other module reads. Some staff tasks are reopened or cancelled first
(the same change in the operational copy and in raw), so the SLA cases the rule must tell apart
exist whatever the demo generated.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from tests.tiny_book import PROJECT_DIR
from tests.e2e.analytics.kpi_operational import mart_rows, month_start
from tests.pipeline_helpers import isolate_dbt_env

AS_OF_MODELS = ("ops_monthly", "ops_staff_workload", "agent_leaderboard", "customer_lifetime")


@dataclass(frozen=True)
class AsOfWarehouse:
    """Copies of the tiny demo's operational database and warehouse in which some staff tasks were
    reopened or cancelled (the same change in both), with the models that read "now" rebuilt at
    var analytics_as_of = as_of."""

    operational_db: Path
    duckdb_path: Path
    as_of: dt.date
    scenario: dict[str, int]  # case -> staff task id

    def rows(self, table: str, *key: str) -> dict:
        """One mart of this copy, keyed by its grain (kpi_operational.mart_rows)."""
        con = duckdb.connect(str(self.duckdb_path), read_only=True)
        try:
            return mart_rows(con, table, *key)
        finally:
            con.close()


_BUILT: dict[tuple[str, dt.date], AsOfWarehouse] = {}


def build_as_of(tiny, workdir: Path, as_of: dt.date) -> AsOfWarehouse:
    """One dbt invocation (a few seconds) per session, shared by the modules that need it."""
    key = (str(tiny.duckdb_path), as_of)
    if key not in _BUILT:
        db, duck = workdir / "operational.db", workdir / "warehouse.duckdb"
        shutil.copyfile(tiny.operational_db, db)
        shutil.copyfile(tiny.duckdb_path, duck)
        scenario = _task_scenario(db, duck, as_of)
        _run_models(duck, workdir, as_of)
        _BUILT[key] = AsOfWarehouse(db, duck, as_of, scenario)
    return _BUILT[key]


def _task_scenario(db: Path, duck: Path, as_of: dt.date) -> dict[str, int]:
    """Turn done tasks into the cases the SLA rule must tell apart: pending past the SLA (a breach,
    assigned or not), pending and due on the reference date itself (not judged yet), cancelled."""
    month = month_start(as_of)
    previous = month_start(month - dt.timedelta(days=1))
    earlier = month_start(previous - dt.timedelta(days=1))
    cases = {
        "overdue": ("opened_at >= ? and opened_at < ? and staff_user_id is not null",
                    [previous.isoformat(), month.isoformat()], "in_progress", False),
        "overdue_unassigned": ("opened_at >= ? and date(sla_due_at) < ?",
                               [month.isoformat(), as_of.isoformat()], "open", True),
        "due_on_as_of": ("date(sla_due_at) = ?", [as_of.isoformat()], "in_progress", False),
        "cancelled": ("opened_at >= ? and opened_at < ?", [earlier.isoformat(), previous.isoformat()],
                      "cancelled", False),
    }
    op, wh = sqlite3.connect(db), duckdb.connect(str(duck))
    try:
        picked = {}
        for case, (where, params, status, unassign) in cases.items():
            row = op.execute(f"select id from staff_tasks where status = 'done' and {where} order by id limit 1",
                             params).fetchone()
            assert row, f"the tiny demo has no done task for the case {case}"
            picked[case] = row[0]
            change = "status = ?, completed_at = null" + (", staff_user_id = null" if unassign else "")
            op.execute(f"update staff_tasks set {change} where id = ?", [status, row[0]])
            wh.execute(f"update raw.staff_tasks set {change} where id = ?", [status, row[0]])
        op.commit()
    finally:
        op.close()
        wh.close()
    return picked


def _run_models(duck: Path, workdir: Path, as_of: dt.date) -> None:
    # dbt is imported when a module first needs the rebuild, not when the tests are collected
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager
    from dbt.cli.main import dbtRunner

    with pytest.MonkeyPatch.context() as mp:
        isolate_dbt_env(mp)
        mp.setenv("DBT_TARGET", "duckdb")
        mp.setenv("TOURSTACK_DUCKDB_PATH", str(duck))
        try:
            result = dbtRunner().invoke([
                "run", "--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROJECT_DIR),
                "--target-path", str(workdir / "target"), "--log-path", str(workdir / "logs"),
                "--select", *AS_OF_MODELS, "--vars", json.dumps({"analytics_as_of": as_of.isoformat()}),
                "--quiet",
            ])
        finally:
            # dbt-duckdb keeps the database open in this process; read-only readers need it closed
            DuckDBConnectionManager.close_all_connections()
    assert result.success, result.exception
