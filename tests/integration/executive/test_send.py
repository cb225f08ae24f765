"""send_executive_email end to end on a hand-made warehouse, through a real SMTP server."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.fakes.smtp import free_port, smtp_server
from tests.unit.executive.conftest import AS_OF, BOOKINGS
from reports.executive import ExecutiveEmailConfig, ExecutiveEmailFailed, send_executive_email
from tourstack.db.engine import make_engine
from tourstack.db.models.executive_email import ExecutiveEmail
from tourstack.mail import OutboxTransport, SmtpTransport

RECIPIENTS = ("ceo@tourstack.example", "cfo@tourstack.example")


def _config(tmp_path, **kw) -> ExecutiveEmailConfig:
    return ExecutiveEmailConfig(
        recipients=RECIPIENTS, sender="Tourstack Reports <reports@tourstack.example>",
        archive_dir=tmp_path / "email_archive", **kw,
    )


def _rows(db_url) -> list[ExecutiveEmail]:
    engine = make_engine(db_url)
    try:
        with Session(engine) as s:
            return list(s.scalars(select(ExecutiveEmail).order_by(ExecutiveEmail.id)))
    finally:
        engine.dispose()


def _send(mini_warehouse, db_url, transport, config, **kw):
    conn = mini_warehouse.connect()
    try:
        return send_executive_email(
            kw.pop("kind", "daily"), warehouse=conn, operational_url=db_url, as_of=AS_OF,
            transport=transport, config=config, **kw,
        )
    finally:
        conn.close()


def _smtp(server) -> SmtpTransport:
    return SmtpTransport(server.host, server.port, security="none", timeout=10)


def test_daily_email_over_smtp_with_charts_pdf_and_xlsx(mini_warehouse, db_url, tmp_path, chromium):
    from openpyxl import load_workbook
    from pypdf import PdfReader

    with smtp_server() as server:
        archived = _send(mini_warehouse, db_url, _smtp(server), _config(tmp_path))
    assert archived.status == "sent" and archived.delivery.via == "smtp"
    [got] = server.received
    msg = got.message
    assert sorted(got.rcpt_tos) == sorted(RECIPIENTS)
    assert msg["Subject"] == "Tourstack daily briefing - Tue 30 Jun 2026: revenue INR 4,500.75"
    assert msg["Message-ID"] == archived.message_id

    html = msg.get_body(("html",)).get_content()
    assert html.count('class="tile"') == 7 and "INR 4,500.75" in html
    assert "Quote conversion (requests, last 30 days)" in html
    assert "INR 2,250.38" in html and "36.4 %" in html  # average booking value, conversion (4 of 11)
    images = [p for p in msg.walk() if p.get_content_type() == "image/png"]
    assert len(images) == 2
    for image in images:
        cid = image["Content-ID"].strip("<>")
        assert f'src="cid:{cid}"' in html
        assert image.get_content().startswith(b"\x89PNG")
    assert 'class="fallback"' not in html
    text = msg.get_body(("plain",)).get_content()
    assert "Revenue: INR 4,500.75" in text

    pdf = next(p for p in msg.walk() if p.get_content_type() == "application/pdf")
    assert pdf.get_filename() == "tourstack-daily-briefing-2026-06-30.pdf"
    pdf_text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.get_content())).pages)
    assert "INR 4,500.75" in pdf_text
    xlsx = next(p for p in msg.walk() if (p.get_filename() or "").endswith(".xlsx"))
    wb = load_workbook(io.BytesIO(xlsx.get_content()))
    assert wb.sheetnames == ["KPIs", "Trend", "Top destinations", "Top agents"]
    assert wb["KPIs"]["A2"].value == "Revenue" and Decimal(str(wb["KPIs"]["B2"].value)) == Decimal("4500.75")
    assert len(wb["Trend"]._charts) == 1 and type(wb["Trend"]._charts[0]).__name__ == "LineChart"

    [row] = _rows(db_url)
    assert (row.kind, row.status, row.transport, row.message_id) == ("daily", "sent", "smtp", archived.message_id)
    assert row.recipients == ", ".join(RECIPIENTS) and row.sent_at is not None
    snap = json.loads(row.snapshot)
    assert snap["figures"]["current"]["revenue"] == "4500.750" and snap["figures"]["current"]["bookings"] == 2
    assert snap["data_state"]["stale"] is False and snap["data_state"]["failed_checks"] == []
    assert tmp_path.joinpath("email_archive", "daily").is_dir() and archived.eml_path.exists()


def test_without_charts_the_email_shows_tables(mini_warehouse, db_url, tmp_path):
    archived = _send(mini_warehouse, db_url, OutboxTransport(tmp_path / "outbox"), _config(tmp_path, charts=False))
    import email
    import email.policy

    msg = email.message_from_bytes(archived.delivery.path.read_bytes(), policy=email.policy.default)
    html = msg.get_body(("html",)).get_content()
    assert 'class="fallback"' in html and "cid:" not in html
    assert [p for p in msg.walk() if p.get_content_type() == "image/png"] == []
    assert archived.delivery.path.parent == tmp_path / "outbox"


def test_daily_conversion_reads_the_requests_of_the_last_30_days(mini_warehouse, db_url, tmp_path):
    archived = _send(mini_warehouse, db_url, OutboxTransport(tmp_path / "o"), _config(tmp_path, charts=False))
    k = archived.figures.current
    # 23, 29 and 30 June: 2 + 4 + 5 requests, 1 + 1 + 2 converted; the day alone would be 2 of 5
    assert (k.quotes_requested, k.quotes_converted, k.quote_conversion) == (11, 4, Decimal("0.36363636"))
    assert archived.figures.comparisons["previous"].quotes_requested == 6  # window ends 29 June


def test_weekly_email_figures(mini_warehouse, db_url, tmp_path):
    archived = _send(mini_warehouse, db_url, OutboxTransport(tmp_path / "o"), _config(tmp_path, charts=False),
                     kind="weekly")
    assert (archived.period_start, archived.period_end) == (dt.date(2026, 6, 22), dt.date(2026, 6, 28))
    k = archived.figures.current
    assert (k.revenue, k.bookings, k.quotes_requested, k.active_agents) == (Decimal("1000.000"), 1, 2, 1)
    assert archived.figures.comparisons["previous"].revenue == 0
    assert [t.start.weekday() for t in archived.figures.trend] == [0] * len(archived.figures.trend)


def test_failed_checks_hold_the_email_back(mini_warehouse, db_url, tmp_path):
    with smtp_server() as server:
        archived = _send(mini_warehouse, db_url, _smtp(server), _config(tmp_path, charts=False),
                         failed_checks=["exec_kpi_daily:unique_date_day"])
    assert server.received == []
    assert archived.status == "held" and archived.delivery is None
    assert "exec_kpi_daily:unique_date_day" in archived.reason and archived.eml_path.exists()
    [row] = _rows(db_url)
    assert row.status == "held" and row.sent_at is None and row.transport is None
    assert json.loads(row.snapshot)["data_state"]["failed_checks"] == ["exec_kpi_daily:unique_date_day"]


def test_stale_data_is_sent_with_a_warning(mini_warehouse, db_url, tmp_path):
    mini_warehouse.write(newest_booking_at=dt.datetime(2026, 6, 27, 9), loaded_at=dt.datetime(2026, 6, 27, 10))
    with smtp_server() as server:
        archived = _send(mini_warehouse, db_url, _smtp(server), _config(tmp_path, charts=False))
    [got] = server.received
    assert got.message["Subject"].startswith("[DATA STALE] Tourstack daily briefing")
    html = got.message.get_body(("html",)).get_content()
    assert 'class="warning"' in html and "data is stale" in html
    assert "WARNING: data is stale" in got.message.get_body(("plain",)).get_content()
    assert archived.status == "warned" and _rows(db_url)[0].status == "warned"
    assert json.loads(_rows(db_url)[0].snapshot)["data_state"]["stale"] is True


def test_restatement_flagged_on_the_next_email(mini_warehouse, db_url, tmp_path):
    outbox = OutboxTransport(tmp_path / "outbox")
    first = _send(mini_warehouse, db_url, outbox, _config(tmp_path, charts=False))
    assert first.restatements == []
    # a late correction of 29 June (already reported as "previous day"), then the same e-mail again
    bookings = [b if b[0] != 2 else (*b[:4], Decimal("2600.000"), *b[5:]) for b in BOOKINGS]
    mini_warehouse.write(bookings, loaded_at=dt.datetime(2026, 6, 30, 23, 30))
    second = _send(mini_warehouse, db_url, outbox, _config(tmp_path, charts=False))
    restated = {(r.period_key, r.metric): (r.old, r.new) for r in second.restatements}
    assert restated[("2026-06-29", "revenue")] == (Decimal("2000.000"), Decimal("2600.000"))
    assert ("2026-06-30", "revenue") not in restated
    import email
    import email.policy

    html = email.message_from_bytes(second.delivery.path.read_bytes(), policy=email.policy.default) \
        .get_body(("html",)).get_content()
    assert "Restated since the last e-mail" in html and "INR 2,000.00 &rarr; <b>INR 2,600.00</b>" in html
    assert "vs last e-mail (Tue 30 Jun 2026)" in html
    revenue_tile = next(t for t in second.view.tiles if t.metric == "revenue")
    assert not revenue_tile.restated  # 30 June itself did not change
    assert [c.restated for c in revenue_tile.comparisons] == [True, False, False]
    assert "INR 2,600.00, restated" in html
    assert json.loads(_rows(db_url)[1].snapshot)["restatements"][0]["old"] == "2000.000"


def test_held_emails_are_not_the_baseline_for_restatements(mini_warehouse, db_url, tmp_path):
    outbox = OutboxTransport(tmp_path / "outbox")
    _send(mini_warehouse, db_url, outbox, _config(tmp_path, charts=False), failed_checks=["x:y"])
    second = _send(mini_warehouse, db_url, outbox, _config(tmp_path, charts=False))
    assert second.view.last_email is None and second.status == "sent"


def test_no_recipients_is_an_error(mini_warehouse, db_url, tmp_path):
    with pytest.raises(ValueError, match="RECIPIENTS"):
        _send(mini_warehouse, db_url, OutboxTransport(tmp_path), _config(tmp_path).__class__(
            recipients=(), sender="a@b.example", archive_dir=tmp_path))


def test_smtp_failure_is_archived_and_raised(mini_warehouse, db_url, tmp_path):
    down = SmtpTransport("127.0.0.1", free_port(), security="none", timeout=3, password="hunter2-secret")
    with pytest.raises(ExecutiveEmailFailed) as info:
        _send(mini_warehouse, db_url, down, _config(tmp_path, charts=False))
    assert "archived as failed" in str(info.value) and "connection" in str(info.value)
    assert "hunter2-secret" not in str(info.value) and info.value.temporary
    [row] = _rows(db_url)
    assert row.status == "failed" and "127.0.0.1" in row.reason and row.sent_at is None
    assert info.value.archived.eml_path.exists()

    with smtp_server(refuse_rcpt="550 5.1.1 no such user") as server, pytest.raises(ExecutiveEmailFailed) as info:
        _send(mini_warehouse, db_url, _smtp(server), _config(tmp_path, charts=False))
    assert not info.value.temporary and _rows(db_url)[1].status == "failed"
    # a failed e-mail is not what the next one compares with
    ok = _send(mini_warehouse, db_url, OutboxTransport(tmp_path / "o"), _config(tmp_path, charts=False))
    assert ok.view.last_email is None


def test_config_from_settings(tmp_path):
    from pydantic import SecretStr

    from tourstack.settings import Settings

    cfg = ExecutiveEmailConfig.from_settings(Settings(home=tmp_path))
    assert cfg.recipients == ("accounts@tourstack.example",) and cfg.archive_dir == tmp_path / "email_archive"
    assert cfg.policy == {"failed_checks": "hold", "stale": "warn"}
    prod = ExecutiveEmailConfig.from_settings(Settings(
        home=tmp_path, smtp_host="mail", smtp_password=SecretStr("p"),
        exec_report_recipients=["a@x.example"], exec_report_policy={"failed_checks": "warn"},
    ))
    assert prod.recipients == ("a@x.example",) and prod.policy == {"failed_checks": "warn"}
    assert ExecutiveEmailConfig.from_settings(Settings(home=tmp_path, smtp_host="mail")).recipients == ()
