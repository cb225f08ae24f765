"""The itinerary, content and suggestion endpoints on the seeded tiny catalogue."""

from __future__ import annotations

import shutil
import uuid
from dataclasses import dataclass
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.app import create_app
from tests import factories as f
from tests.fakes.openai_server import FakeOpenAI
from tourstack.db.engine import make_engine, make_sessionmaker
from tourstack.db.models import AiGeneration, ItineraryRevision
from tourstack.settings import Settings

JAIPUR = {"destination": "Jaipur", "days": 3, "budget": "moderate", "interests": ["culture", "food"],
          "style": "relaxed", "travellers": {"kind": "couple"}, "start_date": "2026-11-03"}


@dataclass
class Env:
    url: str
    sessions: object
    keys: dict[str, str]
    agency_a: int


@pytest.fixture
def env(seeded_template, tmp_path) -> Env:
    target = tmp_path / "api.db"
    shutil.copyfile(seeded_template, target)
    url = f"sqlite:///{target}"
    engine = make_engine(url)
    sessions = make_sessionmaker(engine)
    with sessions() as s:
        tag = uuid.uuid4().hex[:6]
        a = f.make_agency(s, code=f"A{tag}", email=f"a{tag}@example.test")
        b = f.make_agency(s, code=f"B{tag}", email=f"b{tag}@example.test")
        agent = f.make_agent(s, a, email=f"agent{tag}@example.test")
        keys = {
            "agent_a": f.make_api_key(s, "agent", agency=a, agent=agent)[0],
            "agent_b": f.make_api_key(s, "agent", agency=b)[0],
            "ops": f.make_api_key(s, "ops")[0],
            "finance": f.make_api_key(s, "finance")[0],
        }
        s.commit()
        agency_a = a.id
    yield Env(url, sessions, keys, agency_a)
    engine.dispose()


def client_for(env: Env, **settings) -> TestClient:
    app = create_app(settings=Settings(database_url=env.url, openai_api_key=None, **settings),
                     sessionmaker=env.sessions)
    return TestClient(app)


