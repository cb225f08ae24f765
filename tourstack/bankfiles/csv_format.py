"""The CSV statement layout we document for banks without CAMT.053 export.

Header row required, columns in any order, extra columns refused (a renamed column would
otherwise be ignored silently):

    bank_account,booked_on,value_on,amount,currency,reference,counterparty,description,entry_id
    DE89370400440532013000,2026-03-02,2026-03-02,1250.00,EUR,TS-B00042,Alpine Agency,Booking,E-1

UTF-8 (a BOM is accepted), comma separated, RFC 4180 quoting. `amount` is a signed decimal
(credits positive, debits negative) in the currency's units; dates are ISO 8601. reference,
counterparty, description and entry_id may be empty; without an entry_id a line cannot be
recognised again in an overlapping statement. One bank account per file.
"""

from __future__ import annotations

import csv
import io

from tourstack.bankfiles import fields
from tourstack.bankfiles.errors import BankFileError
from tourstack.bankfiles.records import ParsedStatement, StatementLine

COLUMNS = ("bank_account", "booked_on", "value_on", "amount", "currency", "reference",
           "counterparty", "description", "entry_id")
FORMAT = "csv"


def parse_csv(data: bytes, file_name: str) -> ParsedStatement:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise BankFileError(file_name, f"line {line}", "not UTF-8 text") from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise BankFileError(file_name, "line 1", f"unreadable CSV: {exc}") from None
    if header is None:
        raise BankFileError(file_name, None, "the file is empty")
    positions = _positions([name.strip() for name in header], file_name)
    lines: list[StatementLine] = []
    try:
        for row in reader:
            where = f"line {reader.line_num}"
            if not any(cell.strip() for cell in row):
                continue  # blank line, e.g. a trailing newline from a spreadsheet export
            if len(row) != len(header):
                raise BankFileError(file_name, where,
                                    f"{len(row)} fields where the header has {len(header)}")
            values = {name: row[i] for name, i in positions.items()}
            lines.append(_line(values, file_name, where))
    except csv.Error as exc:
        raise BankFileError(file_name, f"line {reader.line_num}", f"unreadable CSV: {exc}") from None
    if not lines:
        raise BankFileError(file_name, None, "no statement lines after the header")
    accounts = {line.bank_account for line in lines}
    if len(accounts) > 1:
        raise BankFileError(file_name, None, "bank_account: the file mixes accounts "
                            f"{', '.join(sorted(accounts))}; one account per file")
    booked = [line.booked_on for line in lines]
    return ParsedStatement(file_name, FORMAT, lines[0].bank_account, min(booked), max(booked),
                           tuple(lines))


def _positions(header: list[str], file_name: str) -> dict[str, int]:
    missing = [name for name in COLUMNS if name not in header]
    if missing:
        raise BankFileError(file_name, "line 1", f"missing column(s): {', '.join(missing)}")
    unknown = [name for name in header if name not in COLUMNS]
    if unknown:
        raise BankFileError(file_name, "line 1", f"unknown column(s): {', '.join(unknown)}")
    repeated = sorted({name for name in header if header.count(name) > 1})
    if repeated:
        raise BankFileError(file_name, "line 1", f"repeated column(s): {', '.join(repeated)}")
    return {name: header.index(name) for name in COLUMNS}


def _line(values: dict[str, str], file_name: str, where: str) -> StatementLine:
    try:
        code = fields.currency(values["currency"])
        account = fields.text_field(values["bank_account"].replace(" ", ""), "bank_account",
                                    required=True)
        return StatementLine(
            bank_account=account,
            booked_on=fields.iso_date(values["booked_on"], "booked_on"),
            value_on=fields.iso_date(values["value_on"], "value_on"),
            amount_minor=fields.minor_units(values["amount"], code),
            currency=code,
            reference=fields.text_field(values["reference"], "reference"),
            counterparty=fields.text_field(values["counterparty"], "counterparty"),
            description=fields.text_field(values["description"], "description"),
            entry_id=fields.text_field(values["entry_id"], "entry_id"),
            location=where,
        )
    except fields.FieldError as exc:
        raise BankFileError(file_name, where, str(exc)) from None
