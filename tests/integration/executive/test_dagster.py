"""The Dagster assets: config, resources, and the mart checks read from the instance."""

from __future__ import annotations

import datetime as dt

import pytest
from dagster import AssetCheckResult, AssetKey, DagsterInstance, asset, asset_check, materialize

from orchestration.defs.executive import (
    daily_executive_email,
    daily_executive_email_schedule,
    weekly_executive_email,
    weekly_executive_email_schedule,
)
from orchestration.defs.resources import OperationalDatabase, WarehouseResource
from orchestration.defs.services import settings_backed_resources


@asset(key=AssetKey(["exec_kpi_daily"]))
def fake_exec_kpi_daily() -> None:
    return None


@asset_check(asset=AssetKey(["exec_kpi_daily"]), name="unique_exec_kpi_daily_date_day")
def failing_check() -> AssetCheckResult:
    return AssetCheckResult(passed=False)


@asset_check(asset=AssetKey(["exec_kpi_daily"]), name="warn_only", blocking=False)
def warning_check() -> AssetCheckResult:
    from dagster import AssetCheckSeverity

    return AssetCheckResult(passed=False, severity=AssetCheckSeverity.WARN)


@pytest.fixture
def env(monkeypatch, tmp_path):
    from tourstack.settings import get_settings

    monkeypatch.setenv("TOURSTACK_HOME", str(tmp_path))
    monkeypatch.delenv("TOURSTACK_SMTP_HOST", raising=False)
    monkeypatch.setenv("TOURSTACK_EXEC_REPORT_RECIPIENTS", '["ceo@tourstack.example"]')
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


def _resources(mini_warehouse, db_url):
    return {
        "warehouse": WarehouseResource(kind="duckdb", duckdb_path=str(mini_warehouse.path)),
        "operational_db": OperationalDatabase(url=db_url),
        **settings_backed_resources(),
    }


def test_schedules():
    assert daily_executive_email_schedule.cron_schedule == "0 7 * * *"
    assert weekly_executive_email_schedule.cron_schedule == "30 7 * * 1"
    assert {daily_executive_email_schedule.execution_timezone, weekly_executive_email_schedule.execution_timezone} == {
        "Asia/Kolkata"}
    assert daily_executive_email_schedule.job_name == "daily_executive_email_job"
    assert weekly_executive_email_schedule.job_name == "weekly_executive_email_job"


def test_daily_asset_sends_to_the_outbox(mini_warehouse, db_url, env):
    result = materialize(
        [daily_executive_email], resources=_resources(mini_warehouse, db_url),
        run_config={"ops": {"daily_executive_email": {"config": {"as_of": "2026-06-30"}}}},
    )
    assert result.success
    meta = result.asset_materializations_for_node("daily_executive_email")[0].metadata
    assert meta["status"].value == "sent"
    assert meta["revenue"].value == "4500.750" and meta["bookings"].value == 2
    assert len(list((env / "outbox").glob("*.eml"))) == 1
    assert len(list((env / "email_archive" / "daily").glob("*.eml"))) == 1


def test_failed_mart_check_holds_the_email(mini_warehouse, db_url, env):
    instance = DagsterInstance.ephemeral()
    materialize([fake_exec_kpi_daily, failing_check, warning_check], instance=instance)
    result = materialize(
        [fake_exec_kpi_daily, failing_check, warning_check, weekly_executive_email],
        selection=[weekly_executive_email], instance=instance,
        resources=_resources(mini_warehouse, db_url),
        run_config={"ops": {"weekly_executive_email": {"config": {"as_of": "2026-06-30"}}}},
    )
    assert result.success
    meta = result.asset_materializations_for_node("weekly_executive_email")[0].metadata
    assert meta["status"].value == "held"
    assert meta["failed_checks"].value == ["exec_kpi_daily:unique_exec_kpi_daily_date_day"]
    assert not (env / "outbox").exists()


def test_as_of_defaults_to_yesterday_in_kolkata():
    from zoneinfo import ZoneInfo

    from orchestration.defs.executive.assets import ExecutiveEmailConfig, _as_of

    assert _as_of(ExecutiveEmailConfig(as_of="2026-06-30")) == dt.date(2026, 6, 30)
    assert _as_of(ExecutiveEmailConfig()) == dt.datetime.now(ZoneInfo("Asia/Kolkata")).date() - dt.timedelta(days=1)


def test_scheduled_job_delivers_over_smtp_from_env(mini_warehouse, db_url, env, monkeypatch, chromium):
    """The job the daily schedule starts, configured only by TOURSTACK_SMTP_* variables, delivers
    to a real SMTP server: HTML with inline charts, a PDF and an XLSX attachment."""
    from dagster import Definitions

    from orchestration.defs.executive import daily_executive_email_job
    from tests.fakes.smtp import smtp_server
    from tourstack.settings import get_settings

    defs = Definitions(assets=[daily_executive_email], jobs=[daily_executive_email_job],
                       schedules=[daily_executive_email_schedule], resources=_resources(mini_warehouse, db_url))
    job = defs.resolve_job_def(daily_executive_email_schedule.job_name)  # what the 07:00 schedule starts
    with smtp_server() as server:
        monkeypatch.setenv("TOURSTACK_SMTP_HOST", server.host)
        monkeypatch.setenv("TOURSTACK_SMTP_PORT", str(server.port))
        monkeypatch.setenv("TOURSTACK_SMTP_SECURITY", "none")
        get_settings.cache_clear()
        result = job.execute_in_process(
            run_config={"ops": {"daily_executive_email": {"config": {"as_of": "2026-06-30"}}}})
        assert result.success
    (received,) = server.received
    assert received.rcpt_tos == ["ceo@tourstack.example"]
    parts = {p.get_content_type(): p for p in received.message.walk()}
    html = parts["text/html"].get_content()
    images = [p for p in received.message.walk() if p.get_content_type() == "image/png"]
    assert images and all(f"cid:{p['Content-ID'].strip('<>')}" in html for p in images)
    assert "application/pdf" in parts
    assert "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" in parts
    assert not (env / "outbox").exists()  # SMTP configured: nothing written to the outbox
