"""Search endpoints on the embedded tantivy backend, indexed from the test database itself."""

from __future__ import annotations

import json

import pytest

from tests import factories as f
from tests.unit.api.conftest import auth
from tests.unit.api.test_auth import assert_problem
from tourstack.db.models import Itinerary, Site
from tourstack.search import SearchService
from tourstack.search.documents import rebuild_from_database
from tourstack.search.tantivy_backend import TantivyBackend


def _site(dest_id: int, name: str, category: str, level: int, popularity: int, description: str) -> Site:
    return Site(destination_id=dest_id, name=name, category=category, latitude=28.6, longitude=77.2,
                typical_duration_minutes=90, price_minor=level * 1000, price_currency="INR",
                price_level=level, best_season="winter", popularity=popularity, description=description)


def _itinerary(dest_id: int, title: str, agency_id: int | None) -> Itinerary:
    return Itinerary(agency_id=agency_id, destination_id=dest_id, title=title, days_count=3,
                     budget_level="moderate", travel_style="relaxed", status="approved",
                     source="manual", currency="INR", estimated_cost_minor=5_000_000)


@pytest.fixture
def searchable(app, world, session_factory, tmp_path):
    with session_factory() as s:
        delhi = f.make_destination(s, name="Delhi", city="Delhi")
        s.add_all([
            _site(delhi.id, "Humayun's Tomb", "monument", 1, 70, "Garden tomb of a Mughal emperor"),
            _site(delhi.id, "Red Fort", "fort", 1, 90, "Sandstone fort"),
            _site(delhi.id, "Bahá'í House of Worship", "temple", 0, 75, "The Lotus Temple"),
            _itinerary(delhi.id, "Delhi Heritage Template", None),
            _itinerary(delhi.id, "Delhi for Agency A", world.agency_a.id),
            _itinerary(delhi.id, "Delhi for Agency B", world.agency_b.id),
            _itinerary(delhi.id, "Chandrakanta Wedding for Agency B", world.agency_b.id),
        ])
        s.commit()
        service = SearchService(TantivyBackend(tmp_path / "search"))
        rebuild_from_database(s, service)
    app.state.search = service
    return world


def test_sites_typo_facets_and_highlight(client, searchable):
    response = client.get("/api/v1/search/sites", params={"q": "Humayon's tomb"},
                          headers=auth(searchable.keys["agent_a"]))
    assert response.status_code == 200, response.text
    body = response.json()
    assert [h["document"]["name"] for h in body["hits"]] == ["Humayun's Tomb"]
    assert "<mark>Tomb</mark>" in body["hits"][0]["highlights"]["name"]
    assert body["facets"]["category"] == [{"value": "monument", "count": 1}]


def test_sites_filter_by_price_range(client, searchable):
    headers = auth(searchable.keys["ops"])
    free = client.get("/api/v1/search/sites", params={"q": "delhi", "priceRange": "free"}, headers=headers)
    assert [h["document"]["name"] for h in free.json()["hits"]] == ["Bahá'í House of Worship"]
    assert free.json()["facets"]["price_range"] == [{"value": "free", "count": 1}]


def test_agent_searches_only_own_agency_bookings(client, searchable):
    mine = client.get("/api/v1/search/bookings", params={"q": "traveller"}, headers=auth(searchable.keys["agent_a"]))
    assert mine.status_code == 200, mine.text
    refs = {h["document"]["booking_ref"] for h in mine.json()["hits"]}
    assert refs == {b.booking_ref for b in searchable.bookings_a}
    assert mine.json()["facets"]["status"] == [{"value": "confirmed", "count": len(searchable.bookings_a)}]
    staff = client.get("/api/v1/search/bookings", params={"q": "traveller"}, headers=auth(searchable.keys["ops"]))
    assert staff.json()["total"] == len(searchable.bookings_a) + len(searchable.bookings_b)


def test_agent_cannot_find_another_agencys_booking_by_reference(client, searchable):
    ref = searchable.bookings_b[0].booking_ref
    response = client.get("/api/v1/search/bookings", params={"q": ref}, headers=auth(searchable.keys["agent_a"]))
    assert response.json()["total"] == 0
    own = searchable.bookings_a[0].booking_ref
    response = client.get("/api/v1/search/bookings", params={"q": own}, headers=auth(searchable.keys["agent_a"]))
    assert [h["document"]["booking_ref"] for h in response.json()["hits"]] == [own]


def test_agents_index_is_scoped(client, searchable):
    response = client.get("/api/v1/search/agents", params={"q": "agent"}, headers=auth(searchable.keys["agent_a"]))
    assert {h["id"] for h in response.json()["hits"]} == {str(searchable.agent_a.id)}


def test_itineraries_templates_and_own(client, searchable):
    response = client.get("/api/v1/search/itineraries", params={"q": "delhi"}, headers=auth(searchable.keys["agent_a"]))
    titles = {h["document"]["title"] for h in response.json()["hits"]}
    assert titles == {"Delhi Heritage Template", "Delhi for Agency A"}


def test_suggestions_are_scoped(client, searchable):
    response = client.get("/api/v1/search/suggestions", params={"q": "bk"}, headers=auth(searchable.keys["agent_a"]))
    assert response.status_code == 200, response.text
    found = {item["text"] for item in response.json()["items"] if item["index"] == "bookings"}
    assert found and found <= {b.booking_ref for b in searchable.bookings_a}
    sites = client.get("/api/v1/search/suggestions", params={"q": "red f"}, headers=auth(searchable.keys["agent_a"]))
    assert [(i["index"], i["text"]) for i in sites.json()["items"]] == [("sites", "Red Fort")]


