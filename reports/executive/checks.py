"""Is the data fit to send? Freshness of the warehouse, failed data checks, and the policy.

Why hold rather than always send: an executive e-mail with wrong numbers is worse than a late
one, because people act on it and forward it. Failed data checks (dbt tests, asset checks on the
marts) therefore hold the e-mail back by default. Stale data is merely old, not wrong, so by
default the e-mail goes out with a banner and "[DATA STALE]" in the subject. Both are
configurable per condition: hold, warn or send.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from tourstack.warehouse import query

Action = Literal["hold", "warn", "send"]
DEFAULT_POLICY: dict[str, Action] = {"failed_checks": "hold", "stale": "warn"}
SUBJECT_TAGS = {"stale": "[DATA STALE]", "failed_checks": "[CHECKS FAILED]"}


def _utc(value: Any) -> dt.datetime | None:
    if value is None:
        return None
    if not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time())
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


@dataclass(frozen=True)
class DataState:
    as_of: dt.date
    newest_booking_at: dt.datetime | None
    last_ingest_at: dt.datetime | None
    stale_after_hours: float
    failed_checks: tuple[str, ...] = ()

    @property
    def reference(self) -> dt.datetime:
        """The end of the as-of day (UTC): data is judged against the day it reports."""
        return dt.datetime.combine(self.as_of + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)

    @property
    def newest_data_at(self) -> dt.datetime | None:
        moments = [m for m in (self.newest_booking_at, self.last_ingest_at) if m is not None]
        return max(moments) if moments else None

    @property
    def age_hours(self) -> float | None:
        newest = self.newest_data_at
        return None if newest is None else round((self.reference - newest).total_seconds() / 3600, 1)

    @property
    def stale(self) -> bool:
        age = self.age_hours
        return age is None or age > self.stale_after_hours

    def as_dict(self) -> dict[str, Any]:
        return {
            "newest_booking_at": _stamp(self.newest_booking_at),
            "last_ingest_at": _stamp(self.last_ingest_at),
            "age_hours": self.age_hours,
            "stale_after_hours": self.stale_after_hours,
            "stale": self.stale,
            "failed_checks": list(self.failed_checks),
        }


def read_data_state(
    conn: Any, as_of: dt.date, *, stale_after_hours: float, failed_checks: Sequence[str] = ()
) -> DataState:
    """Newest booking in the marts and newest ingest load (raw._ingest_state, when present)."""
    newest_booking = query(conn, "select max(booked_at) from marts.kpi_bookings")[0][0]
    try:
        last_ingest = query(conn, "select max(loaded_at) from raw._ingest_state")[0][0]
    except Exception:  # no ingest state table (e.g. a warehouse loaded by other means)
        last_ingest = None
        rollback = getattr(conn, "rollback", None)
        if rollback is not None and type(conn).__module__.startswith("psycopg"):
            rollback()
    return DataState(as_of, _utc(newest_booking), _utc(last_ingest), stale_after_hours, tuple(failed_checks))


@dataclass(frozen=True)
class Decision:
    status: Literal["sent", "warned", "held"]
    reasons: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # shown as banners in the e-mail
    subject_tags: list[str] = field(default_factory=list)


def decide(state: DataState, policy: Mapping[str, Action] | None = None) -> Decision:
    rules = {**DEFAULT_POLICY, **(policy or {})}
    conditions: dict[str, str] = {}
    if state.failed_checks:
        conditions["failed_checks"] = "data checks failed: " + ", ".join(sorted(state.failed_checks))
    if state.stale:
        newest = state.newest_data_at
        conditions["stale"] = (
            "no bookings or loads in the warehouse"
            if newest is None
            else f"data is stale: newest booking/load {newest:%Y-%m-%d %H:%M} UTC, "
            f"{state.age_hours:g} h before the end of {state.as_of} (limit {state.stale_after_hours:g} h)"
        )
    held = [text for name, text in conditions.items() if rules.get(name, "hold") == "hold"]
    warned = [text for name, text in conditions.items() if rules.get(name, "hold") == "warn"]
    tags = [SUBJECT_TAGS[name] for name in conditions if rules.get(name, "hold") == "warn"]
    if held:
        return Decision("held", held + warned, warned, tags)
    if warned:
        return Decision("warned", warned, warned, tags)
    return Decision("sent", list(conditions.values()), [], [])


def _stamp(moment: dt.datetime | None) -> str | None:
    """A reader's timestamp (minutes, UTC); the archive snapshot keeps the same text."""
    if moment is None:
        return None
    utc = moment.astimezone(dt.UTC) if moment.tzinfo else moment
    return utc.strftime("%Y-%m-%d %H:%M UTC")
