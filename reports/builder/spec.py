"""The report specification: what a user may ask for, validated before anything is compiled.

Why a strict schema of its own: specs arrive from YAML files, the API and the database, written
by people. Every name is checked against a narrow pattern here and against the declared
semantic layer later (`reports.builder.runner`). Filter values are typed and, in
`tourstack.metrics`, bound as driver parameters: any text (O'Brien Travels, Goa "North") can be
filtered on and none of it becomes SQL. Errors name the field (`filters[0].op: ...`) so the
author can fix the spec without reading a traceback.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from tourstack.metrics.binding import text_problem

Grain = Literal["day", "week", "month", "quarter", "year"]
Relative = Literal["last_7_days", "last_30_days", "month_to_date", "year_to_date", "last_month",
                   "last_12_months"]
Comparison = Literal["none", "previous_period", "previous_year"]
ChartType = Literal["bar", "line", "area", "pie", "table", "big_number"]
Operator = Literal["=", "!=", "<", "<=", ">", ">=", "in", "not in"]

NAME = re.compile(r"[a-z][a-z0-9_]{0,79}")  # always fullmatch: `$` would let "name\n" through
Scalar = Union[bool, int, Decimal, dt.date, str]


class SpecError(ValueError):
    """A report spec that cannot be run; the message names the offending field."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _check_name(value: str, what: str) -> str:
    if not isinstance(value, str) or not NAME.fullmatch(value):
        raise ValueError(f"{what} must be a lower-case identifier (letters, digits, _), got {value!r}")
    return value


class FilterSpec(_Strict):
    dimension: str
    op: Operator = "="
    value: Scalar | list[Scalar]

    @field_validator("op", mode="before")
    @classmethod
    def _op(cls, v: Any) -> Any:
        return v.lower().strip() if isinstance(v, str) else v

    @field_validator("dimension")
    @classmethod
    def _dimension(cls, v: str) -> str:
        return _check_name(v, "dimension")

    @field_validator("value", mode="before")
    @classmethod
    def _value(cls, v: Any) -> Any:
        def one(x: Any) -> Any:
            if isinstance(x, float):  # YAML/JSON numbers with a fraction: exact, never float
                return Decimal(str(x))
            if isinstance(x, dt.datetime):
                raise ValueError("filter on dates, not timestamps")
            # the same limits tourstack.metrics applies, checked here so the error names the field
            if isinstance(x, str) and (problem := text_problem(x)):
                raise ValueError(problem)
            if x is None or isinstance(x, (dict, list, tuple)):
                raise ValueError("must be text, a number, true/false or a date")
            return x
        if isinstance(v, (list, tuple)):
            return [one(x) for x in v]
        return one(v)

    @model_validator(mode="after")
    def _list_for_in(self) -> FilterSpec:
        many = isinstance(self.value, list)
        if self.op in ("in", "not in") and (not many or not 1 <= len(self.value) <= 1000):
            raise ValueError(f"'{self.op}' needs a list of 1 to 1000 values")
        if self.op not in ("in", "not in") and many:
            raise ValueError(f"'{self.op}' takes one value; use 'in' for a list")
        return self


class DateRange(_Strict):
    """Either explicit `start`/`end` (inclusive) or a `relative` range ending at `as_of`."""

    start: dt.date | None = None
    end: dt.date | None = None
    relative: Relative | None = None
    as_of: dt.date | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> DateRange:
        if self.relative is None:
            if self.start is None or self.end is None:
                raise ValueError("give start and end, or a relative range")
            if self.as_of is not None:
                raise ValueError("as_of only goes with a relative range")
            if self.start > self.end:
                raise ValueError(f"start {self.start} is after end {self.end}")
            if (self.end - self.start).days > 366 * 20:
                raise ValueError("a range may span at most 20 years")
        elif self.start is not None or self.end is not None:
            raise ValueError("give either start/end or relative, not both")
        return self


class ChartSpec(_Strict):
    type: ChartType = "table"
    x: str | None = None
    y: list[str] = Field(default_factory=list, max_length=10)
    series: str | None = None

    @field_validator("y", mode="before")
    @classmethod
    def _y_list(cls, v: Any) -> Any:
        return [v] if isinstance(v, str) else v

    @field_validator("x", "series")
    @classmethod
    def _names(cls, v: str | None) -> str | None:
        return None if v is None else _check_name(v, "chart field")

    @field_validator("y")
    @classmethod
    def _metrics(cls, v: list[str]) -> list[str]:
        return [_check_name(m, "chart metric") for m in v]


