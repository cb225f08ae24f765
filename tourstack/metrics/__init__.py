"""Semantic-layer access: list the declared metrics and dimensions, compile a metric query to SQL
with MetricFlow, and run it on the warehouse (DuckDB read-only, or PostgreSQL).

Only declared names (metrics, dimensions, grains) are accepted; filter values are type-checked
and bound as driver parameters, so no user text ever becomes SQL. Ratio metrics with plain
inputs come back as exact Decimals (8 decimals, half up), not DOUBLE.
"""

from tourstack.metrics.layer import (
    DimensionInfo,
    Filter,
    MetricInfo,
    MetricQuery,
    MetricQueryError,
    PreparedQuery,
    QueryResult,
    SemanticLayer,
    exact_ratio,
)

__all__ = [
    "DimensionInfo",
    "Filter",
    "MetricInfo",
    "MetricQuery",
    "MetricQueryError",
    "PreparedQuery",
    "QueryResult",
    "SemanticLayer",
    "exact_ratio",
]
