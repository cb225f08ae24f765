"""Every schedule and sensor of the code location starts RUNNING when it is deployed: none of
them is an optional extra, and a schedule left STOPPED by default silently never runs (the
executive e-mails, reconciliation, report deliveries). In-process runs (`materialize`,
`execute_in_process`) do not start schedules, so tests that run jobs are unaffected."""

from __future__ import annotations

from dagster import DefaultScheduleStatus, DefaultSensorStatus


def test_every_schedule_and_sensor_defaults_to_running():
    from orchestration.definitions import defs

    repo = defs().get_repository_def()
    schedules = {s.name: s.default_status for s in repo.schedule_defs}
    sensors = {s.name: s.default_status for s in repo.sensor_defs}
    assert {"scheduled_reports", "daily_executive_email_schedule", "weekly_executive_email_schedule",
            "daily_reconciliation", "payments_maintenance_schedule", "daily_fx_rates_sync",
            "hourly_itinerary_request_drafts", "weekly_site_descriptions"} <= set(schedules)
    assert {"dashboards_after_refresh", "bank_inbox_sensor"} <= set(sensors)
    assert {n: s for n, s in schedules.items() if s != DefaultScheduleStatus.RUNNING} == {}
    assert {n: s for n, s in sensors.items() if s != DefaultSensorStatus.RUNNING} == {}
