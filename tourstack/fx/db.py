"""`fx_rates` as a rate source, and the sync that fills it.

Why read rates back from the database: the API, the jobs and the reports must convert with
exactly the rows that were stored (and can be audited), not with whatever a provider answers
at the moment of the request. `sync_rates` is the only writer: it upserts EUR-based rows keyed
by (rate_date, base, quote, source), so re-running a day is harmless.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from sqlalchemy import Connection, Engine, func, select
from sqlalchemy.orm import Session

from tourstack.db.base import utcnow
from tourstack.db.models.finance import FxRate
from tourstack.fx.errors import RateNotAvailableError
from tourstack.fx.rates import BASE, EurRate, RateLookup, RateSource, check_currency

DEFAULT_DB_SOURCES = ("ecb", "ecb_derived")
_CHUNK = 500


@contextmanager
def _connection(bind: Engine | Session | Connection) -> Iterator[Connection | Session]:
    """Engines get their own transaction (committed here); sessions and connections are the
    caller's transaction, which the caller commits."""
    if isinstance(bind, Engine):
        with bind.begin() as conn:
            yield conn
    else:
        yield bind


class DbRateSource:
    """EUR-based rates from `fx_rates`, restricted to `sources` (in order of preference when
    two providers stored a rate for the same day)."""

    name = "db"

    def __init__(self, bind: Engine | Session | Connection, sources: Sequence[str] = DEFAULT_DB_SOURCES):
        if not sources:
            raise ValueError("DbRateSource needs at least one source")
        self._bind = bind
        self.sources = tuple(sources)

    def lookup(self, currency: str, on: dt.date) -> RateLookup:
        check_currency(currency)
        ours = (FxRate.base_currency == BASE, FxRate.source.in_(self.sources))
        with _connection(self._bind) as conn:
            rows = conn.execute(
                select(FxRate.rate_date, FxRate.rate, FxRate.source)
                .where(
                    FxRate.base_currency == BASE,
                    FxRate.quote_currency == currency,
                    FxRate.source.in_(self.sources),
                    FxRate.rate_date <= on,
                )
                .order_by(FxRate.rate_date.desc())
                .limit(len(self.sources))
            ).all()
            if not rows:
                raise RateNotAvailableError(
                    f"{self.name}: no {currency} rate (sources {', '.join(self.sources)}) "
                    f"on or before {on.isoformat()}"
                )
            latest = conn.execute(select(func.max(FxRate.rate_date)).where(*ours)).scalar_one()
            published_on = conn.execute(
                select(FxRate.id).where(*ours, FxRate.rate_date == on).limit(1)
            ).first()
        newest = rows[0].rate_date
        candidates = [r for r in rows if r.rate_date == newest]
        best = min(candidates, key=lambda r: self.sources.index(r.source))
        return RateLookup(
            rate=EurRate(best.rate_date, currency, best.rate, best.source),
            requested=on,
            source_published_on_date=published_on is not None,
            latest_date=latest,
        )

    def published(self, start: dt.date, end: dt.date) -> list[EurRate]:
        with _connection(self._bind) as conn:
            rows = conn.execute(
                select(FxRate.rate_date, FxRate.quote_currency, FxRate.rate, FxRate.source)
                .where(
                    FxRate.base_currency == BASE,
                    FxRate.source.in_(self.sources),
                    FxRate.rate_date.between(start, end),
                )
                .order_by(FxRate.rate_date, FxRate.quote_currency, FxRate.source)
            ).all()
        return [EurRate(r.rate_date, r.quote_currency, r.rate, r.source) for r in rows]


def _upsert_statement(dialect: str):
    table = FxRate.__table__
    if dialect in ("sqlite", "postgresql"):
        if dialect == "sqlite":
            from sqlalchemy.dialects.sqlite import insert
        else:
            from sqlalchemy.dialects.postgresql import insert
        stmt = insert(table)
        return stmt.on_conflict_do_update(
            index_elements=["rate_date", "base_currency", "quote_currency", "source"],
            set_={"rate": stmt.excluded.rate, "updated_at": stmt.excluded.updated_at},
        )
    return None


def sync_rates(
    bind: Engine | Session | Connection, source: RateSource, start: dt.date, end: dt.date
) -> int:
    """Upsert the rows `source` published in [start, end] into `fx_rates`; returns how many
    rows were inserted or changed (0 when the table already holds exactly these rates).

    With an Engine the work is committed here; with a Session or Connection the caller commits.
    """
    if end < start:
        raise ValueError(f"end {end} is before start {start}")
    wanted: dict[tuple[dt.date, str, str], EurRate] = {}
    for row in source.published(start, end):
        wanted[(row.rate_date, row.currency, row.source)] = row
    if not wanted:
        return 0
    sources = sorted({key[2] for key in wanted})
    with _connection(bind) as conn:
        existing = {
            (r.rate_date, r.quote_currency, r.source): r.rate
            for r in conn.execute(
                select(FxRate.rate_date, FxRate.quote_currency, FxRate.source, FxRate.rate).where(
                    FxRate.base_currency == BASE,
                    FxRate.source.in_(sources),
                    FxRate.rate_date.between(start, end),
                )
            )
        }
        now = utcnow()
        changes = [
            {
                "rate_date": row.rate_date,
                "base_currency": BASE,
                "quote_currency": row.currency,
                "rate": row.rate,
                "source": row.source,
                "created_at": now,
                "updated_at": now,
            }
            for key, row in sorted(wanted.items())
            if existing.get(key) != row.rate
        ]
        dialect = (conn.get_bind() if isinstance(conn, Session) else conn).dialect.name
        upsert = _upsert_statement(dialect)
        for i in range(0, len(changes), _CHUNK):
            chunk = changes[i : i + _CHUNK]
            if upsert is not None:
                conn.execute(upsert, chunk)
            else:
                _portable_upsert(conn, chunk, existing)
    return len(changes)


def _portable_upsert(conn, chunk: list[dict], existing: dict) -> None:
    table = FxRate.__table__
    for values in chunk:
        key = (values["rate_date"], values["quote_currency"], values["source"])
        if key in existing:
            conn.execute(
                table.update()
                .where(
                    table.c.rate_date == values["rate_date"],
                    table.c.base_currency == BASE,
                    table.c.quote_currency == values["quote_currency"],
                    table.c.source == values["source"],
                )
                .values(rate=values["rate"], updated_at=values["updated_at"])
            )
        else:
            conn.execute(table.insert().values(**values))
