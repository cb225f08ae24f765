"""`tourstack outbox dispatch|work|list|replay`: deliver the messaging outbox and look after it.

`dispatch` sends one round of what is due and prints the counts; `work` keeps dispatching (the
worker a deployment runs beside the API when Dagster's one-minute schedule is too slow); `list`
shows messages (`--status dead` for what needs a person); `replay` puts a dead message back.
"""

from __future__ import annotations

import time

import typer
from rich.console import Console
from rich.markup import escape

outbox_app = typer.Typer(help="Messaging outbox: deliver, list and replay messages.", no_args_is_help=True)
console = Console()
err_console = Console(stderr=True)
USAGE_ERROR = 2


def _sessions(database_url: str | None):
    """The engine and a sessionmaker of the operational database (the caller disposes)."""
    from tourstack.db.engine import make_engine, make_sessionmaker
    from tourstack.settings import get_settings

    engine = make_engine(database_url or get_settings().operational_url)
    return engine, make_sessionmaker(engine)


def _delivery(sessions):
    """What dispatching needs besides the database: transports per channel, routes, settings."""
    from tourstack.messaging import config_from_settings, transports_from_settings
    from tourstack.settings import get_settings

    settings = get_settings()
    return transports_from_settings(settings, sessions), config_from_settings(settings), settings


def _print(report, settings) -> None:
    console.print(f"claimed {report.claimed}: sent {report.sent}, retrying {report.retried}, dead {report.dead}, "
                  f"deferred {report.deferred} (files under {escape(str(settings.outbox_dir))})", highlight=False,
                  soft_wrap=True)


@outbox_app.command()
def dispatch(limit: int = typer.Option(500, min=1, max=10_000, help="messages per round"),
             database_url: str | None = typer.Option(None, help="defaults to the operational DB")) -> None:
    """Send every message that is due now, once."""
    from tourstack.messaging import dispatch_due

    engine, sessions = _sessions(database_url)
    try:
        transports, config, settings = _delivery(sessions)
        _print(dispatch_due(sessions, transports, config, limit=limit), settings)
    finally:
        engine.dispose()


@outbox_app.command()
def work(interval: float = typer.Option(2.0, min=0.1, max=300, help="seconds between idle rounds"),
         database_url: str | None = typer.Option(None, help="defaults to the operational DB")) -> None:
    """Dispatch until interrupted (Ctrl-C); rounds that find work follow each other at once."""
    from tourstack.messaging import dispatch_due

    engine, sessions = _sessions(database_url)
    transports, config, settings = _delivery(sessions)
    try:
        while True:
            report = dispatch_due(sessions, transports, config)
            if report.claimed or report.deferred:
                _print(report, settings)
            if not report.claimed:
                time.sleep(interval)
    except KeyboardInterrupt:
        console.print("stopped")
    finally:
        engine.dispose()


@outbox_app.command("list")
def list_(status: str | None = typer.Option(None, help="pending, sending, sent, delivered, read, failed or dead"),
          limit: int = typer.Option(20, min=1, max=200),
          database_url: str | None = typer.Option(None, help="defaults to the operational DB")) -> None:
    """The newest messages, one line each."""
    from tourstack.errors import DomainError
    from tourstack.messaging import list_messages

    engine, sessions = _sessions(database_url)
    try:
        with sessions() as session:
            page = list_messages(session, status=status, limit=limit)
    except DomainError as exc:
        err_console.print(f"[red]error:[/red] {escape(str(exc))}", highlight=False)
        raise typer.Exit(USAGE_ERROR) from None
    finally:
        engine.dispose()
    for m in page.items:
        console.print(f"{m.id:>7} {m.status:<9} {m.channel:<8} {escape(m.recipient):<24} {escape(m.event_type)} "
                      f"{escape(m.event_key)} tries {m.attempts}{'  ' + escape(m.reason) if m.reason else ''}",
                      highlight=False, soft_wrap=True)
    if not page.items:
        console.print("no messages")


@outbox_app.command()
def replay(message_id: int = typer.Argument(..., min=1),
           database_url: str | None = typer.Option(None, help="defaults to the operational DB")) -> None:
    """Queue a dead (or failed) message again with a fresh set of tries."""
    from tourstack.errors import DomainError
    from tourstack.messaging import replay as replay_message

    engine, sessions = _sessions(database_url)
    try:
        with sessions() as session:
            row = replay_message(session, message_id)
            session.commit()
    except DomainError as exc:
        err_console.print(f"[red]error:[/red] {escape(str(exc))}", highlight=False)
        raise typer.Exit(USAGE_ERROR) from None
    finally:
        engine.dispose()
    console.print(f"message {row.id} queued again ({row.channel} to {escape(row.recipient)})", highlight=False)


def register(app: typer.Typer) -> None:
    app.add_typer(outbox_app, name="outbox")
