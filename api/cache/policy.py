"""Which GET routes the response cache keeps, and for how long: the one place TTLs live.

Only routes listed here are cached; everything else (downloads, PDFs, dashboard pages, saved
reports owned by one key, the outbox the dispatcher rewrites every second) passes straight
through. Listed routes must answer the same body to every caller with the same role and agency
(the cache key's scope, see api.cache.keys): none of them reads the caller's key id, agent or
staff user.

TTLs are a ceiling, not the freshness mechanism: rows written through the API invalidate their
entries at commit (api.cache.tracking). The TTL bounds what only time can: writes by other
processes (Dagster jobs, the outbox dispatcher), the search index, which the outbox worker
updates after the commit, and answers that depend on today's date.
"""

from __future__ import annotations

from dataclasses import dataclass

from api.routes import API_PREFIX

# Seconds per kind of answer.
TTL_SECONDS: dict[str, int] = {
    "list": 60,      # paginated lists
    "detail": 120,   # one resource
    "search": 30,    # search, autocomplete, suggestions: the index follows writes asynchronously
    "pricing": 60,   # computed money: supplier dues, payment plans
    "kpi": 300,      # dashboards list, metric catalogue, recommendations: refreshed by the pipeline
}
# Bodies larger than this are served but not stored.
MAX_CACHED_BODY = 1024 * 1024


@dataclass(frozen=True)
class CachePolicy:
    template: str
    kind: str

    @property
    def ttl(self) -> int:
        return TTL_SECONDS[self.kind]


_ROUTES: dict[str, str] = {
    "/bookings": "list",
    "/bookings/{booking_ref}": "detail",
    "/bookings/{booking_ref}/payment-plan": "pricing",
    "/quotes": "list",
    "/quotes/{quote_id}": "detail",
    "/invoices": "list",
    "/invoices/{invoice_id}": "detail",
    "/payments": "list",
    "/payments/{payment_id}": "detail",
    "/payments/{payment_id}/refunds": "list",
    "/refunds/{refund_id}": "detail",
    "/disputes": "list",
    "/supplier-payouts": "list",
    "/supplier-payouts/{payout_id}": "detail",
    "/suppliers/{supplier_id}/dues": "pricing",
    "/itineraries/{itinerary_id}": "detail",
    "/itineraries/{itinerary_id}/items": "list",
    "/reconciliation/exceptions": "list",
    "/reconciliation/decisions": "list",
    "/search/{index}": "search",
    "/search/sites": "search",
    "/search/destinations": "search",
    "/search/itineraries": "search",
    "/search/suppliers": "search",
    "/search/autocomplete": "search",
    "/search/suggestions": "search",
    "/suggestions": "search",
    "/dashboards": "kpi",
    "/reports/metrics": "kpi",
    "/reports/dimensions": "kpi",
    "/recommendations/also-booked": "kpi",
    "/recommendations/for-agency": "kpi",
}
CACHED_ROUTES: dict[str, CachePolicy] = {
    API_PREFIX + path: CachePolicy(API_PREFIX + path, kind) for path, kind in _ROUTES.items()
}


def policy_for(template: str | None) -> CachePolicy | None:
    return CACHED_ROUTES.get(template) if template else None