def h(env: Env, who: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {env.keys[who]}"}


@pytest.fixture
def client(env):
    with client_for(env) as c:
        yield c


def generate(client, env, who="agent_a", **over):
    r = client.post("/api/v1/itineraries/generate", json=JAIPUR | over, headers=h(env, who))
    assert r.status_code == 201, r.text
    return r.json()


def test_generate_offline_draft(client, env):
    body = generate(client, env)
    assert body["status"] == "draft" and body["source"] == "offline_planner"
    assert body["agency_id"] == env.agency_a and len(body["days"]) == 3
    assert body["generation"]["provider"] == "offline_planner"
    items = [i for d in body["days"] for i in d["items"]]
    assert all(i["verified"] for i in items if i["kind"] == "site")
    assert sum(Decimal(d["total"]["amount"]) for d in body["days"]) == Decimal(body["estimated_cost"]["amount"])
    with env.sessions() as s:
        rec = s.scalars(select(AiGeneration)).all()
        assert [(r.provider, r.outcome, r.itinerary_id) for r in rec] == [("offline_planner", "ok", body["id"])]


def test_agents_see_only_their_agency(client, env):
    body = generate(client, env)
    iid = body["id"]
    item = body["days"][0]["items"][0]["id"]
    for method, path in [("get", f"/api/v1/itineraries/{iid}"), ("get", f"/api/v1/itineraries/{iid}/items"),
                         ("patch", f"/api/v1/itineraries/{iid}/items/{item}"),
                         ("post", f"/api/v1/itineraries/{iid}/items/{item}/lock"),
                         ("post", f"/api/v1/itineraries/{iid}/regenerate"),
                         ("post", f"/api/v1/itineraries/{iid}/approve")]:
        kw = {"json": {}} if method != "get" else {}
        r = getattr(client, method)(path, headers=h(env, "agent_b"), **kw)
        assert r.status_code == 404, (path, r.text)
        assert r.headers["content-type"].startswith("application/problem+json")
    assert client.get(f"/api/v1/itineraries/{iid}", headers=h(env, "ops")).status_code == 200
    assert client.get(f"/api/v1/itineraries/{iid}", headers=h(env, "finance")).status_code == 200
    r = client.post("/api/v1/itineraries/generate", json=JAIPUR, headers=h(env, "finance"))
    assert r.status_code == 403
    r = client.post("/api/v1/itineraries/generate", json=JAIPUR | {"agency_id": 999999},
                    headers=h(env, "agent_a"))
    assert r.status_code == 403


def test_lock_then_regenerate_keeps_locked_items(client, env):
    body = generate(client, env)
    iid = body["id"]
    day2 = body["days"][1]["items"]
    locked = next(i for i in day2 if i["kind"] == "site")
    r = client.post(f"/api/v1/itineraries/{iid}/items/{locked['id']}/lock", headers=h(env, "agent_a"))
    assert r.status_code == 200 and r.json()["is_locked"]
    before = {i["id"]: i for d in body["days"] for i in d["items"]}
    r = client.post(f"/api/v1/itineraries/{iid}/regenerate", json={}, headers=h(env, "agent_a"))
    assert r.status_code == 200, r.text
    after = {i["id"]: i for d in r.json()["days"] for i in d["items"]}
    assert locked["id"] in after
    kept = after[locked["id"]]
    assert (kept["starts_at"], kept["ends_at"], kept["site_id"], kept["day_number"]) == (
        locked["starts_at"], locked["ends_at"], locked["site_id"], 2)
    def unlocked_sites(items):
        return {i["site_id"] for i in items if i["site_id"] and not i["is_locked"]}

    assert unlocked_sites(after.values()) != unlocked_sites(before.values())
    sites = [i["site_id"] for i in after.values() if i["site_id"]]
    assert len(sites) == len(set(sites))  # no site twice, the locked one included

    # one day only: the other days stay exactly as they are
    def content(body):
        return {d["day_number"]: [(i["id"], i["name"], i["starts_at"]) for i in d["items"]] for d in body["days"]}

    snapshot = content(r.json())
    r = client.post(f"/api/v1/itineraries/{iid}/regenerate", json={"day": 3}, headers=h(env, "agent_a"))
    assert r.status_code == 200, r.text
    now = content(r.json())
    assert now[1] == snapshot[1] and now[2] == snapshot[2] and now[3] != snapshot[3]
    r = client.post(f"/api/v1/itineraries/{iid}/regenerate", json={"day": 9}, headers=h(env, "agent_a"))
    assert r.status_code == 422


def test_edit_and_approve_measures_edit_distance(client, env):
    body = generate(client, env)
    iid = body["id"]
    meal = next(i for d in body["days"] for i in d["items"] if i["kind"] == "meal")
    r = client.patch(f"/api/v1/itineraries/{iid}/items/{meal['id']}",
                     json={"name": "Dinner at 1135 AD", "estimated_cost": "4500.00"}, headers=h(env, "agent_a"))
    assert r.status_code == 200, r.text
    assert r.json()["estimated_cost"] == {"amount": "4500.00", "currency": "INR"}
    assert not r.json()["bookable"]
    excess = client.patch(f"/api/v1/itineraries/{iid}/items/{meal['id']}",
                          json={"estimated_cost": "4500.005"}, headers=h(env, "agent_a"))
    assert excess.status_code == 422 and "more decimals than INR allows" in excess.json()["detail"]
    bad = client.patch(f"/api/v1/itineraries/{iid}/items/{meal['id']}",
                       json={"starts_at": "20:00", "ends_at": "19:00"}, headers=h(env, "agent_a"))
    assert bad.status_code == 422
    r = client.post(f"/api/v1/itineraries/{iid}/approve", headers=h(env, "agent_a"))
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["itinerary"]["status"] == "approved" and out["edit_distance"] == 1
    assert Decimal("0") < Decimal(out["edit_ratio"]) < Decimal("0.2")
    assert client.post(f"/api/v1/itineraries/{iid}/approve", headers=h(env, "agent_a")).status_code == 409
    r = client.patch(f"/api/v1/itineraries/{iid}/items/{meal['id']}", json={"name": "x"},
                     headers=h(env, "agent_a"))
    assert r.status_code == 409
    with env.sessions() as s:
        kinds = [(r.kind, r.edit_distance) for r in s.scalars(
            select(ItineraryRevision).where(ItineraryRevision.itinerary_id == iid))]
    assert kinds == [("generated", None), ("approved", 1)]


def test_unknown_destination_and_validation(client, env):
    r = client.post("/api/v1/itineraries/generate", json=JAIPUR | {"destination": "Atlantis"},
                    headers=h(env, "agent_a"))
    assert r.status_code == 422 and r.json()["type"] == "/problems/unknown-destination"
    r = client.post("/api/v1/itineraries/generate", json=JAIPUR | {"days": 0}, headers=h(env, "agent_a"))
    assert r.status_code == 422
    r = client.post("/api/v1/itineraries/generate", json=JAIPUR | {"provider": "openai"},
                    headers=h(env, "agent_a"))
    assert r.status_code == 503 and r.json()["type"] == "/problems/provider-not-configured"  # no key here


def test_rate_limit_per_agency(env):
    with client_for(env, ai_agency_rate_limit_per_minute=1) as c:
        generate(c, env)
        r = c.post("/api/v1/itineraries/generate", json=JAIPUR, headers=h(env, "agent_a"))
        assert r.status_code == 429 and int(r.headers["Retry-After"]) >= 1
        generate(c, env, who="ops")  # another scope


def test_openai_generation_and_budget_refusal(env):
    with FakeOpenAI() as fake:
        fake.script("gpt-4.1", "invented")
        settings = dict(openai_base_url=fake.base_url, openai_max_retries=0)
        app = create_app(settings=Settings(database_url=env.url, openai_api_key="sk-test", **settings),
                         sessionmaker=env.sessions)
        with TestClient(app) as c:
            body = generate(c, env, provider="openai")
            assert body["source"] == "openai" and body["generation"]["model"] == "gpt-4.1"
            invented = [i for d in body["days"] for i in d["items"] if i["name"] == "Maharaja Moonlight Sky Garden"]
            assert invented and not invented[0]["verified"] and not invented[0]["bookable"]
            assert any("not in the catalogue" in w for w in body["warnings"])
        refuse = Settings(database_url=env.url, openai_api_key="sk-test", ai_monthly_budget_usd=Decimal("0.01"),
                          ai_budget_policy="refuse", **settings)
        with TestClient(create_app(settings=refuse, sessionmaker=env.sessions)) as c:
            r = c.post("/api/v1/itineraries/generate", json=JAIPUR, headers=h(env, "agent_a"))
            assert r.status_code == 402 and r.json()["type"] == "/problems/ai-budget-exceeded"
        downgrade = refuse.model_copy(update={"ai_budget_policy": "downgrade"})
        with TestClient(create_app(settings=downgrade, sessionmaker=env.sessions)) as c:
            body = generate(c, env)
            assert body["source"] == "offline_planner"
            assert body["generation"]["attempts"][0].endswith("budget_exceeded")


@pytest.mark.parametrize("language", ["en", "hi", "fr"])
def test_content_templates_offline(client, env, language):
    iid = generate(client, env)["id"]
    for path, extra in [("site-description", {"site_id": 50}), ("itinerary-description", {"itinerary_id": iid}),
                        ("instagram-caption", {"itinerary_id": iid}),
                        ("email-summary", {"itinerary_id": iid, "customer_name": "Asha"}),
                        ("improve", {"text": "a lovely   fort on a hill", "exciting": True})]:
        r = client.post(f"/api/v1/content/{path}", json={"language": language, "tone": "casual"} | extra,
                        headers=h(env, "agent_a"))
        assert r.status_code == 200, (path, r.text)
        assert r.json()["provider"] == "template" and r.json()["text"].strip()
    assert client.post("/api/v1/content/email-summary", json={"itinerary_id": iid},
                       headers=h(env, "agent_b")).status_code == 404


def test_suggestions(client, env):
    r = client.get("/api/v1/suggestions", params={"site_id": 50, "date": "2026-11-02", "interests": "food,culture"},
                   headers=h(env, "agent_a"))
    assert r.status_code == 200, r.text
    found = r.json()
    assert found and all(s["site_id"] != 50 for s in found)
    assert all(s["best_time"] is not None and s["opens_at"] <= s["best_time"] for s in found)
    r = client.get("/api/v1/suggestions", params={"lat": 48.8566, "lon": 2.3522, "interests": "culture"},
                   headers=h(env, "agent_a"))
    assert r.status_code == 200 and r.json()
    assert client.get("/api/v1/suggestions", params={"lat": 0, "lon": -140}, headers=h(env, "agent_a")).status_code == 404
    assert client.get("/api/v1/suggestions", headers=h(env, "agent_a")).status_code == 422
