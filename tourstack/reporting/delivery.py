"""Run due report schedules: render the saved report, e-mail it, record the outcome.

Why the transport is an argument: the Dagster job passes the configured one (SMTP or the outbox
folder), tests pass a fake or a loopback SMTP server. One schedule failing (a spec that no longer
fits the semantic layer, an SMTP refusal) is recorded on that schedule and does not stop the
others; the next run time always moves forward, so a broken schedule does not retry every tick.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from tourstack.db.models.reporting import ReportSchedule
from tourstack.reporting.exports import FORMATS, filename, render
from tourstack.reporting.runner import ReportResult, run_report
from tourstack.reporting.source import ReportSource
from tourstack.reporting.store import due_schedules, load_spec, next_run

log = logging.getLogger(__name__)


class _Transport(Protocol):
    def send(self, message: Any) -> Any: ...


@dataclass(frozen=True)
class ScheduleOutcome:
    schedule_id: int
    status: str  # sent or failed
    error: str | None = None
    delivery: Any = None


def _body(result: ReportResult, fmt: str) -> tuple[str, str]:
    from jinja2 import Environment, select_autoescape

    text = (f"{result.title}\n\nPeriod: {result.describe_period()}\nFilters: {result.describe_filters()}\n"
            f"Rows: {len(result.rows)}\n\nThe report is attached as {fmt.upper()}.\n")
    html = Environment(autoescape=select_autoescape(default=True, default_for_string=True)).from_string(
        "<h2>{{ r.title }}</h2><p><b>Period:</b> {{ r.describe_period() }}<br>"
        "<b>Filters:</b> {{ r.describe_filters() }}<br><b>Rows:</b> {{ r.rows|length }}</p>"
        "<p>The report is attached as {{ fmt }}.</p>").render(r=result, fmt=fmt.upper())
    return text, html


def run_schedule(session: Session, schedule: ReportSchedule, source: ReportSource, transport: _Transport,
                 *, sender: str, now: dt.datetime | None = None) -> ScheduleOutcome:
    """Render and send one schedule now; updates last_run_at/status/error and next_run_at.

    Relative ranges are resolved against the run's local date in the schedule's timezone.
    The caller commits."""
    from tourstack.mail import Attachment, compose

    now = now or dt.datetime.now(dt.UTC)
    as_of = now.astimezone(ZoneInfo(schedule.timezone)).date()
    try:
        result = run_report(load_spec(schedule.saved_report), source, as_of=as_of)
        content = render(result, schedule.format)
        text, html = _body(result, schedule.format)
        message = compose(
            subject=f"{result.title} – {result.describe_period()}", sender=sender,
            to=list(schedule.recipients), html=html, text=text,
            attachments=[Attachment(filename(result, schedule.format), content,
                                    FORMATS[schedule.format].split(";")[0])],
        )
        delivery = transport.send(message)
        outcome = ScheduleOutcome(schedule.id, "sent", None, delivery)
    except Exception as exc:  # recorded on the schedule; the other schedules still run
        log.warning("report schedule %s failed: %s", schedule.id, exc)
        outcome = ScheduleOutcome(schedule.id, "failed", f"{type(exc).__name__}: {exc}"[:500])
    schedule.last_run_at = now
    schedule.last_status = outcome.status
    schedule.last_error = outcome.error
    schedule.next_run_at = next_run(schedule.cron, schedule.timezone, now)
    session.flush()
    return outcome


def run_due(session: Session, source: ReportSource, transport: _Transport, *, sender: str,
            now: dt.datetime | None = None) -> list[ScheduleOutcome]:
    """Run every due schedule, committing after each so a crash loses at most one outcome."""
    now = now or dt.datetime.now(dt.UTC)
    outcomes = []
    for schedule in due_schedules(session, now):
        outcomes.append(run_schedule(session, schedule, source, transport, sender=sender, now=now))
        session.commit()
    return outcomes
