"""Read a statement file from disk: choose the format, parse, fingerprint the bytes.

The format follows the extension (.csv; .xml or .camt/.053 for CAMT); anything else is sniffed
from the first non-blank byte ('<' means XML), so a bank's odd file naming does not matter.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from tourstack.bankfiles.camt053 import parse_camt053
from tourstack.bankfiles.csv_format import parse_csv
from tourstack.bankfiles.errors import BankFileError
from tourstack.bankfiles.records import ParsedStatement

XML_SUFFIXES = {".xml", ".camt", ".053"}
MAX_BYTES = 50 * 1024 * 1024  # a month of a busy account is a few MB; more is not a statement


@dataclass(frozen=True, slots=True)
class StatementFile:
    statement: ParsedStatement
    sha256: str


def parse_bytes(data: bytes, file_name: str) -> ParsedStatement:
    suffix = Path(file_name).suffix.lower()
    looks_xml = data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")
    if suffix in XML_SUFFIXES or (suffix != ".csv" and looks_xml):
        return parse_camt053(data, file_name)
    return parse_csv(data, file_name)


def read_statement(path: Path) -> StatementFile:
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise BankFileError(path.name, None, f"{size:,} bytes is too large for a statement file")
        data = path.read_bytes()
    except OSError as exc:
        raise BankFileError(path.name, None, f"cannot read the file: {exc.strerror}") from None
    return StatementFile(parse_bytes(data, path.name), hashlib.sha256(data).hexdigest())
