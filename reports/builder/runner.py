"""Run a ReportSpec: check it against the semantic layer, compile through tourstack.metrics,
run the period (and the comparison period as a second query), and join the two.

Why the join happens here and not in SQL: MetricFlow owns the SQL, and the comparison needs the
same compiled query over other dates. Rows are matched on their categorical dimensions and on
the position of their time bucket in the period (January with January, week 1 with week 1).
All arithmetic is Decimal: money quantised to cents, ratios to 8 places, % change to 4, each
rounded once, half away from zero (ROUND_HALF_UP), like the marts' KPI figures.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from tourstack.metrics import DimensionInfo, Filter, MetricQuery, MetricQueryError
from reports.builder.periods import Period, bucket_index, comparison_period, resolve
from reports.builder.source import ReportSource
from reports.builder.spec import ReportSpec, SpecError
from tourstack.tables import Column, Table

CENT, RATIO, PCT = Decimal("0.01"), Decimal("0.00000001"), Decimal("0.0001")


class ReportResult(Table):
    """A report builder answer: the table plus the spec, the periods and the SQL it came from.
    Every writer in `reports.render` reads it as the `Table` it is."""

    def __init__(self, spec: ReportSpec, columns: list[Column], rows: list[tuple], period: Period | None,
                 previous: Period | None, as_of: dt.date, grain: str | None, sql: list[str] | None = None):
        super().__init__(name=_slug(spec.title), title=spec.title, as_of=as_of, columns=columns, rows=rows,
                         description=spec.description or "", grain=grain)
        self.spec, self.period, self.previous, self.sql = spec, period, previous, list(sql or [])

    def describe_period(self) -> str:
        if self.period is None:
            return "all dates"
        text = self.period.describe()
        if self.spec.date_range and self.spec.date_range.relative:
            text = f"{self.spec.date_range.relative.replace('_', ' ')} ({text})"
        if self.previous is not None:
            text += f", compared with {self.previous.describe()} ({self.spec.comparison.replace('_', ' ')})"
        return text

    def describe_filters(self) -> str:
        parts = []
        for f in self.spec.filters:
            value = ", ".join(map(str, f.value)) if isinstance(f.value, list) else str(f.value)
            value = f"({value})" if isinstance(f.value, list) else value
            parts.append(f"{humanize(f.dimension)} {f.op} {value}")
        return "; ".join(parts) or "none"


def _slug(title: str) -> str:
    import re

    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60] or "report"


def humanize(name: str) -> str:
    """'booking__country' -> 'Booking country', 'agent__agent_name' -> 'Agent name'."""
    parts = name.split("__")
    last = parts[-1]
    if len(parts) > 1 and not last.startswith(parts[-2]):
        last = f"{parts[-2]}_{last}"
    text = last.replace("_", " ").strip()
    if len(parts) > 2:
        text += f" ({parts[0].replace('_', ' ')})"
    return text[:1].upper() + text[1:]


def _metric_kind(label: str | None, mtype: str) -> str:
    if label and "(base)" in label:
        return "money"
    return "integer" if mtype in ("simple", "cumulative") else "ratio"


def _convert(value: Any, kind: str) -> Any:
    if value is None:
        return None
    if kind == "date":
        return value.date() if isinstance(value, dt.datetime) else value
    if kind == "integer":
        return int(value)
    if kind in ("money", "ratio"):
        # Ratio metrics arrive as unrounded Decimal quotients (tourstack.metrics divides their
        # numerator and denominator), rounded here once, half away from zero, to cents or 8
        # places: the marts' rule (kpi_average, kpi_ratio), so the figures match to the digit.
        # Derived and conversion metrics are still DOUBLE from MetricFlow: repr() gives the
        # shortest decimal text of that float.
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        return number.quantize(CENT if kind == "money" else RATIO, rounding=ROUND_HALF_UP)
    if kind == "boolean":
        return bool(value)
    return str(value)


def validate(spec: ReportSpec, source: ReportSource) -> dict[str, DimensionInfo]:
    """Check every name against the semantic layer; SpecError names the field."""
    layer = source.layer()
    known = {m.name for m in layer.metrics()}
    for i, name in enumerate(spec.metrics):
        if name not in known:
            raise SpecError(f"metrics[{i}]: unknown metric {name!r}")
    try:
        declared = {d.name: d for d in layer.dimensions(spec.metrics)}
    except MetricQueryError as exc:
        raise SpecError(f"metrics: {exc}") from None
    for i, name in enumerate(spec.dimensions):
        if name not in declared:
            raise SpecError(f"dimensions[{i}]: {name!r} is not a dimension of these metrics")
    for i, f in enumerate(spec.filters):
        if f.dimension not in declared:
            raise SpecError(f"filters[{i}].dimension: {f.dimension!r} is not a dimension of these metrics")
    if spec.grain and not any(declared[d].type == "time" for d in spec.dimensions):
        raise SpecError("grain: add a time dimension (e.g. metric_time) to dimensions to use a grain")
    return declared


def _query(spec: ReportSpec, declared: dict[str, DimensionInfo], period: Period | None,
           grain: str | None, *, limited: bool) -> MetricQuery:
    order = list(spec.sort) or [d for d in spec.dimensions if declared[d].type == "time"]
    return MetricQuery(
        metrics=spec.metrics,
        group_by=spec.dimensions,
        where=[Filter(f.dimension, f.op, tuple(f.value) if isinstance(f.value, list) else f.value)
               for f in spec.filters],
        grain=grain,
        start=period.start if period else None,
        end=period.end if period else None,
        order_by=order,
        limit=spec.limit if limited else None,
    )


def run_report(spec: ReportSpec, source: ReportSource, *, as_of: dt.date | None = None) -> ReportResult:
    """Validate, run and (with a comparison) join; raises SpecError for specs that cannot run."""
    declared = validate(spec, source)
    layer = source.layer()
    metric_info = {m.name: m for m in layer.metrics()}
    as_of = as_of or dt.date.today()
    period = resolve(spec.date_range, as_of=as_of) if spec.date_range else None
    previous = comparison_period(period, spec.comparison) if period else None
    time_dims = [d for d in spec.dimensions if declared[d].type == "time"]
    grain = (spec.grain or "day") if time_dims else None

    columns = [Column(d, grain.capitalize() if d == "metric_time" and grain else humanize(d),
                      "date" if d in time_dims else "text", "dimension") for d in spec.dimensions]
    for m in spec.metrics:
        info = metric_info[m]
        columns.append(Column(m, info.label or humanize(m), _metric_kind(info.label, info.type), "metric", m))

    try:
        current = _fetch(source, _query(spec, declared, period, grain, limited=True), columns, grain)
        rows = [r for r, _ in current]
        sql = [current.sql]  # type: ignore[attr-defined]
        if previous is not None:
            earlier = _fetch(source, _query(spec, declared, previous, grain, limited=False), columns, grain)
            sql.append(earlier.sql)  # type: ignore[attr-defined]
            rows, extra = _join(columns, current, earlier, period, previous, grain)
            columns = columns + extra
    except MetricQueryError as exc:
        raise SpecError(str(exc)) from None
    return ReportResult(spec, columns, rows, period, previous, as_of, grain, sql)


class _Fetched(list):
    sql: str


def _fetch(source: ReportSource, query: MetricQuery, columns: list[Column], grain: str | None) -> _Fetched:
    result = source.run(query)
    position = {name.lower(): i for i, name in enumerate(result.columns)}
    picks = []
    for col in columns:
        key = f"{col.name}__{grain}" if col.kind == "date" else col.name
        if key not in position:
            raise MetricQueryError(f"the query returned no column {key!r}")
        picks.append(position[key])
    out = _Fetched()
    for raw in result.rows:
        row = tuple(_convert(raw[i], col.kind) for i, col in zip(picks, columns))
        out.append((row, raw))
    out.sql = result.sql
    return out


def _key(row: tuple, columns: list[Column], start: dt.date | None, grain: str | None) -> tuple:
    key = []
    for value, col in zip(row, columns):
        if col.role != "dimension":
            continue
        if col.kind == "date" and value is not None and start is not None and grain:
            key.append(("#", bucket_index(value, start, grain)))
        else:
            key.append(value)
    return tuple(key)


def change(current: Any, previous: Any) -> tuple[Any, Decimal | None]:
    """(delta, % change as a fraction rounded half up to 4 places); None where undefined."""
    if current is None or previous is None:
        return None, None
    delta = current - previous
    if previous == 0:
        return delta, None
    return delta, (Decimal(delta) / Decimal(previous)).quantize(PCT, rounding=ROUND_HALF_UP)


def _join(base: list[Column], current: _Fetched, earlier: _Fetched, period: Period, previous: Period,
          grain: str | None) -> tuple[list[tuple], list[Column]]:
    """Current rows plus previous/delta/% change per metric; rows only in `earlier` are dropped."""
    lookup = {_key(row, base, previous.start, grain): row for row, _ in earlier}
    extra: list[Column] = []
    for col in base:
        if col.role != "metric":
            continue
        extra += [Column(f"{col.name}_previous", f"{col.label}, previous", col.kind, "previous", col.name),
                  Column(f"{col.name}_delta", f"{col.label}, change", col.kind, "delta", col.name),
                  Column(f"{col.name}_pct_change", f"{col.label}, % change", "percent", "pct_change", col.name)]
    rows = []
    for row, _ in current:
        before = lookup.get(_key(row, base, period.start, grain))
        added: list[Any] = []
        for i, col in enumerate(base):
            if col.role != "metric":
                continue
            prev = before[i] if before is not None else None
            delta, pct = change(row[i], prev)
            added += [prev, delta, pct]
        rows.append(row + tuple(added))
    return rows, extra
