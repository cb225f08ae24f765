"""Differences older than an hour raise an alert.

The sync runs every 15 minutes, so a document issued or edited a few minutes ago may simply be
waiting for the next run: a difference counts once what it concerns (our document, their
record, or for a receivable / payable the newest change of that party's documents) last changed
more than `GRACE` ago. Those are announced as one `system.alert`
(tourstack.messaging.events.announce_alert) per provider and firing.

Once per firing: the alert's fingerprint names the provider, and its start is the change time
of the oldest aged difference. The outbox keys an alert on fingerprint and start, so every
hourly check that finds the same differences again writes nothing new; when they clear and
others age later, that is a new firing with a new start. The resolution is not announced (the
check passes again, and Dagster shows it).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from sqlalchemy.orm import Session

from tourstack.accounting.sync_report import Difference, SyncReconciliation

GRACE = dt.timedelta(hours=1)
SHOWN = 10
ALERT_NAME = "AccountingSyncDifferences"


@dataclass(frozen=True)
class AgedDifferences:
    provider: str
    differences: list[Difference]
    since: dt.datetime | None  # the oldest change among them: the firing's start

    @property
    def firing(self) -> bool:
        return bool(self.differences)


def aged_differences(result: SyncReconciliation, now: dt.datetime, grace: dt.timedelta = GRACE) -> AgedDifferences:
    """The differences whose subject last changed more than `grace` before `now`. One without
    any known change time (a provider record with no timestamp) counts as aged."""
    cutoff = now - grace
    aged = [d for d in result.differences if d.changed_at is None or d.changed_at <= cutoff]
    known = [d.changed_at for d in aged if d.changed_at is not None]
    since = min(known) if known else (cutoff if aged else None)
    return AgedDifferences(result.provider, aged, since)


def fingerprint(provider: str) -> str:
    return hashlib.sha256(f"tourstack:accounting-sync-differences:{provider}".encode()).hexdigest()


def announce(session: Session, aged: AgedDifferences, config=None):  # noqa: ANN001, ANN201 (MessagingConfig, Routed)
    """Queue the `system.alert` for a firing (the caller commits); a repeat writes nothing."""
    from tourstack.messaging.events import announce_alert

    shown = "; ".join(f"{d.entity} {d.kind} {d.label}: ours {d.ours} theirs {d.theirs}"
                      for d in aged.differences[:SHOWN])
    more = len(aged.differences) - SHOWN
    return announce_alert(
        session, name=ALERT_NAME, status="firing", severity="warning",
        summary=f"{len(aged.differences)} accounting sync differences with {aged.provider} older than an hour",
        detail=shown + (f"; and {more} more" if more > 0 else "") +
        f". `tourstack report finance accounting-sync --provider {aged.provider}`",
        fingerprint=fingerprint(aged.provider), starts_at=aged.since,
        labels={"provider": aged.provider, "component": "accounting-sync"}, config=config)
