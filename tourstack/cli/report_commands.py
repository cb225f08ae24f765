"""`tourstack report finance NAME --as-of DATE --format csv|xlsx [--out FILE]`: finance reports
from the configured warehouse (DuckDB opened read-only, or PostgreSQL).

Bad input (unknown report, a date that is not a date, an unknown format) is a user error: one
clear line on stderr and exit code 2.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import typer
from rich.console import Console

report_app = typer.Typer(help="Reports: finance statements, aging and summaries.", no_args_is_help=True)
err_console = Console(stderr=True)

USAGE_ERROR = 2
FORMATS = ("csv", "xlsx")


def _fail(message: str) -> typer.Exit:
    err_console.print(f"[red]error:[/red] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(USAGE_ERROR)


def _open_warehouse():
    from tourstack.warehouse import connect_duckdb, connect_postgres
    from tourstack.settings import get_settings

    settings = get_settings()
    if settings.warehouse == "postgres":
        if settings.warehouse_url is None:
            raise _fail("TOURSTACK_WAREHOUSE=postgres needs TOURSTACK_WAREHOUSE_URL")
        return connect_postgres(settings.warehouse_url.get_secret_value())
    path = settings.duckdb_file
    if not path.exists():
        raise _fail(f"no warehouse at {path}; run `tourstack refresh` or `tourstack demo` first")
    return connect_duckdb(path)


@report_app.command("finance")
def finance(
    name: str = typer.Argument(..., help="profit-and-loss, ar-aging, ap-aging, cash-flow, "
                               "revenue-by-agent, commission-summary, tax-summary, trial-balance"),
    as_of: str = typer.Option(None, "--as-of", help="report date, YYYY-MM-DD (default: today)"),
    fmt: str = typer.Option("csv", "--format", help="csv or xlsx"),
    out: Path = typer.Option(None, "--out", help="output file (default: stdout for csv, "
                             "NAME-DATE.xlsx for xlsx)"),
) -> None:
    """Write finance report NAME as of a date, in base currency."""
    from tourstack.finance_reports import REPORTS, run_report
    from tourstack.finance_reports.export import to_csv, write

    if name not in REPORTS:
        raise _fail(f"unknown report {name!r}; choose one of: {', '.join(REPORTS)}")
    if fmt not in FORMATS:
        raise _fail(f"--format must be csv or xlsx, got {fmt!r}")
    try:
        day = dt.date.fromisoformat(as_of) if as_of else dt.date.today()
    except ValueError:
        raise _fail(f"--as-of must be a date like 2026-03-31, got {as_of!r}") from None

    conn = _open_warehouse()
    try:
        report = run_report(name, day, conn)
    finally:
        conn.close()
    if fmt == "csv" and out is None:
        sys.stdout.write(to_csv(report))
        return
    path = write(report, fmt, out or Path(f"{name}-{day.isoformat()}.{fmt}"))
    err_console.print(f"{report.title} as of {day.isoformat()}: {len(report.rows)} rows -> {path}")


def register(app: typer.Typer) -> None:
    app.add_typer(report_app, name="report")