class ReportSpec(_Strict):
    title: str = Field(min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=2000)
    metrics: list[str] = Field(min_length=1, max_length=10)
    dimensions: list[str] = Field(default_factory=list, max_length=5)
    filters: list[FilterSpec] = Field(default_factory=list, max_length=20)
    grain: Grain | None = None
    date_range: DateRange | None = None
    comparison: Comparison = "none"
    sort: list[str] = Field(default_factory=list, max_length=5)
    limit: int | None = Field(default=None, ge=1, le=100_000)
    chart: ChartSpec = Field(default_factory=ChartSpec)

    @field_validator("title")
    @classmethod
    def _title(cls, v: str) -> str:
        if any(ord(c) < 32 for c in v):
            raise ValueError("title must be one line of text")
        return v.strip()

    @field_validator("metrics", "dimensions")
    @classmethod
    def _unique_names(cls, v: list[str]) -> list[str]:
        names = [_check_name(n, "name") for n in v]
        if len(set(names)) != len(names):
            raise ValueError("names must not repeat")
        return names

    @field_validator("sort")
    @classmethod
    def _sort(cls, v: list[str]) -> list[str]:
        for item in v:
            _check_name(item[1:] if isinstance(item, str) and item.startswith("-") else item,
                        "sort key (a metric or dimension, '-' prefix for descending)")
        return v

    @model_validator(mode="after")
    def _consistent(self) -> ReportSpec:
        outputs = set(self.metrics) | set(self.dimensions)
        for i, item in enumerate(self.sort):
            if item.lstrip("-") not in outputs:
                raise ValueError(f"sort[{i}]: {item.lstrip('-')!r} is not among the metrics or dimensions")
        if self.comparison != "none" and self.date_range is None:
            raise ValueError("a comparison needs a date_range")
        chart = self.chart
        for name in chart.y:
            if name not in self.metrics:
                raise ValueError(f"chart.y: {name!r} is not one of the report's metrics")
        for field in ("x", "series"):
            name = getattr(chart, field)
            if name is not None and name not in self.dimensions:
                raise ValueError(f"chart.{field}: {name!r} is not one of the report's dimensions")
        if chart.type in ("bar", "line", "area", "pie") and not self.dimensions:
            raise ValueError(f"chart.type: a {chart.type} chart needs at least one dimension")
        if chart.type == "pie" and (len(chart.y) > 1 or (not chart.y and len(self.metrics) > 1)):
            raise ValueError("chart.y: a pie chart shows exactly one metric")
        if chart.type == "big_number" and (self.dimensions or len(chart.y) > 1):
            raise ValueError("chart.type: big_number shows one metric without dimensions")
        return self

    # --- derived choices the renderers share ----------------------------------------------

    @property
    def chart_x(self) -> str | None:
        return self.chart.x or next((d for d in self.dimensions if d != self.chart.series), None)

    @property
    def chart_y(self) -> list[str]:
        return list(self.chart.y) or list(self.metrics[:1] if self.chart.type in ("pie", "big_number")
                                          else self.metrics)


_UNION_TAGS = {"bool", "int", "decimal", "date", "str", "float", "list"}


def _format_error(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors():
        loc = ""
        for item in err["loc"]:
            if isinstance(item, int):
                loc += f"[{item}]"
            elif "[" in str(item) or item in _UNION_TAGS:  # pydantic's union/validator tags
                continue
            else:
                loc += f".{item}" if loc else str(item)
        msg = err["msg"].removeprefix("Value error, ")
        parts.append(f"{loc}: {msg}" if loc else msg)
    return "; ".join(dict.fromkeys(parts))


def parse_spec(data: Any) -> ReportSpec:
    """A ReportSpec from already-decoded data (a dict), or SpecError naming the field."""
    if isinstance(data, ReportSpec):
        return data
    if not isinstance(data, dict):
        raise SpecError("a report spec must be a mapping of fields (title, metrics, ...)")
    try:
        return ReportSpec.model_validate(data)
    except ValidationError as exc:
        raise SpecError(_format_error(exc)) from None


def loads_spec(text: str, *, fmt: Literal["yaml", "json"] = "yaml") -> ReportSpec:
    """Parse YAML (a superset of JSON) or strict JSON text into a spec."""
    import yaml

    try:
        data = json.loads(text, parse_float=Decimal) if fmt == "json" else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise SpecError(f"not valid {fmt.upper()}: {str(exc).splitlines()[0]}") from None
    return parse_spec(data)


def load_spec(path: str | Path) -> ReportSpec:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SpecError(f"cannot read {path}: {exc.strerror}") from None
    return loads_spec(text, fmt="json" if path.suffix.lower() == ".json" else "yaml")


def spec_to_data(spec: ReportSpec) -> dict[str, Any]:
    """JSON-ready form for storage: Decimals as strings, dates as ISO text."""
    return spec.model_dump(mode="json", exclude_none=True)
