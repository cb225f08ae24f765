"""MetricFlow over the dbt project's semantic manifest (target/semantic_manifest.json).

    layer = SemanticLayer.from_dbt_project("dbt_project")
    layer.metrics()                          # declared metrics
    layer.dimensions(["revenue"])            # dimensions a metric can be grouped or filtered by
    sql = layer.compile(MetricQuery(metrics=["revenue"], group_by=["booking__country"],
                                    grain="month", start=date(2026, 1, 1)))
    result = layer.run_duckdb(query, "var/warehouse.duckdb")

The manifest is target-specific (it carries database and schema names): run `dbt parse` for the
target you query. Compiling needs no database; MetricFlow is imported on first use.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal, Sequence

GRAINS = ("day", "week", "month", "quarter", "year")
OPERATORS = ("=", "!=", "<", "<=", ">", ">=", "in", "not in")
_SAFE_TEXT = re.compile(r"^[\w .,:/&()+\-]{0,200}$", re.UNICODE)
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
Engine = Literal["duckdb", "postgres"]


class MetricQueryError(ValueError):
    """The query names something undeclared or carries an unacceptable value."""


@dataclass(frozen=True)
class MetricInfo:
    name: str
    label: str | None
    description: str | None
    type: str


@dataclass(frozen=True)
class DimensionInfo:
    name: str  # qualified name to group or filter by, e.g. booking__country
    type: str  # categorical or time
    description: str | None


@dataclass(frozen=True)
class Filter:
    dimension: str
    op: str
    value: Any


@dataclass(frozen=True)
class MetricQuery:
    metrics: Sequence[str]
    group_by: Sequence[str] = ()
    where: Sequence[Filter] = ()
    grain: str | None = None  # grain of metric_time when grouped by time
    start: dt.date | None = None
    end: dt.date | None = None
    order_by: Sequence[str] = ()  # metric or group-by names; "-name" for descending
    limit: int | None = None


@dataclass(frozen=True)
class QueryResult:
    columns: list[str]
    rows: list[tuple]
    sql: str = field(repr=False)


class _CompileOnlyClient:
    """The SqlClient MetricFlow needs to pick a dialect; it never touches a database."""

    def __init__(self, engine: Engine):
        from metricflow.protocols.sql_client import SqlEngine

        if engine == "duckdb":
            from metricflow.sql.render.duckdb_renderer import DuckDbSqlPlanRenderer

            self._engine, self._renderer = SqlEngine.DUCKDB, DuckDbSqlPlanRenderer()
        else:
            from metricflow.sql.render.postgres import PostgresSQLSqlPlanRenderer

            self._engine, self._renderer = SqlEngine.POSTGRES, PostgresSQLSqlPlanRenderer()

    @property
    def sql_engine_type(self):
        return self._engine

    @property
    def sql_plan_renderer(self):
        return self._renderer

    def query(self, stmt, sql_bind_parameter_set=None):  # pragma: no cover - never called
        raise NotImplementedError("compile-only client")

    execute = dry_run = query

    def close(self) -> None:
        return None

    def render_bind_parameter_key(self, bind_parameter_key: str) -> str:
        return f"${bind_parameter_key}"


def _literal(value: Any) -> str:
    """A filter value as a SQL literal, only for the types a report builder can produce."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(int(value))
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise MetricQueryError("filter value must be a finite number")
        return format(value, "f")
    if isinstance(value, float):
        raise MetricQueryError("use Decimal or int for numeric filter values")
    if isinstance(value, dt.datetime):
        raise MetricQueryError("filter on dates, not timestamps")
    if isinstance(value, dt.date):
        return f"'{value.isoformat()}'"
    if isinstance(value, str):
        if not _SAFE_TEXT.match(value):
            raise MetricQueryError("filter text may hold letters, digits, spaces and . , : / & ( ) + - only")
        return "'" + value.replace("'", "''") + "'"
    raise MetricQueryError(f"unsupported filter value type: {type(value).__name__}")


