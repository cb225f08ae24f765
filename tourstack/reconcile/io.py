"""Reading the transaction and receivable CSV files, and writing matches, exceptions and summary.

Why strict: a reconciliation that silently drops a line it could not parse reports a match rate
over the wrong population, and an amount read through a float can be off by a minor unit. Every
value is validated column by column (vectorised, so a 1M-line file costs well under a second);
the first bad value is reported with its file, line and column, and nothing is dropped.

Rows are read with the csv module so every record knows the line it starts on (a quoted field
may hold a newline): a record with more or fewer fields than the header is an error naming that
line, blank lines (a trailing newline, LF or CRLF) are skipped. A file with a header and no
rows is valid and gives empty outputs.

Amounts become integer minor units by string arithmetic (integer part and fraction digits), never
through a float. More fraction digits than the currency has (12.345 EUR) is an error, not a
rounding: a bank file does not round. A comma is accepted only as a thousands separator in
well-formed groups (1,234,567.50); anything else with a comma (a decimal comma such as 12,50)
is an error rather than an amount a hundred times too large.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import polars as pl

from tourstack.money import ISO_4217, exponent, from_minor

TRANSACTION_COLUMNS = ("txn_id", "source", "booked_on", "amount", "currency", "fee",
                       "reference", "counterparty", "description")
RECEIVABLE_COLUMNS = ("invoice_number", "booking_ref", "agency", "customer_name", "amount_due",
                      "currency", "issued_on", "due_on")
# sign, integer part (plain digits, or 1-3 digits then comma-separated groups of three), fraction
_AMOUNT_RE = r"^\s*(-?)(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d*))?\s*$"
_DATE_RE = r"^\d{4}-\d{2}-\d{2}$"


class InputFileError(ValueError):
    """A malformed input file; the message names the file, the line and the column."""

    def __init__(self, path: str, line: int | None, column: str | None, problem: str) -> None:
        where = path if line is None else f"{path}, line {line}"
        if column:
            where += f", column {column!r}"
        super().__init__(f"{where}: {problem}")
        self.path, self.line, self.column, self.problem = path, line, column, problem


@dataclass(frozen=True)
class _Source:
    path: str
    frame: pl.DataFrame  # all columns as strings, plus "_line" (1-based line in the file)


def _read(path: Path, required: tuple[str, ...]) -> _Source:
    name = str(path)
    if not path.is_file():
        raise InputFileError(name, None, None, "file not found")
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle, strict=True)
        header = _records(path, reader, lambda: next(reader, None))
    if not header or not any(h.strip() for h in header):
        raise InputFileError(name, 1, None, "empty file, expected a header line")
    header = [h.strip() for h in header]
    missing = [c for c in required if c not in header]
    if missing:
        raise InputFileError(name, 1, missing[0],
                             f"missing column(s) {', '.join(missing)}; header is {', '.join(header)}")
    positions = [header.index(c) for c in required]
    frame = _read_fast(path, len(header))
    if frame is None:
        frame = _read_exact(path, name, len(header))
    frame = frame.select([pl.col(f"f{i}").str.strip_chars().alias(c) for c, i in zip(required, positions, strict=True)]
                         + [pl.col("_line")])
    return _Source(name, frame)


def _read_fast(path: Path, width: int) -> pl.DataFrame | None:
    """Arrow's multithreaded parser, when the file is plain: every record on one line, no blank
    line before the last record, every record `width` fields. Then record k is on line k + 2.
    Anything else (a quoted newline, a blank line inside, a ragged row, bad UTF-8, odd quoting)
    returns None and the exact reader decides, with the line it happened on."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    data = path.read_bytes()
    names = [f"f{i}" for i in range(width)]
    try:
        table = pacsv.read_csv(
            pa.BufferReader(data),
            read_options=pacsv.ReadOptions(column_names=names, skip_rows=1),
            parse_options=pacsv.ParseOptions(newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(column_types=dict.fromkeys(names, pa.string()),
                                                 strings_can_be_null=False, quoted_strings_can_be_null=False))
    except (pa.ArrowInvalid, pa.ArrowException):
        return None
    end = len(data)
    while end and data[end - 1] in b"\r\n":  # trailing blank lines are allowed
        end -= 1
    if data.count(b"\n", 0, end) != table.num_rows:  # header + one line per record
        return None
    frame = pl.from_arrow(table)
    assert isinstance(frame, pl.DataFrame)
    return frame.with_columns(pl.int_range(2, table.num_rows + 2, dtype=pl.Int64).alias("_line"))


def _read_exact(path: Path, name: str, width: int) -> pl.DataFrame:
    """The csv module, record by record, knowing the line each record starts on."""
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle, strict=True)
        _records(path, reader, lambda: next(reader, None))
        rows, starts = _records(path, reader, lambda: _rows(name, reader, width))
    columns = list(zip(*rows, strict=True)) if rows else [()] * width
    return pl.DataFrame([pl.Series(f"f{i}", columns[i], dtype=pl.String) for i in range(width)]
                        + [pl.Series("_line", starts, dtype=pl.Int64)])


