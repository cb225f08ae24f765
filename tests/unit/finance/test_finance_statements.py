"""Finance reports without a warehouse: aging buckets, FIFO application of supplier payouts,
CSV/XLSX export of a report, and the CLI's handling of bad input."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from typer.testing import CliRunner

from cli.app import app
from tourstack.finance import UnknownStatementError, run_statement
from tourstack.finance.aging import _fifo, bucket
from reports.finance.export import to_csv, write_xlsx
from tourstack.tables import Column, Table
from tourstack.warehouse import query

AS_OF = dt.date(2026, 6, 30)


@pytest.mark.parametrize(("due", "expected"), [
    (dt.date(2026, 7, 15), "current"), (AS_OF, "current"), (dt.date(2026, 6, 29), "days_1_30"),
    (dt.date(2026, 5, 31), "days_1_30"), (dt.date(2026, 5, 30), "days_31_60"),
    (dt.date(2026, 5, 1), "days_31_60"), (dt.date(2026, 4, 30), "days_61_90"),
    (dt.date(2026, 4, 1), "days_61_90"), (dt.date(2026, 3, 31), "days_over_90"), (None, "current"),
])
def test_bucket_by_days_past_due(due, expected):
    assert bucket(AS_OF, due) == expected


def test_payouts_settle_the_oldest_bills_first():
    lines = [(dt.date(2026, 1, 10), Decimal("-100.00")), (dt.date(2026, 6, 20), Decimal("-50.00")),
             (dt.date(2026, 6, 25), Decimal("120.00"))]
    aged = _fifo(AS_OF, 0, lines)  # the January bill is paid in full, 30 of June's 50 remain
    assert {k: v for k, v in aged.items() if v} == {"days_1_30": Decimal("30.00")}
    overpaid = _fifo(AS_OF, 30, [(dt.date(2026, 6, 1), Decimal("-10.00")), (AS_OF, Decimal("15.00"))])
    assert {k: v for k, v in overpaid.items() if v} == {"current": Decimal("-5.00")}


def _report() -> Table:
    return Table.from_records("profit-and-loss", "Profit and loss", AS_OF,
                  [Column("month_start", "Month", "date"), Column("n", "Count", "integer"),
                   Column("net_income_base", "Net income")],
                  [{"month_start": dt.date(2026, 5, 1), "n": 3, "net_income_base": Decimal("1234.5")},
                   {"month_start": dt.date(2026, 6, 1), "n": 0, "net_income_base": Decimal("-7.25")}])


def test_csv_has_a_header_and_two_decimal_money():
    assert to_csv(_report()).splitlines() == [
        "Month,Count,Net income", "2026-05-01,3,1234.50", "2026-06-01,0,-7.25"]


def test_xlsx_cells_are_typed_and_formatted(tmp_path):
    from openpyxl import load_workbook

    ws = load_workbook(write_xlsx(_report(), tmp_path / "pnl.xlsx")).active
    assert [c.value for c in ws[1]] == ["Month", "Count", "Net income"]
    assert ws["A2"].is_date and ws["A2"].number_format == "yyyy-mm-dd"
    assert ws["C2"].value == pytest.approx(1234.5) and ws["C2"].number_format.startswith("#,##0.00")
    assert ws["B3"].value == 0 and ws.freeze_panes == "B2"
    assert ws.column_dimensions["C"].width >= 12


def test_parameters_are_bound_on_duckdb():
    import duckdb

    with duckdb.connect() as con:
        assert query(con, "select ? || '%', ?", ["100", 2]) == [("100%", 2)]


def test_unknown_report_raises():
    with pytest.raises(UnknownStatementError, match="choose one of"):
        run_statement("balance-sheet", AS_OF, None)


@pytest.mark.parametrize(("args", "message"), [
    (["report", "finance", "balance-sheet"], "unknown report"),
    (["report", "finance", "ar-aging", "--as-of", "2026-02-30"], "--as-of must be a date"),
    (["report", "finance", "ar-aging", "--format", "pdf"], "--format must be csv or xlsx"),
])
def test_cli_rejects_bad_input_with_exit_code_2(args, message):
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2
    assert message in result.output


def _reconciliation_mart(con, rows: list[dict]) -> None:
    from tourstack.finance.reconciliation import COLUMNS

    con.execute("create schema marts")
    types = {"currency": "varchar", "match_rate": "numeric(9, 6)"}
    con.execute("create table marts.rpt_reconciliation ("
                + ", ".join(f"{src} {types.get(src, 'bigint')}" for src, *_ in COLUMNS) + ")")
    for row in rows:
        values = [row.get(src, 0) for src, *_ in COLUMNS]
        con.execute(f"insert into marts.rpt_reconciliation values ({', '.join('?' * len(values))})", values)


def test_reconciliation_report_keeps_each_currency_and_its_places(tmp_path):
    import duckdb
    from openpyxl import load_workbook

    from tourstack.finance import STATEMENTS

    assert "reconciliation" in STATEMENTS
    with duckdb.connect() as con:
        _reconciliation_mart(con, [
            {"currency": "JPY", "transactions_matched": 3, "transactions_unmatched": 1, "match_rate": Decimal("0.75"),
             "matched_minor": 1500, "unallocated_inflow_minor": 4200, "unallocated_0_7_minor": 4200},
            {"currency": "EUR", "transactions_matched": 9, "transactions_unmatched": 0, "match_rate": Decimal("1"),
             "matched_minor": 123456, "refunded_minor": 2500, "unallocated_outflow_minor": 1999,
             "outflows_unmatched": 1},
            {"currency": "KWD", "transactions_matched": 0, "transactions_unmatched": 0, "match_rate": None,
             "written_off_minor": 1234},
        ])
        report = run_statement("reconciliation", AS_OF, con)
    assert [r["currency"] for r in report.records()] == ["EUR", "JPY", "KWD"]
    eur, jpy, kwd = report.records()
    assert (eur["matched"], eur["refunded"], eur["unallocated_outflow"], eur["refunds_unmatched"]) == (
        Decimal("1234.56"), Decimal("25.00"), Decimal("19.99"), 1)
    assert (jpy["matched"], jpy["unallocated_0_7"], jpy["match_rate"]) == (Decimal("1500"), Decimal("4200"),
                                                                        Decimal("0.75"))
    assert kwd["written_off"] == Decimal("1.234") and kwd["match_rate"] is None
    lines = to_csv(report).splitlines()
    assert lines[0].startswith("Currency,Matched,Unmatched,Match rate,")
    assert lines[2].startswith("JPY,3,1,0.750000,") and ",1500,0," in lines[2]  # yen has no decimals
    assert "1.234" in lines[3].split(",")  # three places for KWD, not rounded to two
    ws = load_workbook(write_xlsx(report, tmp_path / "rec.xlsx")).active
    assert ws["D2"].number_format == "0.00%" and ws["D2"].value == pytest.approx(1.0)
    assert ws["G3"].value == 1500 and ws["D4"].value is None


def test_exports_never_write_people_text_as_a_formula(tmp_path):
    from openpyxl import load_workbook

    names = ["=HYPERLINK(\"http://x\",\"y\")", "+1-2", "@SUM(A1)", "Goa Tours"]
    report = Table.from_records("revenue-by-agent", "Revenue by agent", AS_OF,
                    [Column("agency", "Agency", "text"), Column("revenue_base", "Revenue")],
                    [{"agency": n, "revenue_base": Decimal("-5")} for n in names])
    lines = to_csv(report).splitlines()
    assert [line.split(",", 1)[0] for line in lines[2:]] == ["'+1-2", "'@SUM(A1)", "Goa Tours"]
    assert lines[1].startswith("\"'=HYPERLINK(") and lines[1].endswith(",-5.00")  # numbers untouched
    ws = load_workbook(write_xlsx(report, tmp_path / "agents.xlsx")).active
    assert [ws.cell(row=r, column=1).value for r in range(2, 6)] == names
    assert {ws.cell(row=r, column=1).data_type for r in range(2, 6)} == {"s"}
    assert ws["B2"].value == -5 and ws["B2"].data_type == "n"
