"""Revision 0008 up and down on SQLite (batch mode rebuilds bank_statement_lines)."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from tourstack.db.engine import make_engine
from tourstack.db.migrate import downgrade, upgrade


def _shape(url: str) -> tuple[set[str], set[str], set[str]]:
    engine = make_engine(url)
    try:
        inspector = inspect(engine)
        columns = {c["name"] for c in inspector.get_columns("bank_statement_lines")}
        indexes = {i["name"] for i in inspector.get_indexes("bank_statement_lines")}
        return columns, indexes, set(inspector.get_table_names())
    finally:
        engine.dispose()


def test_0008_up_down_up_keeps_existing_lines(sqlite_url):
    upgrade(sqlite_url, "0007")
    engine = make_engine(sqlite_url)
    with engine.begin() as c:
        c.execute(text(
            "insert into bank_statement_lines (bank_account, booked_on, value_on, amount_minor, currency,"
            " created_at, updated_at) values ('ACC', '2026-03-02', '2026-03-02', 100, 'EUR',"
            " '2026-03-02 00:00:00', '2026-03-02 00:00:00')"))
    engine.dispose()

    upgrade(sqlite_url, "0008")
    columns, indexes, tables = _shape(sqlite_url)
    assert {"import_id", "entry_id"} <= columns and "bank_statement_imports" in tables
    assert "uq_bank_statement_lines_bank_account_entry_id" in indexes

    downgrade(sqlite_url, "0007")
    columns, indexes, tables = _shape(sqlite_url)
    assert not {"import_id", "entry_id"} & columns and "bank_statement_imports" not in tables
    assert "uq_bank_statement_lines_bank_account_entry_id" not in indexes

    upgrade(sqlite_url)
    engine = make_engine(sqlite_url)
    with engine.connect() as c:
        assert c.execute(text("select amount_minor, entry_id from bank_statement_lines")).all() == [(100, None)]
    engine.dispose()


def test_partial_unique_index_allows_many_lines_without_entry_id(migrated_sqlite_url):
    engine = make_engine(migrated_sqlite_url)
    row = ("insert into bank_statement_lines (bank_account, booked_on, value_on, amount_minor, currency,"
           " entry_id, created_at, updated_at) values ('ACC', '2026-03-02', '2026-03-02', 1, 'EUR', :e,"
           " '2026-03-02 00:00:00', '2026-03-02 00:00:00')")
    with engine.begin() as c:
        c.execute(text(row), [{"e": None}, {"e": None}, {"e": "E1"}])
    with pytest.raises(IntegrityError), engine.begin() as c:
        c.execute(text(row), {"e": "E1"})
    engine.dispose()
