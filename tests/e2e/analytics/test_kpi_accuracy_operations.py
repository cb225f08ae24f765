"""Operations KPIs (pending tasks, quote response time, booking processing time, SLA compliance,
supplier response time, workload per staff member) recomputed from the operational tables and
compared exactly with ops_monthly and ops_staff_workload.

SLA compliance depends on "now": a task still pending past its SLA at the analytics reference date
is a breach, one not yet due is not judged. The marts are therefore read from a copy of the tiny
demo rebuilt at var analytics_as_of = the demo's as-of date, in which a few done tasks were turned
into the cases the rule must tell apart (the same change in the operational copy the expected
values are computed from): pending past the SLA (assigned and unassigned), pending and due on the
reference date itself, and cancelled."""

from __future__ import annotations

import duckdb
import pytest

from tests.e2e.analytics.kpi_expected_entities import is_overdue, ops_monthly, ops_staff_workload
from tests.e2e.analytics.kpi_as_of import build_as_of
from tests.e2e.analytics.kpi_operational import load, mart_rows, mismatches, month_start, ratio
from tests.pipeline_helpers import AS_OF

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("dbt_duckdb")]


@pytest.fixture(scope="module")
def warehouse(tiny_warehouse, tmp_path_factory):
    return build_as_of(tiny_warehouse, tmp_path_factory.mktemp("kpi_as_of"), AS_OF)


@pytest.fixture(scope="module")
def ops(warehouse):
    return load(str(warehouse.operational_db))


@pytest.fixture(scope="module")
def marts(warehouse):
    con = duckdb.connect(str(warehouse.duckdb_path), read_only=True)
    yield con
    con.close()


@pytest.fixture(scope="module")
def tasks(ops):
    return {t["id"]: t for t in ops.tasks}


def test_ops_monthly_matches_the_operational_tables(ops, marts):
    want = ops_monthly(ops, AS_OF)
    assert not mismatches(want, mart_rows(marts, "ops_monthly", "month_start"))
    for column in ("avg_quote_response_hours", "avg_booking_processing_hours", "avg_task_resolution_hours",
                   "avg_supplier_response_hours"):
        assert any(row[column] for row in want.values()), column


def test_staff_workload_matches_the_operational_tables(ops, marts):
    want = ops_staff_workload(ops, AS_OF)
    assert not mismatches(want, mart_rows(marts, "ops_staff_workload", "month_start", "staff_user_id"))
    assert len({staff for _, staff in want}) > 2


def test_a_task_pending_past_its_sla_is_a_breach(warehouse, tasks, marts):
    task = tasks[warehouse.scenario["overdue"]]
    assert is_overdue(task, AS_OF)
    month = month_start(task["opened_at"].date())
    row = mart_rows(marts, "ops_monthly", "month_start")[month]
    assert row["tasks_overdue"] >= 1 and row["tasks_breached_sla"] >= row["tasks_overdue"]
    # counted in the denominator: the rate is below what the done tasks alone would give
    done_only = ratio(row["tasks_within_sla"], row["tasks_breached_sla"] - row["tasks_overdue"]
                      + row["tasks_within_sla"])
    assert row["sla_compliance_rate"] < done_only
    staff = mart_rows(marts, "ops_staff_workload", "month_start", "staff_user_id")[(month, task["staff"])]
    assert staff["tasks_overdue"] >= 1 and staff["sla_compliance_rate"] < 1


def test_an_unassigned_overdue_task_is_a_breach_of_the_unassigned_row(warehouse, tasks, marts):
    task = tasks[warehouse.scenario["overdue_unassigned"]]
    assert task["staff"] is None and is_overdue(task, AS_OF)
    row = mart_rows(marts, "ops_staff_workload", "month_start", "staff_user_id")[
        (month_start(task["opened_at"].date()), None)]
    assert row["tasks_overdue"] >= 1 and row["tasks_breached_sla"] >= 1


def test_pending_tasks_not_yet_due_and_cancelled_tasks_are_not_judged(warehouse, ops, tasks, marts):
    due_today = tasks[warehouse.scenario["due_on_as_of"]]
    assert due_today["status"] == "in_progress" and due_today["sla_due_at"].date() == AS_OF
    assert not is_overdue(due_today, AS_OF)  # due during the reference date: not lapsed at its start
    cancelled = tasks[warehouse.scenario["cancelled"]]
    by_month = mart_rows(marts, "ops_monthly", "month_start")
    for task in (due_today, cancelled):
        month = month_start(task["opened_at"].date())
        opened = [t for t in ops.tasks if month_start(t["opened_at"].date()) == month]
        unjudged = [t for t in opened if t["status"] == "cancelled"
                    or (t["status"] in ("open", "in_progress") and not is_overdue(t, AS_OF))]
        row = by_month[month]
        assert task in unjudged
        assert row["tasks_within_sla"] + row["tasks_breached_sla"] == len(opened) - len(unjudged)
