"""Batch content jobs: fill missing site descriptions within the monthly AI budget.

Why a budget-aware loop: a catalogue import can leave hundreds of sites without text; the job
writes as many as the budget allows (model text, else the offline template), stops cleanly
when the budget is used up, and reports what it did. Records are written per attempt.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from tourstack.db.models import Destination, Site
from tourstack.itinerary.content import ContentRequest, Language, generate_content
from tourstack.itinerary.limits import Budget, BudgetExhausted
from tourstack.itinerary.usage import SqlUsageStore


@dataclass
class BatchReport:
    considered: int = 0
    written: int = 0
    by_provider: dict[str, int] = field(default_factory=dict)
    stopped_by_budget: bool = False
    cost_usd_micros: int = 0


def sites_missing_description(session: Session, limit: int) -> list[Site]:
    return list(session.scalars(
        select(Site).where(Site.deleted_at.is_(None), or_(Site.description.is_(None), Site.description == ""))
        .order_by(Site.popularity.desc(), Site.id).limit(limit)
    ))


def fill_site_descriptions(session: Session, clients: Sequence[tuple[Any, str]], *, budget: Budget,
                           limit: int = 100, language: Language = "en", dry_run: bool = False,
                           commit_every: int = 20) -> BatchReport:
    """Describe up to `limit` sites without a description; commits in batches unless dry-run.

    Over budget, paid calls stop (refuse) and the remaining sites get the template text, so the
    catalogue is never left half-empty because of money.
    """
    report, store = BatchReport(), SqlUsageStore(session)
    capped = Budget(budget.monthly_usd_micros, budget.agency_monthly_usd_micros, on_exceeded="refuse")
    active = list(clients)
    for site in sites_missing_description(session, limit):
        report.considered += 1
        dest = session.get(Destination, site.destination_id)
        req = ContentRequest(kind="site_description", language=language, site={
            "name": site.name, "category": site.category, "city": dest.name if dest else "",
            "description": "", "duration_minutes": site.typical_duration_minutes})
        try:
            result = generate_content(req, active, store, budget=capped)
        except BudgetExhausted:
            report.stopped_by_budget, active = True, []
            result = generate_content(req, [], store, budget=capped)
        report.cost_usd_micros += sum(a.cost_usd_micros for a in result.attempts)
        report.by_provider[result.provider] = report.by_provider.get(result.provider, 0) + 1
        if not dry_run:
            site.description = result.text
            report.written += 1
            if report.written % commit_every == 0:
                session.commit()
    if dry_run:
        session.rollback()
    else:
        session.commit()
    return report
