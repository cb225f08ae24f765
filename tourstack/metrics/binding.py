"""Filter values as driver bind parameters, never as SQL text.

MetricFlow takes a where filter as a SQL fragment and has no notion of bind parameters. So each
value is first written into the fragment as a placeholder token (a string literal made of a
random nonce and a parameter name, nothing the user typed), MetricFlow compiles the query, and
`Placeholders.bind` swaps every occurrence of each token for the driver's parameter marker
(`$name` for DuckDB, `%(name)s` for psycopg). The values travel next to the SQL, so a name like
O'Brien Travels or a value holding `--`, `;`, `{{ }}` or a newline is compared exactly as typed.

Values are type-checked here (dates, not timestamps; finite decimals; 64-bit integers; text
without NUL, which PostgreSQL cannot store) so a wrong value is a clear `MetricQueryError`
instead of a driver error.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from decimal import Decimal
from typing import Any, Literal

MAX_TEXT = 200  # characters in one text filter value
_INT_LIMIT = 2**63


class MetricQueryError(ValueError):
    """The query names something undeclared or carries an unacceptable value."""


def text_problem(value: str) -> str | None:
    """Why a text filter value is refused, or None. Any character but NUL is fine: the value is
    bound as a parameter, so quotes, backslashes and newlines are just text."""
    if len(value) > MAX_TEXT:
        return f"text may hold at most {MAX_TEXT} characters"
    if "\x00" in value:
        return "text may not contain NUL characters"
    return None


def check_value(value: Any, *, time_dimension: bool) -> Any:
    """The value as it will be bound, or MetricQueryError. A time dimension takes a date (an
    ISO `YYYY-MM-DD` text is read as one, since JSON has no date type)."""
    if time_dimension:
        if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            try:
                value = dt.date.fromisoformat(value)
            except ValueError:
                pass
        if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
            raise MetricQueryError("a time dimension is filtered by a date (YYYY-MM-DD), not a "
                                   "timestamp, number or other text")
        return value
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        if not -_INT_LIMIT < value < _INT_LIMIT:
            raise MetricQueryError("integer filter values must fit in 64 bits")
        return value
    if isinstance(value, Decimal):
        if not value.is_finite() or len(value.as_tuple().digits) > 38 or abs(value.adjusted()) > 37:
            raise MetricQueryError("filter value must be a finite number of at most 38 digits")
        return value
    if isinstance(value, float):
        raise MetricQueryError("use Decimal or int for numeric filter values")
    if isinstance(value, dt.datetime):
        raise MetricQueryError("filter on dates, not timestamps")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        problem = text_problem(value)
        if problem:
            raise MetricQueryError(f"filter {problem}")
        return value
    raise MetricQueryError(f"unsupported filter value type: {type(value).__name__}")


class Placeholders:
    """Collects values for one compilation and hands out the tokens that stand for them."""

    def __init__(self) -> None:
        self._nonce = secrets.token_hex(8)
        self.values: dict[str, Any] = {}

    def add(self, value: Any) -> str:
        """A SQL string literal standing for `value` in a where fragment."""
        name = f"p{len(self.values)}"
        self.values[name] = value
        return f"'{self._token(name)}'"

    def _token(self, name: str) -> str:
        return f"tsparam_{self._nonce}_{name}"

    def bind(self, sql: str, engine: Literal["duckdb", "postgres"]) -> tuple[str, dict[str, Any] | None]:
        """(SQL with driver markers, values by name); (sql, None) when nothing is bound.

        Every token must come back only as the complete literal it was written as; anything
        else means MetricFlow rewrote a filter and the query is refused rather than guessed."""
        if not self.values:
            return sql, None
        if engine == "postgres":
            sql = sql.replace("%", "%%")  # psycopg reads % as a marker once parameters are passed
        elif "$" in sql:
            raise MetricQueryError("compiled SQL unexpectedly contains '$'; refusing to bind")
        for name in self.values:
            token = self._token(name)
            literal = f"'{token}'"
            if sql.count(literal) == 0 or sql.count(literal) != sql.count(token):
                raise MetricQueryError(f"filter parameter {name} did not survive compilation intact")
            sql = sql.replace(literal, f"${name}" if engine == "duckdb" else f"%({name})s")
        if f"tsparam_{self._nonce}" in sql:
            raise MetricQueryError("a filter placeholder was left in the compiled SQL")
        return sql, dict(self.values)
