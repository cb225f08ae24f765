"""`tourstack mail ingest FILE.eml [--json]`, `mail poll`, `mail receive`, `mail tasks|done` and
`mail rates|approve-rates`.

`ingest` stores the message, categorises it, reads a confirmation and matches it to our booking,
and prints what it found; the same file twice is one message. `tasks` lists what needs a person;
`done ID` closes one.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape

mail_app = typer.Typer(help="Inbound supplier e-mail: ingest messages, work the task list.", no_args_is_help=True)
console = Console()
err_console = Console(stderr=True)
USAGE_ERROR = 2
MAX_MESSAGE_BYTES = 40 * 1024 * 1024  # beyond any real supplier mail; refused before reading it


def _session(database_url: str | None):
    from tourstack.db.engine import make_engine, make_sessionmaker
    from tourstack.settings import get_settings

    engine = make_engine(database_url or get_settings().operational_url)
    return engine, make_sessionmaker(engine)


@mail_app.command()
def ingest(file: Path = typer.Argument(..., help="an RFC 5322 message (.eml)"),
           as_json: bool = typer.Option(False, "--json", help="print the outcome as JSON"),
           database_url: str | None = typer.Option(None, help="defaults to the operational DB")) -> None:
    """Store, categorise and read one message; print its category, extraction and tasks."""
    from tourstack.inbox.process import ingest as run

    if not file.is_file():
        err_console.print(f"no such file: {escape(str(file))}")
        raise typer.Exit(USAGE_ERROR)
    if file.stat().st_size > MAX_MESSAGE_BYTES:
        err_console.print(f"{escape(str(file))} is larger than {MAX_MESSAGE_BYTES // 2**20} MB; not a mail to ingest")
        raise typer.Exit(USAGE_ERROR)
    from tourstack.inbox.ai_setup import inbox_ai
    from tourstack.settings import get_settings

    ai = inbox_ai(get_settings())
    engine, sessions = _session(database_url)
    try:
        with sessions() as session:
            outcome = run(session, file.read_bytes(), "file", ai=ai.classifier, replies=ai.replies)
    finally:
        engine.dispose()
    if as_json:
        typer.echo(json.dumps(outcome.as_json(), ensure_ascii=False, indent=2, default=str))
        return
    console.print(f"message {outcome.message_id} ({'new' if outcome.new else 'already stored'}): "
                  f"[bold]{outcome.category or outcome.status}[/bold]"
                  + (f" ({escape(outcome.reason)})" if outcome.reason else ""), highlight=False)
    if outcome.flags:
        console.print(f"flags: {escape(', '.join(outcome.flags))}", highlight=False)
    for key, value in (outcome.extraction or {}).items():
        if value is not None:
            console.print(f"  {key}: {escape(str(value))}", highlight=False)
    for task in outcome.tasks:
        console.print(f"task {task['id']} {escape('[' + task['kind'] + ']')} {escape(task['title'])}", highlight=False)


@mail_app.command()
def tasks(status: str = typer.Option("open", help="open, done or dismissed"),
          as_json: bool = typer.Option(False, "--json"),
          database_url: str | None = typer.Option(None, help="defaults to the operational DB")) -> None:
    """The task list: what inbound mail needs a person for, most urgent first."""
    from sqlalchemy import select

    from tourstack.db.models.inbox import InboxTask

    if status not in ("open", "done", "dismissed"):
        err_console.print("status is one of open, done, dismissed")
        raise typer.Exit(USAGE_ERROR)
    engine, sessions = _session(database_url)
    try:
        with sessions() as session:
            rows = session.scalars(select(InboxTask).where(InboxTask.status == status)
                                   .order_by(InboxTask.priority, InboxTask.id)).all()
            items = [{"id": t.id, "kind": t.kind, "priority": t.priority, "title": t.title,
                      "message_id": t.message_id, "booking_id": t.booking_id, "detail": json.loads(t.detail or "{}"),
                      "suggested_reply": t.suggested_reply} for t in rows]
    finally:
        engine.dispose()
    if as_json:
        typer.echo(json.dumps(items, ensure_ascii=False, indent=2, default=str))
        return
    if not items:
        console.print(f"no {status} tasks")
    for t in items:
        console.print(f"{t['id']:>5}  P{t['priority']}  {t['kind']:<20} {escape(t['title'])}", highlight=False)


@mail_app.command()
def done(task_id: int = typer.Argument(..., min=1), by: str = typer.Option(..., help="who resolved it"),
         dismiss: bool = typer.Option(False, help="dismiss instead of marking done"),
         database_url: str | None = typer.Option(None, help="defaults to the operational DB")) -> None:
    """Close a task (done, or dismissed with --dismiss)."""
    from tourstack.db.models.inbox import InboxTask

    engine, sessions = _session(database_url)
    try:
        with sessions() as session:
            task = session.get(InboxTask, task_id, with_for_update=True)
            if task is None:
                err_console.print(f"no task {task_id}")
                raise typer.Exit(USAGE_ERROR)
            if task.status != "open":
                err_console.print(f"task {task_id} is already {task.status}")
                raise typer.Exit(USAGE_ERROR)
            task.status = "dismissed" if dismiss else "done"
            task.resolved_at, task.resolved_by = dt.datetime.now(dt.UTC), by[:100]
            session.commit()
            console.print(f"task {task_id} {task.status}")
    finally:
        engine.dispose()


@mail_app.command()
def rates(message_id: int = typer.Argument(..., min=1), as_json: bool = typer.Option(False, "--json"),
          database_url: str | None = typer.Option(None, help="defaults to the operational DB")) -> None:
    """The rates read from one message beside the live rates they would replace."""
    from sqlalchemy import select

    from tourstack.db.models.inbox import InboxStagedRate
    from tourstack.inbox.rate_staging import diff_of

    engine, sessions = _session(database_url)
    try:
        with sessions() as session:
            staged = session.scalars(select(InboxStagedRate).where(InboxStagedRate.message_id == message_id)
                                     .order_by(InboxStagedRate.id)).all()
            diffs = [(row.status, diff_of(session, row)) for row in staged]
    finally:
        engine.dispose()
    if not diffs:
        err_console.print(f"message {message_id} has no staged rates")
        raise typer.Exit(USAGE_ERROR)
    if as_json:
        typer.echo(json.dumps([d.as_json() | {"status": status} for status, d in diffs], ensure_ascii=False, indent=2))
        return
    for status, d in diffs:
        old = f"{d.old_price} {d.old_currency}" if d.old_price is not None else "-"
        console.print(f"{d.staged_id:>6} {status:<9} {d.change:<9} {escape(d.service):<34} {d.season or '-':<9} "
                      f"{d.valid}  {old:>14} -> {d.new_price} {d.currency}", highlight=False)


@mail_app.command("approve-rates")
def approve_rates(message_id: int = typer.Argument(..., min=1), by: str = typer.Option(..., help="who decides"),
                  supplier: int | None = typer.Option(None, help="supplier id, when the sender was not recognised"),
                  reject: bool = typer.Option(False, help="reject the sheet instead"),
                  database_url: str | None = typer.Option(None, help="defaults to the operational DB")) -> None:
    """Apply (or reject) every pending rate of one message, in one transaction."""
    from tourstack.inbox.rate_staging import RateApprovalError, decide

    engine, sessions = _session(database_url)
    try:
        with sessions() as session:
            try:
                rows = decide(session, message_id, by=by, approve=not reject, supplier_id=supplier)
            except RateApprovalError as exc:
                session.rollback()
                err_console.print(str(exc))
                raise typer.Exit(USAGE_ERROR) from None
            console.print(f"{len(rows)} rates {'rejected' if reject else 'applied'}")
    finally:
        engine.dispose()


@mail_app.command()
def receive(address: list[str] = typer.Option(..., "--address", help="a forwarding address to accept (repeat)"),
            host: str = typer.Option("127.0.0.1"), port: int = typer.Option(2525, min=1, max=65535),
            database_url: str | None = typer.Option(None, help="defaults to the operational DB")) -> None:
    """Run an SMTP receiver that stores and processes every message sent to the addresses."""
    import time

    from tourstack.inbox.smtp_receiver import receiver

    engine, sessions = _session(database_url)
    controller, handler = receiver(sessions, set(address), host=host, port=port)
    controller.start()
    console.print(f"receiving for {escape(', '.join(address))} on {host}:{port} (Ctrl-C stops)")
    try:
        while True:
            time.sleep(1)
    except KeyboardInterrupt:
        pass
    finally:
        controller.stop()
        engine.dispose()
        console.print(f"stored {len(handler.stored)} messages")


IMAP_AUTH_FAILED = 3
IMAP_UNAVAILABLE = 4
POLL_INTERRUPTED = 1


@mail_app.command()
def poll(limit: int = typer.Option(500, min=1, max=10_000, help="at most this many messages per poll"),
         as_json: bool = typer.Option(False, "--json", help="print the report as JSON"),
         database_url: str | None = typer.Option(None, help="defaults to the operational DB")) -> None:
    """Fetch the unseen mail of the TOURSTACK_IMAP_* mailbox, store and process each message,
    then mark it seen (or move it). Exit 3: login refused; 4: server unreachable; 1: the
    connection dropped during the poll (what was stored stays; the rest comes next time)."""
    from tourstack.inbox.imap_poll import ImapAuthError, ImapConfig, ImapUnavailable
    from tourstack.inbox.imap_poll import poll as run
    from tourstack.settings import get_settings

    from tourstack.inbox.ai_setup import inbox_ai

    config = ImapConfig.from_settings(get_settings())
    if config is None:
        err_console.print("IMAP is not configured: set TOURSTACK_IMAP_HOST, TOURSTACK_IMAP_USER and "
                          "TOURSTACK_IMAP_PASSWORD")
        raise typer.Exit(USAGE_ERROR)
    engine, sessions = _session(database_url)
    try:
        ai = inbox_ai(get_settings())
        report = run(config, sessions, limit=limit, ai=ai.classifier, replies=ai.replies)
    except ImapAuthError as exc:
        err_console.print(escape(str(exc)))
        raise typer.Exit(IMAP_AUTH_FAILED) from None
    except ImapUnavailable as exc:
        err_console.print(escape(str(exc)))
        raise typer.Exit(IMAP_UNAVAILABLE) from None
    finally:
        engine.dispose()
    if as_json:
        typer.echo(json.dumps(report.as_json(), indent=2))
    else:
        console.print(f"fetched {report.fetched}: {report.new} new, {report.duplicates} already stored, "
                      f"{report.failed} unreadable (a task each), {report.not_stored} not stored", highlight=False)
    if report.error:
        err_console.print(f"the poll stopped early: {escape(report.error)}")
        raise typer.Exit(POLL_INTERRUPTED)


def register(app: typer.Typer) -> None:
    app.add_typer(mail_app, name="mail")
