"""Scheduled report e-mails: every 5 minutes, run the saved-report schedules that are due.

Register in orchestration/definitions.py: the job `scheduled_reports_job` and the schedule
`scheduled_reports`.
"""

from orchestration.defs.reporting.jobs import scheduled_reports, scheduled_reports_job, send_due_reports

__all__ = ["scheduled_reports", "scheduled_reports_job", "send_due_reports"]
