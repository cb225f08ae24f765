"""Resources for what assets read from the TOURSTACK_* settings: mail, FX sources, the AI
services, the payment gateways, the gateway feeds' credentials, the bank inbox, where the
dashboards go and who gets the executive e-mail.

Why settings-backed resources rather than fields filled in when the code location loads:
most of these carry secrets (SMTP password, API keys) that must not appear in Dagster's
resource config, which the UI shows; and reading the settings when a run asks keeps loading
the code location free of settings reads. Asset bodies never call `get_settings()`: they ask
their resource, and a test hands them the resource it wants.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from dagster import ConfigurableResource

if TYPE_CHECKING:
    from tourstack.fx import RateSource
    from tourstack.gateway_feeds import GatewayCredentials
    from tourstack.itinerary.factory import ItineraryServices
    from tourstack.mail.transport import OutboxTransport, SmtpTransport
    from tourstack.payments import PaymentsRuntime
    from tourstack.search import SearchBackend
    from tourstack.settings import Settings


def _settings() -> Settings:
    from tourstack.settings import get_settings

    return get_settings()


class MailResource(ConfigurableResource):
    """SMTP when TOURSTACK_SMTP_HOST is set, the outbox folder otherwise; the sender and the
    domains report e-mails may go to."""

    def transport(self) -> OutboxTransport | SmtpTransport:
        from tourstack.mail import transport_from_settings

        return transport_from_settings(_settings())

    def sender(self) -> str:
        return _settings().mail_from

    def report_recipient_domains(self) -> Any:
        return _settings().report_recipient_domains


class FxRatesResource(ConfigurableResource):
    """The FX reference-rate sources (bundled ECB, live ECB, Open Exchange Rates)."""

    def source(self, name: str) -> RateSource:
        from tourstack.fx import make_source

        settings = _settings()
        return make_source(
            name,
            ecb_base_url=settings.ecb_base_url,
            oxr_app_id=settings.oxr_app_id.get_secret_value() if settings.oxr_app_id else None,
            oxr_base_url=settings.oxr_base_url,
        )


class ItineraryResource(ConfigurableResource):
    """The model clients and the monthly AI budget."""

    def services(self) -> ItineraryServices:
        from tourstack.itinerary.factory import ItineraryServices

        return ItineraryServices.from_settings(_settings())


class PaymentsResource(ConfigurableResource):
    """The payment gateways, their router and circuit breaker."""

    def runtime(self) -> PaymentsRuntime:
        from tourstack.payments import build_runtime, config_from_settings

        return build_runtime(config_from_settings(_settings()))


class GatewayFeedsResource(ConfigurableResource):
    """Credentials of the gateways whose records land in raw (demo readers without them), and
    the bank account the gateways pay out to."""

    def credentials(self) -> GatewayCredentials:
        from tourstack.gateway_feeds import GatewayCredentials

        return GatewayCredentials.from_settings(_settings())

    def payout_account(self) -> str | None:
        settings = _settings()
        return settings.bank_transfer_iban or settings.bank_transfer_account_number or None


class BankInboxResource(ConfigurableResource):
    """The folder bank statement files are dropped in (TOURSTACK_BANK_INBOX)."""

    def folder(self) -> Path:
        return _settings().bank_inbox


class PublishingResource(ConfigurableResource):
    """What the dashboards and the executive e-mails are written for: the dashboards folder,
    the reporting currency, and the executive e-mail's recipients and policy."""

    def dashboards_dir(self) -> Path:
        return _settings().dashboards_dir

    def base_currency(self) -> str:
        return _settings().base_currency

    def executive_email_config(self) -> Any:
        from reports.executive import ExecutiveEmailConfig

        return ExecutiveEmailConfig.from_settings(_settings())


class MessagingResource(ConfigurableResource):
    """The messaging routes and pacing, and one transport per channel (search included)."""

    def config(self) -> Any:
        from tourstack.messaging import config_from_settings

        return config_from_settings(_settings())

    def transports(self, sessions: Any = None) -> Any:
        """With `sessions` (the operational database's), the search channel is included."""
        from tourstack.messaging import transports_from_settings

        return transports_from_settings(_settings(), sessions)


class SearchResource(ConfigurableResource):
    """The configured search engine (TOURSTACK_SEARCH_BACKEND; the Typesense key stays in the
    settings, out of the resource config)."""

    def backend(self) -> SearchBackend:
        from tourstack.search.runtime import build_backend

        return build_backend(_settings())

    def recommendations_path(self) -> Path:
        """Where the recommendations snapshot is saved, beside the tantivy indexes."""
        from tourstack.recommend import snapshot_path

        return snapshot_path(_settings().search_dir)


def settings_backed_resources() -> dict[str, ConfigurableResource]:
    """Every resource above under the key assets ask for it by; reads no settings."""
    return {
        "mail": MailResource(), "fx": FxRatesResource(), "itinerary": ItineraryResource(), "payments": PaymentsResource(),
        "gateway_feeds": GatewayFeedsResource(), "bank_inbox": BankInboxResource(),
        "publishing": PublishingResource(), "messaging": MessagingResource(), "search": SearchResource(),
    }
