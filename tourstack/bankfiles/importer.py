"""Book a parsed statement into `bank_statement_lines`, all or nothing.

One transaction per file: the `bank_statement_imports` row and every new line commit together
or not at all. Two ways the same money could be booked twice are closed here:
- the same file again: its SHA-256 is already in bank_statement_imports -> DuplicateFileError;
- an overlapping statement (e.g. a weekly and a monthly file): lines whose (bank_account,
  entry_id) is already booked are skipped and counted; a unique index backs this up should two
  imports race.
An entry id repeated inside one file is an error: a bank never books one entry twice.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tourstack.bankfiles.errors import BankFileError, DuplicateFileError
from tourstack.bankfiles.reader import read_statement
from tourstack.bankfiles.records import ParsedStatement
from tourstack.db.models import BankStatementImport, BankStatementLine

_CHUNK = 500  # bound the IN (...) list well under every database's parameter limit


@dataclass(frozen=True, slots=True)
class ImportResult:
    file_name: str
    import_id: int
    format: str
    bank_account: str
    line_count: int
    lines_imported: int
    duplicates_skipped: int


def import_file(engine: Engine, path: Path, *, now: dt.datetime | None = None) -> ImportResult:
    """Parse and import one file; BankFileError (or DuplicateFileError) when it cannot be."""
    parsed = read_statement(path)
    return import_statement(engine, parsed.statement, parsed.sha256, now=now)


def import_statement(engine: Engine, statement: ParsedStatement, sha256: str, *,
                     now: dt.datetime | None = None) -> ImportResult:
    _refuse_repeated_entry_ids(statement)
    moment = now or dt.datetime.now(dt.UTC)
    try:
        with Session(engine) as session, session.begin():
            _refuse_duplicate_file(session, statement.file_name, sha256)
            booked = _booked_entry_ids(session, statement)
            new_lines = [line for line in statement.lines
                         if line.entry_id is None or line.entry_id not in booked]
            record = BankStatementImport(
                file_name=statement.file_name[:255], sha256=sha256, format=statement.format,
                bank_account=statement.bank_account, period_start=statement.period_start,
                period_end=statement.period_end, line_count=len(statement.lines),
                lines_imported=len(new_lines), imported_at=moment,
            )
            session.add(record)
            session.flush()
            session.add_all(
                BankStatementLine(
                    bank_account=line.bank_account, booked_on=line.booked_on, value_on=line.value_on,
                    amount_minor=line.amount_minor, currency=line.currency, reference=line.reference,
                    counterparty=line.counterparty, description=line.description,
                    entry_id=line.entry_id, import_id=record.id,
                )
                for line in new_lines
            )
            import_id = record.id
    except IntegrityError:
        # Another import committed the same file or entries between our check and our insert.
        raise BankFileError(statement.file_name, None, "a concurrent import booked the same file or "
                            "entries; nothing done, retry to see which") from None
    return ImportResult(statement.file_name, import_id, statement.format, statement.bank_account,
                        len(statement.lines), len(new_lines), len(statement.lines) - len(new_lines))


def _refuse_repeated_entry_ids(statement: ParsedStatement) -> None:
    first_seen: dict[str, str] = {}
    for line in statement.lines:
        if line.entry_id is None:
            continue
        if line.entry_id in first_seen:
            raise BankFileError(statement.file_name, line.location,
                                f"entry_id {line.entry_id!r} repeats {first_seen[line.entry_id]}")
        first_seen[line.entry_id] = line.location


def _refuse_duplicate_file(session: Session, file_name: str, sha256: str) -> None:
    earlier = session.execute(
        select(BankStatementImport.id, BankStatementImport.imported_at)
        .where(BankStatementImport.sha256 == sha256)
    ).first()
    if earlier is not None:
        raise DuplicateFileError(file_name, earlier.id, earlier.imported_at.isoformat(timespec="seconds"))


def _booked_entry_ids(session: Session, statement: ParsedStatement) -> set[str]:
    wanted = [line.entry_id for line in statement.lines if line.entry_id is not None]
    booked: set[str] = set()
    for start in range(0, len(wanted), _CHUNK):
        booked.update(session.scalars(
            select(BankStatementLine.entry_id).where(
                BankStatementLine.bank_account == statement.bank_account,
                BankStatementLine.entry_id.in_(wanted[start:start + _CHUNK]),
            )
        ))
    return booked
