"""Run due report schedules: render the saved report, e-mail it, record the outcome.

Why the transport is an argument: the Dagster job passes the configured one (SMTP or the outbox
folder), tests pass a fake or a loopback SMTP server. One schedule failing (a spec that no longer
fits the semantic layer, an SMTP refusal) is recorded on that schedule and does not stop the
others; the next run time always moves forward, so a broken schedule does not retry every tick.

Why a claim before each send: two runs of the job can overlap (a slow SMTP server, a manual
run next to the scheduled one). Each due row is claimed by moving its `next_run_at` forward
with a conditional UPDATE and committing before anything is rendered, so only the run that won
the claim sends. A crash after the claim loses that one e-mail rather than sending it twice.

Why check the owner at send time: a schedule keeps mailing company-wide figures long after it
was created; when the key that saved the report is revoked or no longer manages reports, the
schedule is deactivated (last_status "disabled", the reason in last_error) instead of sent.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any, Protocol, Sequence
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from tourstack.db.models.reporting import ReportSchedule
from reports.builder.exports import FORMATS, filename, render
from reports.builder.runner import ReportResult, run_report
from reports.builder.source import ReportSource
from reports.builder.store import (
    claim_schedule,
    deactivate,
    disallowed_recipients,
    due_schedules,
    load_spec,
    next_run,
    owner_problem,
)

log = logging.getLogger(__name__)


class _Transport(Protocol):
    def send(self, message: Any) -> Any: ...


@dataclass(frozen=True)
class ScheduleOutcome:
    schedule_id: int
    status: str  # sent, failed, or disabled (the owner may no longer send it)
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
                 *, sender: str, now: dt.datetime | None = None,
                 allowed_domains: Sequence[str] | None = None) -> ScheduleOutcome:
    """Render and send one schedule now; updates last_run_at/status/error and next_run_at.

    A schedule whose owner key was revoked or demoted is deactivated, not sent. Recipients
    outside `allowed_domains` (when given) fail the run without sending to anyone.
    Relative ranges are resolved against the run's local date in the schedule's timezone.
    The caller commits."""
    from tourstack.mail import Attachment, compose

    now = now or dt.datetime.now(dt.UTC)
    problem = owner_problem(session, schedule.saved_report)
    if problem:
        log.warning("report schedule %s deactivated: %s", schedule.id, problem)
        deactivate(session, schedule, problem)
        return ScheduleOutcome(schedule.id, "disabled", problem)
    as_of = now.astimezone(ZoneInfo(schedule.timezone)).date()
    try:
        refused = disallowed_recipients(list(schedule.recipients), allowed_domains)
        if refused:
            raise PermissionError(f"recipients outside the allowed domains: {', '.join(refused)}")
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
            now: dt.datetime | None = None,
            allowed_domains: Sequence[str] | None = None) -> list[ScheduleOutcome]:
    """Claim and run every due schedule, committing after each so a crash loses at most one
    outcome. Rows another run claimed first are skipped."""
    now = now or dt.datetime.now(dt.UTC)
    # what this run saw, fixed before any commit reloads the rows another run may have moved
    seen = [(s.id, s.next_run_at, s.cron, s.timezone) for s in due_schedules(session, now)]
    outcomes = []
    for schedule_id, next_run_at, cron, timezone in seen:
        claimed = claim_schedule(session, schedule_id, next_run_at, cron, timezone, now)
        session.commit()
        if not claimed:
            log.info("report schedule %s was claimed by another run", schedule_id)
            continue
        schedule = session.get(ReportSchedule, schedule_id)
        if schedule is None:  # pragma: no cover - deleted between claim and load
            continue
        outcomes.append(run_schedule(session, schedule, source, transport, sender=sender, now=now,
                                     allowed_domains=allowed_domains))
        session.commit()
    return outcomes
