"""Semantic-layer access: list the declared metrics and dimensions, compile a metric query to SQL
with MetricFlow, and run it on the warehouse (DuckDB read-only, or PostgreSQL).

Only declared names (metrics, dimensions, grains) are accepted; filter values are type-checked
and rendered as literals by this module, never pasted from user text.
"""

from tourstack.metrics.layer import (
    DimensionInfo,
    Filter,
    MetricInfo,
    MetricQuery,
    MetricQueryError,
    QueryResult,
    SemanticLayer,
)

__all__ = [
    "DimensionInfo",
    "Filter",
    "MetricInfo",
    "MetricQuery",
    "MetricQueryError",
    "QueryResult",
    "SemanticLayer",
]
