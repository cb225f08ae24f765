"""The report builder on the tiny demo warehouse (DuckDB): numbers equal direct SQL over the
marts, exactly (ratio metrics included); filter values with quotes and SQL syntax are bound, not
pasted; every chart type exports to CSV, XLSX (native chart) and PDF; the CLI; scheduled
delivery over a real SMTP server on 127.0.0.1."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import shutil
from decimal import ROUND_HALF_UP, Decimal

import duckdb
import pytest
from typer.testing import CliRunner

from reports import DEFINITIONS

from reports.builder import ReportSource, load_spec, parse_spec, render, run_report

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("dbt_duckdb")]

EXAMPLES = DEFINITIONS
CHARTED = {"bar", "line", "area", "pie"}


@pytest.fixture(scope="module")
def source(tiny_warehouse) -> ReportSource:
    return ReportSource("duckdb", tiny_warehouse.semantic_manifest, duckdb_path=tiny_warehouse.duckdb_path)


def _sql(tiny_warehouse, sql: str, params=()) -> list[tuple]:
    with duckdb.connect(str(tiny_warehouse.duckdb_path), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


# Revenue: live, not cancelled bookings, total_sell_amount_base, by the booked date (dbt README).
DIRECT = """
select date_trunc('month', b.booked_date)::date as month, d.country_code,
       sum(b.total_sell_amount_base) as revenue, count(*) as bookings
from marts.fct_bookings b join marts.dim_destinations d on d.destination_id = b.destination_id
where not b.is_deleted and not b.is_cancelled and b.booked_date between ? and ?
  and d.country_code in ('IN', 'TH', 'AE')
