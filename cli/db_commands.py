"""`tourstack migrate`: bring the operational database to the latest schema."""

from __future__ import annotations

import typer
from rich.console import Console

console = Console()


def migrate(
    database_url: str | None = typer.Option(None, help="defaults to TOURSTACK_DATABASE_URL"),
) -> None:
    """Apply Alembic migrations to the operational database."""
    from tourstack.db.migrate import upgrade
    from tourstack.settings import get_settings

    url = database_url or get_settings().operational_url
    upgrade(url)
    console.print("[green]operational database is at the latest schema[/green]")


def register(app: typer.Typer) -> None:
    app.command()(migrate)
