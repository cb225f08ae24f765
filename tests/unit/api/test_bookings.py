"""Bookings: agency isolation, pagination, filters, cost visibility."""

from __future__ import annotations

import datetime as dt

import pytest

from tests import factories as f
from tests.unit.api.conftest import auth
from tests.unit.api.test_auth import assert_problem


def refs(response) -> list[str]:
    return [item["booking_ref"] for item in response.json()["items"]]


def test_agent_lists_only_own_agency(client, world):
    response = client.get("/api/v1/bookings", headers=auth(world.keys["agent_a"]))
    assert response.status_code == 200
    assert set(refs(response)) == {b.booking_ref for b in world.bookings_a}
    assert all(item["agency_id"] == world.agency_a.id for item in response.json()["items"])
    response_b = client.get("/api/v1/bookings", headers=auth(world.keys["agent_b"]))
    assert set(refs(response_b)) == {b.booking_ref for b in world.bookings_b}


def test_staff_lists_all_agencies(client, world):
    response = client.get("/api/v1/bookings", headers=auth(world.keys["ops"]))
    assert len(response.json()["items"]) == len(world.bookings_a) + len(world.bookings_b)


def test_agent_gets_own_booking_with_items_but_no_costs(client, world):
    ref = world.bookings_a[0].booking_ref
    response = client.get(f"/api/v1/bookings/{ref}", headers=auth(world.keys["agent_a"]))
    assert response.status_code == 200
    body = response.json()
    assert body["booking_ref"] == ref
    assert body["total_sell"] == {"amount": "120000.00", "currency": "INR"}
    assert body["total_cost"] is None
    assert len(body["items"]) == 1 and body["items"][0]["cost"] is None
    assert body["items"][0]["sell"] == {"amount": "40000.00", "currency": "INR"}


def test_finance_sees_costs_as_decimal_strings(client, world):
    ref = world.bookings_a[0].booking_ref
    body = client.get(f"/api/v1/bookings/{ref}", headers=auth(world.keys["finance"])).json()
    assert body["total_cost"] == {"amount": "95000.00", "currency": "INR"}
    assert body["items"][0]["cost"] == {"amount": "30000.00", "currency": "INR"}


def test_other_agencys_booking_is_404_not_403(client, world):
    ref_b = world.bookings_b[0].booking_ref
    response = client.get(f"/api/v1/bookings/{ref_b}", headers=auth(world.keys["agent_a"]))
    body = assert_problem(response, 404)
    missing = client.get("/api/v1/bookings/NOPE0000", headers=auth(world.keys["agent_a"]))
    # Indistinguishable from a booking that does not exist (apart from the ref itself).
    assert missing.json()["type"] == body["type"] and missing.json()["title"] == body["title"]
    assert client.get(f"/api/v1/bookings/{ref_b}", headers=auth(world.keys["agent_b"])).status_code == 200


def test_pagination_walks_every_row_once(client, world):
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        params = {"limit": 3} | ({"cursor": cursor} if cursor else {})
        body = client.get("/api/v1/bookings", params=params, headers=auth(world.keys["admin"])).json()
        seen += [item["booking_ref"] for item in body["items"]]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            break
    all_refs = {b.booking_ref for b in world.bookings_a + world.bookings_b}
    assert len(seen) == len(set(seen)) == len(all_refs)
    assert set(seen) == all_refs
    assert pages == 3  # 3 + 3 + 2


def test_agent_pagination_stays_in_scope(client, world):
    first = client.get("/api/v1/bookings", params={"limit": 2}, headers=auth(world.keys["agent_a"])).json()
    second = client.get(
        "/api/v1/bookings", params={"limit": 10, "cursor": first["next_cursor"]},
        headers=auth(world.keys["agent_a"]),
    ).json()
    got = [i["booking_ref"] for i in first["items"] + second["items"]]
    assert sorted(got) == sorted(b.booking_ref for b in world.bookings_a)
    assert second["next_cursor"] is None


def test_exact_page_boundary_has_no_next_cursor(client, world):
    body = client.get("/api/v1/bookings", params={"limit": 5}, headers=auth(world.keys["agent_a"])).json()
    assert len(body["items"]) == 5 and body["next_cursor"] is None


@pytest.mark.parametrize("cursor", ["garbage", "eyJ2IjoxfQ", "!!!", "eyJ2IjoxLCJpZCI6LTF9"])
def test_bad_cursor_is_400_problem(client, world, cursor):
    response = client.get("/api/v1/bookings", params={"cursor": cursor}, headers=auth(world.keys["ops"]))
    body = assert_problem(response, 400)
    assert body["type"] == "/problems/invalid-cursor"


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": 500}, {"limit": "x"},
                                    {"status": "bogus"}, {"booked_from": "yesterday"}])
def test_bad_query_is_422_problem(client, world, params):
    response = client.get("/api/v1/bookings", params=params, headers=auth(world.keys["ops"]))
    body = assert_problem(response, 422)
    assert body["type"] == "/problems/validation-error"
    assert body["errors"] and "input" not in body["errors"][0]


def test_status_and_date_filters(client, world, session_factory):
    with session_factory() as s:
        agent = s.get(type(world.agent_a), world.agent_a.id)
        early = f.make_booking(s, agent, booked_at=dt.datetime(2025, 1, 15, 23, 30, tzinfo=dt.UTC),
                               status="cancelled")
        s.commit()
        early_ref = early.booking_ref
    headers = auth(world.keys["agent_a"])
    cancelled = client.get("/api/v1/bookings", params={"status": "cancelled"}, headers=headers)
    assert refs(cancelled) == [early_ref]
    in_range = client.get("/api/v1/bookings", params={"booked_from": "2025-01-15", "booked_to": "2025-01-15"},
                          headers=headers)
    assert refs(in_range) == [early_ref]
    later = client.get("/api/v1/bookings", params={"booked_from": "2025-01-16"}, headers=headers)
    assert early_ref not in refs(later) and len(refs(later)) == 5
    inverted = client.get("/api/v1/bookings", params={"booked_from": "2025-02-01", "booked_to": "2025-01-01"},
                          headers=headers)
    assert_problem(inverted, 422)


def test_soft_deleted_booking_is_hidden(client, world, session_factory):
    from tourstack.db.models import Booking

    with session_factory() as s:
        booking = s.get(Booking, world.bookings_a[0].id)
        booking.deleted_at = dt.datetime.now(dt.UTC)
        s.commit()
    response = client.get(f"/api/v1/bookings/{world.bookings_a[0].booking_ref}",
                          headers=auth(world.keys["ops"]))
    assert response.status_code == 404
