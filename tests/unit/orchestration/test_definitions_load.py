"""The code location imports without effects and loads the same definitions as ever.

Dagster imports `orchestration.definitions` just to list what is there (the webserver, the
daemon, every test that touches a job), so the import must define and do nothing else: no
settings read (a poisoned TOURSTACK_ value and a get_settings that raises prove it), no
`dbt parse` or any other process, no change to PATH or any other variable, no file under
dbt_project/target. It runs in a fresh interpreter because this test process has long since
imported the package.

What it loads is pinned to the lists recorded before the folders were assembled by discovery:
every job, schedule (cron, timezone, job, default status) and sensor by name, the Python
assets by key, and the dbt models and tests from the manifest, so a folder that stops being
found, or finds something twice, fails here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[3]

IMPORT_PROBE = r"""
import importlib, json, os, pkgutil, subprocess, sys
from pathlib import Path

# Writes are watched from inside this interpreter (an audit hook), not by comparing the folder
# before and after: other test processes may build the same dbt project at the same time.
target = str(Path(sys.argv[1]) / "dbt_project" / "target")
writes = []
def _watch(event, args):
    if event == "open" and args and isinstance(args[0], (str, bytes, os.PathLike)):
        mode, flags = args[1] if len(args) > 1 else "r", args[2] if len(args) > 2 else 0
        writing = any(c in (mode or "") for c in "wax+") or bool(flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT))
        if writing and os.fsdecode(args[0]).startswith(target):
            writes.append(os.fsdecode(args[0]))
    elif event in ("os.mkdir", "os.rename", "os.remove", "shutil.rmtree") and args:
        if os.fsdecode(args[0]).startswith(target):
            writes.append(f"{event} {os.fsdecode(args[0])}")
sys.addaudithook(_watch)

# The libraries first: Dagster's own import asks `file` about the interpreter (platform's
# architecture check), which is theirs, not the code location's.
import dagster, dagster_dbt
import tourstack.settings as settings_module
reads, spawned = [], []
def poisoned_get_settings():
    reads.append("get_settings")
    raise RuntimeError("settings read while importing the code location")
settings_module.get_settings = poisoned_get_settings
real_popen_init = subprocess.Popen.__init__
def refusing_popen(self, args, *rest, **kwargs):
    spawned.append(str(args))
    raise RuntimeError("process started while importing the code location")
subprocess.Popen.__init__ = refusing_popen

env_before = dict(os.environ)
import orchestration.definitions
import orchestration.defs
modules = [info.name for info in pkgutil.walk_packages(orchestration.defs.__path__, "orchestration.defs.")]
for name in modules:
    importlib.import_module(name)
