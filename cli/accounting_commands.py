"""`tourstack accounting connect|status|new-key|validate-mappings|sync|errors|conflicts`: connect QuickBooks
Online or Xero, watch the connections, push the books and work the error and conflict queues
(docs/accounting.md).

`connect` prints the consent URL; the person opens it, approves, and the provider redirects to
the API's `/api/v1/accounting/{provider}/callback`, which finishes the connection. `status` shows
every provider's state (expired or revoked ones need a new `connect`) and exits 1 when one that
was connected no longer is, so a cron or probe can alert on it. Tokens are never printed.
"""

from __future__ import annotations

import typer
from rich.console import Console
from rich.markup import escape

accounting_app = typer.Typer(help="Accounting sync with QuickBooks Online and Xero.", no_args_is_help=True)
console = Console()
err_console = Console(stderr=True)
USAGE_ERROR = 2


def _sessions(database_url: str | None):
    from tourstack.db.engine import make_engine, make_sessionmaker
    from tourstack.settings import get_settings

    engine = make_engine(database_url or get_settings().operational_url)
    return engine, make_sessionmaker(engine)


def _fail(message: str) -> None:
    err_console.print(f"error: {escape(message)}", highlight=False, soft_wrap=True)
    raise typer.Exit(USAGE_ERROR)


@accounting_app.command()
def connect(provider: str = typer.Argument(..., help="quickbooks or xero"),
            database_url: str | None = typer.Option(None, help="defaults to the operational DB")) -> None:
    """Print the consent URL of PROVIDER; open it and approve to finish the connection."""
    from tourstack.accounting import AccountingError, begin_connect, cipher_from_settings, oauth_app_from_settings
    from tourstack.settings import get_settings

    settings = get_settings()
    try:
        app = oauth_app_from_settings(settings, provider)
        cipher_from_settings(settings)
    except AccountingError as exc:
        _fail(str(exc))
    engine, sessions = _sessions(database_url)
    try:
        with sessions() as session:
            url = begin_connect(session, app)
            session.commit()
    finally:
        engine.dispose()
    console.print(f"Open this URL within 15 minutes and approve access to the {provider} company:")
    console.print(url, highlight=False, soft_wrap=True)


@accounting_app.command()
def status(database_url: str | None = typer.Option(None, help="defaults to the operational DB")) -> None:
    """Each provider's connection; exit code 1 when one is expired or revoked."""
    from tourstack.accounting import connection_statuses

    engine, sessions = _sessions(database_url)
    try:
        with sessions() as session:
            rows = connection_statuses(session)
    finally:
        engine.dispose()
    for row in rows:  # one line per provider: readable in a narrow terminal and in cron mail
        parts = [f"{row.provider}: {row.status}"]
        if row.tenant_id:
            parts.append(f"company {row.tenant_name or ''} ({row.tenant_id})".replace(" ()", "").replace("  ", " "))
        if row.access_expires_at:
            parts.append(f"access until {row.access_expires_at:%Y-%m-%d %H:%M} UTC")
        if row.refresh_expires_at:
            parts.append(f"refresh token until {row.refresh_expires_at:%Y-%m-%d}")
        if row.refresh_count:
            parts.append(f"{row.refresh_count} refreshes")
        if row.last_error:
            parts.append(f"last error: {row.last_error}")
        console.print(escape("; ".join(parts)), highlight=False, soft_wrap=True)
    if any(row.status in ("expired", "revoked") for row in rows):
        raise typer.Exit(1)


@accounting_app.command("new-key")
def new_key() -> None:
    """Print a fresh Fernet key for TOURSTACK_ACCOUNTING_KEY (put it first, keep old keys after a
    comma until every row was re-encrypted)."""
    from tourstack.accounting import TokenCipher

    console.print(TokenCipher.new_key(), highlight=False)


@accounting_app.command("validate-mappings")
def validate_mappings(provider: list[str] = typer.Option(["quickbooks", "xero"], help="quickbooks and/or xero"),
                      mappings_dir: str | None = typer.Option(None, help="default: TOURSTACK_ACCOUNTING_MAPPINGS_DIR"),
                      database_url: str | None = typer.Option(None, help="defaults to the operational DB")) -> None:
    """List every ledger account, item and tax code the books need and the mapping leaves empty;
    exit code 1 when anything is unmapped, so nothing is sent before it is complete."""
    from pathlib import Path

    from tourstack.accounting import AccountingError
    from tourstack.accounting.mappings import (
        InvalidMapping, configured_tax_keys, issued_tax_keys, load_chart, load_mapping, unmapped)
    from tourstack.invoicing.tax import DEFAULT_VAT_RATES_BPS
    from tourstack.settings import PROJECT_ROOT, get_settings

    settings = get_settings()
    directory = Path(mappings_dir) if mappings_dir else settings.accounting_mappings_dir
    chart = load_chart(PROJECT_ROOT / "dbt_project" / "seeds" / "chart_of_accounts.csv")
    keys = configured_tax_keys(settings.invoice_gst_rate_bps, dict(DEFAULT_VAT_RATES_BPS),
                               settings.invoice_vat_registered_countries)
    engine, sessions = _sessions(database_url)
    try:
        with sessions() as session:
            keys |= issued_tax_keys(session)
    finally:
        engine.dispose()
    total = 0
    for name in provider:
        try:
            mapping = load_mapping(name, directory)
        except (InvalidMapping, AccountingError) as exc:
            _fail(str(exc))
        missing = unmapped(mapping, chart, keys)
        total += len(missing)
        console.print(f"{name} ({escape(str(mapping.source))}): {len(missing) or 'nothing'} unmapped",
                      highlight=False, soft_wrap=True)
        for entry in missing:
            console.print(f"  {entry.kind} {escape(entry.key)}: {escape(entry.description)}", highlight=False)
    if total:
        raise typer.Exit(1)


