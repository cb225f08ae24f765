"""The one CSV writer: RFC 4180, UTF-8, CRLF line ends, spreadsheet-safe text.

Why CRLF: the csv module quotes a field only for characters of its line terminator, so with LF
alone a name holding a bare CR would be written unquoted and split its row in every reader.
Values are written exactly (money to its two places, amounts and ratios as stored, dates ISO);
text that a spreadsheet would run as a formula is defused (`reports.render.safety`).
"""

from __future__ import annotations

import csv
import io
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from reports.render.safety import csv_text
from tourstack.tables import Table

CENT = Decimal("0.01")


def csv_value(value: Any, kind: str) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return csv_text(value)
    if kind == "money":
        return f"{Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP):f}"
    if kind in ("amount", "ratio", "percent") and not isinstance(value, bool):
        return format(Decimal(value), "f")
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def to_csv(table: Table) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([csv_text(c.label) for c in table.columns])
    for row in table.rows:
        writer.writerow([csv_value(v, c.kind) for v, c in zip(row, table.columns)])
    return buf.getvalue()
