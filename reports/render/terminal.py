"""A table on the terminal (`tourstack report run --format table`): the same display text as
the PDF, numbers right-aligned."""

from __future__ import annotations

from rich.console import Console

from reports.render.formats import format_value, is_numeric
from tourstack.tables import Table


def print_table(table: Table, console: Console | None = None) -> None:
    from rich.table import Table as RichTable

    out = RichTable(title=table.title, caption=f"{table.describe_period()}; filters: {table.describe_filters()}")
    for col in table.columns:
        out.add_column(col.label, justify="right" if is_numeric(col.kind) else "left")
    for row in table.rows:
        out.add_row(*(format_value(v, c.kind, grain=table.grain) for v, c in zip(row, table.columns)))
    (console or Console(width=max(120, Console().width))).print(out)
