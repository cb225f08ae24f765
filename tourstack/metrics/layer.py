"""MetricFlow over the dbt project's semantic manifest (target/semantic_manifest.json).

    layer = SemanticLayer.from_dbt_project("dbt_project")
    layer.metrics()                          # declared metrics
    layer.dimensions(["revenue"])            # dimensions a metric can be grouped or filtered by
    sql = layer.compile(MetricQuery(metrics=["revenue"], group_by=["booking__country"],
                                    grain="month", start=date(2026, 1, 1)))
    result = layer.run_duckdb(query, "var/warehouse.duckdb")

The manifest is target-specific (it carries database and schema names): run `dbt parse` for the
target you query. Compiling needs no database; MetricFlow is imported on first use.

Filter values never become SQL text: they are bound as driver parameters (`binding.py`), so
`compile()` returns SQL with `$p0`/`%(p0)s` markers and `prepare()` returns the values too.

Ratio metrics: MetricFlow divides in DOUBLE, which can be a cent off an exact average. When a
ratio's numerator and denominator are plain metrics (no filter, offset or alias), the layer also
fetches them (exact DECIMAL/integer sums) and returns their quotient as an unrounded Decimal, so
the caller rounds it once, to the figure's scale, as the marts do (dbt_project/macros/kpi.sql:
half away from zero, 8 decimals for ratios, 2 for averages).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal, localcontext
from pathlib import Path
from typing import Any, Literal, Sequence

from tourstack.metrics.binding import MetricQueryError, Placeholders, check_value

GRAINS = ("day", "week", "month", "quarter", "year")
OPERATORS = ("=", "!=", "<", "<=", ">", ">=", "in", "not in")
# Significant digits of a ratio's quotient: the quotient of two numeric(38, 8) values either
# fits (it lies on a rounding boundary of at most 9 decimals) or is further from every such
# boundary (>= 5e-47) than the error at 100 digits (<= 1e-62), so rounding it once afterwards
# gives the digits exact rational rounding would.
_QUOTIENT_DIGITS = 100
_NAME = re.compile(r"[a-z][a-z0-9_]*")
Engine = Literal["duckdb", "postgres"]

__all__ = ["DimensionInfo", "Filter", "MetricInfo", "MetricQuery", "MetricQueryError", "PreparedQuery",
           "QueryResult", "SemanticLayer", "exact_ratio"]


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
    sql: str = field(repr=False)  # as sent to the driver: parameter markers, no filter values
    params: dict[str, Any] | None = field(default=None, repr=False)


@dataclass(frozen=True)
class PreparedQuery:
    """Compiled SQL, the values bound to its markers, and the exact-ratio work left to do.

    `ratios` are (metric, numerator, denominator) output columns; `hidden` are numerator and
    denominator columns fetched only for that division and dropped from the result."""

    sql: str
    params: dict[str, Any] | None
    ratios: tuple[tuple[str, str, str], ...] = ()
    hidden: tuple[str, ...] = ()


def exact_ratio(numerator: Any, denominator: Any) -> Decimal | None:
    """numerator / denominator as a Decimal, not yet rounded (see _QUOTIENT_DIGITS); None when
    either is missing or the denominator is 0 (as MetricFlow's NULLIF and the marts' kpi_ratio)."""
    if numerator is None or denominator is None:
        return None
    num, den = (Decimal(repr(x)) if isinstance(x, float) else Decimal(x) for x in (numerator, denominator))
    if den == 0:
        return None
    with localcontext() as ctx:
        ctx.prec = _QUOTIENT_DIGITS
        return num / den


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
        """The SQL for `query`, with parameter markers where filter values go."""
        return self.prepare(query).sql

    def prepare(self, query: MetricQuery) -> PreparedQuery:
        """Check every name, compile through MetricFlow with placeholder filters, bind them."""
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
        placeholders = Placeholders()
        where = [self._where(f, declared, placeholders) for f in query.where]
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
        ratios = tuple((m, *parts) for m in dict.fromkeys(metrics) if (parts := self._plain_ratio(m)))
        hidden = tuple(dict.fromkeys(n for _, *parts in ratios for n in parts if n not in metrics))
        request = MetricFlowQueryRequest.create(
            metric_names=[*metrics, *hidden],
            group_by_names=group_by or None,
            where_constraints=where or None,
            time_constraint_start=dt.datetime.combine(query.start, dt.time()) if query.start else None,
            time_constraint_end=dt.datetime.combine(query.end, dt.time()) if query.end else None,
            order_by_names=order_by or None,
            limit=query.limit,
        )
        sql, params = placeholders.bind(self._mf.explain(request).sql_statement.sql, self.engine)
        return PreparedQuery(sql, params, ratios, hidden)

    def _plain_ratio(self, metric: str) -> tuple[str, str] | None:
        """(numerator, denominator) metric names of a ratio that can be recomputed exactly from
        them: no filter on the ratio or its inputs, no offset, no alias. Other ratios keep
        MetricFlow's DOUBLE quotient."""
        info = self._metrics[metric]
        if str(info.type.value).lower() != "ratio" or info.filter is not None:
            return None
        parts = (info.type_params.numerator, info.type_params.denominator)
        if any(p is None or p.filter or p.alias or p.offset_window or p.offset_to_grain for p in parts):
            return None
        if not all(p.name in self._metrics for p in parts):
            return None
        return parts[0].name, parts[1].name

    def _where(self, f: Filter, declared: dict[str, DimensionInfo], placeholders: Placeholders) -> str:
        if f.dimension not in declared:
            raise MetricQueryError(f"undeclared dimension for these metrics: {f.dimension!r}")
        op = f.op.lower() if isinstance(f.op, str) else f.op
        if op not in OPERATORS:
            raise MetricQueryError(f"operator must be one of {', '.join(OPERATORS)}")
        is_time = declared[f.dimension].type == "time"
        # the dimension name is a declared identifier (checked above), safe inside the Jinja call
        ref = (f"{{{{ TimeDimension('{f.dimension}', 'day') }}}}" if is_time
               else f"{{{{ Dimension('{f.dimension}') }}}}")
        if op in ("in", "not in"):
            values = list(f.value) if isinstance(f.value, (list, tuple, set, frozenset)) else None
            if not values or len(values) > 1000:
                raise MetricQueryError("'in' needs a list of 1 to 1000 values")
            marks = [placeholders.add(check_value(v, time_dimension=is_time)) for v in values]
            return f"{ref} {op} ({', '.join(marks)})"
        return f"{ref} {op} {placeholders.add(check_value(f.value, time_dimension=is_time))}"

    # --- run -------------------------------------------------------------------------------

    def run_duckdb(self, query: MetricQuery, path: str | Path) -> QueryResult:
        """Compile and run on a DuckDB warehouse file, opened read-only."""
        import duckdb

        if self.engine != "duckdb":
            raise MetricQueryError("this layer compiles for PostgreSQL")
        prepared = self.prepare(query)
        con = duckdb.connect()
        try:
            # attach under the catalogue name the manifest was parsed with
            alias = next(iter(self._database), Path(path).stem)
            if not _NAME.fullmatch(alias):
                raise MetricQueryError(f"unexpected catalogue name in the manifest: {alias!r}")
            con.execute(f"attach '{str(path).replace(chr(39), chr(39) * 2)}' as {alias} (read_only)")
            con.execute(f"use {alias}")
            try:
                cur = con.execute(prepared.sql, prepared.params)
            except duckdb.ConversionException:  # e.g. text compared with a numeric dimension
                raise MetricQueryError("a filter value does not fit the type of its dimension") from None
            columns = [d[0] for d in cur.description]
            return self._result(prepared, columns, cur.fetchall())
        finally:
            con.close()

    def run_postgres(self, query: MetricQuery, conninfo: str) -> QueryResult:
        """Compile and run on a PostgreSQL warehouse (psycopg conninfo or URL), read-only."""
        import psycopg

        if self.engine != "postgres":
            raise MetricQueryError("this layer compiles for DuckDB")
        prepared = self.prepare(query)
        with psycopg.connect(conninfo) as con:
            con.read_only = True
            with con.cursor() as cur:
                try:
                    cur.execute(prepared.sql, prepared.params)
                except (psycopg.errors.InvalidTextRepresentation, psycopg.errors.InvalidDatetimeFormat,
                        psycopg.errors.DatetimeFieldOverflow):  # a value the dimension's type cannot hold
                    raise MetricQueryError("a filter value does not fit the type of its dimension") from None
                columns = [d.name for d in cur.description]
                return self._result(prepared, columns, cur.fetchall())

    @staticmethod
    def _result(prepared: PreparedQuery, columns: list[str], rows: list[tuple]) -> QueryResult:
        """Replace ratio columns by their exact quotient and drop the helper columns."""
        if not prepared.ratios:
            return QueryResult(columns, rows, prepared.sql, prepared.params)
        position = {c.lower(): i for i, c in enumerate(columns)}
        swaps = [(position[m], position[n], position[d]) for m, n, d in prepared.ratios]
        keep = [i for i, c in enumerate(columns) if c.lower() not in prepared.hidden]
        out = []
        for row in rows:
            values = list(row)
            for at, num, den in swaps:
                values[at] = exact_ratio(row[num], row[den])
            out.append(tuple(values[i] for i in keep))
        return QueryResult([columns[i] for i in keep], out, prepared.sql, prepared.params)
