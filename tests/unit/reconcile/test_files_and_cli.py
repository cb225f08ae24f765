"""The file contract: strict parsing with file/line/column errors, outputs, CLI exit codes."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.unit.reconcile.conftest import RECEIVABLES, txn, write_csv
from tourstack.cli.app import app
from tourstack.reconcile import InputFileError, read_receivables, read_transactions
from tourstack.reconcile.io import RECEIVABLE_COLUMNS, TRANSACTION_COLUMNS

runner = CliRunner()


def _txns(tmp_path: Path, rows, header=TRANSACTION_COLUMNS) -> Path:
    return write_csv(tmp_path / "t.csv", header, rows)


@pytest.mark.parametrize(("value", "column", "problem"), [
    ("12,34.5x", "amount", "bad amount"),
    ("12.345", "amount", "more decimals"),
    ("", "amount", "empty value"),
])
def test_bad_amount_names_file_line_and_column(tmp_path, value, column, problem):
    path = _txns(tmp_path, [txn("T1", "2025-03-10", "1.00"), txn("T2", "2025-03-10", value)])
    with pytest.raises(InputFileError) as err:
        read_transactions(path)
    assert f"{path}, line 3, column {column!r}" in str(err.value) and problem in str(err.value)


def test_bad_date_unknown_currency_and_negative_fee(tmp_path):
    cases = [(txn("T1", "2025-02-30", "1.00"), "booked_on", "bad date"),
             (txn("T1", "10/03/2025", "1.00"), "booked_on", "bad date"),
             (txn("T1", "2025-03-10", "1.00", currency="EURO"), "currency", "unknown currency"),
             (txn("T1", "2025-03-10", "1.00", fee="-1.00"), "fee", "negative")]
    for row, column, problem in cases:
        path = _txns(tmp_path, [row])
        with pytest.raises(InputFileError) as err:
            read_transactions(path)
        assert f"line 2, column {column!r}" in str(err.value) and problem in str(err.value)


def test_missing_column_and_duplicate_ids(tmp_path):
    path = _txns(tmp_path, [("T1", "bank", "2025-03-10", "1.00")], header=TRANSACTION_COLUMNS[:4])
    with pytest.raises(InputFileError, match=r"line 1, column 'currency': missing column\(s\) currency, fee"):
        read_transactions(path)
    path = _txns(tmp_path, [txn("T1", "2025-03-10", "1.00"), txn("T1", "2025-03-11", "2.00")])
    with pytest.raises(InputFileError, match=r"line 3, column 'txn_id': duplicate value 'T1'"):
        read_transactions(path)


def test_amounts_are_exact_minor_units(tmp_path):
    path = _txns(tmp_path, [txn("T1", "2025-03-10", "0.10"), txn("T2", "2025-03-10", "-1234567.89"),
                            txn("T3", "2025-03-10", "1500", currency="JPY"), txn("T4", "2025-03-10", "1.5")])
    assert read_transactions(path)["amount"].to_list() == [10, -123456789, 1500, 150]
    rec = write_csv(tmp_path / "r.csv", RECEIVABLE_COLUMNS, [RECEIVABLES[0][:4] + ("1.234", "KWD") + RECEIVABLES[0][6:]])
    assert read_receivables(rec)["amount_due"].to_list() == [1234]


def test_cli_writes_the_three_outputs(tmp_path, receivables_csv):
    t = _txns(tmp_path, [
        txn("T1", "2025-03-10", "1000.00", reference="INV-2025-000101", counterparty="AURORA"),
        txn("T2", "2025-03-12", "1000.00", reference="INV-2025-000101", counterparty="AURORA"),
        txn("T3", "2025-04-02", "-100.00", reference="INV-2025-000101", counterparty="AURORA"),
        txn("T4", "2025-03-12", "9.99", counterparty="NOBODY"),
    ])
    out = tmp_path / "out"
    result = runner.invoke(app, ["reconcile", "--transactions", str(t), "--receivables", str(receivables_csv),
                                 "--out", str(out)])
    assert result.exit_code == 0, result.output
    with (out / "matches.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["txn_id", "invoice_number", "amount_applied", "currency", "rule", "confidence"]
    assert [(r["txn_id"], r["amount_applied"]) for r in rows] == [("T1", "1000.00"), ("T3", "-100.00")]
    assert rows[0]["confidence"] == "0.99"
    with (out / "exceptions.csv").open() as handle:
        exc = list(csv.DictReader(handle))
    assert list(exc[0]) == ["txn_id", "reason", "suggestions"]
    assert {(e["txn_id"], e["reason"]) for e in exc} == {("T2", "duplicate"), ("T4", "no_match")}
    summary = json.loads((out / "summary.json").read_text())
    assert summary["transactions"] == 4 and summary["duplicates"] == 1
    assert summary["amount_matched"] == {"EUR": "1000.00"} and summary["amount_unmatched"] == {"EUR": "9.99"}


def test_cli_malformed_file_exit_2_without_traceback(tmp_path, receivables_csv):
    t = _txns(tmp_path, [txn("T1", "2025-03-10", "1.00"), txn("T2", "2025-13-01", "1.00")])
    out = tmp_path / "out"
    result = runner.invoke(app, ["reconcile", "--transactions", str(t), "--receivables", str(receivables_csv),
                                 "--out", str(out)])
    assert result.exit_code == 2
    assert "line 3, column 'booked_on'" in result.output and "Traceback" not in result.output
    assert not out.exists()


def test_cli_missing_file_exit_2(tmp_path, receivables_csv):
    result = runner.invoke(app, ["reconcile", "--transactions", str(tmp_path / "nope.csv"),
                                 "--receivables", str(receivables_csv), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2 and "file not found" in result.output


def test_cli_needs_all_three_files_or_daily(tmp_path, receivables_csv):
    result = runner.invoke(app, ["reconcile", "--receivables", str(receivables_csv)])
    assert result.exit_code == 2 and "missing --transactions, --out (or use --daily)" in result.output
    mixed = runner.invoke(app, ["reconcile", "--daily", "--out", str(tmp_path / "o")])
    assert mixed.exit_code == 2 and "drop the file options" in mixed.output


def test_cli_daily_runs_the_reconciliation_asset_on_the_configured_database(tmp_path, monkeypatch):
    from sqlalchemy import func, select
    from sqlalchemy.orm import Session

    from tourstack.db.engine import make_engine
    from tourstack.db.models import ReconciliationMatch
    from tourstack.demo import seed
    from tourstack.settings import get_settings

    url = f"sqlite:///{tmp_path / 'ops.db'}"
    seed(url, 200, seed=3, as_of="2026-11-25", progress=False)
    monkeypatch.setenv("TOURSTACK_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("TOURSTACK_DATABASE_URL", url)
    # the command exports these for Dagster and dbt; recorded here so teardown restores them
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "unused"))
    monkeypatch.setenv("TOURSTACK_DUCKDB_PATH", str(tmp_path / "home" / "warehouse.duckdb"))
    get_settings.cache_clear()
    try:
        result = runner.invoke(app, ["reconcile", "--daily", "--as-of", "2026-11-25"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert "match rate" in result.output and "payouts:" in result.output
    engine = make_engine(url)
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(ReconciliationMatch)) > 0
    engine.dispose()
    assert (tmp_path / "home" / "dagster").is_dir()  # recorded on the Dagster instance like a scheduled run
