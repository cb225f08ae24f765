"""Bank statement files imported into `bank_statement_lines` (see tourstack.bankfiles).

One row per accepted file. The SHA-256 of the file's bytes is unique, so dropping the same file
twice is refused instead of booking its lines again; overlapping but different files are
handled per line by the unique (bank_account, entry_id) index on bank_statement_lines.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from tourstack.db.base import Base, Timestamps, UTCDateTime


class BankStatementImport(Timestamps, Base):
    """`format`: csv or camt.053. `line_count` counts the lines in the file, `lines_imported`
    those that were new (the rest were already booked by an overlapping statement)."""

    __tablename__ = "bank_statement_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    file_name: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    format: Mapped[str] = mapped_column(String(16))
    bank_account: Mapped[str] = mapped_column(String(34), index=True)
    period_start: Mapped[dt.date | None] = mapped_column(Date)
    period_end: Mapped[dt.date | None] = mapped_column(Date)
    line_count: Mapped[int] = mapped_column(Integer)
    lines_imported: Mapped[int] = mapped_column(Integer)
    imported_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
