"""The scheduled executive e-mails: daily and weekly KPI briefings from the executive marts.

Why a package of small modules: each step is tested on its own with hand-made inputs
(periods, figures, deltas and restatements, checks and policy, rendering, the workbook, the
archive), and `service.send_executive_email` wires them together for the demo and Dagster.
"""

from reports.executive.checks import DEFAULT_POLICY, DataState, Decision, decide
from reports.executive.periods import Kind, ReportPeriods, report_periods
from reports.executive.service import ArchivedEmail, ExecutiveEmailConfig, ExecutiveEmailFailed, send_executive_email

__all__ = [
    "DEFAULT_POLICY",
    "ArchivedEmail",
    "ExecutiveEmailConfig",
    "DataState",
    "Decision",
    "ExecutiveEmailFailed",
    "Kind",
    "ReportPeriods",
    "decide",
    "report_periods",
    "send_executive_email",
]