def _records(path: Path, reader, read):
    """Run `read`, turning the csv module's errors into InputFileError at the line they hit."""
    try:
        return read()
    except csv.Error as exc:
        raise InputFileError(str(path), reader.line_num or 1, None, f"not a readable CSV file ({exc})") from None
    except UnicodeDecodeError:
        # The text layer decodes ahead of the csv reader: find the line from the bytes.
        data = path.read_bytes()
        try:
            data.decode("utf-8-sig")
            line = None
        except UnicodeDecodeError as exc:
            line = data[:exc.start].count(b"\n") + 1
        raise InputFileError(str(path), line, None, "not UTF-8 text") from None


def _rows(name: str, reader, width: int) -> tuple[list[list[str]], list[int]]:
    """Records after the header and the line each starts on; blank lines skipped, wrong widths refused.

    `reader.line_num` counts physical lines, so after a record spanning two lines (a quoted
    newline) the next record starts at the previous line_num + 1, not at its index + 2.
    """
    rows: list[list[str]] = []
    starts: list[int] = []
    append_row, append_start = rows.append, starts.append
    end = reader.line_num
    for row in reader:
        if len(row) != width:
            if not row or not "".join(row).strip():
                end = reader.line_num
                continue  # a blank line: the trailing newline of a spreadsheet export
            raise InputFileError(name, end + 1, None,
                                 f"{len(row)} field(s) where the header has {width}")
        append_row(row)
        append_start(end + 1)
        end = reader.line_num
    return rows, starts


def _fail_first(src: _Source, bad: pl.Series, column: str, problem: str) -> None:
    if bad.any():
        row = src.frame.filter(bad).row(0, named=True)
        raise InputFileError(src.path, row["_line"], column, problem.format(value=row[column]))


def _require(src: _Source, column: str) -> None:
    _fail_first(src, src.frame[column] == "", column, "empty value")


def _dates(src: _Source, column: str) -> pl.Series:
    text = src.frame[column]
    parsed = text.str.to_date("%Y-%m-%d", strict=False)
    bad = parsed.is_null() | ~text.str.contains(_DATE_RE)
    _fail_first(src, bad, column, "bad date {value!r}, expected YYYY-MM-DD")
    return parsed


def _currencies(src: _Source, column: str = "currency") -> pl.Series:
    code = src.frame[column].str.to_uppercase()
    bad = ~code.is_in(sorted(ISO_4217))
    _fail_first(src, bad, column, "unknown currency {value!r}, expected an ISO 4217 code")
    return code


def _minor(src: _Source, column: str, currency: pl.Series, *, allow_empty: bool = False,
           allow_negative: bool = True) -> pl.Series:
    """Decimal text -> integer minor units of `currency`, exactly (no float on the way)."""
    text = src.frame[column]
    empty = text == ""
    parts = text.str.extract_groups(_AMOUNT_RE)
    sign, whole, frac = parts.struct.field("1"), parts.struct.field("2"), parts.struct.field("3")
    bad = whole.is_null() & ~(empty if allow_empty else pl.repeat(False, len(text), eager=True))
    _fail_first(src, bad & text.str.contains(","), column,
                "bad amount {value!r}: a comma is only read as a thousands separator (1,234.50); "
                "write decimals with a dot")
    _fail_first(src, bad, column, "bad amount {value!r}, expected a number like 1234.50")
    whole = whole.str.replace_all(",", "", literal=True)
    if not allow_negative:
        _fail_first(src, (sign == "-").fill_null(False), column, "negative amount {value!r}")
    exp = currency.replace_strict({c: exponent(c) for c in ISO_4217}, return_dtype=pl.Int64)
    frac = frac.fill_null("")
    too_precise = frac.str.len_chars() > exp
    _fail_first(src, too_precise.fill_null(False), column,
                "amount {value!r} has more decimals than its currency allows")
    frame = pl.DataFrame({"w": whole, "f": frac, "e": exp, "s": sign})
    too_big = (frame["w"].str.len_chars() > 15).fill_null(False)
    _fail_first(src, too_big, column, "amount {value!r} is too large")
    minor = frame.select(
        (pl.col("w").cast(pl.Int64) * pl.lit(10).pow(pl.col("e"))
         + pl.col("f").str.pad_end(4, "0").str.slice(0, pl.col("e")).replace("", "0").cast(pl.Int64))
        * pl.when(pl.col("s") == "-").then(-1).otherwise(1)
    ).to_series()
    return minor.fill_null(0) if allow_empty else minor


