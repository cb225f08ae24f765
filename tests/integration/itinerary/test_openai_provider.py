"""The real openai SDK against a loopback fake server: success, failures and the fallback chain."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.fakes.openai_server import FakeOpenAI
from tourstack.itinerary.catalogue import load_catalogue
from tourstack.itinerary.chain import GenerationFailed, generate
from tourstack.itinerary.factory import AiConfig, build_chain
from tourstack.itinerary.limits import Budget, BudgetExhausted, RateLimiter, RateLimited
from tourstack.itinerary.models import Travellers, TripRequest
from tourstack.itinerary.openai_provider import OpenAIProvider
from tourstack.itinerary.providers import MalformedOutput, PlanRequest, Refused
from tourstack.itinerary.quality import check_plan
from tourstack.itinerary.usage import MemoryUsageStore

PRIMARY, CHEAP = "gpt-4.1", "gpt-4.1-mini"
TRIP = TripRequest(destination="Jaipur", days=3, budget="moderate", interests=["culture", "food"],
                   style="relaxed", travellers=Travellers.of("couple"), start_date=dt.date(2026, 11, 3))


@pytest.fixture(scope="module")
def fake():
    with FakeOpenAI(delay_s=1.5) as server:
        yield server


@pytest.fixture
def server(fake):
    fake.scripts.clear()
    fake.requests.clear()
    fake.default = "ok"
    return fake


@pytest.fixture(scope="module")
def cat(sessions):
    with sessions() as s:
        return load_catalogue(s, "Jaipur")


def chain(server, **kw):
    config = AiConfig(api_key="sk-test", base_url=server.base_url, model=PRIMARY,
                      fallback_model=CHEAP, timeout_s=kw.pop("timeout_s", 5.0), max_retries=kw.pop("retries", 1))
    return build_chain(config)


def test_structured_output_is_parsed_and_grounded(server, cat):
    store = MemoryUsageStore()
    gen = generate(cat, PlanRequest(trip=TRIP), chain(server), store)
    assert gen.provider == "openai" and gen.model == PRIMARY and not gen.fell_back
    plan = gen.plan
    assert check_plan(plan, cat, TRIP) == []
    sites = [i for _, i in plan.items() if i.kind == "site"]
    assert sites and all(i.verified and i.site_id for i in sites)
    assert plan.items()[1][1].estimated_cost_minor > 0
    # the request used structured outputs with the itinerary schema
    body = server.requests[0]
    assert body["response_format"]["type"] == "json_schema"
    assert body["response_format"]["json_schema"]["strict"] is True
    (attempt, _, purpose), = store.attempts
    assert attempt.outcome == "ok" and attempt.prompt_tokens == 1800 and attempt.cost_usd_micros > 0
    assert purpose == "itinerary"


def test_invented_places_are_flagged_not_bookable(server, cat):
    server.script(PRIMARY, "invented")
    plan = generate(cat, PlanRequest(trip=TRIP), chain(server), MemoryUsageStore()).plan
    invented = [i for _, i in plan.items() if i.name in ("Maharaja Moonlight Sky Garden",
                                                          "The Grand Imaginary Palace Resort")]
    assert invented and all(not i.verified and not i.bookable and i.site_id is None
                            and i.supplier_id is None for i in invented)
    assert any("not in the catalogue" in w for w in plan.warnings)
    lunch = next(i for _, i in plan.items() if i.name.startswith("Lunch at"))
    assert not lunch.verified and not lunch.bookable


@pytest.mark.parametrize("failure", ["malformed", "schema", "refusal", "429", "500"])
def test_failure_falls_back_to_the_cheaper_model(server, cat, failure):
    server.script(PRIMARY, failure, failure)  # also fails the SDK's retry
    store = MemoryUsageStore()
    gen = generate(cat, PlanRequest(trip=TRIP), chain(server), store)
    assert gen.provider == "openai" and gen.model == CHEAP and gen.fell_back
    outcomes = [a.outcome for a, _, _ in store.attempts]
    expected = {"malformed": "malformed", "schema": "malformed", "refusal": "refused",
                "429": "rate_limited", "500": "unavailable"}[failure]
    assert outcomes == [expected, "ok"]
    assert any("fell back" in w for w in gen.plan.warnings)


def test_sdk_retries_a_transient_429(server, cat):
    server.script(PRIMARY, "429")
    gen = generate(cat, PlanRequest(trip=TRIP), chain(server), MemoryUsageStore())
    assert gen.model == PRIMARY and not gen.fell_back
    assert server.calls(PRIMARY) == 2


def test_timeouts_fall_through_to_the_offline_planner(server, cat):
    server.default = "timeout"
    store = MemoryUsageStore()
    gen = generate(cat, PlanRequest(trip=TRIP), chain(server, timeout_s=0.3, retries=0), store)
    assert gen.provider == "offline_planner"
    assert [a.outcome for a, _, _ in store.attempts] == ["timeout", "timeout", "ok"]
    assert check_plan(gen.plan, cat, TRIP) == []


def test_everything_failing_without_offline_raises(server, cat):
    server.default = "500"
    providers = chain(server, retries=0)[:2]
    with pytest.raises(GenerationFailed, match="unavailable"):
        generate(cat, PlanRequest(trip=TRIP), providers, MemoryUsageStore())


def test_provider_errors_are_typed(server, cat):
    provider = chain(server)[0]
    assert isinstance(provider, OpenAIProvider)
    server.script(PRIMARY, "refusal")
    with pytest.raises(Refused):
        provider.plan(cat, PlanRequest(trip=TRIP))
    server.script(PRIMARY, "malformed")
    with pytest.raises(MalformedOutput) as err:
        provider.plan(cat, PlanRequest(trip=TRIP))
    assert err.value.usage.prompt_tokens in (0, 1800)


def test_budget_downgrades_to_offline(server, cat):
    store = MemoryUsageStore()
    budget = Budget(monthly_usd_micros=1, on_exceeded="downgrade")
    gen = generate(cat, PlanRequest(trip=TRIP), chain(server), store, budget=budget)
    assert gen.provider == "offline_planner" and server.calls() == 0
    assert [a.outcome for a, _, _ in store.attempts] == ["budget_exceeded", "budget_exceeded", "ok"]


def test_budget_refusal(server, cat):
    store = MemoryUsageStore()
    budget = Budget(agency_monthly_usd_micros=1, on_exceeded="refuse")
    with pytest.raises(BudgetExhausted, match="agency 7"):
        generate(cat, PlanRequest(trip=TRIP), chain(server), store, budget=budget, agency_id=7)
    assert server.calls() == 0


def test_rate_limiter_per_agency(server, cat):
    now = [0.0]
    limiter = RateLimiter(global_per_minute=100, agency_per_minute=2, clock=lambda: now[0])
    providers = build_chain(AiConfig())  # offline only
    for _ in range(2):
        generate(cat, PlanRequest(trip=TRIP), providers, MemoryUsageStore(), limiter=limiter, agency_id=1)
    with pytest.raises(RateLimited) as err:
        generate(cat, PlanRequest(trip=TRIP), providers, MemoryUsageStore(), limiter=limiter, agency_id=1)
    assert err.value.scope == "agency" and err.value.retry_after_s > 0
    generate(cat, PlanRequest(trip=TRIP), providers, MemoryUsageStore(), limiter=limiter, agency_id=2)
    now[0] += 30  # one token back per 30 s at 2/min
    generate(cat, PlanRequest(trip=TRIP), providers, MemoryUsageStore(), limiter=limiter, agency_id=1)


def test_no_key_means_offline_only():
    assert [p.name for p in build_chain(AiConfig())] == ["offline_planner"]
    with pytest.raises(ValueError):
        build_chain(AiConfig(), provider="openai")


def test_openai_regeneration_keeps_locked_items(server, sessions):
    from tourstack.itinerary import drafts, service
    from tourstack.itinerary.providers import OfflineProvider

    with sessions() as s:
        itinerary, _ = service.generate_draft(s, TRIP, [OfflineProvider()])
        day2 = [i for d, i in drafts.item_rows(s, itinerary) if d.day_number == 2 and i.kind == "site"]
        locked = day2[0]
        drafts.set_locked(s, itinerary, locked.id)
        gen = service.regenerate(s, itinerary, chain(server))
        assert gen.provider == "openai"
        rows = drafts.item_rows(s, itinerary)
        kept = [i for d, i in rows if i.id == locked.id]
        assert kept and kept[0].starts_at == locked.starts_at and kept[0].is_locked
        site_ids = [i.site_id for _, i in rows if i.site_id]
        assert len(site_ids) == len(set(site_ids))
        assert itinerary.source == "openai"
        # the prompt told the model what to keep
        assert locked.name in server.requests[-1]["messages"][-1]["content"]
        s.rollback()
