"""Cache warming: the common reads, asked once per role and per busy agency, so the first
agent of the morning gets a hit (`tourstack cache warm`).

It runs the app in-process against the same Redis the API uses, as principals built here (no
key is needed or stored); each entry lands under the scope its real callers will look up.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import func, select

from api.subrequests import get
from tourstack.auth import Principal

COMMON_QUERIES: dict[str, tuple[str, ...]] = {
    "agent": ("/api/v1/bookings", "/api/v1/bookings?status=confirmed", "/api/v1/quotes",
              "/api/v1/invoices", "/api/v1/payments"),
    "ops": ("/api/v1/bookings", "/api/v1/quotes", "/api/v1/invoices", "/api/v1/supplier-payouts",
            "/api/v1/dashboards"),
    "finance": ("/api/v1/invoices", "/api/v1/payments", "/api/v1/disputes", "/api/v1/supplier-payouts",
                "/api/v1/reconciliation/exceptions", "/api/v1/dashboards", "/api/v1/reports/metrics"),
    "admin": ("/api/v1/bookings", "/api/v1/invoices", "/api/v1/payments", "/api/v1/dashboards",
              "/api/v1/reports/metrics"),
}


@dataclass
class WarmReport:
    requests: int = 0
    statuses: Counter = field(default_factory=Counter)
    cache: Counter = field(default_factory=Counter)


def busiest_agencies(session, limit: int) -> list[int]:
    from tourstack.db.models import Booking

    rows = session.execute(select(Booking.agency_id, func.count()).group_by(Booking.agency_id)
                           .order_by(func.count().desc(), Booking.agency_id).limit(limit))
    return [agency_id for agency_id, _ in rows]


def principals(session, agencies: int) -> list[Principal]:
    staff = [Principal(key_id=0, role=role) for role in ("ops", "finance", "admin")]
    agents = [Principal(key_id=0, role="agent", agency_id=a) for a in busiest_agencies(session, agencies)]
    return staff + agents


async def warm(app, who: list[Principal]) -> WarmReport:
    report = WarmReport()
    for principal in who:
        for url in COMMON_QUERIES.get(principal.role, ()):
            response = await get(app, url, principal)
            report.requests += 1
            report.statuses[response.status] += 1
            report.cache[response.headers.get("x-cache", "none")] += 1
    return report
