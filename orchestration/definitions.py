"""The Tourstack Dagster code location: assembles each domain's module under defs/."""

from __future__ import annotations

from dagster import Definitions

from orchestration.defs.dbt.assets import dbt_resource, tourstack_dbt_models
from orchestration.defs.ai import (
    ai_request_drafts_job,
    ai_site_descriptions_job,
    hourly_ai_request_drafts,
    request_itinerary_drafts,
    site_descriptions,
    weekly_ai_site_descriptions,
)
from orchestration.defs.bankfiles import bank_inbox_sensor, bank_statement_files, bank_statement_import_job
from orchestration.defs.briefing import (
    daily_executive_email,
    daily_executive_email_job,
    daily_executive_email_schedule,
    weekly_executive_email,
    weekly_executive_email_job,
    weekly_executive_email_schedule,
)
from orchestration.defs.dashboards import dashboards, dashboards_after_refresh, dashboards_job
from orchestration.defs.finance import daily_fx_rates_sync, fx_rates_sync, fx_rates_sync_job
from orchestration.defs.payments import payments_maintenance_job, payments_maintenance_schedule
from orchestration.defs.gateways import (
    gateway_assets,
    gateway_feeds_job,
    gateway_settlement_batches,
    hourly_gateway_feeds,
)
from orchestration.defs.ingest.assets import ingest_assets
from orchestration.defs.jobs import hourly_warehouse_refresh, warehouse_refresh_job
from orchestration.defs.quality.checks import raw_checks
from orchestration.defs.reconcile import daily_reconciliation, reconciliation_job, reconciliation_run
from orchestration.defs.reporting import scheduled_reports, scheduled_reports_job
from orchestration.defs.resources import default_resources

# Unbound lists, so orchestration.run can materialise them with other resources (tests, bench).
ASSETS = [
    *ingest_assets, *gateway_assets, gateway_settlement_batches, tourstack_dbt_models,
    fx_rates_sync, site_descriptions, request_itinerary_drafts, reconciliation_run,
    bank_statement_files, daily_executive_email, weekly_executive_email, dashboards,
]
ASSET_CHECKS = [*raw_checks]

defs = Definitions(
    assets=ASSETS,
    asset_checks=ASSET_CHECKS,
    jobs=[warehouse_refresh_job, fx_rates_sync_job, ai_site_descriptions_job, ai_request_drafts_job,
          payments_maintenance_job, reconciliation_job, bank_statement_import_job, gateway_feeds_job,
          daily_executive_email_job, weekly_executive_email_job, dashboards_job,
          scheduled_reports_job],
    schedules=[hourly_warehouse_refresh, daily_fx_rates_sync, weekly_ai_site_descriptions,
               hourly_ai_request_drafts, payments_maintenance_schedule, daily_reconciliation, hourly_gateway_feeds,
               daily_executive_email_schedule, weekly_executive_email_schedule, scheduled_reports],
    sensors=[bank_inbox_sensor, dashboards_after_refresh],
    resources={**default_resources(), "dbt": dbt_resource()},
)
