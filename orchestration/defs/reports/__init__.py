"""Scheduled report e-mails: every 5 minutes, run the saved-report schedules that are due.

The job and its schedule are found by orchestration/defs/reports/definitions.py.
"""

from orchestration.defs.reports.jobs import scheduled_reports, scheduled_reports_job, send_due_reports

__all__ = ["scheduled_reports", "scheduled_reports_job", "send_due_reports"]
