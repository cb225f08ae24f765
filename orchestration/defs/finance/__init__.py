"""Finance definitions: FX reference rates now; invoicing, ledger and reconciliation later."""

from orchestration.defs.finance.fx import daily_fx_rates_sync, fx_rates_sync, fx_rates_sync_job

__all__ = ["daily_fx_rates_sync", "fx_rates_sync", "fx_rates_sync_job"]
