"""AI content through the fake OpenAI server and templates; the batch description job and its
Dagster asset."""

from __future__ import annotations

import json
import shutil

import pytest
from sqlalchemy import func, select, update

from tests.fakes.openai_server import FakeOpenAI
from tourstack.db.engine import make_engine, make_sessionmaker
from tourstack.db.models import AiGeneration, Site
from tourstack.itinerary.batch import fill_site_descriptions
from tourstack.itinerary.content import ContentRequest, generate_content, render_template
from tourstack.itinerary.factory import AiConfig, openai_client
from tourstack.itinerary.limits import Budget, BudgetExhausted, cost_usd_micros
from tourstack.itinerary.usage import MemoryUsageStore

SITE = {"name": "Amber Fort", "category": "fort", "city": "Jaipur", "duration_minutes": 180,
        "description": "Hilltop fort of pale sandstone."}


def text(value: str) -> str:
    return "text:" + json.dumps({"text": value})


@pytest.fixture(scope="module")
def fake():
    with FakeOpenAI() as server:
        yield server


def clients(fake, *models):
    client = openai_client(AiConfig(api_key="sk-test", base_url=fake.base_url, max_retries=0, timeout_s=5))
    return [(client, m) for m in models]


def test_model_text_and_fallback_to_cheaper_model(fake):
    fake.script("gpt-4.1", "refusal")
    fake.script("gpt-4.1-mini", text("Majestueux fort ocre."))
    store = MemoryUsageStore()
    req = ContentRequest(kind="site_description", language="fr", tone="casual", exciting=True, site=SITE)
    result = generate_content(req, clients(fake, "gpt-4.1", "gpt-4.1-mini"), store)
    assert (result.text, result.provider, result.model) == ("Majestueux fort ocre.", "openai", "gpt-4.1-mini")
    assert [a.outcome for a, _, _ in store.attempts] == ["refused", "ok"]
    prompt = fake.requests[-1]["messages"][0]["content"]
    assert "French" in prompt and "more exciting" in prompt and "casual" in prompt


def test_failures_end_in_templates(fake):
    fake.script("gpt-4.1", "500", "malformed")
    req = ContentRequest(kind="site_description", language="hi", site=SITE)
    result = generate_content(req, clients(fake, "gpt-4.1") * 2, MemoryUsageStore())
    assert result.provider == "template" and "Amber Fort" in result.text and "घंटे" in result.text


def test_budget_refusal_for_content(fake):
    req = ContentRequest(kind="improve", text="nice fort")
    with pytest.raises(BudgetExhausted):
        generate_content(req, clients(fake, "gpt-4.1"), MemoryUsageStore(),
                         budget=Budget(monthly_usd_micros=0, on_exceeded="refuse"))


@pytest.mark.parametrize("language", ["en", "hi", "fr"])
def test_templates_cover_every_kind(language):
    assert "Amber Fort" in render_template(ContentRequest(kind="site_description", language=language, site=SITE))
    improved = render_template(ContentRequest(kind="improve", text="a  great   fort", exciting=True))
    assert improved == "A great fort!"


def test_price_table():
    assert cost_usd_micros("gpt-4.1-mini", 1_000_000, 0) == 400_000
    assert cost_usd_micros("gpt-4.1-mini-2025-04-14", 1000, 1000) == 2000
    assert cost_usd_micros("some-new-model", 1, 1) > 0  # unknown models are priced high, not free
    assert cost_usd_micros(None, 10, 10) == 0


@pytest.fixture
def blank_sites(seeded_template, tmp_path):
    target = tmp_path / "batch.db"
    shutil.copyfile(seeded_template, target)
    url = f"sqlite:///{target}"
    engine = make_engine(url)
    sessions = make_sessionmaker(engine)
    with sessions() as s:
        ids = s.scalars(select(Site.id).order_by(Site.id).limit(6)).all()
        s.execute(update(Site).where(Site.id.in_(ids)).values(description=None))
        s.commit()
    yield url, sessions, ids
    engine.dispose()


def test_batch_fills_descriptions_within_budget(fake, blank_sites):
    _, sessions, ids = blank_sites
    fake.default = text("A storied place worth the detour.")
    one_call = cost_usd_micros("gpt-4.1", 1800, 1200)
    try:
        with sessions() as s:
            report = fill_site_descriptions(s, clients(fake, "gpt-4.1"), limit=10,
                                            budget=Budget(monthly_usd_micros=one_call * 2 + 1))
    finally:
        fake.default = "ok"
    assert report.considered == 6 and report.written == 6 and report.stopped_by_budget
    assert report.by_provider.get("openai", 0) >= 1 and report.by_provider["template"] >= 1
    with sessions() as s:
        assert s.scalar(select(func.count()).select_from(Site).where(Site.id.in_(ids),
                                                                      Site.description.is_(None))) == 0
        assert s.scalar(select(func.sum(AiGeneration.cost_usd_micros))) <= one_call * 2 + 1


def test_dagster_asset_offline(blank_sites, monkeypatch):
    from dagster import materialize

    from orchestration.defs.itinerary import site_descriptions_job, site_descriptions
    from orchestration.defs.resources import OperationalDatabase
    from orchestration.defs.services import settings_backed_resources
    from tourstack.settings import get_settings

    url, sessions, ids = blank_sites
    monkeypatch.delenv("TOURSTACK_OPENAI_API_KEY", raising=False)
    get_settings.cache_clear()
    try:
        result = materialize([site_descriptions], resources={"operational_db": OperationalDatabase(url=url), **settings_backed_resources()},
                             run_config={"ops": {"site_descriptions": {"config": {"limit": 3}}}})
    finally:
        get_settings.cache_clear()
    assert result.success
    meta = result.asset_materializations_for_node("site_descriptions")[0].metadata
    assert meta["written"].value == 3 and meta["by_provider"].value == {"template": 3}
    assert site_descriptions_job.name == "site_descriptions_job"
    with sessions() as s:
        assert s.scalar(select(func.count()).select_from(Site).where(Site.id.in_(ids),
                                                                      Site.description.is_(None))) == 3
