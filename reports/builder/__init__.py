"""The metrics-based report builder: a ReportSpec (YAML/JSON) compiled through the semantic layer
(`tourstack.metrics`), run on DuckDB or PostgreSQL, compared with an earlier period, exported to
CSV, XLSX (native chart) or PDF, saved and scheduled for e-mail delivery.

    spec = load_spec("reports/definitions/monthly_revenue.yaml")
    result = run_report(spec, source_from_settings(get_settings()))
    pdf = render(result, "pdf")

Why no SQL here: every name in a spec is checked against the declared metrics and dimensions
and every filter value is bound as a driver parameter by `tourstack.metrics`; this package only
decides which query to ask for and what to do with the answer.
"""

from reports.builder.exports import FORMATS, filename, render, to_csv, to_xlsx
from reports.builder.periods import Period, comparison_period, resolve
from reports.builder.runner import Column, ReportResult, run_report, validate
from reports.builder.source import ReportSource, SourceError, source_from_settings
from reports.builder.spec import ReportSpec, SpecError, load_spec, loads_spec, parse_spec

__all__ = [
    "Column", "FORMATS", "Period", "ReportResult", "ReportSource", "ReportSpec", "SourceError",
    "SpecError", "comparison_period", "filename", "load_spec", "loads_spec", "parse_spec", "render",
    "resolve", "run_report", "source_from_settings", "to_csv", "to_xlsx", "validate",
]
