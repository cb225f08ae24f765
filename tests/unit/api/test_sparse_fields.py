"""`fields=a,b` on pages, lists and single resources; unknown names are a 400 listing the valid ones."""

from __future__ import annotations

from tests.unit.api.conftest import auth


def test_a_page_keeps_its_cursor_and_each_item_only_the_named_fields(client, world):
    response = client.get("/api/v1/bookings?limit=2&fields=booking_ref,status", headers=auth(world.keys["ops"]))
    assert response.status_code == 200, response.text
    page = response.json()
    assert page["next_cursor"] and len(page["items"]) == 2
    assert all(set(item) == {"booking_ref", "status"} for item in page["items"])
    full = client.get("/api/v1/bookings?limit=2", headers=auth(world.keys["ops"])).json()
    assert [i["booking_ref"] for i in page["items"]] == [i["booking_ref"] for i in full["items"]]
    assert int(response.headers["content-length"]) == len(response.content)


def test_a_single_resource_and_repeated_parameters(client, world):
    ref = world.bookings_a[0].booking_ref
    one = client.get(f"/api/v1/bookings/{ref}?fields=booking_ref&fields=status", headers=auth(world.keys["agent_a"]))
    assert one.status_code == 200 and set(one.json()) == {"booking_ref", "status"}


def test_unknown_fields_are_a_problem_naming_the_valid_ones(client, world):
    response = client.get("/api/v1/bookings?fields=booking_ref,password", headers=auth(world.keys["ops"]))
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["type"].endswith("/invalid-fields") and "password" in problem["detail"]
    assert "booking_ref" in problem["valid_fields"] and "password" not in problem["valid_fields"]
    assert client.get("/api/v1/bookings?fields=,", headers=auth(world.keys["ops"])).status_code == 400


def test_fields_never_bypass_auth_or_scope(client, world):
    other = world.bookings_b[0].booking_ref
    assert client.get("/api/v1/bookings?fields=booking_ref").status_code == 401
    assert client.get(f"/api/v1/bookings/{other}?fields=booking_ref",
                      headers=auth(world.keys["agent_a"])).status_code == 404
    page = client.get("/api/v1/bookings?fields=booking_ref", headers=auth(world.keys["agent_a"])).json()
    assert {i["booking_ref"] for i in page["items"]} == {b.booking_ref for b in world.bookings_a}
