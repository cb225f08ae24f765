"""Operations dashboard: response times, SLA compliance and who carries the workload.

Why ops_monthly and ops_staff_workload: the first holds the team's monthly service levels (tiles
and trends), the second the per-person split that the heatmap and the table show. Hours are
averages over the tasks opened in the month.
"""

from __future__ import annotations

from collections import defaultdict

from reports.dashboards import figures as fx
from reports.dashboards.data import add_months, select
from reports.dashboards.page import Chart, Page, Table
from reports.dashboards.pages.common import Context, TileSpec, cell, month_tiles

TILES = [
    TileSpec("quote_response", "Quote response", "avg_quote_response_hours", "hours", False),
    TileSpec("booking_processing", "Booking processing", "avg_booking_processing_hours", "hours", False),
    TileSpec("sla", "Tasks within SLA", "sla_compliance_rate", "rate"),
    TileSpec("tasks_opened", "Tasks opened", "tasks_opened"),
    TileSpec("tasks_pending", "Tasks pending", "tasks_pending", higher_is_better=False),
    TileSpec("supplier_response", "Supplier response", "avg_supplier_response_hours", "hours", False),
]
MONTHLY = ["month_start", "quotes_requested", "quotes_sent", "avg_quote_response_hours",
           "bookings_made", "bookings_confirmed", "avg_booking_processing_hours", "tasks_opened",
           "tasks_completed", "tasks_pending", "sla_compliance_rate", "avg_task_resolution_hours",
           "avg_supplier_response_hours"]


def _workload(ctx: Context) -> tuple[Chart, Table]:
    since = ctx.months_back(11)
    rows = select(ctx.conn, "ops_staff_workload",
                  ["month_start", "staff_user_name", "staff_role", "tasks_assigned", "tasks_completed",
                   "tasks_pending", "tasks_overdue", "sla_compliance_rate", "avg_resolution_hours"],
                  where="month_start >= ? and month_start <= ?", params=(since, ctx.month))
    grid: dict[str, list[int]] = defaultdict(lambda: [0] * 12)
    for r in rows:
        name = r["staff_user_name"] or "Unassigned"
        col = (r["month_start"].year - since.year) * 12 + r["month_start"].month - since.month
        grid[name][col] += r["tasks_assigned"] or 0
    names = sorted(grid, key=lambda n: (-sum(grid[n]), n))  # ties by name: same order on every engine
    months = [f"{add_months(since, i):%b %y}" for i in range(12)]
    heat = Chart("ops-heatmap", "Staff workload: tasks assigned per month",
                 fx.heatmap([grid[n] for n in names], months, names, value_label="Tasks"),
                 note="Last 12 months, by the month the task was opened.")
    current = sorted((r for r in rows if r["month_start"] == ctx.month),
                     key=lambda r: (-(r["tasks_assigned"] or 0), r["staff_user_name"] or ""))
    table = Table(
        "ops-staff", f"Staff, {ctx.month_label}",
        [("Staff", ""), ("Role", ""), ("Assigned", "num"), ("Completed", "num"), ("Pending", "num"),
         ("Overdue", "num"), ("Within SLA", "num"), ("Avg resolution", "num")],
        [[r["staff_user_name"] or "Unassigned", r["staff_role"] or "–", cell(r["tasks_assigned"]),
          cell(r["tasks_completed"]), cell(r["tasks_pending"]), cell(r["tasks_overdue"]),
          cell(r["sla_compliance_rate"], "rate"), cell(r["avg_resolution_hours"], "hours")]
         for r in current],
    )
    return heat, table


def build(ctx: Context) -> Page:
    monthly = select(ctx.conn, "ops_monthly", MONTHLY, where="month_start <= ?",
                     params=(ctx.month,), order="month_start")
    x = [r["month_start"] for r in monthly]
    heat, table = _workload(ctx)
    return Page(
        name="operations", title="Operations",
        subtitle=f"Service levels and workload, {ctx.month_label}",
        tiles=month_tiles(ctx, monthly, TILES),
        blocks=[
            Chart("ops-response", "Average response times (hours)", fx.trend(
                x, {"Quote response": [r["avg_quote_response_hours"] for r in monthly],
                    "Booking processing": [r["avg_booking_processing_hours"] for r in monthly],
                    "Task resolution": [r["avg_task_resolution_hours"] for r in monthly],
                    "Supplier response": [r["avg_supplier_response_hours"] for r in monthly]},
                y_title="hours"), wide=True),
            Chart("ops-sla", "Tasks: opened, completed and SLA compliance", fx.trend(
                x, {"Opened": [r["tasks_opened"] for r in monthly],
                    "Completed": [r["tasks_completed"] for r in monthly]},
                kinds={"Opened": "bar", "Completed": "bar"},
                secondary={"Within SLA": [r["sla_compliance_rate"] for r in monthly]},
                secondary_title="share within SLA", secondary_percent=True)),
            Chart("ops-yoy", "Tasks opened by calendar month, year over year",
                  fx.year_over_year(monthly, "tasks_opened")),
            heat, table,
        ],
    )
