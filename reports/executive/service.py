"""send_executive_email: figures -> checks -> e-mail (HTML, text, PDF, XLSX) -> send -> archive.

Why one function: `tourstack demo`, the Dagster jobs and the tests all send the same e-mail the
same way; they differ only in the warehouse connection, the transport and the failed checks
they pass. Every outcome is archived (sent, warned, held, failed) before this returns or
raises, so nothing is lost silently; a transport failure is archived, then raised.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reports.executive.archive import last_delivered, record, snapshot_of, write_eml
from reports.executive.charts import render_chart_pngs
from reports.executive.checks import DEFAULT_POLICY, Action, Decision, read_data_state, decide
from reports.executive.deltas import Restatement
from reports.executive.figures import Figures, load_figures, plain
from reports.executive.periods import Kind, report_periods
from reports.executive.render import cid_for, render_html, render_pdf, render_text
from reports.executive.view import View, build_view
from reports.executive.workbook import build_xlsx
from tourstack.mail import Attachment, Delivery, InlineImage, MailDeliveryError, Transport, compose

log = logging.getLogger(__name__)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class ExecutiveEmailConfig:
    recipients: tuple[str, ...]
    sender: str
    archive_dir: Path
    base_currency: str = "INR"
    stale_after_hours: float = 36.0
    policy: Mapping[str, Action] = field(default_factory=lambda: dict(DEFAULT_POLICY))
    top_n: int = 5
    charts: bool | None = None  # None: draw when a Chromium is available

    @classmethod
    def from_settings(cls, settings: Any, **overrides: Any) -> ExecutiveEmailConfig:
        """From `tourstack.settings.Settings`. Without configured recipients and without SMTP (the
        outbox default) the e-mail goes to the operator address, so the demo has something to show."""
        recipients = tuple(settings.exec_report_recipients)
        if not recipients and not settings.smtp_host:
            recipients = (settings.operator_email,)
        values = dict(
            recipients=recipients, sender=settings.mail_from, archive_dir=settings.home / "email_archive",
            base_currency=settings.base_currency, stale_after_hours=settings.exec_report_stale_after_hours,
            policy=dict(settings.exec_report_policy),
        )
        values.update(overrides)
        return cls(**values)


@dataclass
class ArchivedEmail:
    id: int
    kind: Kind
    status: str  # sent, warned, held, failed
    reason: str | None
    subject: str
    message_id: str
    recipients: tuple[str, ...]
    period_start: dt.date
    period_end: dt.date
    as_of: dt.date
    transport: str | None
    sent_at: dt.datetime | None
    eml_path: Path
    delivery: Delivery | None
    figures: Figures
    view: View
    restatements: list[Restatement]
    snapshot: dict[str, Any]

    @property
    def delivered(self) -> bool:
        return self.status in ("sent", "warned")


class ExecutiveEmailFailed(MailDeliveryError):
    """The transport failed; the e-mail is archived with status 'failed' (see `.archived`)."""

    def __init__(self, message: str, archived: ArchivedEmail, *, temporary: bool) -> None:
        super().__init__(message, temporary=temporary)
        self.archived = archived


def _open_warehouse(source: Any) -> tuple[Any, bool]:
    """A DB-API connection is used as is; a Settings object is connected (and closed by us)."""
    if hasattr(source, "duckdb_file") and hasattr(source, "warehouse"):
        from tourstack.warehouse import connect

        url = source.warehouse_url.get_secret_value() if source.warehouse_url else None
        return connect(source.warehouse, duckdb_path=source.duckdb_file, postgres_url=url), True
    return source, False


def _snapshot(figures: Figures, view: View, decision: Decision, state: dict, restated: list[Restatement]) -> dict:
    p = figures.periods
    return plain({
        "kind": p.kind,
        "as_of": p.as_of,
        "base_currency": figures.base_currency,
        "period": {"start": p.current.start, "end": p.current.end, "key": p.current.key, "label": p.current.label()},
        "figures": {"current": figures.current.metrics(),
                    **{name: k.metrics() for name, k in figures.comparisons.items()}},
        "periods": figures.by_period(),
        "to_date": figures.to_date,
        "top_destinations": figures.top_destinations,
        "top_agents": figures.top_agents,
        "trend": figures.trend,
        "data_state": state,
        "decision": {"status": decision.status, "reasons": decision.reasons, "warnings": decision.warnings},
        "restatements": [{"period": r.period_key, "metric": r.metric, "old": r.old, "new": r.new} for r in restated],
        "charts": sorted(view.charts) if view.charts else [],
    })


def send_executive_email(
    kind: Kind,
    *,
    warehouse: Any,
    operational_url: str,
    as_of: dt.date,
    transport: Transport,
    config: ExecutiveEmailConfig | None = None,
    failed_checks: Sequence[str] = (),
) -> ArchivedEmail:
    """Build, check, send (unless held) and archive the daily or weekly executive e-mail.

    `warehouse`: a duckdb/psycopg connection to the warehouse, or a Settings object to connect
    from. `operational_url`: the operational database holding `executive_emails`. `config`:
    recipients, sender, policy...; from the environment's settings when omitted.
    Raises ExecutiveEmailFailed (a MailDeliveryError) after archiving when the transport fails.
    """
    from sqlalchemy.orm import Session

    from tourstack.db.engine import make_engine

    if config is None:
        from tourstack.settings import get_settings

        config = ExecutiveEmailConfig.from_settings(get_settings())
    if not config.recipients:
        raise ValueError("no recipients for the executive e-mail (set TOURSTACK_EXEC_REPORT_RECIPIENTS)")
    periods = report_periods(kind, as_of)
    conn, owned = _open_warehouse(warehouse)
    try:
        figures = load_figures(conn, periods, base_currency=config.base_currency, top_n=config.top_n)
        state = read_data_state(conn, as_of, stale_after_hours=config.stale_after_hours, failed_checks=failed_checks)
    finally:
        if owned:
            conn.close()
    decision = decide(state, config.policy)

    engine = make_engine(operational_url)
    try:
        with Session(engine) as session:
            last = snapshot_of(last_delivered(session, kind))
            view, restated = build_view(figures, decision=decision, state=state, last_snapshot=last)
            pngs = render_chart_pngs(figures, enabled=config.charts)
            cids = {name: cid_for(name) for name in pngs}
            view.charts = dict(cids)
            stem = f"tourstack-{kind}-briefing-{periods.current.key.replace('/', '_')}"
            message = compose(
                subject=view.subject,
                sender=config.sender,
                to=list(config.recipients),
                html=render_html(view, cids=cids),
                text=render_text(view),
                inline_images=[InlineImage(cids[name], png) for name, png in pngs.items()],
                attachments=[
                    Attachment(f"{stem}.pdf", render_pdf(view, pngs), "application/pdf"),
                    Attachment(f"{stem}.xlsx", build_xlsx(
                        figures, last_current=(last or {}).get("figures", {}).get("current"), title=view.subject,
                    ), XLSX),
                ],
                headers={"X-Tourstack-Report": f"{kind}; period={periods.current.key}; status={decision.status}"},
            )
            snapshot = _snapshot(figures, view, decision, state.as_dict(), restated)
            status, reason, delivery, error = decision.status, "; ".join(decision.reasons) or None, None, None
            if status != "held":
                try:
                    delivery = transport.send(message)
                except MailDeliveryError as exc:
                    status, reason, error = "failed", str(exc), exc
            eml = write_eml(config.archive_dir, message, kind=kind, period_key=periods.current.key, status=status)
            row = record(
                session, kind=kind, period_start=periods.current.start, period_end=periods.current.end,
                as_of=as_of, status=status, reason=reason, recipients=config.recipients,
                subject=view.subject, message_id=message["Message-ID"],
                transport=delivery.via if delivery else None,
                sent_at=dt.datetime.now(dt.UTC) if delivery else None, snapshot=snapshot, eml_path=str(eml),
            )
            session.commit()
            archived = ArchivedEmail(
                row.id, kind, status, reason, view.subject, message["Message-ID"], tuple(config.recipients),
                periods.current.start, periods.current.end, as_of, row.transport, row.sent_at, eml, delivery,
                figures, view, restated, snapshot,
            )
    finally:
        engine.dispose()
    log.info("executive %s e-mail for %s: %s%s", kind, periods.current.key, status, f" ({reason})" if reason else "")
    if error is not None:
        raise ExecutiveEmailFailed(
            f"executive {kind} e-mail for {periods.current.key} not delivered (archived as failed, "
            f"id {archived.id}): {error}", archived, temporary=error.temporary,
        ) from None
    return archived