changed = sorted(k for k in set(env_before) | set(os.environ) if env_before.get(k) != os.environ.get(k))
print(json.dumps({
    "reads": reads, "spawned": spawned, "env_changed": changed,
    "target_writes": writes, "modules": len(modules),
    "defs_type": type(orchestration.definitions.defs).__name__,
}))
"""


def test_importing_the_code_location_reads_no_settings_and_changes_nothing(tmp_path):
    env = {
        **os.environ,
        "TOURSTACK_WAREHOUSE": "poisoned",  # not a warehouse kind: Settings() would raise
        "TOURSTACK_OPERATIONAL_URL": "poisoned://",
        "TOURSTACK_HOME": str(tmp_path / "home"),
    }
    done = subprocess.run([sys.executable, "-c", IMPORT_PROBE, str(REPO_ROOT)], cwd=REPO_ROOT,
                          env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    probe = json.loads(done.stdout.strip().splitlines()[-1])
    assert probe["reads"] == []
    assert probe["spawned"] == []
    assert probe["env_changed"] == []
    assert probe["target_writes"] == []
    assert probe["modules"] > 20  # every module under orchestration/defs was imported
    assert probe["defs_type"] == "LazyDefinitions"  # Dagster loads it; importing only defines
    assert not (tmp_path / "home").exists()


# Recorded from the code location before it was assembled by discovery (it listed 39 names).
JOBS = {
    "__ASSET_JOB", "itinerary_request_drafts_job", "site_descriptions_job", "bank_statement_import",
    "daily_executive_email_job", "dashboards_refresh", "fx_rates_sync_job", "gateway_feeds",
    "outbox_dispatch_job", "daily_digest_job", "payments_maintenance_job", "reconciliation_job", "scheduled_reports_job", "warehouse_refresh",
    "weekly_executive_email_job",
    "search_reindex_job",  # added with orchestration/defs/search
    "quickbooks_sync_job", "xero_sync_job",  # added with orchestration/defs/accounting
    "customer_reminders_job",  # added with orchestration/defs/messaging/reminders.py (WhatsApp)
    "inbox_poll_job",  # added with orchestration/defs/inbox
}
SCHEDULES = {
    ("daily_executive_email_schedule", "0 7 * * *", "Asia/Kolkata", "daily_executive_email_job"),
    ("daily_fx_rates_sync", "30 16 * * *", "Europe/Berlin", "fx_rates_sync_job"),
    ("daily_reconciliation", "0 6 * * *", "Europe/Berlin", "reconciliation_job"),
    ("nightly_search_reindex", "30 2 * * *", "Asia/Kolkata", "search_reindex_job"),
    ("gateway_feeds_schedule", "50 * * * *", "UTC", "gateway_feeds"),
    ("hourly_itinerary_request_drafts", "15 * * * *", "Asia/Kolkata", "itinerary_request_drafts_job"),
    ("outbox_dispatch_schedule", "* * * * *", "UTC", "outbox_dispatch_job"),
    ("daily_digest_schedule", "15 7 * * *", "Asia/Kolkata", "daily_digest_job"),
    ("payments_maintenance_schedule", "*/15 * * * *", "UTC", "payments_maintenance_job"),
    ("scheduled_reports", "*/5 * * * *", "UTC", "scheduled_reports_job"),
    ("warehouse_refresh_schedule", "5 * * * *", "UTC", "warehouse_refresh"),
    ("weekly_site_descriptions", "0 3 * * 1", "Asia/Kolkata", "site_descriptions_job"),
    ("weekly_executive_email_schedule", "30 7 * * 1", "Asia/Kolkata", "weekly_executive_email_job"),
    ("quickbooks_sync_schedule", "*/15 * * * *", "UTC", "quickbooks_sync_job"),
    ("xero_sync_schedule", "*/15 * * * *", "UTC", "xero_sync_job"),
    ("customer_reminders_schedule", "0 10 * * *", "Asia/Kolkata", "customer_reminders_job"),
    ("inbox_poll_schedule", "*/5 * * * *", "UTC", "inbox_poll_job"),
}
SENSORS = {("bank_inbox_sensor", "bank_statement_import"), ("dashboards_after_refresh", "dashboards_refresh")}
PYTHON_ASSETS = {
    "bank_statement_files", "daily_executive_email", "dashboards", "fx_rates_sync",
    "gateway_settlement_batches", "reconciliation_run", "request_itinerary_drafts",
    "site_descriptions", "weekly_executive_email",
    "search_indexes",
    "recommendations",
    "inbox_mail",  # orchestration/defs/inbox
}
# The three recorded resources, and the settings-backed ones assets now ask for instead of
# reading the settings themselves.
RESOURCES = {"dbt", "operational_db", "warehouse", "mail", "fx", "itinerary", "payments", "gateway_feeds",
             "bank_inbox", "publishing", "messaging", "search"}


def _manifest() -> dict:
    from orchestration.defs.dbt.project import dbt_project, ensure_manifest

    ensure_manifest()
    return json.loads(dbt_project.manifest_path.read_text())


def test_loaded_definitions_are_the_recorded_ones():
    from dagster import DefaultScheduleStatus, DefaultSensorStatus

    from orchestration.definitions import defs
    from tourstack.gateway_feeds import FEED_TABLES
    from tourstack.ingest import operational_tables

    loaded = defs()
    repo = loaded.get_repository_def()
    manifest = _manifest()
    dbt_keys = {n["name"] for n in manifest["nodes"].values() if n["resource_type"] in ("model", "seed", "snapshot")}
    raw_tables = [t.name for t in operational_tables()]
    raw_keys = {f"raw/{name}" for name in [*raw_tables, *(t.name for t in FEED_TABLES)]}
    dbt_tests = [n for n in manifest["nodes"].values() if n["resource_type"] == "test"]

    assert {j.name for j in repo.get_all_jobs()} == JOBS
    assert {(s.name, s.cron_schedule, s.execution_timezone, s.job_name) for s in repo.schedule_defs} == SCHEDULES
    assert {s.default_status for s in repo.schedule_defs} == {DefaultScheduleStatus.RUNNING}
    assert {(s.name, t.job_name) for s in repo.sensor_defs for t in s.targets} == SENSORS
    assert {s.default_status for s in repo.sensor_defs} == {DefaultSensorStatus.RUNNING}
    assert set(loaded.resources) == RESOURCES

    keys = {k.to_user_string() for k in repo.asset_graph.get_all_asset_keys()}
    assert keys == PYTHON_ASSETS | raw_keys | dbt_keys
    checks = repo.asset_graph.asset_check_keys
    assert {k.to_user_string() for k in checks if k.name == "great_expectations_suite"} == {
        f"raw/{name}:great_expectations_suite" for name in raw_tables
    }
    other = {k.to_user_string() for k in checks if k.name != "great_expectations_suite"
             and not k.to_user_string().startswith(tuple(f"{n}:" for n in dbt_keys))}
    assert other == {"raw/bookings:one_calendar_event_per_live_booking",  # tourstack.messaging
                     "raw/invoices:accounting_sync_differences",  # tourstack.accounting
                     "raw/bookings:whatsapp_delivery_success_rate",
                     "inbox_mail:inbox_tasks_answered_in_time"}  # orchestration/defs/inbox
    assert len(checks) == len(raw_tables) + len(dbt_tests) + len(other)
    # each object once: a folder that imports another's object must not register it again
    assert len(loaded.assets) == len({id(a) for a in loaded.assets})
    assert len(loaded.jobs) == len({j.name for j in loaded.jobs})


def test_warehouse_refresh_selects_ingest_gateway_feeds_and_every_dbt_model():
    from orchestration.definitions import defs

    job = defs().get_repository_def().get_job("warehouse_refresh")
    selected = {k.to_user_string() for k in job.asset_layer.selected_asset_keys}
    manifest = _manifest()
    models = {n["name"] for n in manifest["nodes"].values() if n["resource_type"] in ("model", "seed", "snapshot")}
    assert models <= selected
    assert {k for k in selected if not k.startswith("raw/")} == models