def _settings_sessions(database_url: str | None):
    from tourstack.settings import get_settings

    settings = get_settings()
    engine, sessions = _sessions(database_url)
    return settings, engine, sessions


@accounting_app.command()
def sync(provider: list[str] = typer.Option(["quickbooks", "xero"], help="quickbooks and/or xero"),
         entity: list[str] = typer.Option(None, help="customer, invoice, credit_note, payment, vendor, bill, bill_payment (default: all)"),
         dry_run: bool = typer.Option(False, "--dry-run", help="list what would be sent; send nothing"),
         database_url: str | None = typer.Option(None, help="defaults to the operational DB")) -> None:
    """Push new and changed documents to each connected provider (a provider not connected is
    skipped). Exit 1 when anything went to the error or conflict queue."""
    from tourstack.accounting import AccountingError
    from tourstack.accounting.documents import ENTITY_ORDER
    from tourstack.accounting.runner import sync_provider

    entities = tuple(entity) if entity else ENTITY_ORDER
    unknown = [e for e in entities if e not in ENTITY_ORDER]
    if unknown:
        _fail(f"unknown entity {unknown[0]!r}; known: {', '.join(ENTITY_ORDER)}")
    settings, engine, sessions = _settings_sessions(database_url)
    troubled = False
    try:
        for name in provider:
            try:
                report = sync_provider(settings, sessions, name, entities=entities, dry_run=dry_run)
            except AccountingError as exc:
                _fail(f"{name}: {exc}")
            if report is None:
                console.print(f"{name}: not connected, skipped", highlight=False)
                continue
            for ent, counts in report.entities.items():
                if dry_run:
                    console.print(f"{name} {ent}: {len(counts.planned)} to send, {counts.unchanged} unchanged",
                                  highlight=False)
                    for action, label in counts.planned:
                        console.print(f"  {action} {escape(label)}", highlight=False, soft_wrap=True)
                else:
                    console.print(f"{name} {ent}: {counts.created} created, {counts.updated} updated, "
                                  f"{counts.unchanged} unchanged, {counts.errors} errors, "
                                  f"{counts.conflicts} conflicts", highlight=False)
                troubled |= bool(counts.errors or counts.conflicts)
    finally:
        engine.dispose()
    if troubled:
        raise typer.Exit(1)


@accounting_app.command()
def errors(provider: str | None = typer.Option(None, help="quickbooks or xero (default: both)"),
           database_url: str | None = typer.Option(None, help="defaults to the operational DB")) -> None:
    """The open error queue: what a provider refused (its own words) or our mappings cannot express."""
    from sqlalchemy import select

    from tourstack.db.models import AccountingSyncError

    engine, sessions = _sessions(database_url)
    try:
        with sessions() as session:
            query = select(AccountingSyncError).where(AccountingSyncError.status == "open").order_by(AccountingSyncError.id)
            if provider:
                query = query.where(AccountingSyncError.provider == provider)
            rows = list(session.scalars(query))
    finally:
        engine.dispose()
    for row in rows:
        console.print(escape(f"#{row.id} {row.provider} {row.entity} {row.local_id}: {row.code} "
                             f"({row.attempts} attempts): {row.message}"), highlight=False, soft_wrap=True)
    if not rows:
        console.print("no open errors")


@accounting_app.command()
def conflicts(resolve: int | None = typer.Option(None, help="the conflict id to resolve"),
              keep: str | None = typer.Option(None, help="with --resolve: ours or theirs"),
              provider: str | None = typer.Option(None, help="list only this provider's"),
              database_url: str | None = typer.Option(None, help="defaults to the operational DB")) -> None:
    """List the records edited on both sides, or resolve one (`--resolve ID --keep ours|theirs`)."""
    from tourstack.accounting.conflicts import list_conflicts, resolve_conflict
    from tourstack.errors import Invalid, NotFound

    engine, sessions = _sessions(database_url)
    try:
        with sessions() as session:
            if resolve is not None:
                if keep not in ("ours", "theirs"):
                    _fail("--resolve needs --keep ours or --keep theirs")
                try:
                    row = resolve_conflict(session, resolve, keep)
                except (Invalid, NotFound) as exc:
                    _fail(str(exc))
                session.commit()
                console.print(f"conflict {row.id}: {row.status}", highlight=False)
                return
            rows = list_conflicts(session, provider)
            for row in rows:
                console.print(escape(f"#{row.id} {row.provider} {row.entity} ours {row.local_id} / theirs "
                                     f"{row.remote_id} (since {row.created_at:%Y-%m-%d %H:%M})"), highlight=False)
            if not rows:
                console.print("no open conflicts")
    finally:
        engine.dispose()


def register(app: typer.Typer) -> None:
    app.add_typer(accounting_app, name="accounting")
