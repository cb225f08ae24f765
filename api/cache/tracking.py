"""Which tables a request read, and which tables a transaction wrote.

Reads: while the cache middleware serves a miss, every statement the request's sessions execute
adds its tables to a per-request set (a context variable; FastAPI's thread pool copies the
context, so sync routes report too). A statement whose tables cannot be known (raw SQL text)
marks the answer uncacheable rather than guessing. The entry is stored with the versions of
exactly those tables, snapshotted before the route ran.

Writes: `track_writes(sessionmaker, bump)` notes the tables of every row flushed and every
INSERT/UPDATE/DELETE executed in a transaction, and after the transaction has committed calls
`bump(tables)`, which raises their versions in Redis. A rolled-back transaction bumps nothing.
Because a reader snapshots versions before it queries, and a writer bumps after it commits, an
answer computed from rows older than a commit is filed under versions older than that commit's
bump: the next reader never sees it.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterable

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session, sessionmaker
from sqlalchemy.sql import util as sql_util
from sqlalchemy.sql.elements import TextClause

UNKNOWN = "<unknown>"  # a statement whose tables could not be read off it
_WRITTEN = "api_cache_written_tables"


class ReadSet:
    def __init__(self) -> None:
        self.tables: set[str] = set()

    @property
    def knowable(self) -> bool:
        return UNKNOWN not in self.tables


reads_var: contextvars.ContextVar[ReadSet | None] = contextvars.ContextVar("api_cache_reads", default=None)


def tables_of(statement: object) -> set[str]:
    if isinstance(statement, TextClause):
        return {UNKNOWN}
    table = getattr(statement, "table", None)  # INSERT / UPDATE / DELETE
    names = {table.name} if getattr(table, "name", None) else set()
    try:
        names |= {t.name for t in sql_util.find_tables(statement, include_joins=True, include_aliases=True,
                                                          include_crud=True)
                  if getattr(t, "name", None)}
    except Exception:  # an exotic construct: do not guess
        return {UNKNOWN}
    return names or {UNKNOWN}


def _on_execute(state: ORMExecuteState) -> None:
    reads = reads_var.get()
    tables = None
    if reads is not None:
        tables = tables_of(state.statement)
        reads.tables |= tables
    if state.is_insert or state.is_update or state.is_delete or isinstance(state.statement, TextClause):
        written = tables if tables is not None else tables_of(state.statement)
        state.session.info.setdefault(_WRITTEN, set()).update(written)


def _after_flush(session: Session, _context) -> None:
    written: set[str] = session.info.setdefault(_WRITTEN, set())
    for obj in (*session.new, *session.dirty, *session.deleted):
        table = getattr(obj, "__table__", None)
        if table is not None:
            written.add(table.name)


def _discard(session: Session, *_args) -> None:
    session.info.pop(_WRITTEN, None)


def track_reads(factory: sessionmaker[Session]) -> None:
    if not event.contains(factory, "do_orm_execute", _on_execute):
        event.listen(factory, "do_orm_execute", _on_execute)


def track_writes(factory: sessionmaker[Session], bump: Callable[[Iterable[str]], None]) -> None:
    """Install the listeners on `factory`; `bump` runs after each commit that wrote something."""

    def after_commit(session: Session) -> None:
        written = session.info.pop(_WRITTEN, None)
        if written:
            # Raw SQL text names no tables we can trust: every entry is invalidated.
            bump(written)

    track_reads(factory)
    event.listen(factory, "after_flush", _after_flush)
    event.listen(factory, "after_commit", after_commit)
    event.listen(factory, "after_rollback", _discard)
