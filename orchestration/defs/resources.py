"""The databases, configured from TOURSTACK_* settings, so the same definitions run embedded or
in production (orchestration/defs/services.py has the other settings-backed resources). Each
resource opens connections only when an asset asks for one.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from dagster import ConfigurableResource
from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from tourstack.db.engine import make_engine
from tourstack.ingest.load import DuckDBWarehouse, PostgresWarehouse, Warehouse


class OperationalDatabase(ConfigurableResource):
    """The operational database the CRM and API write to."""

    url: str

    @contextmanager
    def engine(self) -> Iterator[Engine]:
        engine = make_engine(self.url)
        try:
            yield engine
        finally:
            engine.dispose()


class WarehouseResource(ConfigurableResource):
    """The analytical warehouse: an embedded DuckDB file or a PostgreSQL database."""

    kind: str = "duckdb"
    duckdb_path: str = ""
    postgres_url: str = ""

    @contextmanager
    def connect(self) -> Iterator[Warehouse]:
        warehouse: Warehouse = (
            PostgresWarehouse(self.postgres_url)
            if self.kind == "postgres"
            else DuckDBWarehouse(self.duckdb_path)
        )
        try:
            yield warehouse
        finally:
            warehouse.close()

    @contextmanager
    def reader(self) -> Iterator[Any]:
        """A read-only DB-API connection for rendering (dashboards, e-mails): a DuckDB reader
        never takes the single writer's lock."""
        from tourstack.warehouse import connect

        conn = connect(self.kind, duckdb_path=self.duckdb_path or None, postgres_url=self.postgres_url or None)
        try:
            yield conn
        finally:
            conn.close()

    def report_source(self, semantic_manifest: Path) -> Any:
        """Where saved reports are queried: this warehouse, with the manifest parsed for it."""
        from reports.builder import ReportSource

        if self.kind == "postgres":
            return ReportSource("postgres", semantic_manifest, postgres_url=self.postgres_url)
        return ReportSource("duckdb", semantic_manifest, duckdb_path=Path(self.duckdb_path))

    def dbt_env(self) -> dict[str, str]:
        """The environment dbt's profiles.yml reads, derived from this resource's settings."""
        if self.kind != "postgres":
            return {"DBT_TARGET": "duckdb", "TOURSTACK_DUCKDB_PATH": self.duckdb_path}
        url = make_url(self.postgres_url)
        return {
            "DBT_TARGET": "postgres",
            "TOURSTACK_PG_HOST": url.host or "127.0.0.1",
            "TOURSTACK_PG_PORT": str(url.port or 5432),
            "TOURSTACK_PG_USER": url.username or "postgres",
            "TOURSTACK_PG_PASSWORD": url.password or "",
            "TOURSTACK_PG_DBNAME": url.database or "postgres",
        }

    def apply_dbt_env(self) -> None:
        os.environ.update(self.dbt_env())


def default_resources() -> dict[str, ConfigurableResource]:
    """The databases from the settings of this call, and the settings-backed resources."""
    from orchestration.defs.services import settings_backed_resources
    from tourstack.settings import get_settings

    settings = get_settings()
    warehouse_url = settings.warehouse_url.get_secret_value() if settings.warehouse_url else ""
    return {
        "operational_db": OperationalDatabase(url=settings.operational_url),
        "warehouse": WarehouseResource(
            kind=settings.warehouse,
            duckdb_path=str(settings.duckdb_file),
            postgres_url=warehouse_url,
        ),
        **settings_backed_resources(),
    }


__all__ = ["OperationalDatabase", "WarehouseResource", "default_resources"]
