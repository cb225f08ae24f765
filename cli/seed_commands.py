"""`tourstack seed`: fill the operational database with deterministic demo data."""

from __future__ import annotations

import time

import typer
from rich.console import Console
from rich.table import Table

console = Console()


def seed(
    size: str = typer.Option("demo", help="tiny | small | demo | large (500 / 5k / 20k / 1M bookings)"),
    scale: int | None = typer.Option(None, help="number of bookings; overrides --size"),
    seed: int = typer.Option(42, help="random seed: same seed and as-of date, same data"),
    as_of: str | None = typer.Option(None, "--as-of", help="last day of the three-year period (YYYY-MM-DD); default yesterday (UTC), the last complete day"),
    database_url: str | None = typer.Option(None, help="defaults to TOURSTACK_DATABASE_URL"),
    reset: bool = typer.Option(False, "--reset", help="drop and recreate the schema first"),
    progress: bool = typer.Option(True, "--progress/--no-progress", help="show progress bars"),
) -> None:
    """Generate three years of realistic bookings, invoices, payments and settlements."""
    from tourstack.demo import DemoConfigError
    from tourstack.demo import seed as run_seed
    from tourstack.settings import get_settings

    url = database_url or get_settings().operational_url
    started = time.perf_counter()
    try:
        counts = run_seed(url, scale if scale is not None else size, seed=seed, as_of=as_of,
                          progress=progress, reset=reset, console=console)
    except DemoConfigError as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from exc
    table = Table(title="rows per table")
    table.add_column("table")
    table.add_column("rows", justify="right")
    for name, n in sorted(counts.items()):
        table.add_row(name, f"{n:,}")
    table.add_row("[bold]total[/bold]", f"[bold]{sum(counts.values()):,}[/bold]")
    console.print(table)
    console.print(f"[green]seeded in {time.perf_counter() - started:.1f} s[/green]")


def register(app: typer.Typer) -> None:
    app.command()(seed)
