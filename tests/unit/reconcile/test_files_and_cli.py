"""The file contract: strict parsing with file/line/column errors, outputs, CLI exit codes."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.unit.reconcile.conftest import RECEIVABLES, txn, write_csv
from cli.app import app
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


# --- amounts with commas ------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "minor"), [("1,234.50", 123450), ("1,234,567", 123456700), ("-12,000.05", -1200005),
                                             ("999.99", 99999)])
def test_commas_are_read_as_thousands_separators_in_valid_groups(tmp_path, value, minor):
    assert read_transactions(_txns(tmp_path, [txn("T1", "2025-03-10", value)]))["amount"].to_list() == [minor]


@pytest.mark.parametrize("value", ["12,50", "1,23", "1234,56", "12,345,6", "1,234,56.00", ",5"])
def test_a_decimal_comma_is_an_error_not_an_amount_a_hundred_times_too_large(tmp_path, value):
    path = _txns(tmp_path, [txn("T1", "2025-03-10", "1.00"), txn("T2", "2025-03-10", value)])
    with pytest.raises(InputFileError) as err:
        read_transactions(path)
    assert f"{path}, line 3, column 'amount'" in str(err.value) and "bad amount" in str(err.value)


def test_a_decimal_comma_in_a_fee_or_amount_due_is_refused_too(tmp_path):
    with pytest.raises(InputFileError, match=r"line 2, column 'fee'.*comma"):
        read_transactions(_txns(tmp_path, [txn("T1", "2025-03-10", "100.00", fee="1,50")]))
    rec = write_csv(tmp_path / "r.csv", RECEIVABLE_COLUMNS, [RECEIVABLES[0][:4] + ("1000,00",) + RECEIVABLES[0][5:]])
    with pytest.raises(InputFileError, match=r"line 2, column 'amount_due'.*comma"):
        read_receivables(rec)


# --- row structure ------------------------------------------------------------------------------

HEADER = ",".join(TRANSACTION_COLUMNS)


def _raw(tmp_path: Path, text: str, name: str = "t.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return path


def test_a_row_with_too_few_fields_is_an_error_naming_its_line(tmp_path):
    path = _raw(tmp_path, f"{HEADER}\nT1,bank,2025-03-10,1.00,EUR,,r,c,d\nT2,bank,2025-03-10,1.00,EUR,,r,c\n")
    with pytest.raises(InputFileError, match=r"t\.csv, line 3: 8 field\(s\) where the header has 9"):
        read_transactions(path)


def test_a_row_with_too_many_fields_is_an_error_naming_its_line(tmp_path):
    path = _raw(tmp_path, f"{HEADER}\nT1,bank,2025-03-10,1.00,EUR,,r,c,d\nT2,bank,2025-03-10,1.00,EUR,,r,c,d,extra\n")
    with pytest.raises(InputFileError, match=r"t\.csv, line 3: 10 field\(s\) where the header has 9"):
        read_transactions(path)


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_a_trailing_blank_line_is_not_a_row(tmp_path, newline):
    rows = [HEADER, "T1,bank,2025-03-10,1.00,EUR,,r,c,d", "T2,bank,2025-03-11,2.00,EUR,,r,c,d"]
    path = _raw(tmp_path, newline.join(rows) + newline + newline)
    frame = read_transactions(path)
    assert frame.select("txn_id", "amount", "line").rows() == [("T1", 100, 2), ("T2", 200, 3)]


def test_line_numbers_count_physical_lines_after_a_quoted_newline_and_a_blank_line(tmp_path):
    path = _raw(tmp_path, f'{HEADER}\nT1,bank,2025-03-10,1.00,EUR,,r,c,"two\nlines"\n\n'
                          f'T2,bank,2025-03-10,1.00,EUR,,r,c,d\nT3,bank,2025-02-30,1.00,EUR,,r,c,d\n')
    with pytest.raises(InputFileError, match=r"line 6, column 'booked_on': bad date '2025-02-30'"):
        read_transactions(path)
    fine = _raw(tmp_path, f'{HEADER}\nT1,bank,2025-03-10,1.00,EUR,,r,c,"two\nlines"\n\nT2,bank,2025-03-10,1.00,EUR,,r,c,d\n',
                "fine.csv")
    frame = read_transactions(fine)
    assert frame.select("txn_id", "description", "line").rows() == [("T1", "two\nlines", 2), ("T2", "d", 5)]


def test_text_that_is_not_utf8_names_its_line(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes(f"{HEADER}\nT1,bank,2025-03-10,1.00,EUR,,r,c,d\n".encode() + b"T2,bank,2025-03-10,1.00,EUR,,r,\xff,d\n")
    with pytest.raises(InputFileError, match=r"line 3: not UTF-8 text"):
        read_transactions(path)


# --- header-only files --------------------------------------------------------------------------


@pytest.mark.parametrize("empty", ["transactions", "receivables", "both"])
def test_header_only_files_give_valid_empty_outputs(tmp_path, receivables_csv, empty):
    t = _txns(tmp_path, [] if empty in ("transactions", "both") else [
        txn("T1", "2025-03-10", "1000.00", reference="INV-2025-000101", counterparty="AURORA")])
    r = write_csv(tmp_path / "r0.csv", RECEIVABLE_COLUMNS, []) if empty in ("receivables", "both") else receivables_csv
    out = tmp_path / "out"
    result = runner.invoke(app, ["reconcile", "--transactions", str(t), "--receivables", str(r), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    with (out / "matches.csv").open() as handle:
        assert next(csv.reader(handle)) == ["txn_id", "invoice_number", "amount_applied", "currency", "rule",
                                            "confidence"]
        assert list(handle) == []
    summary = json.loads((out / "summary.json").read_text())
    assert summary["allocations"] == 0 and summary["amount_matched"] == {}
    if empty == "receivables":  # the one transaction has nothing to match: queued, not dropped
        assert summary["transactions"] == 1 and summary["transactions_unmatched"] == 1
        assert summary["match_rate"] == 0.0
        with (out / "exceptions.csv").open() as handle:
            assert [(e["txn_id"], e["reason"]) for e in csv.DictReader(handle)] == [("T1", "no_match")]
    else:
        assert summary["transactions"] == 0 and summary["match_rate"] is None


def test_a_file_without_even_a_header_is_an_error(tmp_path, receivables_csv):
    t = _raw(tmp_path, "")
    result = runner.invoke(app, ["reconcile", "--transactions", str(t), "--receivables", str(receivables_csv),
                                 "--out", str(tmp_path / "out")])
    assert result.exit_code == 2 and "empty file, expected a header line" in result.output


def test_summary_reports_unmatched_payments_and_refunds_apart(tmp_path, receivables_csv):
    t = _txns(tmp_path, [txn("T1", "2025-03-12", "9.99", counterparty="NOBODY"),
                         txn("T2", "2025-03-13", "-4.00", counterparty="NOBODY")])
    out = tmp_path / "out"
    result = runner.invoke(app, ["reconcile", "--transactions", str(t), "--receivables", str(receivables_csv),
                                 "--out", str(out)])
    assert result.exit_code == 0, result.output
    summary = json.loads((out / "summary.json").read_text())
    assert summary["amount_unmatched"] == {"EUR": "9.99"}  # not 5.99: a refund is not netted against it
    assert summary["amount_unmatched_refunds"] == {"EUR": "-4.00"}
    assert summary["transactions_unmatched"] == 2
