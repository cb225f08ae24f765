"""The seed's "calendar events created for all bookings", proven: every live booking (not
cancelled, not deleted, trip not over) has exactly one confirmed event in each connected
calendar (the recipients of TOURSTACK_GOOGLE_CALENDAR_IDS, and `outlook:<recipient>` for each
mailbox of TOURSTACK_GRAPH_CALENDAR_USERS), read from `calendar_events`.

Attached to the raw bookings asset, so it runs with each ingest and on demand; not blocking
(a late calendar delivery should not hold the warehouse). With no calendar connected it passes
and says so.
"""

# No `from __future__ import annotations`: Dagster inspects the context annotation at runtime.
from dagster import AssetCheckExecutionContext, AssetCheckResult, AssetKey, asset_check
from sqlalchemy.orm import sessionmaker

from orchestration.defs.resources import OperationalDatabase
from tourstack.messaging.calendar_sync import expected_calendar_events

SHOWN = 20


def connected_calendars() -> list[str]:
    from tourstack.messaging.calendar_sync import connected_calendars as of_settings
    from tourstack.settings import get_settings

    return of_settings(get_settings())


@asset_check(asset=AssetKey(["raw", "bookings"]), name="one_calendar_event_per_live_booking", blocking=False,
             description="Every live booking has exactly one event in each connected calendar.")
def one_calendar_event_per_live_booking(context: AssetCheckExecutionContext,
                                        operational_db: OperationalDatabase) -> AssetCheckResult:
    calendars = connected_calendars()
    if not calendars:
        return AssetCheckResult(passed=True, metadata={"calendars": "none connected"})
    with operational_db.engine() as engine, sessionmaker(engine)() as session:
        result = expected_calendar_events(session, calendars)
    missing = result["missing"]
    if missing:
        context.log.error(f"{len(missing)} live booking events missing or duplicated, e.g. {missing[:5]}")
    return AssetCheckResult(passed=not missing, metadata={
        "live_bookings": result["live_bookings"], "calendars": ", ".join(calendars),
        "missing": len(missing), "first_missing": ", ".join(missing[:SHOWN])})
