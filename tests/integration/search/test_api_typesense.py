"""The search API on a real Typesense server: scoping and bad input end to end."""

from __future__ import annotations

import pytest

from tests.integration.search.conftest import API_KEY
from tests.unit.api.conftest import app, auth, client, session_factory, world  # noqa: F401 (fixtures)
from tests.unit.api.test_auth import assert_problem
from tourstack.search import SearchService, default_config
from tourstack.search.documents import rebuild_from_database
from tourstack.search.typesense_backend import TypesenseBackend


@pytest.fixture
def searchable(app, world, session_factory, typesense_url, typesense_prefix):  # noqa: F811
    service = SearchService(TypesenseBackend(typesense_url, API_KEY, default_config(), prefix=typesense_prefix))
    with session_factory() as s:
        rebuild_from_database(s, service)
    app.state.search = service
    return world


def test_agent_sees_only_own_bookings_and_counts(client, searchable):  # noqa: F811
    mine = client.get("/api/v1/search/bookings", params={"q": "traveller"}, headers=auth(searchable.keys["agent_a"]))
    assert mine.status_code == 200, mine.text
    assert {h["document"]["booking_ref"] for h in mine.json()["hits"]} == {b.booking_ref for b in searchable.bookings_a}
    assert mine.json()["facets"]["status"] == [{"value": "confirmed", "count": len(searchable.bookings_a)}]
    ref_b = searchable.bookings_b[0].booking_ref
    assert client.get("/api/v1/search/bookings", params={"q": ref_b},
                      headers=auth(searchable.keys["agent_a"])).json()["total"] == 0
    staff = client.get("/api/v1/search/bookings", params={"q": "traveller"}, headers=auth(searchable.keys["ops"]))
    assert staff.json()["total"] == len(searchable.bookings_a) + len(searchable.bookings_b)


def test_suggestions_never_show_another_agencys_bookings(client, searchable):  # noqa: F811
    response = client.get("/api/v1/search/suggestions", params={"q": "bk"}, headers=auth(searchable.keys["agent_a"]))
    found = {i["text"] for i in response.json()["items"] if i["index"] == "bookings"}
    assert found and found <= {b.booking_ref for b in searchable.bookings_a}


@pytest.mark.parametrize("params", [{"q": ""}, {"q": "x" * 10_000}, {"q": '"'}, {"q": "fort", "limit": 0},
                                    {"q": "fort", "sort": "colour"}, {"q": "fort", "cursor": "garbage"},
                                    {"q": "fort", "status": "x`||agency_id:>0"}])
def test_bad_input_is_a_problem(client, searchable, params):  # noqa: F811
    response = client.get("/api/v1/search/bookings", params=params, headers=auth(searchable.keys["agent_a"]))
    assert_problem(response, 422)
