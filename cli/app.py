"""Assembles the subcommands registered by each module."""

from __future__ import annotations

import typer

from cli import (
    accounting_commands,
    bank_commands,
    booking_commands,
    calendar_commands,
    cache_commands,
    db_commands,
    fx_commands,
    itinerary_commands,
    mail_commands,
    outbox_commands,
    pipeline_commands,
    reconcile_commands,
    report_commands,
    route_commands,
    seed_commands,
    serve_commands,
)

app = typer.Typer(
    name="tourstack",
    help="Tourstack: automation, finance and analytics for a B2B tour operator.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)



@app.callback()
def main() -> None:
    """Tourstack: automation, finance and analytics for a B2B tour operator."""


for module in (db_commands, seed_commands, pipeline_commands, serve_commands, fx_commands,
               report_commands, reconcile_commands, route_commands, itinerary_commands, outbox_commands):
    module.register(app)
bank_commands.register(app)
accounting_commands.register(app)
mail_commands.register(app)
calendar_commands.register(app)
booking_commands.register(app)
cache_commands.register(app)
