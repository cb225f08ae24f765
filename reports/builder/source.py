"""Where a report runs: the warehouse (DuckDB file or PostgreSQL) and its semantic manifest.

Why one small object: the CLI, the API and the Dagster job find the warehouse differently
(settings, a dependency, a resource), but a report only needs these three facts. The manifest is
target-specific (it names the database), so a PostgreSQL source checks that the manifest was
parsed for the database it connects to instead of failing later with an obscure SQL error.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from tourstack.metrics import MetricQuery, QueryResult, SemanticLayer

DEFAULT_MANIFEST = Path(__file__).resolve().parents[2] / "dbt_project" / "target" / "semantic_manifest.json"

_layers: dict[tuple[str, str, float], SemanticLayer] = {}
_lock = threading.Lock()


class SourceError(RuntimeError):
    """The warehouse or its manifest is missing or does not fit."""


@dataclass(frozen=True)
class ReportSource:
    engine: Literal["duckdb", "postgres"]
    manifest: Path
    duckdb_path: Path | None = None
    postgres_url: str | None = None

    def layer(self) -> SemanticLayer:
        """The semantic layer for this manifest, built once per file version (about 1.5 s)."""
        path = Path(self.manifest)
        if not path.exists():
            raise SourceError(f"no semantic manifest at {path}: run `dbt parse` for the {self.engine} target")
        key = (str(path), self.engine, path.stat().st_mtime)
        with _lock:
            if key not in _layers:
                text = path.read_text()
                if self.engine == "postgres":
                    _check_database(text, self.postgres_url or "")
                _layers[key] = SemanticLayer(text, engine=self.engine)
            return _layers[key]

    def run(self, query: MetricQuery) -> QueryResult:
        layer = self.layer()
        if self.engine == "postgres":
            if not self.postgres_url:
                raise SourceError("the PostgreSQL warehouse needs TOURSTACK_WAREHOUSE_URL")
            from tourstack.warehouse import libpq_url

            return layer.run_postgres(query, libpq_url(self.postgres_url))
        if self.duckdb_path is None or not Path(self.duckdb_path).exists():
            raise SourceError(f"no warehouse at {self.duckdb_path}: run `tourstack demo` first")
        return layer.run_duckdb(query, self.duckdb_path)


def _check_database(manifest_json: str, url: str) -> None:
    from sqlalchemy.engine import make_url

    wanted = make_url(url.replace("postgresql://", "postgresql+psycopg://", 1)).database if url else None
    found = {m["node_relation"].get("database") for m in json.loads(manifest_json).get("semantic_models", [])}
    if wanted and found and found != {wanted}:
        raise SourceError(f"the semantic manifest was parsed for database {sorted(found)[0]!r}, the "
                          f"warehouse is {wanted!r}: run `dbt parse` with DBT_TARGET=postgres")


def source_from_settings(settings, manifest: str | Path | None = None) -> ReportSource:
    """The configured warehouse (`TOURSTACK_WAREHOUSE`, `..._DUCKDB_PATH`, `..._WAREHOUSE_URL`)
    with the dbt project's manifest unless another is given."""
    manifest_path = Path(manifest) if manifest else DEFAULT_MANIFEST
    if settings.warehouse == "postgres":
        url = settings.warehouse_url.get_secret_value() if settings.warehouse_url else None
        return ReportSource("postgres", manifest_path, postgres_url=url)
    return ReportSource("duckdb", manifest_path, duckdb_path=settings.duckdb_file)
