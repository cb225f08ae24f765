"""Runtime configuration from `TOURSTACK_*` environment variables.

Only entry points (CLI, API, Dagster resources) read settings; domain code takes what it needs
as arguments, so tests and jobs can pass other values without touching the environment.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

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

    @property
    def operational_url(self) -> str:
        return self.database_url or f"sqlite:///{self.home / 'tourstack.db'}"

    @property
    def duckdb_file(self) -> Path:
        return self.duckdb_path or self.home / "warehouse.duckdb"


@lru_cache
def get_settings() -> Settings:
    return Settings()