def test_autocomplete_answers_what_suggestions_answered(client, searchable):
    headers = auth(searchable.keys["agent_a"])
    response = client.get("/api/v1/search/autocomplete", params={"q": "red f"}, headers=headers)
    assert response.status_code == 200, response.text
    assert response.json() == {"items": [{"index": "sites", "id": response.json()["items"][0]["id"],
                                          "text": "Red Fort", "highlight": "<mark>Red</mark> <mark>Fort</mark>"}]}
    assert client.get("/api/v1/search/suggestions", params={"q": "red f"}, headers=headers).json()["items"] == \
        response.json()["items"]


def test_suggestions_say_did_you_mean(client, searchable):
    response = client.get("/api/v1/search/suggestions", params={"q": "humayon tomb"},
                          headers=auth(searchable.keys["agent_a"]))
    assert response.status_code == 200, response.text
    assert response.json()["did_you_mean"] == {"text": "humayun's tomb", "highlight": "<mark>humayun&#x27;s</mark> tomb",
                                               "changes": [["humayon", "humayun's"]]}
    known = client.get("/api/v1/search/suggestions", params={"q": "red fort"}, headers=auth(searchable.keys["agent_a"]))
    assert known.json()["did_you_mean"] is None


def test_did_you_mean_never_spells_another_agencys_words(client, searchable):
    # "Chandrakanta" is only in agency B's generated itinerary.
    params = {"q": "chandrakantha"}
    mine = client.get("/api/v1/search/suggestions", params=params, headers=auth(searchable.keys["agent_a"]))
    assert mine.status_code == 200 and mine.json()["did_you_mean"] is None
    staff = client.get("/api/v1/search/suggestions", params=params, headers=auth(searchable.keys["ops"]))
    assert staff.json()["did_you_mean"]["text"] == "chandrakanta"


def test_suppliers_are_staff_only(client, searchable):
    assert_problem(client.get("/api/v1/search/suppliers", params={"q": "supplier"},
                              headers=auth(searchable.keys["agent_a"])), 403)
    response = client.get("/api/v1/search/suppliers", params={"q": "supplier"}, headers=auth(searchable.keys["ops"]))
    assert response.status_code == 200 and response.json()["total"] >= 1


def test_cursor_pages_and_refuses_a_foreign_cursor(client, searchable):
    headers = auth(searchable.keys["ops"])
    first = client.get("/api/v1/search/bookings", params={"q": "traveller", "limit": 5}, headers=headers).json()
    second = client.get("/api/v1/search/bookings", params={"q": "traveller", "limit": 5, "cursor": first["next_cursor"]},
                        headers=headers).json()
    assert len(first["hits"]) == 5 and len(second["hits"]) == 3 and second["next_cursor"] is None
    foreign = client.get("/api/v1/search/bookings", params={"q": "agent", "limit": 5, "cursor": first["next_cursor"]},
                         headers=headers)
    assert assert_problem(foreign, 422)["type"] == "/problems/invalid-cursor"


@pytest.mark.parametrize("params", [
    {"q": ""}, {}, {"q": "x" * 10_000}, {"q": '"'}, {"q": "\\"}, {"q": "("}, {"q": "*"},
    {"q": "fort", "limit": 0}, {"q": "fort", "facets": "colour"}, {"q": "fort", "sort": "colour"},
    {"q": "fort", "colour": "red"}, {"q": "fort", "cursor": "garbage"},
])
def test_bad_input_is_a_problem_not_a_500(client, searchable, params):
    for path in ("/api/v1/search/sites", "/api/v1/search/bookings"):
        response = client.get(path, params=params, headers=auth(searchable.keys["agent_a"]))
        body = assert_problem(response, 422)
        assert "Traveller" not in response.text, body


@pytest.mark.parametrize("q", ['name:fort', '"red fort', 'fort)', 'red: fort', 'fort\\'])
def test_query_syntax_characters_are_text(client, searchable, q):
    response = client.get("/api/v1/search/sites", params={"q": q}, headers=auth(searchable.keys["agent_a"]))
    assert response.status_code == 200, response.text
    assert all("Fort" in h["document"]["name"] for h in response.json()["hits"])


def test_an_index_not_built_is_a_conflict_not_a_500(app, client, world, tmp_path):
    app.state.search = SearchService(TantivyBackend(tmp_path / "empty"))
    response = client.get("/api/v1/search/sites", params={"q": "fort"}, headers=auth(world.keys["ops"]))
    assert assert_problem(response, 409)["type"] == "/problems/search-unavailable"


def test_unknown_search_index_is_not_found_or_invalid(client, searchable):
    response = client.get("/api/v1/search/planets", params={"q": "fort"}, headers=auth(searchable.keys["ops"]))
    assert response.status_code in (404, 422) and response.headers["content-type"].startswith("application/problem+json")


def test_writes_through_the_api_sessions_leave_search_outbox_messages(app, world):
    from sqlalchemy import select

    from tourstack.db.models import OutboxMessage

    sessions = app.state.database.sessionmaker
    with sessions() as s:
        booking = f.make_booking(s, world.agent_a, booking_ref="BKAPI00001")
        s.commit()
        messages = s.scalars(select(OutboxMessage).where(OutboxMessage.channel == "search")).all()
    assert {"index": "bookings", "id": booking.id} in [json.loads(m.payload) for m in messages]


def test_the_published_query_length_is_the_configured_one():
    from api.routes.search import MAX_QUERY_CHARS
    from tourstack.search.config import default_config

    assert MAX_QUERY_CHARS == default_config().max_query_chars
