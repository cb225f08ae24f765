"""The itinerary PDF end to end on the seeded tiny catalogue: the CLI (by id and by booking
reference) and `GET /itineraries/{id}.pdf` with its agency scoping; the PDF's text is read
back with pypdf. One module-scoped database and at most three renders keep it to seconds."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import uuid
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader
from typer.testing import CliRunner

from api.app import create_app
from cli import app as cli_app
from tests import factories as f
from tourstack.db.engine import make_engine, make_sessionmaker
from tourstack.db.models import Destination
from tourstack.itinerary import TripRequest, service
from tourstack.itinerary.factory import AiConfig, build_chain
from tourstack.settings import Settings

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("trip_document")]


@dataclass
class World:
    url: str
    sessions: object
    itinerary_id: int
    booking_ref: str
    keys: dict[str, str]


@pytest.fixture(scope="module")
def world(seeded_template, tmp_path_factory):
    target = tmp_path_factory.mktemp("tripdoc") / "tripdoc.db"
    shutil.copyfile(seeded_template, target)
    url = f"sqlite:///{target}"
    engine = make_engine(url)
    sessions = make_sessionmaker(engine)
    with sessions() as s:
        tag = uuid.uuid4().hex[:6]
        a = f.make_agency(s, code=f"A{tag}", name="Lotus Journeys", email=f"a{tag}@example.test", phone="+91 11 4000 1234")
        b = f.make_agency(s, code=f"B{tag}", email=f"b{tag}@example.test")
        agent = f.make_agent(s, a, email=f"agent{tag}@example.test")
        trip = TripRequest(destination="Delhi", days=2, start_date=dt.date(2026, 5, 12), interests=["culture", "food"])
        itinerary, _ = service.generate_draft(s, trip, build_chain(AiConfig()), agency_id=a.id)
        delhi = s.query(Destination).filter_by(name="Delhi").one()
        request = f.make_quote_request(s, agent, destination=delhi, itinerary_id=itinerary.id)
        booking = f.make_booking(s, agent, destination=delhi, quote_id=f.make_quote(s, request).id)
        keys = {"agent_a": f.make_api_key(s, "agent", agency=a, agent=agent)[0],
                "agent_b": f.make_api_key(s, "agent", agency=b)[0], "ops": f.make_api_key(s, "ops")[0]}
        s.commit()
        world = World(url, sessions, itinerary.id, booking.booking_ref, keys)
    yield world
    engine.dispose()


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture(scope="module")
def cli_pdf(world, tmp_path_factory) -> str:
    out = tmp_path_factory.mktemp("out") / "trip.pdf"
    result = CliRunner().invoke(cli_app, ["itinerary", "pdf", world.booking_ref, "--out", str(out),
                                          "--today", "2026-01-05", "--database-url", world.url])
    assert result.exit_code == 0, result.output
    return _text(out.read_bytes())


def test_the_pdf_has_a_cover_summary_and_every_day_with_times_distances_and_weather(cli_pdf, world):
    assert "Lotus Journeys" in cli_pdf and world.booking_ref in cli_pdf
    assert "Trip summary" in cli_pdf
    assert "Day 1:" in cli_pdf and "Day 2:" in cli_pdf and "Tuesday 12 May 2026" in cli_pdf
    assert "Distances and travel times" in cli_pdf and " km, " in cli_pdf and " min" in cli_pdf
    assert "Estimate: straight-line distance" in cli_pdf  # offline legs say so
    assert "Weather: Climate normal (monthly average)" in cli_pdf and "IMD" in cli_pdf
    assert "Extreme heat" in cli_pdf  # Delhi in May: normal high 40 C


def test_the_pdf_ends_with_packing_inclusions_contacts_and_emergency_numbers(cli_pdf):
    for heading in ("Packing list", "Included", "Not included", "Contacts", "Emergency numbers in India"):
        assert heading in cli_pdf
    assert "Clothing covering shoulders and knees" in cli_pdf  # a mosque and a gurudwara on the plan
    assert "112" in cli_pdf and "Visa fees" in cli_pdf


def test_the_cli_refuses_an_unknown_reference_with_exit_code_2(world, tmp_path):
    result = CliRunner().invoke(cli_app, ["itinerary", "pdf", "NO-SUCH-REF", "--out", str(tmp_path / "x.pdf"),
                                          "--database-url", world.url])
    assert result.exit_code == 2 and "no itinerary or booking" in result.output
    assert not (tmp_path / "x.pdf").exists()


@pytest.fixture(scope="module")
def api(world):
    app = create_app(settings=Settings(database_url=world.url, openai_api_key=None), sessionmaker=world.sessions)
    with TestClient(app) as client:
        yield client


def test_the_api_serves_the_pdf_to_its_agency(api, world):
    r = api.get(f"/api/v1/itineraries/{world.itinerary_id}.pdf",
                headers={"Authorization": f"Bearer {world.keys['agent_a']}"})
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    assert "Day 1:" in _text(r.content)


def test_the_api_scopes_the_pdf_like_the_itinerary(api, world):
    other = api.get(f"/api/v1/itineraries/{world.itinerary_id}.pdf",
                    headers={"Authorization": f"Bearer {world.keys['agent_b']}"})
    assert other.status_code == 404 and other.headers["content-type"].startswith("application/problem+json")
    assert api.get(f"/api/v1/itineraries/{world.itinerary_id}.pdf").status_code == 401
    missing = api.get("/api/v1/itineraries/999999.pdf", headers={"Authorization": f"Bearer {world.keys['ops']}"})
    assert missing.status_code == 404
    # the plain itinerary endpoint still answers beside the .pdf route
    plain = api.get(f"/api/v1/itineraries/{world.itinerary_id}", headers={"Authorization": f"Bearer {world.keys['agent_a']}"})
    assert plain.status_code == 200


def _as(world, key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {world.keys[key]}"}


def test_weather_as_json_says_which_kind_and_lists_packing(api, world):
    r = api.get(f"/api/v1/itineraries/{world.itinerary_id}/weather", headers=_as(world, "agent_a"))
    assert r.status_code == 200, r.text
    body = r.json()
    assert [d["day"] for d in body["days"]] == [1, 2]
    assert [d["date"] for d in body["days"]] == ["2026-05-12", "2026-05-13"]
    for day in body["days"]:  # no forecaster configured: May's climate normals for Delhi, with sources
        assert day["kind"] == "climate_normal" and day["tmax_c"] is not None and day["sources"]
    assert any("heat" in w["kind"] for d in body["days"] for w in d["warnings"])  # Delhi in May
    assert body["packing"] and all(len(p) == 2 for p in body["packing"])
    assert api.get(f"/api/v1/itineraries/{world.itinerary_id}/weather", headers=_as(world, "agent_b")).status_code == 404


def test_nearby_attractions_not_in_the_itinerary_ranked_by_score(api, world):
    r = api.get(f"/api/v1/itineraries/{world.itinerary_id}/nearby", params={"radius_km": 10, "limit": 5},
                headers=_as(world, "agent_a"))
    assert r.status_code == 200, r.text
    found = r.json()
    items = api.get(f"/api/v1/itineraries/{world.itinerary_id}/items", headers=_as(world, "agent_a")).json()
    planned = {i["site_id"] for i in items if i.get("site_id")}
    assert found and not {n["site_id"] for n in found} & planned
    assert all(0 <= n["distance_km"] <= 10 for n in found)
    assert [n["score"] for n in found] == sorted((n["score"] for n in found), reverse=True)
    one_day = api.get(f"/api/v1/itineraries/{world.itinerary_id}/nearby", params={"day": 2, "radius_km": 10},
                      headers=_as(world, "agent_a")).json()
    assert {n["day"] for n in one_day} <= {2}
    assert api.get(f"/api/v1/itineraries/{world.itinerary_id}/nearby", params={"radius_km": 0},
                   headers=_as(world, "agent_a")).status_code == 422
    assert api.get(f"/api/v1/itineraries/{world.itinerary_id}/nearby", headers=_as(world, "agent_b")).status_code == 404


def test_street_view_links_only_with_a_google_key(world):
    from reports.itinerary.pdf import render_html
    from tourstack.itinerary import drafts
    from tourstack.itinerary.tripdoc import build_document
    from tourstack.itinerary.tripdoc_services import TripDocumentProviders

    keyed = TripDocumentProviders("AIza-test", "http://127.0.0.1:9", None, {})
    unkeyed = TripDocumentProviders(None, None, None, {})
    with world.sessions() as s:
        itinerary = drafts.get_itinerary(s, world.itinerary_id, agency_id=None)
        # the legs stay offline: the Google base URL points nowhere and a failure falls back
        doc = build_document(s, itinerary, today=dt.date(2026, 1, 5), providers=keyed)
        plain = build_document(s, itinerary, today=dt.date(2026, 1, 5), providers=unkeyed)
    sites = [i for d in doc.days for i in d.items if i.kind == "site" and i.location]
    assert sites and all(i.street_view == "https://www.google.com/maps/@?api=1&map_action=pano&viewpoint="
                         f"{i.location.lat:.6f},{i.location.lon:.6f}" for i in sites)
    assert all(i.street_view is None for d in doc.days for i in d.items if i.kind != "site")
    assert all(i.street_view is None for d in plain.days for i in d.items)
    html = render_html(doc)
    assert html.count(">Street View</a>") == len(sites)
    assert "map_action=pano&amp;viewpoint=" in html  # escaped in the attribute
    assert "Street View" not in render_html(plain)


def test_the_route_map_json_is_scoped_like_the_itinerary(api, world):
    url = f"/api/v1/itineraries/{world.itinerary_id}/map"
    body = api.get(url, headers=_as(world, "agent_a")).json()
    assert body["itinerary_id"] == world.itinerary_id and len(body["days"]) == 2
    for day in body["days"]:
        stops = day["stops"]
        assert stops and all(s["kind"] in ("site", "hotel") for s in stops)
        assert all(20 < s["lat"] < 35 and 70 < s["lon"] < 85 for s in stops)  # Delhi, not 0/0
        if stops[0]["kind"] == "hotel" and len(stops) > 1:
            assert stops[-1] == stops[0]  # the day ends at the night's hotel
        assert all(s["street_view"] is None for s in stops)  # no Google key in this app
    assert api.get(url, headers=_as(world, "agent_b")).status_code == 404
    assert api.get(url).status_code == 401


def test_the_route_map_page_is_a_strict_shell_with_plotly_from_this_origin(api):
    page = api.get("/itinerary-map")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    policy = page.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe" not in policy
    assert '<script src="/pages/assets/plotly.min.js" defer></script>' in page.text
    assert "cdn" not in page.text.lower()
    plotly = api.get("/pages/assets/plotly.min.js")
    assert plotly.status_code == 200 and plotly.headers["content-type"].startswith("text/javascript")
    assert len(plotly.content) > 1_000_000 and b"plotly" in plotly.content[:2000].lower()
    assert api.get("/pages/assets/itinerary-map.js").status_code == 200