group by 1, 2
"""


def test_spec_numbers_equal_direct_sql_exactly(source, tiny_warehouse):
    spec = parse_spec({
        "title": "Revenue by month and country", "metrics": ["revenue", "bookings"],
        "dimensions": ["metric_time", "booking__country"], "grain": "month",
        "filters": [{"dimension": "booking__country", "op": "in", "value": ["IN", "TH", "AE"]}],
        "date_range": {"start": "2026-01-01", "end": "2026-06-30"},
    })
    result = run_report(spec, source)
    expected = {(m, c): (Decimal(r), n) for m, c, r, n in
                _sql(tiny_warehouse, DIRECT, [dt.date(2026, 1, 1), dt.date(2026, 6, 30)])}
    got = {(r["metric_time"], r["booking__country"]): (r["revenue"], r["bookings"]) for r in result.records()}
    got = {k: v for k, v in got.items() if v[1]}  # months where only cancelled bookings exist carry 0
    assert got == expected and len(expected) >= 10
    assert all(isinstance(r["revenue"], Decimal) for r in result.records())
    assert [r["metric_time"] for r in result.records()] == sorted(r["metric_time"] for r in result.records())


def test_comparison_equals_two_direct_queries(source, tiny_warehouse):
    spec = load_spec(EXAMPLES / "revenue_mtd.yaml")
    result = run_report(spec, source, as_of=tiny_warehouse.as_of)  # June 2026 to date vs May
    total = "select sum(total_sell_amount_base) from marts.fct_bookings where not is_deleted " \
            "and not is_cancelled and booked_date between ? and ?"
    (now,), = _sql(tiny_warehouse, total, [dt.date(2026, 6, 1), dt.date(2026, 6, 30)])
    (before,), = _sql(tiny_warehouse, total, [dt.date(2026, 5, 1), dt.date(2026, 5, 31)])
    (row,) = result.records()
    assert (row["revenue"], row["revenue_previous"]) == (Decimal(now), Decimal(before))
    assert row["revenue_delta"] == Decimal(now) - Decimal(before)
    assert row["revenue_pct_change"] == ((Decimal(now) - Decimal(before)) / Decimal(before)).quantize(Decimal("0.0001"))


def test_ratio_metrics_are_exact_decimals_rounded_once(source, tiny_warehouse):
    """avg_booking_value = revenue / bookings, in Decimal, rounded half up to cents once; the
    quote conversion rate = converted / requested quotes to 8 places (the marts' KPI rule)."""
    spec = parse_spec({
        "title": "Averages", "metrics": ["avg_booking_value", "quote_conversion_rate"],
        "dimensions": ["metric_time"], "grain": "month",
        "date_range": {"start": "2025-07-01", "end": "2026-06-30"},
    })
    result = run_report(spec, source)
    sums = {m: (Decimal(r), n) for m, r, n in _sql(tiny_warehouse, """
        select date_trunc('month', booked_date)::date, sum(total_sell_amount_base), count(*)
        from marts.fct_bookings where not is_deleted and not is_cancelled
          and booked_date between '2025-07-01' and '2026-06-30' group by 1""")}
    got = {r["metric_time"]: r["avg_booking_value"] for r in result.records() if r["avg_booking_value"] is not None}
    assert len(got) >= 10
    assert got == {m: (revenue / n).quantize(Decimal("0.01"), ROUND_HALF_UP) for m, (revenue, n) in sums.items()}
    rates = [r["quote_conversion_rate"] for r in result.records() if r["quote_conversion_rate"] is not None]
    assert rates and all(isinstance(v, Decimal) and v.as_tuple().exponent == -8 for v in rates)


# Everything that could end a SQL literal, start a comment or a Jinja expression, or be a
# driver placeholder.
NASTY = 'O\'Brien "Goa North" \\ {{ Dimension(\'x\') }} 100% $1 ?; -- drop table x;\nline two'


@pytest.fixture
def renamed_agent(tiny_warehouse, tmp_path):
    """A copy of the warehouse where the busiest agent is called NASTY."""
    copy = tmp_path / "warehouse.duckdb"
    shutil.copyfile(tiny_warehouse.duckdb_path, copy)
    with duckdb.connect(str(copy)) as con:
        (agent_id,) = con.execute(
            "select agent_id from marts.fct_bookings where not is_deleted and not is_cancelled "
            "group by 1 order by count(*) desc, 1 limit 1").fetchone()
        con.execute("update marts.dim_agents set agent_name = ? where agent_id = ?", [NASTY, agent_id])
    return copy, agent_id


@pytest.mark.parametrize("op, value", [("=", NASTY), ("in", [NASTY, "Nobody's agent"])])
def test_filter_values_are_bound_never_pasted_into_sql(source, tiny_warehouse, renamed_agent, op, value):
    path, agent_id = renamed_agent
    spec = parse_spec({"title": "One agent", "metrics": ["revenue", "bookings"],
                       "dimensions": ["agent__agent_name"],
                       "filters": [{"dimension": "agent__agent_name", "op": op, "value": value}]})
    result = run_report(spec, ReportSource("duckdb", source.manifest, duckdb_path=path))
    with duckdb.connect(str(path), read_only=True) as con:
        revenue, bookings = con.execute(
            "select sum(total_sell_amount_base), count(*) from marts.fct_bookings "
            "where not is_deleted and not is_cancelled and agent_id = ?", [agent_id]).fetchone()
    assert result.records() == [{"agent__agent_name": NASTY, "revenue": Decimal(revenue), "bookings": bookings}]
    for sql in result.sql:
        assert NASTY not in sql and "O'Brien" not in sql and "drop table" not in sql and "line two" not in sql


def _specs():
    specs = {p.stem: load_spec(p) for p in sorted(EXAMPLES.glob("*.yaml"))}
    specs["weekly_area"] = parse_spec({
        "title": "Weekly revenue and cash", "metrics": ["revenue", "cash_received"],
        "dimensions": ["metric_time"], "grain": "week",
        "date_range": {"relative": "last_30_days"}, "comparison": "previous_period",
        "chart": {"type": "area"}})
    return specs


@pytest.mark.parametrize("name", sorted(_specs()))
def test_every_chart_type_exports_csv_xlsx_and_pdf(name, source, tiny_warehouse, monkeypatch):
    import pypdf
    from openpyxl import load_workbook

    import reports.render.png

    spec = _specs()[name]
    result = run_report(spec, source, as_of=tiny_warehouse.as_of)
    assert result.rows, name

    rows = list(csv.reader(io.StringIO(render(result, "csv").decode())))
    assert rows[0] == [c.label for c in result.columns] and len(rows) == len(result.rows) + 1

    wb = load_workbook(io.BytesIO(render(result, "xlsx")))
    ws = wb.worksheets[0]
    assert ws["A1"].value == spec.title
    if spec.chart.type in CHARTED:
        (chart,) = ws._charts
        expected = {"bar": "BarChart", "line": "LineChart", "area": "AreaChart", "pie": "PieChart"}
        assert type(chart).__name__ == expected[spec.chart.type]
        assert "Chart data" in wb.sheetnames
    else:
        assert ws._charts == []
    money = [c for c in result.columns if c.kind == "money"]
    header = 9 if spec.chart.type == "big_number" else 5
    first = [cell.value for cell in ws[header + 1]]
    assert Decimal(str(first[result.columns.index(money[0])])) == result.rows[0][result.columns.index(money[0])]

    monkeypatch.setattr(reports.render.png, "png_available", lambda: False)
    text = pypdf.PdfReader(io.BytesIO(render(result, "pdf"))).pages[0].extract_text()
    assert spec.title in text and "Period:" in text
    if spec.chart.type != "table":
        assert "table only" in text
    first_money = f"{result.rows[0][result.columns.index(money[0])]:,.2f}"
    assert first_money in text


def test_pdf_with_chart_image(source, tiny_warehouse, chromium):
    import pypdf

    result = run_report(load_spec(EXAMPLES / "monthly_revenue.yaml"), source, as_of=tiny_warehouse.as_of)
    reader = pypdf.PdfReader(io.BytesIO(render(result, "pdf")))
    page = reader.pages[0]
    text = page.extract_text()
    assert "Monthly revenue, last 12 months" in text and "table only" not in text
    assert "2025-07-01 to 2026-06-30" in text and "2024-07-01 to 2025-06-30" in text
    assert len(page.images) == 1 and page.images[0].data[:8] == b"\x89PNG\r\n\x1a\n"
    assert f"{result.rows[-1][1]:,.2f}" in "".join(p.extract_text() for p in reader.pages)


@pytest.fixture
def cli_env(tiny_warehouse, monkeypatch):
    from tourstack.settings import get_settings

    monkeypatch.setenv("TOURSTACK_WAREHOUSE", "duckdb")
    monkeypatch.setenv("TOURSTACK_DUCKDB_PATH", str(tiny_warehouse.duckdb_path))
    monkeypatch.setenv("TOURSTACK_SEMANTIC_MANIFEST", str(tiny_warehouse.semantic_manifest))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_cli_run_and_metrics(cli_env, tiny_warehouse, tmp_path):
    from cli import app

    runner = CliRunner()
    spec = str(EXAMPLES / "top_agents.yaml")
    done = runner.invoke(app, ["report", "run", spec, "--format", "csv", "--as-of", "2026-06-30"])
    assert done.exit_code == 0, done.output
    lines = list(csv.reader(io.StringIO(done.stdout)))
    assert lines[0][:3] == ["Agent name", "Revenue (base)", "Bookings"] and 1 < len(lines) <= 11
    out = tmp_path / "agents.xlsx"
    done = runner.invoke(app, ["report", "run", spec, "--format", "xlsx", "--out", str(out), "--as-of", "2026-06-30"])
    assert done.exit_code == 0 and out.stat().st_size > 0
    done = runner.invoke(app, ["report", "run", spec, "--format", "table", "--as-of", "2026-06-30"])
    assert done.exit_code == 0 and "Top agents, year to date" in done.stdout
    done = runner.invoke(app, ["report", "metrics"])
    assert done.exit_code == 0 and "revenue (simple)" in done.stdout and "booking__country" in done.stdout


def test_cli_out_folder_gets_the_default_name_and_bad_paths_are_one_line(cli_env, tmp_path):
    from cli import app

    runner = CliRunner()
    spec = str(EXAMPLES / "top_agents.yaml")
    done = runner.invoke(app, ["report", "run", spec, "--format", "pdf", "--out", str(tmp_path), "--as-of", "2026-06-30"])
    assert done.exit_code == 0, done.output
    written = list(tmp_path.glob("*.pdf"))
    assert len(written) == 1 and written[0].read_bytes().startswith(b"%PDF")
    for args, message in [
        (["--out", str(tmp_path / "missing" / "x.csv"), "--format", "csv"], "does not exist"),
        (["--format", "csv"], None),
    ]:
        done = runner.invoke(app, ["report", "run", spec, *args, "--as-of", "2026-06-30"])
        if message is None:
            assert done.exit_code == 0
            continue
        assert done.exit_code == 2 and message in done.stderr and len(done.stderr.strip().splitlines()) == 1
        assert "Traceback" not in done.output
    for target, message in [(tmp_path, "is a folder"), (tmp_path / "nope.yaml", "no such file")]:
        done = runner.invoke(app, ["report", "run", str(target)])
        assert done.exit_code == 2 and message in done.stderr, done.output
    read_only = tmp_path / "locked"
    read_only.mkdir()
    read_only.chmod(0o500)
    try:
        done = runner.invoke(app, ["report", "run", spec, "--format", "csv", "--out", str(read_only / "x.csv"),
                                   "--as-of", "2026-06-30"])
        if os.geteuid() != 0:  # root writes anywhere
            assert done.exit_code == 2 and "cannot write" in done.stderr
    finally:
        read_only.chmod(0o700)


def test_finance_cli_out_folder(cli_env, tmp_path):
    from cli import app

    done = CliRunner().invoke(app, ["report", "finance", "ar-aging", "--as-of", "2026-06-30", "--format", "xlsx",
                                    "--out", str(tmp_path)])
    assert done.exit_code == 0, done.output
    assert (tmp_path / "ar-aging-2026-06-30.xlsx").stat().st_size > 0


@pytest.mark.parametrize("body, message", [
    ("title: x\nmetrics: [profit]\n", "metrics[0]: unknown metric 'profit'"),
    ("title: x\nmetrics: [revenue]\nfilters: [{dimension: booking__country, value: \"\\0\"}]\n",
     "filters[0].value: text may not contain NUL"),
    ("title: [x\n", "not valid YAML"),
])
def test_cli_bad_spec_is_one_line_and_exit_2(cli_env, tmp_path, body, message):
    from cli import app

    path = tmp_path / "bad.yaml"
    path.write_text(body)
    done = CliRunner().invoke(app, ["report", "run", str(path)])
    assert done.exit_code == 2
    assert message in done.stderr and len(done.stderr.strip().splitlines()) == 1
    done = CliRunner().invoke(app, ["report", "run", str(path), "--format", "docx"])
    assert done.exit_code == 2 and "--format" in done.stderr


def test_scheduled_delivery_over_smtp(source, db_url, session):
    from tests import factories as f
    from tests.fakes.smtp import smtp_server
    from tourstack.mail import SmtpTransport
    from reports.builder import store
    from reports.builder.delivery import run_due

    key = f.make_api_key(session, "finance")[1]
    owner = store.Owner(key.id, "finance")
    report = store.save_report(session, owner, "MTD", load_spec(EXAMPLES / "revenue_mtd.yaml"))
    created = dt.datetime(2026, 6, 30, 0, 0, tzinfo=dt.UTC)
    store.create_schedule(session, owner, report.id, cron="0 7 * * *", timezone="Asia/Kolkata",
                          recipients=["ceo@example.com"], format="xlsx", now=created)
    session.commit()
    with smtp_server() as server:
        transport = SmtpTransport(server.host, server.port, security="none", timeout=10)
        outcomes = run_due(session, source, transport, sender="reports@tourstack.example",
                           now=dt.datetime(2026, 6, 30, 2, 0, tzinfo=dt.UTC))
    assert [o.status for o in outcomes] == ["sent"], outcomes
    (received,) = server.received
    assert received.rcpt_tos == ["ceo@example.com"]
    (attachment,) = list(received.message.iter_attachments())
    assert attachment.get_filename() == "revenue-month-to-date-2026-06-30.xlsx"
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(attachment.get_content()))
    assert wb.worksheets[0]["A1"].value == "Revenue month to date"