class SemanticLayer:
    def __init__(self, manifest_json: str, engine: Engine = "duckdb"):
        from metricflow.engine.metricflow_engine import MetricFlowEngine
        from metricflow_semantics.model.dbt_manifest_parser import parse_manifest_from_dbt_generated_manifest
        from metricflow_semantics.model.semantic_manifest_lookup import SemanticManifestLookup

        if engine not in ("duckdb", "postgres"):
            raise MetricQueryError(f"unsupported engine: {engine}")
        self.engine: Engine = engine
        raw = json.loads(manifest_json)
        self._database = {m["node_relation"]["database"] for m in raw.get("semantic_models", [])} - {None}
        manifest = parse_manifest_from_dbt_generated_manifest(manifest_json_string=manifest_json)
        self._mf = MetricFlowEngine(
            semantic_manifest_lookup=SemanticManifestLookup(manifest),
            sql_client=_CompileOnlyClient(engine),
        )
        self._metrics = {m.name: m for m in self._mf.list_metrics(include_dimensions=False)}
        self._dimension_cache: dict[tuple[str, ...], dict[str, DimensionInfo]] = {}

    @classmethod
    def from_dbt_project(cls, project_dir: str | Path, engine: Engine = "duckdb") -> SemanticLayer:
        path = Path(project_dir) / "target" / "semantic_manifest.json"
        if not path.exists():
            raise FileNotFoundError(f"{path} missing: run `dbt parse` in {project_dir} first")
        return cls(path.read_text(), engine=engine)

    # --- catalogue -------------------------------------------------------------------------

    def metrics(self) -> list[MetricInfo]:
        return [
            MetricInfo(m.name, m.label, m.description, str(m.type.value))
            for m in sorted(self._metrics.values(), key=lambda m: m.name)
        ]

    def dimensions(self, metrics: Sequence[str]) -> list[DimensionInfo]:
        return list(self._dimensions(metrics).values())

    def _dimensions(self, metrics: Sequence[str]) -> dict[str, DimensionInfo]:
        key = tuple(sorted(set(self._check_metrics(metrics))))
        if key not in self._dimension_cache:
            found: dict[str, DimensionInfo] = {}
            for d in self._mf.simple_dimensions_for_metrics(list(key)):
                name = d.dunder_name if d.entity_links else d.name
                found[name] = DimensionInfo(name, str(d.type.value).lower(), d.description)
            found.setdefault("metric_time", DimensionInfo("metric_time", "time", "The metrics' time axis."))
            self._dimension_cache[key] = dict(sorted(found.items()))
        return self._dimension_cache[key]

    def _check_metrics(self, metrics: Sequence[str]) -> list[str]:
        if not metrics:
            raise MetricQueryError("query at least one metric")
        unknown = [m for m in metrics if m not in self._metrics]
        if unknown:
            raise MetricQueryError(f"unknown metrics: {', '.join(map(repr, unknown))}")
        return list(metrics)

    # --- compile ---------------------------------------------------------------------------

    def compile(self, query: MetricQuery) -> str:
        from metricflow.engine.metricflow_engine import MetricFlowQueryRequest

        metrics = self._check_metrics(query.metrics)
        declared = self._dimensions(metrics)
        if query.grain is not None and query.grain not in GRAINS:
            raise MetricQueryError(f"grain must be one of {', '.join(GRAINS)}")
        group_by: list[str] = []
        for name in query.group_by:
            if name not in declared:
                raise MetricQueryError(f"undeclared dimension for these metrics: {name!r}")
            if declared[name].type == "time":
                group_by.append(f"{name}__{query.grain or 'day'}")
            else:
                group_by.append(name)
        where = [self._where(f, declared) for f in query.where]
        order_by: list[str] = []
        outputs = dict(zip(query.group_by, group_by)) | {m: m for m in metrics}
        for item in query.order_by:
            desc, name = item.startswith("-"), item.lstrip("-")
            if name not in outputs:
                raise MetricQueryError(f"order by a queried metric or dimension, not {name!r}")
            order_by.append(("-" if desc else "") + outputs[name])
        if query.limit is not None and (not isinstance(query.limit, int) or not 0 < query.limit <= 100_000):
            raise MetricQueryError("limit must be an integer from 1 to 100000")
        for bound in (query.start, query.end):
            if bound is not None and (not isinstance(bound, dt.date) or isinstance(bound, dt.datetime)):
                raise MetricQueryError("start and end are dates")
        request = MetricFlowQueryRequest.create(
            metric_names=metrics,
            group_by_names=group_by or None,
            where_constraints=where or None,
            time_constraint_start=dt.datetime.combine(query.start, dt.time()) if query.start else None,
            time_constraint_end=dt.datetime.combine(query.end, dt.time()) if query.end else None,
            order_by_names=order_by or None,
            limit=query.limit,
        )
        return self._mf.explain(request).sql_statement.sql

    def _where(self, f: Filter, declared: dict[str, DimensionInfo]) -> str:
        if f.dimension not in declared:
            raise MetricQueryError(f"undeclared dimension for these metrics: {f.dimension!r}")
        op = f.op.lower() if isinstance(f.op, str) else f.op
        if op not in OPERATORS:
            raise MetricQueryError(f"operator must be one of {', '.join(OPERATORS)}")
        if declared[f.dimension].type == "time":
            ref = f"{{{{ TimeDimension('{f.dimension}', 'day') }}}}"
        else:
            ref = f"{{{{ Dimension('{f.dimension}') }}}}"
        if op in ("in", "not in"):
            values = list(f.value) if isinstance(f.value, (list, tuple, set, frozenset)) else None
            if not values or len(values) > 1000:
                raise MetricQueryError("'in' needs a list of 1 to 1000 values")
            return f"{ref} {op} ({', '.join(_literal(v) for v in values)})"
        return f"{ref} {op} {_literal(f.value)}"

    # --- run -------------------------------------------------------------------------------

    def run_duckdb(self, query: MetricQuery, path: str | Path) -> QueryResult:
        """Compile and run on a DuckDB warehouse file, opened read-only."""
        import duckdb

        if self.engine != "duckdb":
            raise MetricQueryError("this layer compiles for PostgreSQL")
        sql = self.compile(query)
        con = duckdb.connect()
        try:
            # attach under the catalogue name the manifest was parsed with
            alias = next(iter(self._database), Path(path).stem)
            if not _NAME.match(alias):
                raise MetricQueryError(f"unexpected catalogue name in the manifest: {alias!r}")
            con.execute(f"attach '{str(path).replace(chr(39), chr(39) * 2)}' as {alias} (read_only)")
            con.execute(f"use {alias}")
            cur = con.execute(sql)
            columns = [d[0] for d in cur.description]
            return QueryResult(columns, cur.fetchall(), sql)
        finally:
            con.close()

    def run_postgres(self, query: MetricQuery, conninfo: str) -> QueryResult:
        """Compile and run on a PostgreSQL warehouse (psycopg conninfo or URL), read-only."""
        import psycopg

        if self.engine != "postgres":
            raise MetricQueryError("this layer compiles for DuckDB")
        sql = self.compile(query)
        with psycopg.connect(conninfo) as con:
            con.read_only = True
            with con.cursor() as cur:
                cur.execute(sql)  # no parameters: MetricFlow SQL carries validated literals only
                columns = [d.name for d in cur.description]
                return QueryResult(columns, cur.fetchall(), sql)
