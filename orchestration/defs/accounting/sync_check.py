"""Differences older than an hour raise an alert: an asset check that runs the sync
reconciliation (tourstack.accounting.sync_report) for every connected provider, fails (severity
WARN, not blocking) while any difference whose subject changed more than an hour ago remains,
and announces each firing once as a `system.alert` (tourstack.accounting.sync_alerts).

Attached to the raw invoices asset, so it runs with every warehouse refresh (hourly, at :05)
and on demand; a provider that is not connected is skipped, and with none connected the check
passes and says so. A provider that cannot be read fails the check with its reason (an
unreadable provider is itself worth a look), without an alert.
"""

# No `from __future__ import annotations`: Dagster inspects the context annotation at runtime.
import datetime as dt

from dagster import AssetCheckExecutionContext, AssetCheckResult, AssetCheckSeverity, AssetKey, asset_check
from sqlalchemy.orm import sessionmaker

from orchestration.defs.resources import OperationalDatabase
from orchestration.defs.services import MessagingResource

PROVIDERS = ("quickbooks", "xero")


def check_sync_differences(sessions, settings, messaging_config, now: dt.datetime) -> tuple[bool, dict]:  # noqa: ANN001
    """(passed, metadata) over every connected provider; announces the firings (committed)."""
    from tourstack.accounting.errors import AccountingError
    from tourstack.accounting.mappings import load_mapping
    from tourstack.accounting.runner import build_client, is_connected
    from tourstack.accounting.sync_alerts import aged_differences, announce
    from tourstack.accounting.sync_report import reconcile_sync

    passed, metadata = True, {}
    for provider in PROVIDERS:
        if not is_connected(sessions, provider):
            metadata[provider] = "not connected"
            continue
        try:
            client = build_client(settings, sessions, provider)
            with sessions() as session:
                result = reconcile_sync(session, client, load_mapping(provider, settings.accounting_mappings_dir),
                                        now.date())
        except AccountingError as exc:
            passed, metadata[provider] = False, f"unreadable: {exc}"
            continue
        aged = aged_differences(result, now)
        metadata[f"{provider}_differences"] = len(result.differences)
        metadata[f"{provider}_older_than_an_hour"] = len(aged.differences)
        if aged.firing:
            passed = False
            with sessions() as session:
                routed = announce(session, aged, messaging_config)
                session.commit()
            metadata[f"{provider}_alert_queued"] = len(routed.queued)
            metadata[f"{provider}_first"] = "; ".join(f"{d.entity} {d.kind} {d.label}" for d in aged.differences[:5])
    return passed, metadata


@asset_check(asset=AssetKey(["raw", "invoices"]), name="accounting_sync_differences", blocking=False,
             description="No accounting sync difference with QuickBooks / Xero older than an hour "
                         "(alerts #ops-alerts once per firing).")
def accounting_sync_differences(context: AssetCheckExecutionContext, operational_db: OperationalDatabase,
                                messaging: MessagingResource) -> AssetCheckResult:
    from tourstack.settings import get_settings

    with operational_db.engine() as engine:
        passed, metadata = check_sync_differences(sessionmaker(engine, expire_on_commit=False), get_settings(),
                                                  messaging.config(), dt.datetime.now(dt.UTC))
    if not passed:
        context.log.warning(f"accounting sync differences: {metadata}")
    return AssetCheckResult(passed=passed, severity=AssetCheckSeverity.WARN,
                            metadata=metadata or {"providers": "none connected"})
