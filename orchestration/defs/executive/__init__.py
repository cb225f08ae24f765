"""Executive e-mails: the daily and weekly KPI briefings, sent from the executive marts."""

from orchestration.defs.executive.assets import (
    daily_executive_email,
    daily_executive_email_job,
    daily_executive_email_schedule,
    weekly_executive_email,
    weekly_executive_email_job,
    weekly_executive_email_schedule,
)

__all__ = [
    "daily_executive_email",
    "daily_executive_email_job",
    "daily_executive_email_schedule",
    "weekly_executive_email",
    "weekly_executive_email_job",
    "weekly_executive_email_schedule",
]
