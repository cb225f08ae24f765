"""`tourstack reconcile`: match a transactions file against a receivables file, or run the daily
reconciliation of the operational database.

    tourstack reconcile --transactions T.csv --receivables R.csv --out DIR
    tourstack reconcile --daily [--as-of DATE]

The file form writes DIR/matches.csv, DIR/exceptions.csv and DIR/summary.json. A malformed input (missing
column, bad amount or date, unknown currency, duplicate id, a row with the wrong number of fields)
is a user error: one line on stderr naming the file, line and column, exit code 2, no traceback,
and no output files. A file with a header and no rows is valid: empty outputs, exit code 0.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape

console = Console()
err_console = Console(stderr=True)
USAGE_ERROR = 2


def reconcile(
    transactions: Path | None = typer.Option(None, "--transactions", help="CSV: txn_id, source, booked_on, "
                                             "amount, currency, fee, reference, counterparty, description"),
    receivables: Path | None = typer.Option(None, "--receivables", help="CSV: invoice_number, booking_ref, "
                                            "agency, customer_name, amount_due, currency, issued_on, due_on"),
    out: Path | None = typer.Option(None, "--out", help="output directory (created if missing)"),
    daily: bool = typer.Option(False, "--daily", help="run the daily reconciliation of the operational "
                               "database (the Dagster asset) instead of matching files"),
    as_of: str | None = typer.Option(None, "--as-of", help="date exceptions are aged to (default: latest "
                                     "booking for files, today for --daily)"),
) -> None:
    """Match gateway/bank transactions to invoices (files), or run the daily reconciliation."""
    try:
        as_of_date = dt.date.fromisoformat(as_of) if as_of else None
    except ValueError:
        err_console.print(f"[red]error:[/red] --as-of must be a date like 2025-03-31, got {as_of!r}", highlight=False)
        raise typer.Exit(USAGE_ERROR) from None
    if daily:
        if transactions or receivables or out:
            err_console.print("[red]error:[/red] --daily reads the operational database; drop the file options",
                              highlight=False)
            raise typer.Exit(USAGE_ERROR)
        _daily(as_of_date)
        return
    missing = [name for name, value in (("--transactions", transactions), ("--receivables", receivables),
                                        ("--out", out)) if value is None]
    if missing:
        err_console.print(f"[red]error:[/red] missing {', '.join(missing)} (or use --daily)", highlight=False)
        raise typer.Exit(USAGE_ERROR)
    _files(transactions, receivables, out, as_of_date)


def _daily(as_of: dt.date | None) -> None:
    """The reconciliation_run asset once, recorded in Dagster like a scheduled run."""
    from dagster import DagsterInstance

    from orchestration.run import run_reconciliation
    from cli.pipeline_commands import prepare_environment

    prepare_environment()
    with console.status("reconciling payments and bank lines", spinner="dots"):
        # orchestration.run configures the resources from the settings of this invocation.
        result = run_reconciliation(instance=DagsterInstance.get(), as_of=as_of)
    if not result.success:
        err_console.print("[red]error:[/red] the reconciliation run failed; see the Dagster UI", highlight=False)
        raise typer.Exit(1)
    (event,) = result.get_asset_materialization_events()
    meta = {k: v.value for k, v in event.event_specific_data.materialization.metadata.items()}
    console.print(
        f"{meta['transactions']:,} transactions, match rate {meta['match_rate']:.2%}, "
        f"{meta['exceptions']:,} exceptions queued; payouts: {meta['payouts_matched']:,} matched, "
        f"{meta['payouts_mismatched']:,} mismatched, {meta['payouts_missing']:,} missing",
        highlight=False,
    )


def _files(transactions: Path, receivables: Path, out: Path, as_of_date: dt.date | None) -> None:
    from tourstack.fx import EcbOfflineSource
    from tourstack.reconcile import InputFileError, read_receivables, read_transactions, reconcile as run, write_outputs
    try:
        with console.status("reading input files", spinner="dots"):
            txn = read_transactions(transactions)
            inv = read_receivables(receivables)
        with console.status(f"matching {len(txn):,} transactions to {len(inv):,} receivables", spinner="dots"):
            result = run(txn, inv, rates=EcbOfflineSource(), as_of=as_of_date)
    except InputFileError as exc:
        err_console.print(f"[red]error:[/red] {escape(str(exc))}", highlight=False, soft_wrap=True)
        raise typer.Exit(USAGE_ERROR) from None
    try:
        summary = write_outputs(result, out)
    except OSError as exc:
        err_console.print(f"[red]error:[/red] cannot write to {escape(str(out))}: {exc.strerror}", highlight=False)
        raise typer.Exit(USAGE_ERROR) from None
    rate = "no transactions" if summary["match_rate"] is None else f"{summary['match_rate']:.2%}"
    console.print(
        f"{summary['transactions_matched']:,} of {summary['transactions']:,} transactions matched "
        f"({rate}), {summary['allocations']:,} allocations, "
        f"{summary['exceptions']:,} exceptions ({summary['duplicates']:,} duplicates) -> {out}",
        highlight=False,
    )


def register(app: typer.Typer) -> None:
    app.command("reconcile")(reconcile)
