"""The fallback chain: primary model, then a cheaper model, then the offline planner.

Why a plain loop: each step is "check the budget, call, record"; a failed provider (typed
ProviderError) hands over to the next, and every attempt is recorded with its outcome, tokens,
cost and latency, including the ones that failed. The offline planner at the end of the chain
makes generation total for any catalogued destination.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

from tourstack.itinerary.catalogue import DestinationCatalogue
from tourstack.itinerary.limits import Budget, BudgetExhausted, RateLimiter, cost_usd_micros, estimate_cost_usd_micros
from tourstack.itinerary.models import ItineraryPlan
from tourstack.itinerary.providers import PlanRequest, Provider, ProviderError
from tourstack.itinerary.usage import Attempt, UsageStore


class GenerationFailed(Exception):
    def __init__(self, attempts: list[Attempt]):
        summary = "; ".join(f"{a.provider}/{a.model}: {a.outcome}" for a in attempts)
        super().__init__(f"no provider produced a plan ({summary})")
        self.attempts = attempts


@dataclass
class Generation:
    plan: ItineraryPlan
    provider: str
    model: str | None
    request_id: str
    attempts: list[Attempt] = field(default_factory=list)

    @property
    def fell_back(self) -> bool:
        return len(self.attempts) > 1


def _budget_problem(budget: Budget, store: UsageStore, agency_id: int | None, model: str,
                    estimate: int | None = None) -> BudgetExhausted | None:
    """The exhausted budget if this call (at `estimate`, default an itinerary call) would pass it."""
    estimate = estimate_cost_usd_micros(model) if estimate is None else estimate
    if budget.monthly_usd_micros is not None:
        spent = store.spent_this_month(None)
        if spent + estimate > budget.monthly_usd_micros:
            return BudgetExhausted("global", spent, budget.monthly_usd_micros)
    if budget.agency_monthly_usd_micros is not None and agency_id is not None:
        spent = store.spent_this_month(agency_id)
        if spent + estimate > budget.agency_monthly_usd_micros:
            return BudgetExhausted(f"agency {agency_id}", spent, budget.agency_monthly_usd_micros)
    return None


def generate(
    catalogue: DestinationCatalogue,
    request: PlanRequest,
    providers: Sequence[Provider],
    store: UsageStore,
    *,
    budget: Budget = Budget(),
    limiter: RateLimiter | None = None,
    agency_id: int | None = None,
    purpose: str = "itinerary",
    itinerary_id: int | None = None,
) -> Generation:
    """Try each provider in turn; raise BudgetExhausted (refuse policy), the limiter's
    RateLimited, or GenerationFailed when nothing worked."""
    if limiter is not None:
        limiter.check(agency_id)
    request_id = str(uuid.uuid4())
    attempts: list[Attempt] = []

    def note(**kw) -> None:
        attempt = Attempt(request_id=request_id, attempt=len(attempts) + 1, **kw)
        attempts.append(attempt)
        store.record(attempt, agency_id=agency_id, purpose=purpose, itinerary_id=itinerary_id)

    for provider in providers:
        paid = provider.name != "offline_planner"
        if paid:
            problem = _budget_problem(budget, store, agency_id, provider.model or "")
            if problem is not None:
                if budget.on_exceeded == "refuse":
                    note(provider=provider.name, model=provider.model, outcome="budget_exceeded",
                         prompt_tokens=0, completion_tokens=0, cost_usd_micros=0, latency_ms=0,
                         error=str(problem))
                    raise problem
                note(provider=provider.name, model=provider.model, outcome="budget_exceeded",
                     prompt_tokens=0, completion_tokens=0, cost_usd_micros=0, latency_ms=0,
                     error=str(problem))
                continue
        started = time.perf_counter()
        try:
            result = provider.plan(catalogue, request)
        except ProviderError as exc:
            latency = int((time.perf_counter() - started) * 1000)
            note(provider=provider.name, model=provider.model, outcome=exc.outcome,
                 prompt_tokens=exc.usage.prompt_tokens, completion_tokens=exc.usage.completion_tokens,
                 cost_usd_micros=cost_usd_micros(provider.model, exc.usage.prompt_tokens,
                                                 exc.usage.completion_tokens),
                 latency_ms=latency, error=str(exc))
            continue
        latency = int((time.perf_counter() - started) * 1000)
        note(provider=provider.name, model=result.model, outcome="ok",
             prompt_tokens=result.usage.prompt_tokens, completion_tokens=result.usage.completion_tokens,
             cost_usd_micros=cost_usd_micros(result.model, result.usage.prompt_tokens,
                                             result.usage.completion_tokens) if paid else 0,
             latency_ms=latency)
        plan = result.plan
        if len(attempts) > 1:
            failed = ", ".join(f"{a.provider} {a.model or ''} ({a.outcome})".replace("  ", " ")
                               for a in attempts[:-1])
            plan = plan.model_copy(update={"warnings": [*plan.warnings, f"fell back after: {failed}"]})
        return Generation(plan=plan, provider=provider.name, model=result.model,
                          request_id=request_id, attempts=attempts)
    raise GenerationFailed(attempts)
