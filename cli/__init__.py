"""The `tourstack` command: one Typer app, one module per group of subcommands.

Heavy imports (Dagster, FastAPI, dbt) happen inside the commands that need them, so
`tourstack --help` stays instant.
"""

from cli.app import app

__all__ = ["app"]
