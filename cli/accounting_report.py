"""`tourstack report finance accounting-sync --provider P --as-of D`: our books against what
QuickBooks or Xero holds (tourstack.accounting.sync_report), read back through the SDK.

Prints, per entity, counts and totals ours and theirs, every difference, the receivable per
customer and the payable per vendor tied out (the same content as
`GET /api/v1/accounting/{provider}/sync-report`); exits 1 while any difference remains (so a cron can alert on it).
"""

from __future__ import annotations

import datetime as dt

from rich.console import Console
from rich.markup import escape

console = Console()
err_console = Console(stderr=True)


def accounting_sync_report(provider: str | None, as_of: str | None, database_url: str | None = None) -> int:
    from tourstack.accounting import AccountingError
    from tourstack.accounting.mappings import load_mapping
    from tourstack.accounting.runner import build_client, is_connected
    from tourstack.accounting.sync_report import reconcile_sync
    from tourstack.db.engine import make_engine, make_sessionmaker
    from tourstack.settings import get_settings

    if provider not in ("quickbooks", "xero"):
        err_console.print("error: accounting-sync needs --provider quickbooks or --provider xero")
        return 2
    try:
        day = dt.date.fromisoformat(as_of) if as_of else dt.date.today()
    except ValueError:
        err_console.print(f"error: --as-of must be a date like 2026-03-31, got {escape(as_of)}")
        return 2
    settings = get_settings()
    engine = make_engine(database_url or settings.operational_url)
    sessions = make_sessionmaker(engine)
    try:
        if not is_connected(sessions, provider):
            err_console.print(f"error: {provider} is not connected (`tourstack accounting connect {provider}`)")
            return 2
        try:
            client = build_client(settings, sessions, provider)
            with sessions() as session:
                result = reconcile_sync(session, client, load_mapping(provider, settings.accounting_mappings_dir), day)
        except AccountingError as exc:
            err_console.print(f"error: {escape(str(exc))}")
            return 2
    finally:
        engine.dispose()
    console.print(f"accounting sync with {provider} as of {day.isoformat()}", highlight=False)
    console.print("entity,ours_count,theirs_count,currency,ours_total_minor,theirs_total_minor", highlight=False)
    for entity, totals in result.entities.items():
        currencies = sorted(set(totals.ours_total) | set(totals.theirs_total)) or [""]
        for currency in currencies:
            console.print(f"{entity},{totals.ours_count},{totals.theirs_count},{currency},"
                          f"{totals.ours_total.get(currency, 0)},{totals.theirs_total.get(currency, 0)}", highlight=False)
    console.print("receivable: customer,currency,ours_minor,theirs_minor", highlight=False)
    for customer, currency, ours, theirs in result.receivables:
        console.print(escape(f"{customer},{currency},{ours},{theirs}"), highlight=False)
    console.print("payable: vendor,currency,ours_minor,theirs_minor", highlight=False)
    for vendor, currency, ours, theirs in result.payables:
        console.print(escape(f"{vendor},{currency},{ours},{theirs}"), highlight=False)
    console.print(f"differences: {len(result.differences)}", highlight=False)
    for d in result.differences:
        console.print(escape(f"  {d.entity} {d.kind} {d.label}: ours {d.ours} theirs {d.theirs}"), highlight=False)
    return 1 if result.differences else 0
