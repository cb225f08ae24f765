"""Runtime configuration from `TOURSTACK_*` environment variables.

Only entry points (CLI, API, Dagster resources) read settings; domain code takes what it needs
as arguments, so tests and jobs can pass other values without touching the environment.
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TOURSTACK_", extra="ignore")

    home: Path = Field(default=PROJECT_ROOT / "var", description="where embedded files live")
    database_url: str | None = Field(
        default=None, description="operational DB; SQLite file under `home` when unset"
    )
    warehouse: Literal["duckdb", "postgres"] = "duckdb"
    duckdb_path: Path | None = None
    warehouse_url: SecretStr | None = Field(
        default=None, description="PostgreSQL warehouse, e.g. postgresql://user@host/db"
    )
    base_currency: str = "INR"
    ecb_base_url: str = Field(
        default="https://www.ecb.europa.eu/stats/eurofxref",
        description="directory holding eurofxref-daily.xml and eurofxref-hist-90d.xml",
    )
    oxr_app_id: SecretStr | None = Field(default=None, description="Open Exchange Rates app id")
    oxr_base_url: str = "https://openexchangerates.org/api"
    redis_url: str | None = None
    # API response cache (api.cache): off by default, so the embedded default needs no Redis.
    api_cache: bool = Field(default=False, description="cache GET responses in Redis (TOURSTACK_API_CACHE)")
    api_cache_url: str | None = Field(
        default=None, description="Redis of the response cache; default: redis_url, else redis://127.0.0.1:6379/0"
    )
    api_cache_prefix: str = Field(default="tourstack:api", description="namespace of the cache's Redis keys")
    # /metrics (api.metrics): with a token, scrapers send `Authorization: Bearer <token>`.
    metrics_token: SecretStr | None = Field(
        default=None, description="bearer token of /metrics; unset: /metrics is open (internal network only)"
    )
    api_host: str = "127.0.0.1"
    api_port: int = 8000
    log_json: bool = False

    # The operator as printed on invoices, and how it is taxed (see tourstack.invoicing.tax).
    operator_name: str = "Tourstack Journeys Pvt Ltd"
    operator_address_lines: list[str] = ["14 Hawa Mahal Road", "Jaipur 302002, Rajasthan, India"]
    operator_city: str = "Jaipur"
    operator_pincode: str = "302002"
    operator_gstin: str = "08AABCT1234F1Z5"
    operator_state_code: str = Field(default="RJ", description="GST state of registration")
    operator_email: str = "accounts@tourstack.example"
    operator_phone: str = "+91 141 400 0000"
    invoice_gst_rate_bps: int = Field(default=500, description="tour operator GST, 500 = 5 %")
    invoice_vat_registered_countries: list[str] = Field(
        default_factory=list, description="countries where foreign customers are charged VAT"
    )
    invoice_payment_terms_days: int = 15

    # AI generation (tourstack.itinerary): without a key the offline planner and templates run.
    openai_api_key: SecretStr | None = Field(default=None, description="OpenAI API key")
    openai_base_url: str | None = Field(default=None, description="override, e.g. a proxy")
    openai_model: str = "gpt-4.1"
    openai_fallback_model: str | None = Field(default="gpt-4.1-mini", description="cheaper model")
    openai_timeout_s: float = 60.0
    openai_max_retries: int = Field(default=2, description="SDK retries on 429/5xx/timeouts")
    ai_monthly_budget_usd: Decimal | None = Field(default=Decimal("200"), description="all agencies")
    ai_agency_monthly_budget_usd: Decimal | None = None
    ai_budget_policy: Literal["downgrade", "refuse"] = Field(
        default="downgrade", description="over budget: use the offline planner, or refuse"
    )
    ai_rate_limit_per_minute: int = 60
    ai_agency_rate_limit_per_minute: int = 10

    # Payment gateways (tourstack.payments). A gateway without credentials is not used; the
    # base URLs point the SDKs elsewhere (fakes on 127.0.0.1 in tests).
    stripe_secret_key: SecretStr | None = None
    stripe_webhook_secret: SecretStr | None = None
    stripe_api_base: str | None = Field(default=None, description="default: api.stripe.com")
    razorpay_key_id: str | None = None
    razorpay_key_secret: SecretStr | None = None
    razorpay_webhook_secret: SecretStr | None = None
    razorpay_base_url: str | None = Field(default=None, description="default: api.razorpay.com")
    paypal_client_id: str | None = None
    paypal_client_secret: SecretStr | None = None
    paypal_webhook_id: str | None = None
    paypal_base_url: str = "https://api-m.paypal.com"
    bank_transfer_beneficiary: str = "Tourstack Journeys Pvt Ltd"
    bank_transfer_account_number: str | None = Field(
        default=None, description="collection account shown to payers; unset disables bank transfer"
    )
    bank_transfer_ifsc: str = ""
    bank_transfer_iban: str = ""
    bank_transfer_swift: str = ""
    bank_inbox: Path = Field(
        default_factory=lambda data: data["home"] / "bank_inbox",
        description="statement files (CSV, CAMT.053) waiting for import; default <home>/bank_inbox",
    )
    payments_gateway_timeout_seconds: float = 10.0
    payments_routing: str | None = Field(
        default=None,
        description='JSON rules, first match wins: [{"currencies": ["INR"], "gateways": ["razorpay", "paypal"]}]',
    )
    payments_breaker_threshold: int = Field(default=3, description="consecutive failures that open it")
    payments_breaker_cooldown_seconds: float = 30.0
    webhook_rejections_per_minute: int = Field(
        default=20, ge=1,
        description="webhook deliveries with a missing or bad signature one source may send per minute; "
        "more are answered 429 without being verified (shared in Redis when redis_url is set)",
    )
    refund_approval_thresholds: dict[str, int] = Field(
        default_factory=lambda: {"INR": 5_000_000, "USD": 50_000, "EUR": 50_000, "GBP": 50_000, "*": 50_000},
        description="refunds above this many minor units need a second person's approval",
    )

    # E-mail (tourstack.mail) and the executive e-mails (reports.executive). Without an SMTP host
    # messages are written as .eml files to `outbox_dir` (the embedded default).
    smtp_host: str | None = Field(default=None, description="unset: write .eml files to the outbox")
    smtp_port: int | None = Field(default=None, description="default 587 (starttls), 465 (ssl), 25")
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_security: Literal["starttls", "ssl", "none"] = "starttls"
    smtp_timeout_seconds: float = 30.0
    mail_from: str = "Tourstack Reports <reports@tourstack.example>"
    # Inbound supplier mail (tourstack.inbox): `tourstack mail poll` and the scheduled
    # inbox_poll_job read a dedicated mailbox over IMAP; unset host: polling is skipped.
    imap_host: str | None = Field(default=None, description="unset: no IMAP polling")
    imap_port: int | None = Field(default=None, ge=1, le=65535, description="default 993 (ssl) or 143")
    imap_user: str | None = None
    imap_password: SecretStr | None = None
    imap_folder: str = "INBOX"
    imap_ssl: bool = Field(default=True, description="IMAP over TLS (993); false: plain IMAP, loopback only")
    imap_processed_folder: str | None = Field(
        default=None, description="move stored mail here; unset: mark it \\Seen where it is")
    imap_timeout_seconds: float = 30.0
    inbox_task_stale_hours: int = Field(default=24, ge=1, le=24 * 90,
                                        description="an open inbox task older than this is a warning")
    # Mailgun inbound routes (POST /api/v1/inbox/inbound/mailgun): the HTTP webhook signing key.
    mailgun_webhook_signing_key: SecretStr | None = Field(default=None, description="unset: the route answers 401")
    outbox_dir: Path = Field(
        default_factory=lambda data: data["home"] / "outbox", description="default: <home>/outbox"
    )
    # Messaging (tourstack.messaging): routes, thresholds, quiet hours and pacing come from one
    # YAML; until a channel's workspace is connected its messages are JSON files under
    # `<outbox_dir>/<channel>/`.
    messaging_config: Path | None = Field(default=None, description="messaging YAML; unset: the shipped one")
    # Slack: a bot token (Web API, threads per booking) wins over an incoming webhook (one channel,
    # no threads). Teams: a Workflows / incoming-webhook URL. Unset: the channel's files as above.
    slack_bot_token: SecretStr | None = Field(default=None, description="Slack bot token (xoxb-...)")
    slack_webhook_url: SecretStr | None = Field(default=None, description="Slack incoming webhook URL")
    slack_api_url: str = Field(default="https://slack.com/api/", description="Slack Web API base URL")
    teams_webhook_url: SecretStr | None = Field(default=None, description="Teams Workflows/webhook URL")
    teams_webhook_urls: dict[str, SecretStr] = Field(
        default_factory=dict, description='per Teams recipient, JSON: {"finance": "https://..."}')
    # Slack slash command (/api/v1/slack/commands): the app's signing secret verifies each request.
    slack_signing_secret: SecretStr | None = Field(default=None, description="Slack app signing secret")
    # WhatsApp (tourstack.messaging.whatsapp, docs/messaging.md): Meta's Cloud API when a token
    # and phone number id are set, else Twilio's WhatsApp API when an account is set; else files.
    whatsapp_config: Path | None = Field(default=None, description="WhatsApp templates YAML; unset: shipped")
    whatsapp_token: SecretStr | None = Field(default=None, description="Cloud API access token")
    whatsapp_phone_number_id: str | None = Field(default=None, description="Cloud API sender's phone number id")
    whatsapp_app_secret: SecretStr | None = Field(default=None, description="Meta app secret (webhook HMAC)")
    whatsapp_verify_token: SecretStr | None = Field(default=None, description="webhook handshake verify token")
    whatsapp_api_url: str = Field(default="https://graph.facebook.com", description="Graph API base URL")
    whatsapp_api_version: str = Field(default="23.0", description="Graph API version")
    twilio_account_sid: str | None = Field(default=None, description="Twilio account SID (AC...)")
    twilio_auth_token: SecretStr | None = Field(default=None, description="Twilio auth token (also signs callbacks)")
    twilio_whatsapp_from: str | None = Field(default=None, description="Twilio WhatsApp sender, +E.164")
    twilio_api_url: str | None = Field(default=None, description="Twilio REST base URL override")
    # Calendar: a Google service account (JSON key file; `subject` for domain-wide delegation) and
    # the calendar id of each calendar route's recipient, JSON: {"operations": "ops@group...."}.
    google_calendar_credentials: Path | None = Field(default=None, description="service account JSON key")
    google_calendar_subject: str | None = Field(default=None, description="user to act as (delegation)")
    google_calendar_ids: dict[str, str] = Field(default_factory=dict, description="route recipient -> calendar id")
    google_calendar_api_url: str | None = Field(default=None, description="Calendar API base URL override")
    # Outlook calendars through Microsoft Graph: an app registration (client credentials, the
    # application permission Calendars.ReadWrite) and the mailbox of each calendar route's
    # recipient, JSON: {"operations": "ops@contoso.com"}. Rows: calendar `outlook:<recipient>`.
    graph_tenant_id: str | None = Field(default=None, description="Entra ID tenant (directory) id")
    graph_client_id: str | None = Field(default=None, description="app registration's client id")
    graph_client_secret: SecretStr | None = Field(default=None, description="app registration's client secret")
    graph_calendar_users: dict[str, str] = Field(default_factory=dict, description="route recipient -> mailbox")
    graph_api_url: str = Field(default="https://graph.microsoft.com/v1.0/", description="Graph API base URL")
    graph_login_url: str = Field(default="https://login.microsoftonline.com/", description="token endpoint base")
    public_url: str = Field(default="http://127.0.0.1:8000", description="public base URL of the API (links)")
    exec_report_recipients: list[str] = Field(default_factory=list, description="executive e-mails")
    exec_report_stale_after_hours: float = Field(
        default=36.0, description="data older than this (newest booking/ingest vs as_of) is stale"
    )
    exec_report_policy: dict[str, Literal["hold", "warn", "send"]] = Field(
        default_factory=lambda: {"failed_checks": "hold", "stale": "warn"},
        description='what to do with the e-mail, e.g. {"failed_checks": "hold", "stale": "warn"}',
    )

    # Report builder (reports.builder): the semantic manifest to compile against; unset means
    # dbt_project/target/semantic_manifest.json (it names the database, so parse it per target).
    semantic_manifest: Path | None = Field(default=None, description="semantic_manifest.json to use")
    # Scheduled reports may only go to these e-mail domains (checked on create/update and at
    # send time); empty allows any. Comma-separated or a JSON list: "example.com,example.org".
    report_recipient_domains: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="allowed recipient domains of scheduled reports; empty = any"
    )

    # Analytics dashboards (reports.dashboards): static HTML pages written by the Dagster asset.
    dashboards_dir: Path = Field(
        default_factory=lambda data: data["home"] / "dashboards",
        description="where the dashboards asset writes its pages; default: <home>/dashboards",
    )

    # Search (tourstack.search): tantivy is embedded (indexes under `search_dir`); Typesense is a
    # server at `typesense_url`, its key from the environment only.
    search_backend: Literal["tantivy", "typesense"] = Field(
        default="tantivy", description="search engine: embedded tantivy or a Typesense server"
    )
    search_dir: Path = Field(
        default_factory=lambda data: data["home"] / "search",
        description="where the tantivy indexes live; default: <home>/search",
    )
    typesense_url: str = Field(default="http://127.0.0.1:8108", description="Typesense server")
    typesense_api_key: SecretStr | None = Field(default=None, description="Typesense API key")
    typesense_collection_prefix: str = Field(
        default="", description="prefix of collection and alias names, to share a server"
    )
    # Trip documents (tourstack.geo, tourstack.weather): online providers only when a key is set;
    # the base URLs exist for proxies and the loopback fakes of the tests.
    google_maps_api_key: SecretStr | None = Field(default=None, description="Google Maps Platform key")
    google_maps_base_url: str | None = Field(default=None, description="Maps API base URL override")
    openweather_api_key: SecretStr | None = Field(default=None, description="OpenWeather One Call key")
    openweather_base_url: str = Field(default="https://api.openweathermap.org", description="OpenWeather API")

    # Accounting sync (tourstack.accounting): OAuth apps of QuickBooks Online and Xero. Tokens are
    # stored encrypted with `accounting_key` (a Fernet key: `tourstack accounting new-key`); the
    # URL overrides point the SDKs at the fakes on 127.0.0.1 in tests.
    accounting_key: SecretStr | None = Field(default=None, description="Fernet key encrypting OAuth tokens")
    accounting_redirect_base: str = Field(
        default="http://127.0.0.1:8000", description="public base URL of the API, for the OAuth callback"
    )
    quickbooks_client_id: str | None = None
    quickbooks_client_secret: SecretStr | None = None
    quickbooks_environment: Literal["sandbox", "production"] = "sandbox"
    quickbooks_auth_url: str | None = Field(default=None, description="default: Intuit's discovery document")
    quickbooks_token_url: str | None = Field(default=None, description="default: Intuit's discovery document")
    xero_client_id: str | None = None
    xero_client_secret: SecretStr | None = None
    xero_auth_url: str = "https://login.xero.com/identity/connect/authorize"
    xero_token_url: str = "https://identity.xero.com/connect/token"
    xero_identity_url: str = Field(default="https://api.xero.com", description="GET /connections lists tenants")
    accounting_mappings_dir: Path | None = Field(
        default=None, description="the company's filled quickbooks.yaml / xero.yaml; unset: the shipped templates"
    )
    quickbooks_api_url: str | None = Field(default=None, description="QuickBooks API base (default: Intuit's, "
                                           "sandbox or production by quickbooks_environment)")
    xero_api_url: str | None = Field(default=None, description="Xero API base (default: https://api.xero.com)")
    quickbooks_webhook_verifier_token: SecretStr | None = Field(
        default=None, description="the QuickBooks app's webhook verifier token (intuit-signature)")
    xero_webhook_key: SecretStr | None = Field(default=None, description="the Xero app's webhook key (x-xero-signature)")

    @field_validator("report_recipient_domains", mode="before")
    @classmethod
    def _domain_list(cls, value: object) -> object:
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                import json

                return json.loads(text)
            return [d.strip() for d in text.split(",") if d.strip()]
        return value

    @property
    def operational_url(self) -> str:
        return self.database_url or f"sqlite:///{self.home / 'tourstack.db'}"

    @property
    def cache_redis_url(self) -> str:
        return self.api_cache_url or self.redis_url or "redis://127.0.0.1:6379/0"

    @property
    def duckdb_file(self) -> Path:
        return self.duckdb_path or self.home / "warehouse.duckdb"


@lru_cache
def get_settings() -> Settings:
    return Settings()
