"""Row locks for money-moving writes, the same call on PostgreSQL and SQLite.

Why: every money-moving write checks what is left (refundable, open, creditable, unproposed)
and then writes. Two requests that check before either writes both pass. So the rows the check
reads are locked first, and the check runs under the lock:

- PostgreSQL: `SELECT ... FOR UPDATE` on the parent rows, in id order, held until commit.
  Under READ COMMITTED every later statement of the transaction sees what the previous holder
  of the lock committed.
- SQLite has no row locks, and the Python driver opens a transaction only at the first write,
  so the reads of a check run outside any transaction. `lock_rows` therefore starts the
  transaction with `BEGIN IMMEDIATE`: it takes the database's single write lock before the
  check reads anything, and the next writer waits for it (the engine's busy timeout). If the
  transaction already wrote, it already holds that lock.

Lock order, so two writers never wait on each other in a cycle: bookings, then payments, then
refunds, then the reconciled transaction (bank line, payment or refund row), then invoices,
then numbering counters; within one table, by id. Supplier rows come before payouts. Every
function in tourstack that locks follows it; the database triggers (migration 0014) lock the
same parent rows in the same order.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

Row = TypeVar("Row")


def is_sqlite(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


def hold_write_lock(session: Session) -> None:
    """SQLite: make the session's transaction a write transaction now (BEGIN IMMEDIATE), so
    what it reads next cannot change before it commits. A no-op elsewhere."""
    if not is_sqlite(session):
        return
    driver = session.connection().connection.dbapi_connection
    if not driver.in_transaction:  # the driver opens a transaction only at its first write
        driver.execute("BEGIN IMMEDIATE")


def lock_rows(session: Session, model: type[Row], ids: Iterable[int]) -> dict[int, Row]:
    """Lock the rows of `model` with these ids (id order) and return them freshly read.

    Objects the session already changed are locked but not re-read, so pending changes are
    never thrown away. Missing ids are simply absent from the result."""
    wanted = sorted({i for i in ids if i is not None})
    if not wanted:
        return {}
    hold_write_lock(session)
    found: dict[int, Row] = {}
    with session.no_autoflush:  # a flush here would write (and lock) child rows first
        dirty = {obj for obj in session.dirty if isinstance(obj, model)}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start:start + 500]
            stmt = select(model).where(model.id.in_(chunk)).order_by(model.id).with_for_update()
            if not dirty:
                stmt = stmt.execution_options(populate_existing=True)
            for row in session.scalars(stmt):
                found[row.id] = row
    return found


def lock_row(session: Session, model: type[Row], row_id: int | None) -> Row | None:
    return lock_rows(session, model, [row_id] if row_id is not None else []).get(row_id)


def lock_ids(session: Session, model: type, ids: Iterable[int]) -> None:
    """Lock rows by id without loading them (for jobs that write against many parents at once,
    such as a reconciliation run): the same locks and order as `lock_rows`."""
    wanted = sorted({i for i in ids if i is not None})
    if not wanted:
        return
    hold_write_lock(session)
    if is_sqlite(session):
        return
    with session.no_autoflush:
        for start in range(0, len(wanted), 5000):
            chunk = wanted[start:start + 5000]
            session.execute(select(model.id).where(model.id.in_(chunk)).order_by(model.id).with_for_update()).all()
