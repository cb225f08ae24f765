"""Gapless sequence numbers per (series, fiscal year), taken inside the caller's transaction.

How: make sure the counter row exists (INSERT ... ON CONFLICT DO NOTHING), then increment it
with one atomic `UPDATE ... SET last_number = last_number + 1 RETURNING last_number`. On
PostgreSQL the UPDATE takes the row lock and keeps it until the caller commits or rolls back,
so concurrent issuers queue on the row and each sees the committed value of the one before
(READ COMMITTED re-evaluates the row after the wait). If the issuing transaction rolls back,
the increment rolls back with it: no gap. SQLite serialises writers on the database lock,
which gives the same guarantee. Callers must take the number last, after every check that
could fail, to hold the lock as briefly as possible.
"""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from tourstack.db.models import InvoiceCounter


def _ensure_counter(session: Session, series: str, year: int) -> None:
    dialect = session.get_bind().dialect.name
    insert = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}.get(dialect)
    if insert is None:
        raise NotImplementedError(f"invoice numbering is not implemented for {dialect}")
    session.execute(
        insert(InvoiceCounter)
        .values(series=series, fiscal_year=year, last_number=0)
        .on_conflict_do_nothing(index_elements=["series", "fiscal_year"])
    )


def next_number(session: Session, series: str, year: int) -> int:
    """Increment and return the counter of (`series`, `year`); the caller owns the transaction."""
    _ensure_counter(session, series, year)
    return session.execute(
        update(InvoiceCounter)
        .where(InvoiceCounter.series == series, InvoiceCounter.fiscal_year == year)
        .values(last_number=InvoiceCounter.last_number + 1)
        .returning(InvoiceCounter.last_number)
        .execution_options(synchronize_session=False)
    ).scalar_one()
