"""The `scheduled_reports` Dagster job: nothing due is a quick no-op; a due schedule is rendered
and lands in the outbox folder (tourstack.mail's embedded transport)."""

from __future__ import annotations

import datetime as dt

import pytest
from dagster import DagsterInstance

from orchestration.defs.reports import jobs, scheduled_reports, scheduled_reports_job
from orchestration.defs.resources import OperationalDatabase, WarehouseResource
from orchestration.defs.services import settings_backed_resources
from tests import factories as f
from tests.unit.reports.test_store import SPEC, _fake_result
from reports.builder import delivery, store


@pytest.fixture
def settings_home(tmp_path, monkeypatch):
    from tourstack.settings import get_settings

    monkeypatch.setenv("TOURSTACK_HOME", str(tmp_path))
    monkeypatch.delenv("TOURSTACK_SMTP_HOST", raising=False)
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


def _run(db_url):
    return scheduled_reports_job.execute_in_process(
        instance=DagsterInstance.ephemeral(),
        resources={"operational_db": OperationalDatabase(url=db_url),
                   "warehouse": WarehouseResource(kind="duckdb", duckdb_path="/nonexistent.duckdb"),
                   **settings_backed_resources()},
    )


def test_schedule_definition():
    assert scheduled_reports.name == "scheduled_reports"
    assert scheduled_reports.cron_schedule == "*/5 * * * *"


def test_nothing_due_needs_no_warehouse(db_url, settings_home, monkeypatch):
    monkeypatch.setattr(jobs, "report_source", lambda warehouse: pytest.fail("warehouse touched"))
    assert _run(db_url).success


def test_due_schedule_goes_to_the_outbox(db_url, session, settings_home, monkeypatch):
    monkeypatch.setattr(jobs, "report_source", lambda warehouse: None)
    monkeypatch.setattr(delivery, "run_report", _fake_result)
    owner = store.Owner(f.make_api_key(session, "finance")[1].id, "finance")
    report = store.save_report(session, owner, "r", SPEC)
    schedule = store.create_schedule(session, owner, report.id, cron="*/5 * * * *", timezone="UTC",
                                     recipients=["ceo@example.com"], format="csv",
                                     now=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=10))
    session.commit()
    assert _run(db_url).success
    session.refresh(schedule)
    assert schedule.last_status == "sent", schedule.last_error
    (eml,) = (settings_home / "outbox").glob("*.eml")
    assert b"ceo@example.com" in eml.read_bytes()


def test_runs_of_the_job_never_overlap(tmp_path, monkeypatch):
    """The job's concurrency tag is limited to one run in both instance configs (which Dagster
    accepts), and its op holds a pool that has one slot."""
    import shutil
    from pathlib import Path

    from dagster._core.instance.config import dagster_instance_config

    root = Path(__file__).resolve().parents[3]
    assert scheduled_reports_job.tags.items() >= jobs.CONCURRENCY_TAG.items()
    (key, value), = jobs.CONCURRENCY_TAG.items()
    assert jobs.send_due_reports.pool == jobs.POOL
    monkeypatch.setenv("DAGSTER_PG_URL", "postgresql://dagster@127.0.0.1/dagster")
    for name, source in [("embedded", root / "dagster.yaml"), ("production", root / "deploy" / "dagster.yaml")]:
        home = tmp_path / name
        home.mkdir()
        shutil.copyfile(source, home / "dagster.yaml")
        config, _ = dagster_instance_config(str(home))  # raises on a config Dagster refuses
        limits = config["concurrency"]["runs"]["tag_concurrency_limits"]
        assert {"key": key, "value": value, "limit": 1} in limits, name
        assert config["concurrency"]["pools"]["default_limit"] == 1, name
