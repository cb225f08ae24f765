"""How long the inbox's task list has kept people waiting: open tasks older than a threshold,
counted by kind, for the Dagster check (orchestration/defs/inbox) and anyone else who asks.

Why by kind: "12 open tasks" says little; "9 booking mismatches older than a day" says which
desk is behind."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tourstack.db.models.inbox import InboxTask


@dataclass
class TaskAge:
    threshold_hours: int
    open_total: int = 0
    stale_total: int = 0
    stale_by_kind: dict[str, int] = field(default_factory=dict)
    oldest_stale_ids: list[int] = field(default_factory=list)


def stale_open_tasks(session: Session, *, older_than_hours: int, now: dt.datetime | None = None,
                     shown: int = 20) -> TaskAge:
    """Open tasks created more than `older_than_hours` ago, by kind, and the oldest few ids."""
    cutoff = (now or dt.datetime.now(dt.UTC)) - dt.timedelta(hours=older_than_hours)
    report = TaskAge(threshold_hours=older_than_hours)
    report.open_total = session.scalar(select(func.count()).select_from(InboxTask)
                                       .where(InboxTask.status == "open")) or 0
    stale = (InboxTask.status == "open", InboxTask.created_at < cutoff)
    rows = session.execute(select(InboxTask.kind, func.count()).where(*stale)
                           .group_by(InboxTask.kind).order_by(InboxTask.kind)).all()
    report.stale_by_kind = {kind: count for kind, count in rows}
    report.stale_total = sum(report.stale_by_kind.values())
    report.oldest_stale_ids = list(session.scalars(select(InboxTask.id).where(*stale)
                                                   .order_by(InboxTask.created_at, InboxTask.id).limit(shown)))
    return report