def _unique(src: _Source, column: str) -> None:
    dup = ~src.frame[column].is_first_distinct()  # the second occurrence is the bad line
    _fail_first(src, dup, column, "duplicate value {value!r}")


def read_transactions(path: Path | str) -> pl.DataFrame:
    src = _read(Path(path), TRANSACTION_COLUMNS)
    for column in ("txn_id", "booked_on", "amount", "currency"):
        _require(src, column)
    _unique(src, "txn_id")
    currency = _currencies(src)
    booked = _dates(src, "booked_on")
    amount = _minor(src, "amount", currency)
    fee = _minor(src, "fee", currency, allow_empty=True, allow_negative=False)
    f = src.frame
    return pl.DataFrame({
        "txn_id": f["txn_id"], "source": f["source"], "booked_on": booked, "amount": amount,
        "currency": currency, "fee": fee, "reference": f["reference"],
        "counterparty": f["counterparty"], "description": f["description"], "line": f["_line"],
    })


def read_receivables(path: Path | str) -> pl.DataFrame:
    src = _read(Path(path), RECEIVABLE_COLUMNS)
    for column in ("invoice_number", "amount_due", "currency", "issued_on", "due_on"):
        _require(src, column)
    _unique(src, "invoice_number")
    currency = _currencies(src)
    issued, due = _dates(src, "issued_on"), _dates(src, "due_on")
    amount = _minor(src, "amount_due", currency, allow_negative=False)
    f = src.frame
    return pl.DataFrame({
        "invoice_number": f["invoice_number"], "booking_ref": f["booking_ref"],
        "agency": f["agency"], "customer_name": f["customer_name"], "amount_due": amount,
        "currency": currency, "issued_on": issued, "due_on": due, "line": f["_line"],
    })


def decimal_text(minor: pl.Expr, currency: pl.Expr) -> pl.Expr:
    """Integer minor units -> '1234.50' text with the currency's places, in integer arithmetic."""
    exp = currency.replace_strict({c: exponent(c) for c in ISO_4217}, return_dtype=pl.Int64)
    scale = pl.lit(10, dtype=pl.Int64).pow(exp)
    whole = (minor.abs() // scale).cast(pl.String)
    frac = (minor.abs() % scale).cast(pl.String).str.pad_start(exp.cast(pl.UInt32), "0")
    sign = pl.when(minor < 0).then(pl.lit("-")).otherwise(pl.lit(""))
    return (pl.when(exp == 0).then(pl.concat_str(sign, whole))
            .otherwise(pl.concat_str(sign, whole, pl.lit("."), frac)))


def confidence_text(hundredths: pl.Expr) -> pl.Expr:
    return pl.concat_str((hundredths // 100).cast(pl.String), pl.lit("."),
                         (hundredths % 100).cast(pl.String).str.pad_start(2, "0"))


def write_outputs(result, out_dir: Path | str) -> dict:
    """matches.csv, exceptions.csv and summary.json into `out_dir`; returns the summary."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    m = result.matches
    m.select(
        "txn_id", "invoice_number",
        decimal_text(pl.col("amount_applied"), pl.col("currency")).alias("amount_applied"),
        "currency", "rule", confidence_text(pl.col("confidence")).alias("confidence"),
    ).write_csv(out / "matches.csv")
    e = result.exceptions
    e.select("txn_id", "reason", "suggestions").write_csv(out / "exceptions.csv")
    summary = result.summary
    (out / "summary.json").write_text(json.dumps(summary, indent=2, sort_keys=True) + "\n")
    return summary


def money_text(minor: int, currency: str) -> str:
    return str(from_minor(minor, currency))


def to_decimal(minor: int, currency: str) -> Decimal:
    return from_minor(minor, currency)
