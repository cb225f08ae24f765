"""`tourstack bank import FILE...`: import bank statement files (CSV or CAMT.053) by hand.

Each file is imported on its own, all or nothing, and gets one result line. A file that cannot
be imported (malformed, already imported) is a user error: one line on stderr naming the file,
where and which field; the other files are still imported, and the exit code is 2.
"""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape

bank_app = typer.Typer(help="Bank statements: import statement files.", no_args_is_help=True)
console = Console()
err_console = Console(stderr=True)
USAGE_ERROR = 2


@bank_app.command("import")
def import_files(
    files: list[Path] = typer.Argument(..., help="statement files: .csv or CAMT.053 .xml"),
    database_url: str | None = typer.Option(None, help="defaults to the operational DB"),
) -> None:
    """Import statement files into bank_statement_lines (duplicates and overlaps are skipped)."""
    from sqlalchemy.exc import SQLAlchemyError

    from tourstack.bankfiles import BankFileError, import_file
    from tourstack.db.engine import make_engine
    from tourstack.settings import get_settings

    engine = make_engine(database_url or get_settings().operational_url)
    failed = 0
    try:
        for path in files:
            try:
                result = import_file(engine, path)
            except BankFileError as exc:
                failed += 1
                err_console.print(f"[red]error:[/red] {escape(str(exc))}", highlight=False, soft_wrap=True)
                continue
            except SQLAlchemyError as exc:
                # The file was fine; the database is not ready (not migrated, unreachable). Every
                # later file would fail the same way, so stop here with one line.
                err_console.print(f"[red]error:[/red] {escape(path.name)}: not imported, the operational "
                                  f"database refused it: {escape(_first_line(exc))} (is it migrated? run "
                                  "`tourstack migrate`)", highlight=False, soft_wrap=True)
                raise typer.Exit(USAGE_ERROR) from None
            console.print(
                f"{escape(path.name)}: {result.format}, account {result.bank_account}, "
                f"{result.lines_imported} of {result.line_count} lines imported, "
                f"{result.duplicates_skipped} already booked (import #{result.import_id})",
                highlight=False, soft_wrap=True,
            )
    finally:
        engine.dispose()
    if failed:
        raise typer.Exit(USAGE_ERROR)


def _first_line(exc: Exception) -> str:
    """The driver's own message without SQLAlchemy's statement and parameters (which may hold
    the file's data) and without the connection URL."""
    orig = getattr(exc, "orig", None) or exc
    return (str(orig).strip().splitlines() or [type(orig).__name__])[0][:200]


def register(app: typer.Typer) -> None:
    app.add_typer(bank_app, name="bank")
