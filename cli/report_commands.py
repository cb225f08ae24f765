"""`tourstack report finance NAME --as-of DATE --format csv|xlsx [--out FILE]`: finance reports
from the configured warehouse (DuckDB opened read-only, or PostgreSQL).

`tourstack report run SPEC.yaml --format csv|xlsx|pdf|table [--out FILE] [--as-of DATE]` runs a
report spec through the semantic layer (reports.builder); `tourstack report metrics` lists
the metrics and the dimensions each can be grouped by.

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


def _output_path(out: Path | None, default_name: str) -> Path:
    """Where to write: `--out FILE`, or the default name inside `--out DIR` (as `cp` does), or in
    the working directory. A path whose folder does not exist is a user error, said before the
    report is run."""
    if out is None:
        return Path(default_name)
    if out.is_dir():
        return out / default_name
    if not out.parent.is_dir():
        raise _fail(f"--out {out}: folder {out.parent} does not exist")
    return out


def _write(path: Path, write) -> Path:
    try:
        write(path)
        return path
    except OSError as exc:
        raise _fail(f"cannot write {path}: {exc.strerror or exc}") from None


def _read_spec_path(spec_path: Path) -> None:
    if spec_path.is_dir():
        raise _fail(f"{spec_path} is a folder; give a report spec file (.yaml or .json)")
    if not spec_path.is_file():
        raise _fail(f"{spec_path}: no such file")


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
                               "revenue-by-agent, commission-summary, tax-summary, trial-balance, "
                               "reconciliation, accounting-sync"),
    as_of: str = typer.Option(None, "--as-of", help="report date, YYYY-MM-DD (default: today)"),
    fmt: str = typer.Option("csv", "--format", help="csv or xlsx"),
    out: Path = typer.Option(None, "--out", help="output file (default: stdout for csv, "
                             "NAME-DATE.xlsx for xlsx)"),
    provider: str = typer.Option(None, "--provider", help="accounting-sync only: quickbooks or xero"),
) -> None:
    """Write finance report NAME as of a date, in base currency (reconciliation: per currency).
    accounting-sync (with --provider) compares our books with QuickBooks or Xero."""
    from tourstack.finance import STATEMENTS, run_statement
    from reports.finance.export import to_csv, write

    if name == "accounting-sync":
        from cli.accounting_report import accounting_sync_report

        raise typer.Exit(accounting_sync_report(provider, as_of))
    if name not in STATEMENTS:
        raise _fail(f"unknown report {name!r}; choose one of: {', '.join(STATEMENTS)}")
    if fmt not in FORMATS:
        raise _fail(f"--format must be csv or xlsx, got {fmt!r}")
    try:
        day = dt.date.fromisoformat(as_of) if as_of else dt.date.today()
    except ValueError:
        raise _fail(f"--as-of must be a date like 2026-03-31, got {as_of!r}") from None

    target = None if fmt == "csv" and out is None else _output_path(out, f"{name}-{day.isoformat()}.{fmt}")
    conn = _open_warehouse()
    try:
        report = run_statement(name, day, conn)
    finally:
        conn.close()
    if target is None:
        sys.stdout.write(to_csv(report))
        return
    path = _write(target, lambda p: write(report, fmt, p))
    err_console.print(f"{report.title} as of {day.isoformat()}: {len(report.rows)} rows -> {path}")


RUN_FORMATS = ("csv", "xlsx", "pdf", "table")
_MANIFEST_HELP = "semantic_manifest.json parsed for the configured warehouse (default: dbt_project/target/)"


def _report_source(manifest: Path | None):
    from reports.builder import source_from_settings
    from tourstack.settings import get_settings

    return source_from_settings(get_settings(), manifest)


@report_app.command("run")
def run(
    spec_path: Path = typer.Argument(..., metavar="SPEC", help="report spec, YAML or JSON"),
    fmt: str = typer.Option("table", "--format", help="csv, xlsx, pdf or table"),
    out: Path = typer.Option(None, "--out", help="output file (default: stdout for csv and table, "
                             "TITLE-DATE.EXT otherwise)"),
    as_of: str = typer.Option(None, "--as-of", help="reference day of relative ranges, YYYY-MM-DD"),
    manifest: Path = typer.Option(None, "--manifest", envvar="TOURSTACK_SEMANTIC_MANIFEST",
                                  help=_MANIFEST_HELP),
) -> None:
    """Run a report spec and write it as CSV, XLSX, PDF or a table on the terminal."""
    from tourstack.metrics import MetricQueryError
    from reports.builder import SourceError, SpecError, filename, load_spec, render, run_report

    if fmt not in RUN_FORMATS:
        raise _fail(f"--format must be one of {', '.join(RUN_FORMATS)}, got {fmt!r}")
    try:
        day = dt.date.fromisoformat(as_of) if as_of else None
    except ValueError:
        raise _fail(f"--as-of must be a date like 2026-03-31, got {as_of!r}") from None
    _read_spec_path(spec_path)
    if out is not None and fmt != "table":
        _output_path(out, "report")  # a missing folder is refused before the query runs
    try:
        spec = load_spec(spec_path)
        result = run_report(spec, _report_source(manifest), as_of=day)
    except (SpecError, MetricQueryError) as exc:
        raise _fail(f"{spec_path}: {exc}") from None
    except (SourceError, FileNotFoundError) as exc:
        raise _fail(str(exc)) from None
    if fmt == "table":
        _print_table(result)
        return
    if fmt == "csv" and out is None:
        sys.stdout.write(render(result, "csv").decode("utf-8"))
        return
    path = _write(_output_path(out, filename(result, fmt)), lambda p: p.write_bytes(render(result, fmt)))
    err_console.print(f"{result.title} ({result.describe_period()}): {len(result.rows)} rows -> {path}",
                      highlight=False)


def _print_table(result) -> None:
    from reports.render.terminal import print_table

    print_table(result)


@report_app.command("metrics")
def metrics(
    manifest: Path = typer.Option(None, "--manifest", envvar="TOURSTACK_SEMANTIC_MANIFEST",
                                  help=_MANIFEST_HELP),
) -> None:
    """List the metrics a report can use, each with the dimensions it can be grouped by."""
    from reports.builder import SourceError

    try:
        layer = _report_source(manifest).layer()
    except (SourceError, FileNotFoundError) as exc:
        raise _fail(str(exc)) from None
    console = Console(width=max(120, Console().width))
    for info in layer.metrics():
        console.print(f"[bold]{info.name}[/bold] ({info.type}) {info.label or ''}", highlight=False)
        if info.description:
            console.print(f"  {info.description}", highlight=False)
        dims = ", ".join(d.name for d in layer.dimensions([info.name]))
        console.print(f"  dimensions: {dims}", highlight=False, soft_wrap=True)


def register(app: typer.Typer) -> None:
    app.add_typer(report_app, name="report")
