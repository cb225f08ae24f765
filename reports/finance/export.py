"""The finance statements of `tourstack.finance` as CSV or XLSX files, written by the one
rendering toolkit (`reports.render`): the same formats, line ends and formula safety as every
other export."""

from __future__ import annotations

from pathlib import Path

from reports.render.csvfile import to_csv
from reports.render.workbook import table_xlsx
from tourstack.tables import Table

FORMATS = ("csv", "xlsx")


def write_xlsx(report: Table, path: str | Path) -> Path:
    path = Path(path)
    path.write_bytes(table_xlsx(report))
    return path


def write(report: Table, fmt: str, path: str | Path) -> Path:
    path = Path(path)
    if fmt == "csv":
        path.write_bytes(to_csv(report).encode("utf-8"))
        return path
    if fmt == "xlsx":
        return write_xlsx(report, path)
    raise ValueError(f"unknown format {fmt!r}; use csv or xlsx")


__all__ = ["FORMATS", "to_csv", "write", "write_xlsx"]
