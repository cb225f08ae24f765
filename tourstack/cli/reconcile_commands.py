"""`tourstack reconcile`: match a transactions file against a receivables file.

    tourstack reconcile --transactions T.csv --receivables R.csv --out DIR

Writes DIR/matches.csv, DIR/exceptions.csv and DIR/summary.json. A malformed input (missing
column, bad amount or date, unknown currency, duplicate id) is a user error: one line on stderr
naming the file, line and column, exit code 2, no traceback, and no output files.
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
    transactions: Path = typer.Option(..., "--transactions", help="CSV: txn_id, source, booked_on, amount, "
                                      "currency, fee, reference, counterparty, description"),
    receivables: Path = typer.Option(..., "--receivables", help="CSV: invoice_number, booking_ref, agency, "
                                     "customer_name, amount_due, currency, issued_on, due_on"),
    out: Path = typer.Option(..., "--out", help="output directory (created if missing)"),
    as_of: str | None = typer.Option(None, "--as-of", help="date exceptions are aged to (default: latest booking)"),
) -> None:
    """Match gateway/bank transactions to invoices; write matches, exceptions and a summary."""
    from tourstack.fx import EcbOfflineSource
    from tourstack.reconcile import InputFileError, read_receivables, read_transactions, reconcile as run, write_outputs

    try:
        as_of_date = dt.date.fromisoformat(as_of) if as_of else None
    except ValueError:
        err_console.print(f"[red]error:[/red] --as-of must be a date like 2025-03-31, got {as_of!r}", highlight=False)
        raise typer.Exit(USAGE_ERROR) from None
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
    console.print(
        f"{summary['transactions_matched']:,} of {summary['transactions']:,} transactions matched "
        f"({summary['match_rate']:.2%}), {summary['allocations']:,} allocations, "
        f"{summary['exceptions']:,} exceptions ({summary['duplicates']:,} duplicates) -> {out}",
        highlight=False,
    )


def register(app: typer.Typer) -> None:
    app.command("reconcile")(reconcile)
