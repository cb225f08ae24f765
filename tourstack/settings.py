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
    redis_url: str | None = None
    api_host: str = "127.0.0.1"
    api_port: int = 8000
    log_json: bool = False

    @property
    def operational_url(self) -> str:
        return self.database_url or f"sqlite:///{self.home / 'tourstack.db'}"

    @property
    def duckdb_file(self) -> Path:
        return self.duckdb_path or self.home / "warehouse.duckdb"


@lru_cache
def get_settings() -> Settings:
    return Settings()
