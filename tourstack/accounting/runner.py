"""One provider's sync adapter and run, built from configuration (the CLI and Dagster share it).

Takes any object with the settings' attribute names, like tourstack.accounting.apps.
`sync_provider` answers None when the provider is not connected: a scheduled run then skips
cleanly instead of failing every 15 minutes for a company that was never connected.
"""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from tourstack.accounting.apps import cipher_from_settings, oauth_app_from_settings
from tourstack.accounting.connections import access_token, connection_statuses
from tourstack.accounting.documents import ENTITY_ORDER
from tourstack.accounting.mappings import load_mapping
from tourstack.accounting.provider import AccountingClient
from tourstack.accounting.sync import SyncReport, run_sync


def is_connected(sessions: sessionmaker[Session], provider: str) -> bool:
    with sessions() as session:
        return any(s.provider == provider and s.usable for s in connection_statuses(session))


def build_client(settings, sessions: sessionmaker[Session], provider: str) -> AccountingClient:  # noqa: ANN001
    app = oauth_app_from_settings(settings, provider)
    cipher = cipher_from_settings(settings)

    def tokens(rejected: str | None):
        return access_token(sessions, app, cipher, rejected=rejected)

    if provider == "quickbooks":
        from tourstack.accounting.quickbooks_sync import QuickBooksSync

        return QuickBooksSync(app, tokens, api_base=settings.quickbooks_api_url)
    from tourstack.accounting.xero_sync import XeroSync

    return XeroSync(app, tokens, api_base=settings.xero_api_url)


def sync_provider(settings, sessions: sessionmaker[Session], provider: str, *,  # noqa: ANN001
                  entities: tuple[str, ...] = ENTITY_ORDER, dry_run: bool = False) -> SyncReport | None:
    if not is_connected(sessions, provider):
        return None
    mapping = load_mapping(provider, settings.accounting_mappings_dir)
    return run_sync(sessions, build_client(settings, sessions, provider), mapping, entities=entities,
                    dry_run=dry_run)


def pull_provider(settings, sessions: sessionmaker[Session], provider: str) -> int | None:  # noqa: ANN001
    """The inbound pull of payments recorded there (None when not connected)."""
    from tourstack.accounting.inbound import pull_payments

    if not is_connected(sessions, provider):
        return None
    return pull_payments(sessions, build_client(settings, sessions, provider))
